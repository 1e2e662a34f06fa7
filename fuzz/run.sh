#!/usr/bin/env bash
# Runs one fuzz target for SECONDS at the lowest priority, on the stable toolchain (no
# sanitizer, so no nightly flags), with the corpus in fuzz/corpus/TARGET and any crash in
# fuzz/artifacts/TARGET; pipeline, front and markdown with the words of pipeline.dict. The
# fuzzer's output goes to fuzz/logs/TARGET-DATE.log; its final counts (execs, exec/s) are
# printed at the end. Usage: fuzz/run.sh TARGET SECONDS [LIBFUZZER_FLAGS...]
set -euo pipefail
# All in a function, so that bash has read the whole script before it runs: editing it
# during a run cannot change what the run does next.
main() {
    cd "$(dirname "$0")"
    local target=$1 seconds=$2 max_len=65536 dict=() log start status=0
    shift 2
    case $target in
        moment | duration | rule) max_len=512 ;;
        request_path | slugify) max_len=4096 ;;
    esac
    case $target in
        pipeline | front | markdown) dict=(-dict=pipeline.dict) ;;
    esac
    mkdir -p logs "corpus/$target"
    log=logs/$target-$(date -u +%Y%m%dT%H%M%SZ).log
    nice -n 19 cargo fuzz build -s none "$target"
    start=$(date +%s)
    nice -n 19 cargo fuzz run -s none "$target" -- -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 \
        -max_len="$max_len" -print_final_stats=1 "${dict[@]}" "$@" >"$log" 2>&1 || status=$?
    echo "$target: exit $status after $(($(date +%s) - start)) s; log $log"
    grep -E '^Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb|^#[0-9]+.*(DONE|cov:)' "$log" | tail -6
    exit "$status"
}
main "$@"
