#!/usr/bin/env bash
# The GitHub Action's logic (action.yml only maps inputs to INPUT_* variables and calls this), kept
# here so that it runs, and is tested, outside GitHub: tests/action.rs drives it with STRETCHLINT_BIN.
#
# Inputs (environment):
#   INPUT_PATHS       files/folders to check, split on whitespace and newlines (default ".")
#   INPUT_VERSION     release tag to download; empty: the release of the action's own tag (such as
#                     `uses: stretchlint/stretchlint@v0.1.0`), else build from the action's source
#   INPUT_ARGS        extra `stretchlint check` flags, split on whitespace and newlines (no quoting:
#                     a flag value cannot hold a space)
#   INPUT_FAIL_ON     error|warning|info
#   INPUT_SARIF_FILE  where to write SARIF; empty: no SARIF
#   INPUT_ANNOTATE    true|false: GitHub annotations on stdout, else the human report
#   STRETCHLINT_BIN   use this binary instead of installing one
#   STRETCHLINT_ACTION_REF
#                     the action's own ref (`${{ github.action_ref }}`, set by action.yml: the runner
#                     leaves GITHUB_ACTION_REF empty in a composite action's steps, actions/runner#2473)
#   STRETCHLINT_ACTION_DOWNLOAD_BASE
#                     where release assets are fetched from, as <base>/<tag>/<asset>: an https:// URL
#                     (default: the GitHub releases), or a file:// URL or absolute folder (tests, a
#                     mirror). Whatever the source, the asset must match action/checksums.txt.
#
# `run.sh --plan` only tells action.yml, as step outputs, whether this run will build from source
# (`build-from-source=true|false`) and the SHA-256 of Cargo.lock (`cargo-lock-sha256`), so that the
# cargo cache step runs, keyed on the lock file, only when there is something to cache.
#
# Exit code: the scan's (0 clean, 1 findings at or above fail-on, 2 could not run).
set -euo pipefail

RELEASES_URL=https://github.com/stretchlint/stretchlint/releases/download

action_path=${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

# Ends a run that could not check anything: exit code 2, as stretchlint itself uses for that.
fail() {
    # A workflow command, so that the message shows on the run page, not only in the log. The
    # message may quote an input: escaped, a line break in it cannot start another command.
    local msg=$*
    msg=${msg//'%'/%25}
    msg=${msg//$'\r'/%0D}
    msg=${msg//$'\n'/%0A}
    printf '::error title=stretchlint action::%s\n' "$msg"
    # Set for steps that read the output after `continue-on-error`.
    if [[ -n ${GITHUB_OUTPUT:-} ]]; then
        printf 'exit-code=2\nsarif-file=\n' >>"$GITHUB_OUTPUT"
    fi
    exit 2
}

note() {
    printf 'stretchlint action: %s\n' "$*" >&2
}

# Rust target triple of the runner, as the release assets name them; sets $triple. Returns 1 (with
# $triple empty and $runner set) for a runner no release is built for.
target_triple() {
    local os=${RUNNER_OS:-} arch=${RUNNER_ARCH:-}
    if [[ -z $os ]]; then
        case $(uname -s) in
            Linux) os=Linux ;;
            Darwin) os=macOS ;;
            MINGW* | MSYS* | CYGWIN*) os=Windows ;;
            *) os=$(uname -s) ;;
        esac
    fi
    if [[ -z $arch ]]; then
        case $(uname -m) in
            x86_64 | amd64) arch=X64 ;;
            aarch64 | arm64) arch=ARM64 ;;
            *) arch=$(uname -m) ;;
        esac
    fi
    runner="$os/$arch"
    triple=
    # The triples .github/workflows/release.yml builds (tests/release.rs holds the two lists equal).
    case $runner in
        # musl: a static binary runs on any distribution and in Alpine containers.
        Linux/X64) triple=x86_64-unknown-linux-musl ;;
        Linux/ARM64) triple=aarch64-unknown-linux-musl ;;
        macOS/X64) triple=x86_64-apple-darwin ;;
        macOS/ARM64) triple=aarch64-apple-darwin ;;
        Windows/X64) triple=x86_64-pc-windows-msvc ;;
        *) return 1 ;;
    esac
}

