#!/usr/bin/env bash
# Full-build benchmark: generates corpora with ../shared/bench/gen_corpus.py, builds each
# several times and prints the median wall time and peak RSS (from /usr/bin/time).
#
#   scripts/bench.sh                 # 1k and 10k pages, 5 runs each
#   RUNS=3 scripts/bench.sh 100000   # any sizes
#
# Every run starts after `sync`, so none pays for the writeback of the run before it.
#
# Three cases per size: "fresh" (a new output folder: every file is written), "rebuild"
# (the folder holds the last build: everything is rendered and compared, only changed files
# are written) and "edit" (a rebuild after one meeting's text changed). A fourth row,
# "write only", is the floor under a fresh build on this machine: scripts/write_floor.py
# writes the same folders and files, held in memory, into a new folder with two processes,
# and times only that (no rendering at all).
#
# Each fresh run writes into a folder of its own; a bench's outputs are removed when the
# next bench starts, which then waits 6 minutes before measuring (WAIT=0 skips the wait).
# This machine's ext4 has no journal, and without one ext4 does not reuse an inode freed in
# the last minute, or the last 6 minutes while its block of the inode table is dirty, which
# every new file next to it makes it: each new file's allocation then scans past the freed
# ones (recently_deleted() in the kernel profile, 70% of the CPU). Minutes after 100,000
# files are removed, writing 18,000 costs 5-15 s of system time instead of 1-2 s, whatever
# writes them (`cp -r` included). Minutes after a `cargo build` that compiled moot, a 1k
# fresh build takes 0.6-0.9 s instead of 0.2 s.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
sizes=${*:-1000 10000}
gen=${GEN_CORPUS:-../shared/bench/gen_corpus.py}
work=${BENCH_DIR:-/tmp/moot-bench}
mkdir -p "$work"
cargo build --profile dist --quiet
bin=target/dist/moot
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1795608000}

# The last bench's outputs are removed, then the freed inodes are let age (see above).
removed=
for old in "$work"/out-* "$work"/fresh-* "$work"/floor-* "$work"/trash-* "$work"/.out-* "$work"/.fresh-*; do
  [ -e "$old" ] && rm -rf "$old" && removed=1
done
# A compile deletes thousands of temporary files too: a binary built in the last 6 minutes
# waits out the rest of them.
age=$(( $(date +%s) - $(stat -c %Y "$bin") ))
wait=${WAIT:-370}
[ -z "$removed" ] && wait=$(( age < wait ? wait - age : 0 ))
if [ "$wait" -gt 0 ]; then
  sync
  echo "waiting $wait s for ext4 to let the inodes of files just removed go (see above)" >&2
  sleep "$wait"
fi

# The corpus is edited during the "edit" runs; an interrupted run puts the file back.
edited=
trap 'if [ -n "$edited" ]; then cp "$work/edited.md" "$edited"; fi' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# One timed build of ROOT into DEST: its wall time and peak RSS go on `walls` and `rss`.
timed_build() {
  # Each run starts with the last one's files on disk: otherwise the kernel's writeback of
  # the previous run (ext4 allocates blocks then) competes for the two cores.
  sync
  /usr/bin/time -o "$work/time" -f '%e %M' "$bin" build --root "$1" --output "$2" >/dev/null 2>&1
  local m
  m=$(tail -n 1 "$work/time")
  walls+=("${m% *}")
  rss+=("${m#* }")
}

# The row of case CASE for size `n`: the medians of `walls` and `rss` (MiB; "-" if none).
row() {
  local r=-
  if [ ${#rss[@]} -gt 0 ]; then
    r=$(printf '%.0f' "$(echo "$(printf '%s\n' "${rss[@]}" | median) / 1024" | bc -l)")
  fi
  printf '%-8s %-10s %8.2f %12s\n' "$n" "$1" "$(printf '%s\n' "${walls[@]}" | median)" "$r"
}

printf '%-8s %-10s %8s %12s\n' pages case "wall (s)" "peak RSS (MiB)"
for n in $sizes; do
  corpus="$work/corpus-$n"
  [ -f "$corpus/moot.toml" ] || python3 "$gen" --pages "$n" --out "$corpus" >/dev/null
  out="$work/out-$n"
  walls=(); rss=()
  for i in $(seq "$runs"); do
    timed_build "$corpus" "$work/fresh-$n-$i"
  done
  row fresh
  # The rebuilds update the first fresh build's folder (its manifest is inside it).
  rm -rf "$out"
  mv "$work/fresh-$n-1" "$out"
  walls=(); rss=()
  for i in $(seq "$runs"); do
    timed_build "$corpus" "$out"
  done
  row rebuild
  # "edit": before each run one meeting's text gets a line more (put back after the run), as
  # when someone fixes a typo and builds again: everything is rendered and compared, and the
  # few files that changed (its page and .ics, the calendars, the feeds, the index) written.
  mapfile -t meetings < <(find "$corpus/content/meetings" -name '*.md' | sort | head -n "$runs")
  walls=(); rss=()
  for i in $(seq "$runs"); do
    edited=${meetings[$((i - 1))]}
    cp "$edited" "$work/edited.md"
    printf '\nEdited before bench run %s.\n' "$i" >>"$edited"
    timed_build "$corpus" "$out"
    cp "$work/edited.md" "$edited"
    edited=
  done
  row edit
  walls=(); rss=()
  for i in $(seq "$runs"); do
    walls+=("$(python3 scripts/write_floor.py "$out" "$work/floor-$n-$i")")
  done
  row "write only"
done
