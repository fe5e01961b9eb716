#!/usr/bin/env bash
# Records a release's checksums in action/checksums.txt, the list the GitHub Action checks every
# download against: the lines of <dir>/*.sha256 (from scripts/package-release.sh) for <tag>
# replace any earlier lines for that tag; other tags' lines and the comments are kept, and the
# entries are sorted by file name. Run by .github/workflows/release.yml's `checksums` job, which
# commits the result (see its comments for why the tag then points at that commit).
#
# Usage: scripts/record-checksums.sh <tag> <dir> [<checksums-file>]
set -euo pipefail

if (($# < 2 || $# > 3)); then
    echo "usage: $0 <tag> <dir> [<checksums-file>]" >&2
    exit 2
fi
tag=$1 dir=$2
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
file=${3:-$repo_root/action/checksums.txt}

[[ $tag =~ ^[A-Za-z0-9][A-Za-z0-9._+-]*$ ]] || {
    echo "$0: not a tag: '$tag'" >&2
    exit 2
}
shopt -s nullglob
sums=("$dir"/stretchlint-"$tag"-*.sha256)
((${#sums[@]} > 0)) || {
    echo "$0: no $dir/stretchlint-$tag-*.sha256" >&2
    exit 1
}
new=$(mktemp)
trap 'rm -f "$new"' EXIT
for f in "${sums[@]}"; do
    # One `<64 hex>  stretchlint-<tag>-<triple>.<tar.gz|zip>` line, nothing else.
    if ! awk -v tag="$tag" 'NF == 2 && length($1) == 64 && $1 !~ /[^0-9a-f]/ && index($2, "stretchlint-" tag "-") == 1 && $2 ~ /\.(tar\.gz|zip)$/ { ok++ } END { exit !(ok == 1 && NR == 1) }' "$f"; then
        echo "$0: $f is not one sha256sum line for a stretchlint-$tag asset" >&2
        exit 1
    fi
done
{
    # The comments, then every other tag's entries and this tag's new ones, by file name.
    grep -E '^[[:space:]]*(#|$)' "$file" || true
    {
        grep -vE '^[[:space:]]*(#|$)' "$file" | awk -v p="stretchlint-$tag-" 'index($2, p) != 1' || true
        cat "${sums[@]}"
    } | LC_ALL=C sort -k2,2
} >"$new"
cat "$new" >"$file"