# The release asset of $version for $triple; sets $asset and $exe.
asset_name() {
    case $triple in
        *-windows-*)
            asset="stretchlint-$version-$triple.zip"
            exe=stretchlint.exe
            ;;
        *)
            asset="stretchlint-$version-$triple.tar.gz"
            exe=stretchlint
            ;;
    esac
}

# Writes the pinned checksum line of $asset (sha256sum format) to $1; returns 1 when there is none.
pinned_checksum() {
    awk -v f="$asset" '!/^[[:space:]]*#/ && NF == 2 && ($2 == f || $2 == "*" f) { print $1 "  " f }' \
        "$action_path/action/checksums.txt" >"$1" 2>/dev/null && [[ -s $1 ]]
}

sha256_check() {
    if command -v sha256sum >/dev/null; then
        sha256sum -c --status "$@"
    elif command -v shasum >/dev/null; then
        shasum -a 256 -c --status "$@"
    else
        fail "neither sha256sum nor shasum found: cannot verify the download"
    fi
}

sha256_of() {
    if command -v sha256sum >/dev/null; then
        sha256sum "$1" | awk '{ print $1 }'
    elif command -v shasum >/dev/null; then
        shasum -a 256 "$1" | awk '{ print $1 }'
    fi
}

# The action's own ref: the `uses: owner/repo@REF` of the workflow. action.yml passes it as
# STRETCHLINT_ACTION_REF; else GITHUB_ACTION_REF; else the folder the runner checked the action
# out to, .../_actions/<owner>/<repo>/<ref>.
action_ref() {
    local ref=${STRETCHLINT_ACTION_REF:-${GITHUB_ACTION_REF:-}}
    if [[ -z $ref && $action_path == */_actions/*/*/* ]]; then
        ref=${action_path##*/}
    fi
    printf '%s' "$ref"
}

version=${INPUT_VERSION:-}
# Where $version came from: the input (a missing checksum is an error), or the action's own tag
# (then it only means this ref has no release, and the action builds from source).
version_from=input
if [[ -z $version ]]; then
    ref=$(action_ref)
    # A release tag (v1.2.3, v1.2.3-rc.1), not a branch, a commit or a moving major tag such as v1.
    if [[ $ref =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]]; then
        version=$ref
        version_from=action-ref
    fi
fi

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/stretchlint-action.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [[ ${1:-} == --plan ]]; then
    # Never fails: a bad input is reported, with the exit-code output, by the step that runs.
    from_source=true
    if [[ -n ${STRETCHLINT_BIN:-} ]]; then
        from_source=false
    elif [[ -n $version && $version =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
        if [[ $version_from == input ]]; then
            from_source=false
        elif target_triple; then
            asset_name
            if pinned_checksum "$work/sums"; then
                from_source=false
            fi
        fi
    fi
    lock_sha=$(sha256_of "$action_path/Cargo.lock" 2>/dev/null || true)
    out=${GITHUB_OUTPUT:-/dev/stdout}
    printf 'build-from-source=%s\ncargo-lock-sha256=%s\n' "$from_source" "${lock_sha:-none}" >>"$out"
    exit 0
fi

fail_on=${INPUT_FAIL_ON:-error}
case $fail_on in
    error | warning | info) ;;
    *) fail "input fail-on must be error, warning or info, not '$fail_on'" ;;
esac
annotate=${INPUT_ANNOTATE:-true}
case $annotate in
    true | false) ;;
    *) fail "input annotate must be true or false, not '$annotate'" ;;
esac
sarif_file=${INPUT_SARIF_FILE:-}
# The path goes into $GITHUB_OUTPUT, one `key=value` per line: a newline would forge other outputs.
if [[ $sarif_file == *$'\n'* || $sarif_file == *$'\r'* ]]; then
    fail "input sarif-file must not contain a line break"
fi
# The tag becomes part of a URL and a file name.
if [[ -n $version && ! $version =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]]; then
    fail "input version must be a release tag such as v0.1.0, not '$version'"
fi

