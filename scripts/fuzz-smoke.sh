#!/usr/bin/env bash
# Fuzz smoke test: runs every fuzz target for a few seconds over its committed corpus
# (fuzz/corpus/T) and regressions (fuzz/regressions/T); fails on any panic, hang
# (>10 s per input) or out-of-memory (>2 GiB). Needs the nightly toolchain; installs
# cargo-fuzz when missing. The first run builds fuzz/target (HiGHS included, minutes).
# FUZZ_SECONDS sets the time per target (default 5).
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${FUZZ_SECONDS:-5}"
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz-smoke: the nightly toolchain is missing (rustup toolchain install nightly)" >&2
  exit 1
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# No sanitizer (the code under test is safe Rust; HiGHS is not instrumented anyway),
# with debug assertions and overflow checks on (fuzz/Cargo.toml), so wrapping arithmetic panics.
flags=(--sanitizer none --release)
cargo +nightly fuzz build "${flags[@]}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for t in $(cargo +nightly fuzz list); do
  dirs=("corpus/$t")
  if [ -d "regressions/$t" ] && [ -n "$(ls -A "regressions/$t")" ]; then
    dirs+=("regressions/$t")
  fi
  mkdir -p "$scratch/$t"
  echo "fuzz-smoke: $t (${seconds}s over ${dirs[*]})" >&2
  # New inputs go to the scratch folder (the first one), never into the committed corpus.
  cargo +nightly fuzz run "${flags[@]}" "$t" "$scratch/$t" "${dirs[@]}" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -dict="dicts/$t.dict" -print_final_stats=1 2>"$scratch/$t.log" \
    || { tail -n 60 "$scratch/$t.log" >&2; echo "fuzz-smoke: $t FAILED" >&2; exit 1; }
  grep -E '^(stat::number_of_executed_units|Done)' "$scratch/$t.log" >&2 || true
done
echo "fuzz-smoke: all targets clean" >&2
