#!/usr/bin/env bash
# Whole-command benchmark on the standard estates of ../shared/bench.
#
#   scripts/bench.sh [CASE...]        CASE: M Lu L XL U10M (default: M Lu L)
#
# Generates each estate once into target/bench-estates/CASE (skipped when present), then
# prints a markdown table: the whole `reallot plan` time (every output written), the csv
# parse floor of the same files (examples/parse_floor.rs: the csv crate reading every CSV
# file of the case, nothing else), their ratio, and peak memory (Maximum resident set size
# of /usr/bin/time -v). On a shared host the ratio is the figure to compare; absolute times
# move with the load. REPEAT (default 3) runs of each; the best time is shown.
# Environment: BENCH_DIR (estates), BENCH_GEN (gen_estate.py), REPEAT, JOBS (--jobs),
# LIMIT_MB (a run holding more memory than this is killed and reported as failed; 14000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
estates=${BENCH_DIR:-$root/target/bench-estates}
gen=${BENCH_GEN:-$root/../shared/bench/gen_estate.py}
repeat=${REPEAT:-3}
cases=("$@")
[ ${#cases[@]} -eq 0 ] && cases=(M Lu L)

args_of() {
    case $1 in
    M) echo "--sas 1 --vas 40 --lics 500 --density 0.2 --instances 0" ;;
    Lu) echo "--sas 3 --vas 100 --lics 3000 --density 0.05 --instances 0" ;;
    L) echo "--sas 3 --vas 100 --lics 3000 --density 0.05 --instances 1000000" ;;
    XL) echo "--sas 10 --vas 200 --lics 10000 --density 0.01 --instances 10000000" ;;
    U10M) echo "--sas 10 --vas 100 --lics 10000 --density 1.0 --instances 0" ;;
    *) echo "unknown case $1 (use M Lu L XL U10M)" >&2; exit 2 ;;
    esac
}

for c in "${cases[@]}"; do args_of "$c" >/dev/null; done
cargo build --release --quiet --bin reallot --example parse_floor
bin=$root/target/release/reallot
floor=$root/target/release/examples/parse_floor
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 1; }

mkdir -p "$estates"
# The generator (../shared/bench/gen_estate.py) needs numpy and pandas; say so rather than
# fail inside it with a traceback.
for c in "${cases[@]}"; do
    if [ ! -f "$estates/$c/scenario.toml" ] && ! python3 -c 'import numpy, pandas' 2>/dev/null; then
        echo "bench.sh: generating $c needs python3 with numpy and pandas (pip install numpy pandas)" >&2
        exit 1
    fi
done
for c in "${cases[@]}"; do
    if [ ! -f "$estates/$c/scenario.toml" ]; then
        echo "generating $c ..." >&2
        # shellcheck disable=SC2046
        python3 "$gen" "$estates/$c.tmp" $(args_of "$c") >&2
        rm -rf "${estates:?}/$c" && mv "$estates/$c.tmp" "$estates/$c"
    fi
done

# Resident memory (kB) of process $1 and its children.
resident_kb() {
    ps -o rss= --pid "$1" --ppid "$1" 2>/dev/null | awk '{s += $1} END {print s + 0}'
}

# Seconds (wall, from the shell's microsecond clock) and peak kB (GNU time) of one run of
# "$@"; "fail 0" when it failed. A watchdog kills the run once it holds more than
# LIMIT_MB of memory (default 14000: the host has no swap), and says so.
measure() {
    local log t0 t1 pid dog rc=0 limit=$((${LIMIT_MB:-14000} * 1024))
    log=$(mktemp)
    t0=$EPOCHREALTIME
    /usr/bin/time -v "$@" >/dev/null 2>"$log" &
    pid=$!
    (
        while kill -0 "$pid" 2>/dev/null; do
            if [ "$(resident_kb "$pid")" -gt "$limit" ]; then
                echo "killed: over ${LIMIT_MB:-14000} MB resident" >"$log.killed"
                pkill -KILL -P "$pid" 2>/dev/null || true
            fi
            sleep 0.2
        done
    ) &
    dog=$!
    wait "$pid" || rc=$?
    t1=$EPOCHREALTIME
    kill "$dog" 2>/dev/null || true
    wait "$dog" 2>/dev/null || true
    if [ "$rc" -eq 0 ]; then
        awk -v a="$t0" -v b="$t1" '/Maximum resident set size/ {m=$NF}
                    END {printf "%.4f %d\n", b - a, m}' "$log"
    else
        echo "fail 0"
        cat "$log.killed" >&2 2>/dev/null || true
        tail -3 "$log" >&2
    fi
    rm -f "$log" "$log.killed"
}

# The best of $repeat runs: "seconds kB".
best() {
    local b="" bm=0 r t m
    for ((r = 0; r < repeat; r++)); do
        read -r t m < <(measure "$@")
        [ "$t" = fail ] && { echo "fail 0"; return; }
        if [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN{exit !(a<b)}'; then b=$t; fi
        [ "$m" -gt "$bm" ] && bm=$m
    done
    echo "$b $bm"
}

jobs=()
[ -n "${JOBS:-}" ] && jobs=(--jobs "$JOBS")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "| estate | CSV size | parse floor | reallot plan | ratio | peak memory |"
echo "|---|---:|---:|---:|---:|---:|"
for c in "${cases[@]}"; do
    dir=$estates/$c
    size=$(du -cb "$dir"/*.csv | awk 'END {printf "%.1f MB", $1/1e6}')
    read -r ft _ < <(best "$floor" "$dir")
    read -r pt pm < <(best "$bin" plan "$dir" --model "$dir/scenario.toml" --out "$out/$c" "${jobs[@]}")
    rm -rf "${out:?}/$c"
    if [ "$pt" = fail ]; then
        echo "| $c | $size | $ft s | failed | | |"
    else
        awk -v c="$c" -v s="$size" -v f="$ft" -v p="$pt" -v m="$pm" 'BEGIN {
            printf "| %s | %s | %.3f s | %.3f s | %.1f× | %.0f MB |\n", c, s, f, p, (f > 0 ? p / f : 0), m / 1024 }'
    fi
done
