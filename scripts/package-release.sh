#!/usr/bin/env bash
# Packs one release build as the asset action/run.sh and cargo-binstall download:
#   <out>/stretchlint-<tag>-<triple>.tar.gz    (a .zip for Windows triples)
#   <out>/stretchlint-<tag>-<triple>.tar.gz.sha256    (`sha256sum` format: `<sha256>  <asset>`)
# The archive holds, at its top level (no folder), the binary (stretchlint, or stretchlint.exe),
# LICENSE and README.md. Called by .github/workflows/release.yml; tests/release.rs runs it and feeds
# its output to action/run.sh.
#
# Usage: scripts/package-release.sh <tag> <target-triple> <binary> <out-dir>
set -euo pipefail

if (($# != 4)); then
    echo "usage: $0 <tag> <target-triple> <binary> <out-dir>" >&2
    exit 2
fi
tag=$1 triple=$2 binary=$3 out=$4
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Both become part of a file name and a URL.
for v in "$tag" "$triple"; do
    [[ $v =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || {
        echo "$0: not a tag or target triple: '$v'" >&2
        exit 2
    }
done
[[ -f $binary ]] || {
    echo "$0: no binary at $binary" >&2
    exit 2
}

mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/stretchlint-package.XXXXXX")
trap 'rm -rf "$stage"' EXIT

case $triple in
    *-windows-*)
        exe=stretchlint.exe
        asset="stretchlint-$tag-$triple.zip"
        ;;
    *)
        exe=stretchlint
        asset="stretchlint-$tag-$triple.tar.gz"
        ;;
esac
cp "$binary" "$stage/$exe"
chmod 755 "$stage/$exe"
cp "$repo_root/LICENSE" "$repo_root/README.md" "$stage/"

rm -f "$out/$asset"
case $asset in
    *.zip)
        # zip where there is one; Windows runners have 7-Zip; else Python's zipfile.
        if command -v zip >/dev/null; then
            (cd "$stage" && zip -q -X "$out/$asset" "$exe" LICENSE README.md)
        elif command -v 7z >/dev/null; then
            (cd "$stage" && 7z a -tzip -bd "$out/$asset" "$exe" LICENSE README.md >/dev/null)
        else
            (cd "$stage" && python3 -m zipfile -c "$out/$asset" "$exe" LICENSE README.md)
        fi
        ;;
    *)
        tar -C "$stage" -czf "$out/$asset" "$exe" LICENSE README.md
        ;;
esac

if command -v sha256sum >/dev/null; then
    sum=$(sha256sum "$out/$asset" | awk '{ print $1 }')
else
    sum=$(shasum -a 256 "$out/$asset" | awk '{ print $1 }')
fi
printf '%s  %s\n' "$sum" "$asset" >"$out/$asset.sha256"
printf '%s\n' "$out/$asset"
