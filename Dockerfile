# The stretchlint container image: one static binary on distroless, no shell, run as non-root.
#
#   docker build -t ghcr.io/stretchlint/stretchlint:dev .
#   docker run --rm -v "$PWD:/work" -w /work ghcr.io/stretchlint/stretchlint:dev check clusters
#
# .github/workflows/release.yml builds and pushes it on each `v*` tag, for linux/amd64 and
# linux/arm64; examples/audit/ use it. tests/release.rs checks the invariants noted below.

# Build: Alpine's Rust targets musl natively, so the binary is static. The same release Rust as
# the repository is tested with; rust-version in Cargo.toml is the least it accepts.
FROM docker.io/library/rust:1.95-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
# --locked: the dependency versions of Cargo.lock, the ones the tests ran with.
RUN cargo build --release --locked \
    && cp target/release/stretchlint /stretchlint \
    && /stretchlint --version

# Run: distroless static has no shell and no package manager, only CA certificates, tzdata and
# /etc/passwd with the `nonroot` user (65532). Nothing in stretchlint needs more.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /stretchlint /usr/local/bin/stretchlint
COPY --from=build /src/LICENSE /usr/share/doc/stretchlint/LICENSE
ENV PATH=/usr/local/bin:/usr/bin:/bin
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["stretchlint"]
CMD ["--help"]
