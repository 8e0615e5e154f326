#!/usr/bin/env bash
# The test command: formatting, lints, unit and integration tests, conformance, benches
# as a smoke test. Everything in release mode (HiGHS is built once, optimised).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
# The report's browser test uses Debian's chromium; where it cannot be installed the
# test skips itself with a message.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
      || echo "test.sh: chromium could not be installed; the browser test will be skipped" >&2
  fi
fi
python3 scripts/layers.py
cargo fmt --all -- --check
cargo clippy --release --locked --all-targets -- -D warnings -W clippy::too_many_lines
cargo test --release --locked --all-targets
cargo run --release --locked --quiet -- demo --out target/ci-demo >/dev/null
# The revision-2 conformance set (SPEC revision 2), term-* cases included.
if [ -f ../shared/conformance/check.py ] && [ -d ../shared/conformance/next ]; then
  python3 ../shared/conformance/check.py target/release/reallot ../shared/conformance/next
fi
./scripts/fuzz-smoke.sh
