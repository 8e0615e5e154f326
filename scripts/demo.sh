#!/usr/bin/env bash
# The main job: build (installing system packages when missing) and run the demo case.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
cargo build --release --locked
./target/release/reallot demo "$@"
