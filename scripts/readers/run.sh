#!/usr/bin/env bash
# One command: installs the readers (setup.sh), builds the calendar fixture with a moot
# binary and compares every feed with every reader (compare.py).
#
#   scripts/readers/run.sh [MOOT_BINARY] [compare.py options, e.g. --readers icaljs,libical --to 2032-01-01]
#
# MOOT_BINARY defaults to $MOOT, else target/release/moot of this checkout. The build uses
# SOURCE_DATE_EPOCH=1795608000 (2026-11-25) unless it is set. If the whole fixture does not
# build (a binary without `sessions:` or `except` ranges), the files its errors name are left
# out of a copy, which is built instead; the comparison still expects the whole fixture, so
# each left-out meeting is reported as "not built". Exit status: compare.py's (1 on any
# disagreement), or 2 if nothing could be built.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
fixture="$root/tests/fixtures/calendar"
moot="${MOOT:-$root/target/release/moot}"
if [[ $# -gt 0 && $1 != -* ]]; then moot="$1"; shift; fi
[[ -x $moot ]] || { echo "run.sh: no moot binary at $moot (build one, or pass its path)" >&2; exit 2; }
QUIET=1 bash "$here/setup.sh" || exit 2
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1795608000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/moot-readers.XXXXXX")"
trap 'rm -rf "$work"' EXIT

if ! "$moot" build --root "$fixture" --output "$work/public" >"$work/build.log" 2>&1; then
    echo "== the whole fixture does not build with $moot:"
    grep -E ': error: ' "$work/build.log" | sed 's/^/   /'
    mapfile -t bad < <(grep -oP '^content/[^:]+\.md(?=:[0-9]+:[0-9]+: error:)' "$work/build.log" | sort -u)
    ((${#bad[@]})) || { cat "$work/build.log"; exit 2; }
    cp -r "$fixture" "$work/fixture"
    for f in "${bad[@]}"; do rm -f "$work/fixture/$f"; done
    echo "== building without: ${bad[*]}"
    rm -rf "$work/public"
    if ! "$moot" build --root "$work/fixture" --output "$work/public" >"$work/build.log" 2>&1; then
        cat "$work/build.log"; exit 2
    fi
fi
grep -E ': warning: ' "$work/build.log" | sed 's/^/   build /'
python3 "$here/compare.py" "$work/public" --fixture "$fixture" "$@"
