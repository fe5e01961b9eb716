#!/usr/bin/env bash
# Runs the `stretchlint` hook of .pre-commit-hooks.yaml through a real pre-commit, the way a project
# that adds this repository to its .pre-commit-config.yaml gets it: pre-commit clones the hook
# repository, builds the tool with `cargo install` (language: rust) and passes it the staged files.
#
# Checks: a file with a planted SL209 fails the hook and the output names SL209 (and not the
# SL208 planted in a sibling file, which is read as context only); a file of a clean tree passes.
#
# Slow (a release build of the tool) and needs PyPI and crates.io, so not part of `cargo test`;
# .ci/run runs it unless STRETCHLINT_SKIP_PRE_COMMIT_TEST=1.
#
# Environment:
#   PRE_COMMIT_TRY_REPO_ISOLATED=1  build in a throwaway target dir, as a user's first run does,
#                                   instead of reusing <repo>/target (see CARGO_TARGET_DIR below)
#
# Measured on 2 cores: about 3.5 min with a cold target dir (the first try-repo compiles
# everything in release mode), under 1 min with a warm one.
set -euo pipefail

# Pinned so that a pre-commit release cannot change what this checks from one day to the next.
PRE_COMMIT_VERSION=4.7.0

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
planted_tree=fixtures/planted/ipi-overlay-fip
clean_tree=fixtures/architectures/ipi-overlay-fip
# Same file name in both trees: the planted copy has pod MTU 1400 over a 1442 node network.
file_in_tree=openshift/cluster-network-03-config.yml

start=$SECONDS
failures=0

pass() { printf 'PASS: %s\n' "$*"; }
fail() {
    printf 'FAIL: %s\n' "$*"
    failures=$((failures + 1))
}
die() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

for tool in python3 git; do
    command -v "$tool" >/dev/null || die "$tool not found"
done
# Without cargo on PATH pre-commit would download rustup and a toolchain: much slower, and not
# the case this script means to exercise.
command -v cargo >/dev/null || die "cargo not found"
for f in "$planted_tree/$file_in_tree" "$clean_tree/$file_in_tree"; do
    [[ -f $repo_root/$f ]] || die "fixture $f is missing"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stretchlint-pre-commit.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Everything pre-commit, pip, virtualenv and cargo keep between runs goes under $tmp, so nothing
# is left in ~/.cache and no earlier run's state hides a problem. (cargo's download cache in
# ~/.cargo/registry is the exception: it is shared by design, and only saves downloads.)
mkdir -p "$tmp/tmp"
export TMPDIR="$tmp/tmp"
export PRE_COMMIT_HOME="$tmp/pre-commit-home"
export PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
export VIRTUALENV_OVERRIDE_APP_DATA="$tmp/virtualenv-app-data"
# pre-commit runs `cargo install --bins --root <env> --path .`, which builds in a fresh temporary
# target dir unless CARGO_TARGET_DIR is set; and each try-repo installs the hook anew (it uses a
# throwaway store). Pointing CARGO_TARGET_DIR at the repository's target/ keeps the release-mode
# dependencies between installs and runs: only the stretchlint crate itself is rebuilt (its copy
# is new each time). The repository's own `cargo build` uses target/debug, so the two do not wait
# on each other's lock. Isolated, the first install is a user's cold one and the second reuses it.
if [[ ${PRE_COMMIT_TRY_REPO_ISOLATED:-} == 1 ]]; then
    export CARGO_TARGET_DIR="$tmp/target"
else
    export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo_root/target}"
fi

git_quiet() {
    # Identity and signing set here: a CI machine may have neither a user nor a working gpg.
    git -c init.defaultBranch=main -c user.name=stretchlint-test -c user.email=test@invalid \
        -c commit.gpgsign=false "$@"
}

echo "== pre-commit $PRE_COMMIT_VERSION in a virtualenv"
python3 -m venv "$tmp/venv"
"$tmp/venv/bin/python" -m pip install --quiet "pre-commit==$PRE_COMMIT_VERSION"
pre_commit="$tmp/venv/bin/pre-commit"
"$pre_commit" --version

echo "== snapshot of the working tree as the hook repository"
# `pre-commit try-repo <path>` on a dirty repository builds its shadow copy from staged and
# modified tracked files only (commands/try_repo.py): untracked files, such as a new
# .pre-commit-hooks.yaml or a new source file, would be missing. A commit of every file git would
# take (tracked or untracked, minus .gitignore'd) is what a user would clone once this is pushed.
hook_repo="$tmp/hook-repo"
mkdir -p "$hook_repo"
while IFS= read -r -d '' f; do
    # Tracked files deleted in the working tree are still listed.
    if [[ -e $repo_root/$f || -L $repo_root/$f ]]; then
        printf '%s\0' "$f"
    fi
done < <(git -C "$repo_root" ls-files -z --cached --others --exclude-standard) |
    tar -C "$repo_root" --null -T - -cf - | tar -C "$hook_repo" -xf -
[[ -f $hook_repo/.pre-commit-hooks.yaml ]] || die ".pre-commit-hooks.yaml missing from $repo_root"
git_quiet -C "$hook_repo" init -q
git_quiet -C "$hook_repo" add -A
git_quiet -C "$hook_repo" commit -q -m snapshot

echo "== project repository with the fixture clusters"
# Whole cluster trees: a file named on its own is linted with its cluster's other files as context.
project="$tmp/project"
mkdir -p "$project/planted" "$project/clean"
cp -R "$repo_root/$planted_tree" "$project/planted/"
cp -R "$repo_root/$clean_tree" "$project/clean/"
git_quiet -C "$project" init -q
git_quiet -C "$project" add -A
git_quiet -C "$project" commit -q -m fixtures
bad_file="planted/$(basename "$planted_tree")/$file_in_tree"
clean_file="clean/$(basename "$clean_tree")/$file_in_tree"

# Runs the hook on one file; sets $status and leaves the output in $tmp/out.
try_hook() {
    echo "== pre-commit try-repo ... stretchlint --files $1"
    local t0=$SECONDS
    status=0
    (cd "$project" && "$pre_commit" try-repo "$hook_repo" stretchlint --verbose --files "$1") \
        >"$tmp/out" 2>&1 || status=$?
    sed 's/^/    /' "$tmp/out"
    echo "   (exit $status, $((SECONDS - t0)) s)"
}

try_hook "$bad_file"
if ((status != 0)); then
    pass "hook fails on $bad_file"
else
    fail "hook passed on $bad_file, which has a planted SL209"
fi
if grep -q SL209 "$tmp/out"; then
    pass "output names SL209"
else
    fail "output does not name SL209"
fi
if grep -q SL208 "$tmp/out"; then
    fail "output reports SL208 from network.tf, a context file the hook was not given"
else
    pass "only the named file is reported (no SL208 from its sibling network.tf)"
fi

try_hook "$clean_file"
if ((status == 0)); then
    pass "hook passes on $clean_file"
else
    fail "hook failed (exit $status) on $clean_file, from a tree with no findings"
fi

echo "== $((SECONDS - start)) s in all"
if ((failures > 0)); then
    echo "FAIL: $failures check(s) failed"
    exit 1
fi
echo "PASS: pre-commit hook works"
