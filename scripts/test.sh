#!/usr/bin/env bash
# The test command: formatting, lints, unit and integration tests, conformance, benches
# as a smoke test. Everything in release mode (HiGHS is built once, optimised).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --release --locked --all-targets -- -D warnings
cargo test --release --locked --all-targets
cargo run --release --locked --quiet -- demo --out target/ci-demo >/dev/null
if [ -f ../shared/conformance/check.py ]; then
  python3 ../shared/conformance/check.py target/release/reallot
fi