# Split on spaces, tabs and newlines, with no glob expansion. `read -d ''` returns 1 at the end of
# its input, which is where it always stops here. Written for bash 3.2 too (macOS /bin/bash): no
# namerefs, no mapfile, and empty arrays expanded with ${a[@]+"${a[@]}"} under `set -u`.
paths=()
IFS=$' \t\n' read -r -d '' -a paths <<<"${INPUT_PATHS:-}" || true
if ((${#paths[@]} == 0)); then
    paths=(.)
fi
extra_args=()
IFS=$' \t\n' read -r -d '' -a extra_args <<<"${INPUT_ARGS:-}" || true

# Copies <base>/$1 to $2.
download() {
    local base=${STRETCHLINT_ACTION_DOWNLOAD_BASE:-$RELEASES_URL}
    base=${base%/}
    case $base in
        https://*)
            curl --proto '=https' --tlsv1.2 -fsSL --retry 3 -o "$2" "$base/$1" ||
                fail "could not download $base/$1"
            ;;
        file:///*)
            cp "${base#file://}/$1" "$2" || fail "could not copy $base/$1"
            ;;
        /*)
            cp "$base/$1" "$2" || fail "could not copy $base/$1"
            ;;
        *) fail "STRETCHLINT_ACTION_DOWNLOAD_BASE must be an https:// or file:// URL or an absolute folder, not '$base'" ;;
    esac
}

# Unpacks zip $1 into folder $2 with whichever tool the runner has: unzip or 7-Zip (Windows
# runners have 7z), Python, else PowerShell.
unzip_to() {
    if command -v unzip >/dev/null; then
        unzip -q -o "$1" -d "$2"
    elif command -v 7z >/dev/null; then
        7z x -y -bd "-o$2" "$1" >/dev/null
    elif command -v python3 >/dev/null; then
        python3 -m zipfile -e "$1" "$2"
    elif command -v pwsh >/dev/null; then
        # shellcheck disable=SC2016 # $args is PowerShell's, not the shell's.
        pwsh -NoProfile -Command 'Expand-Archive -Force -LiteralPath $args[0] -DestinationPath $args[1]' "$1" "$2"
    else
        fail "no unzip, 7z, python3 or pwsh found to unpack $1"
    fi
}

# Sets $bin. Not called in a command substitution, so that `fail` ends the script.
install_release() {
    local dir sums candidate
    dir="$work/release"
    mkdir -p "$dir"
    sums="$dir/SHA256SUMS"
    # Refuse before downloading: an asset with no pinned checksum could be anything.
    pinned_checksum "$sums" ||
        fail "no checksum for $asset in action/checksums.txt; use a released tag of the action, or leave input version empty to build from source"
    note "downloading $asset"
    download "$version/$asset" "$dir/$asset"
    (cd "$dir" && sha256_check SHA256SUMS) ||
        fail "checksum mismatch for $asset: it is not the file released as $version (action/checksums.txt has $(awk '{ print $1 }' "$sums"), the download $(sha256_of "$dir/$asset")); refusing to run it"
    mkdir -p "$dir/unpacked"
    case $asset in
        *.zip) unzip_to "$dir/$asset" "$dir/unpacked" || fail "could not unpack $asset" ;;
        *) tar -xzf "$dir/$asset" -C "$dir/unpacked" || fail "could not unpack $asset" ;;
    esac
    bin=
    # The archive may or may not wrap the binary in a folder.
    for candidate in "$dir/unpacked/$exe" "$dir"/unpacked/*/"$exe"; do
        if [[ -f $candidate ]]; then
            bin=$candidate
            break
        fi
    done
    [[ -n $bin ]] || fail "$asset holds no $exe"
    chmod +x "$bin"
}

# Sets $bin.
install_source() {
    command -v cargo >/dev/null || fail "cargo not found: set input version to a release tag, or install Rust first"
    note "building stretchlint from $action_path"
    # On a runner, in the folder action.yml's cache step saves and restores (keyed on Cargo.lock):
    # only the stretchlint crate is compiled again. Elsewhere, cargo's own default.
    if [[ ${GITHUB_ACTIONS:-} == true && -n ${HOME:-} ]]; then
        export CARGO_TARGET_DIR="$HOME/.cache/stretchlint-action/target"
        # Git Bash on Windows: cargo.exe wants C:\Users\..., not /c/Users/...
        if command -v cygpath >/dev/null; then
            CARGO_TARGET_DIR=$(cygpath -w "$CARGO_TARGET_DIR")
        fi
    fi
    # --locked: the versions the repository was tested with, not whatever resolves today.
    cargo install --locked --quiet --path "$action_path" --root "$work/cargo" ||
        fail "cargo install failed"
    bin="$work/cargo/bin/stretchlint"
}

if [[ -n ${STRETCHLINT_BIN:-} ]]; then
    [[ -x $STRETCHLINT_BIN ]] || fail "STRETCHLINT_BIN=$STRETCHLINT_BIN is not an executable file"
    bin=$STRETCHLINT_BIN
elif [[ -n $version ]]; then
    if ! target_triple; then
        if [[ $version_from == input ]]; then
            fail "no stretchlint release for runner $runner; leave input version empty to build from source"
        fi
        note "no stretchlint release for runner $runner: building from source"
        install_source
    else
        asset_name
        if [[ $version_from == action-ref ]] && ! pinned_checksum "$work/sums"; then
            # A tag of the action with no release for this runner (older than its checksums, say).
            note "action/checksums.txt has no $asset for the action's tag $version: building from source"
            install_source
        else
            install_release
        fi
    fi
else
    install_source
fi

cmd=("$bin" check "${paths[@]}" --fail-on "$fail_on")

if [[ ${GITHUB_EVENT_NAME:-} == pull_request || ${GITHUB_EVENT_NAME:-} == pull_request_target ]] &&
    [[ -n ${GITHUB_BASE_REF:-} ]]; then
    changed="$work/changed-files"
    # Three dots: what the PR changed since it forked from the base, not what the base gained since.
    if git diff --name-only "origin/$GITHUB_BASE_REF...HEAD" >"$changed" 2>"$work/git-diff.err"; then
        cmd+=(--changed-files "$changed")
    else
        note "could not list the files this pull request changes (a shallow clone? use actions/checkout with fetch-depth: 0); annotations are not ordered by changed files"
        sed 's/^/  git: /' "$work/git-diff.err" >&2
    fi
fi

summary="$work/summary.md"
if [[ $annotate == true ]]; then
    cmd+=(--format github)
else
    # Without annotations the log is the only place the findings show.
    cmd+=(--format human)
fi
cmd+=(--format markdown --output "$summary")
if [[ -n $sarif_file ]]; then
    mkdir -p "$(dirname "$sarif_file")"
    cmd+=(--format sarif --output "$sarif_file")
fi
cmd+=(${extra_args[@]+"${extra_args[@]}"})

status=0
errors="$work/stderr"
"${cmd[@]}" 2>"$errors" || status=$?
# Kept in a file to annotate with below; the log shows it all the same.
cat "$errors" >&2
case $status in
    0 | 1 | 2) ;;
    *)
        # A crash (panic: 101, or a signal) is "could not run" too; keep the code documented.
        note "stretchlint exited with status $status"
        status=2
        ;;
esac
if ((status == 2)); then
    # "No inputs found under ..." (paths that hold no manifest) and every other reason the scan
    # could not run, on the run page as well as in the log: the step fails with exit code 2.
    # The error and the lines that go with it ("  not read: ..."), from the first error line on.
    message=$(sed -n '/^stretchlint: error: /,$p' "$errors" | sed '1s/^stretchlint: error: //')
    message=${message:-stretchlint could not run (exit code 2); see the log}
    message=${message//'%'/%25}
    message=${message//$'\r'/%0D}
    message=${message//$'\n'/%0A}
    printf '::error title=stretchlint::%s\n' "$message"
fi

if [[ -n ${GITHUB_STEP_SUMMARY:-} && -s $summary ]]; then
    # GitHub rejects a step summary over 1 MiB, and drops all of it.
    limit=$((1024 * 1024 - 256))
    if (($(wc -c <"$summary") > limit)); then
        head -c "$limit" "$summary" >>"$GITHUB_STEP_SUMMARY"
        printf '\n\n_Summary cut at 1 MiB; the SARIF or JSON output has every finding._\n' \
            >>"$GITHUB_STEP_SUMMARY"
    else
        cat "$summary" >>"$GITHUB_STEP_SUMMARY"
    fi
fi

if [[ -n ${GITHUB_OUTPUT:-} ]]; then
    sarif_out=
    if [[ -n $sarif_file && -f $sarif_file ]]; then
        sarif_out=$sarif_file
    fi
    {
        printf 'exit-code=%s\n' "$status"
        printf 'sarif-file=%s\n' "$sarif_out"
    } >>"$GITHUB_OUTPUT"
fi

exit "$status"
