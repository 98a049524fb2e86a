#!/usr/bin/env bash
# Builds the dashboard and a release binary with the dashboard compiled in
# (target/release/tashbeek serves both from any directory), then starts it on an
# embedded SQLite database under ./data.
#   scripts/run.sh [--demo] [--bind ADDR]
# Any `tashbeek serve` flag is passed through; see README for configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-dashboard.sh
exec cargo run --release --locked -p tashbeek --features embed-dashboard -- serve "$@"
