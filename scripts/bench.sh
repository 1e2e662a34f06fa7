#!/usr/bin/env bash
# Full-build benchmark: generates corpora with ../shared/bench/gen_corpus.py, builds each
# several times and prints the median wall time and peak RSS (from /usr/bin/time).
#
#   scripts/bench.sh                 # 1k and 10k pages, 5 runs each
#   RUNS=3 scripts/bench.sh 100000   # any sizes
#
# Two cases per size: "fresh" (a new output folder: every file is written) and "rebuild"
# (the folder holds the last build: everything is rendered and compared, only changed files
# are written).
#
# Each fresh run writes into a folder of its own, and they are removed at the end, not between
# runs: for about 30 s after a big folder is removed, ext4 checks each new file's inode against
# the recently deleted ones (recently_deleted() in the kernel profile), which on this VM adds
# 2-3 s of system time to whatever writes 18,000 files next (`cp -r` included).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sizes=${*:-1000 10000}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/moot-bench}
mkdir -p "$work"
cargo build --release --quiet
bin=target/release/moot
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795608000}

# Old outputs go aside now and are removed at the very end (see above).
trash="$work/trash-$$"
mkdir -p "$trash"
for old in "$work"/out-* "$work"/fresh-*; do [ -e "$old" ] && mv "$old" "$trash/"; done
trap 'rm -rf "$trash"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-8s %-8s %10s %12s\n' pages case "wall (s)" "peak RSS (MiB)"
for n in $sizes; do
  corpus="$work/corpus-$n"
  [ -f "$corpus/moot.toml" ] || python3 "$gen" --pages "$n" --out "$corpus" >/dev/null
  out="$work/out-$n"
  for case in fresh rebuild; do
    walls=(); rss=()
    for i in $(seq "$runs"); do
      dest="$out"
      [ "$case" = fresh ] && dest="$work/fresh-$n-$i" && sync
      /usr/bin/time -o "$work/time" -f '%e %M' "$bin" build --root "$corpus" --output "$dest" >/dev/null 2>&1
      m=$(tail -n 1 "$work/time")
      walls+=("${m% *}"); rss+=("${m#* }")
    done
    w=$(printf '%s\n' "${walls[@]}" | median)
    r=$(printf '%s\n' "${rss[@]}" | median)
    printf '%-8s %-8s %10.2f %12.0f\n' "$n" "$case" "$w" "$(echo "$r / 1024" | bc -l)"
    # The rebuilds update the first fresh build's folder.
    [ "$case" = fresh ] && mv "$work/fresh-$n-1" "$out"
  done
  mv "$work"/fresh-* "$trash/" 2>/dev/null || true
done
