#!/usr/bin/env bash
# Tashbeek's whole test suite, exactly as CI runs it:
#   lint, the domain crate for wasm32, unit tests, the black-box HTTP suite on SQLite
#   and PostgreSQL, the CLI tests, a schemathesis fuzz run on both backends (seeded, without
#   the examples earlier runs stored: every run fuzzes the same requests), the
#   dashboard built with trunk and driven in headless Chromium (screenshots saved), and a
#   smoke run of the load benchmark (1k organizations) so the harness cannot rot.
# PostgreSQL: TASHBEEK_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres);
# when none answers, a throwaway cluster is started from the installed binaries.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ARTIFACTS=${TASHBEEK_ARTIFACTS:-$ROOT/artifacts}
mkdir -p "$ARTIFACTS"
# Each step's wall time is printed when the next begins and listed again at the end, so a slow
# CI run shows where its minutes went.
step_name=""; step_start=$SECONDS; step_times=()
step() {
  if [ -n "$step_name" ]; then
    local took=$((SECONDS - step_start))
    step_times+=("$(printf '%5ds  %s' "$took" "$step_name")")
    printf '(%s: %ds)\n' "$step_name" "$took"
  fi
  step_name="$*"; step_start=$SECONDS
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}
cleanup_cmds=()
cleanup() { # last registered, first run
  local i; for ((i=${#cleanup_cmds[@]}-1; i>=0; i--)); do eval "${cleanup_cmds[$i]}" || true; done
}
trap cleanup EXIT

step "Setup (what a fresh machine lacks)"
scripts/setup.sh

step "PostgreSQL"
export TASHBEEK_TEST_DATABASE_URL=${TASHBEEK_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
pg_answers() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }
if pg_answers "$TASHBEEK_TEST_DATABASE_URL"; then
  echo "using $TASHBEEK_TEST_DATABASE_URL"
else
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    echo "No PostgreSQL answers at $TASHBEEK_TEST_DATABASE_URL and no server binaries are installed." >&2
    echo "Install PostgreSQL (apt-get install postgresql) or set TASHBEEK_TEST_DATABASE_URL." >&2
    exit 1
  fi
  PGDATA=$(mktemp -d /tmp/tashbeek-pg.XXXXXX)
  PGPORT=${TASHBEEK_TEST_PG_PORT:-55432}
  RUN=""
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$PGDATA"; RUN="runuser -u postgres --"; fi
  $RUN "$PGBIN/initdb" -D "$PGDATA/data" -U postgres --auth=trust -E UTF8 >/dev/null
  $RUN "$PGBIN/pg_ctl" -D "$PGDATA/data" -l "$PGDATA/log" -w \
    -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  cleanup_cmds+=("$RUN '$PGBIN/pg_ctl' -D '$PGDATA/data' -m immediate stop >/dev/null; rm -rf '$PGDATA'")
  export TASHBEEK_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
  echo "started a throwaway cluster at $TASHBEEK_TEST_DATABASE_URL"
fi

step "Format and lint"
cargo fmt --all -- --check
cargo clippy --workspace --exclude tashbeek-frontend --all-targets --locked -- -D warnings
cargo clippy -p tashbeek-frontend --target wasm32-unknown-unknown --locked -- -D warnings

step "Domain crate for wasm32 (shared with the dashboard)"
cargo build --locked -p tashbeek-domain --target wasm32-unknown-unknown

step "Unit, CLI and black-box HTTP tests (SQLite and PostgreSQL)"
TASHBEEK_ARTIFACTS="$ARTIFACTS" cargo test --workspace --exclude tashbeek-frontend --locked 2>&1 | tee "$ARTIFACTS/cargo-test.log"

step "Schemathesis fuzzing of the served OpenAPI document"
cargo build --locked -p tashbeek
fuzz() { # backend database-url port
  local dir; dir=$(mktemp -d /tmp/tashbeek-fuzz.XXXXXX)
  (cd "$dir" && DATABASE_URL="$2" TASHBEEK_LOG=warn TASHBEEK_ARGON2_MEMORY_KIB=64 \
     TASHBEEK_LOGIN_MAX_FAILURES_PER_ADDRESS=1000000 TASHBEEK_SIGNUP_MAX_PER_ADDRESS=1000000 \
     exec "$ROOT/target/debug/tashbeek" serve --demo --bind "127.0.0.1:$3" >"$ARTIFACTS/fuzz-$1-server.log" 2>&1) &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$3/readyz" >/dev/null && break; sleep 0.1; done
  local token
  token=$(curl -sf "http://127.0.0.1:$3/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"demo@tashbeek.local","password":"tashbeek-demo-2026"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  local status=0
  st run "http://127.0.0.1:$3/api/v1/openapi.json" --url "http://127.0.0.1:$3" \
    -H "Authorization: Bearer $token" \
    --checks all --exclude-checks positive_data_acceptance \
    --phases examples,coverage,fuzzing,stateful -n "${TASHBEEK_FUZZ_EXAMPLES:-30}" --seed 1 \
    --generation-database none \
    --report junit --report-junit-path "$ARTIFACTS/schemathesis-$1.xml" >"$ARTIFACTS/schemathesis-$1.log" 2>&1 || status=$?
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
  tail -n 12 "$ARTIFACTS/schemathesis-$1.log"
  if [ "$status" -ne 0 ]; then echo "schemathesis found problems on $1: see $ARTIFACTS/schemathesis-$1.log" >&2; exit 1; fi
}
fuzz sqlite "sqlite://fuzz.db" 18181
PGFUZZ_DB="tashbeek_fuzz_$$"
psql "$TASHBEEK_TEST_DATABASE_URL" -qc "CREATE DATABASE $PGFUZZ_DB" >/dev/null
cleanup_cmds+=("psql '$TASHBEEK_TEST_DATABASE_URL' -qc 'DROP DATABASE IF EXISTS $PGFUZZ_DB WITH (FORCE)' >/dev/null")
fuzz postgres "${TASHBEEK_TEST_DATABASE_URL%/*}/$PGFUZZ_DB" 18182

step "Dashboard: release build (wasm size)"
scripts/build-dashboard.sh | tee "$ARTIFACTS/dashboard-build.log"
# The browser tests drive the binary with the dashboard compiled in, run from a directory
# without one: the one-file install.
cargo build --locked -p tashbeek --features embed-dashboard

step "Browser tests in headless Chromium"
rm -rf "$ARTIFACTS/screenshots"
(cd tests/e2e && npm ci --silent --no-audit --no-fund && \
  TASHBEEK_ARTIFACTS="$ARTIFACTS" node --test --test-concurrency=1 i18n.test.mjs dashboard.test.mjs members.test.mjs networks.test.mjs meetings.test.mjs recommendations.test.mjs roadmap.test.mjs partnerships.test.mjs admin.test.mjs slow-network.test.mjs) 2>&1 \
  | tee "$ARTIFACTS/e2e.log" || { echo "browser tests failed: see $ARTIFACTS/e2e.log and screenshots" >&2; exit 1; }
echo "screenshots: $ARTIFACTS/screenshots"

step "Benchmark smoke run (bench/bench.py --smoke; the full run is in BENCHMARKS.md)"
python3 bench/bench.py --smoke --binary target/debug/tashbeek --out "$ARTIFACTS/bench" | tail -n 32

step "Summary"
printf '%s\n' "${step_times[@]}"
echo "whole run: $((SECONDS / 60)) min $((SECONDS % 60)) s"
passed=$(grep -Eo '[0-9]+ passed' "$ARTIFACTS/cargo-test.log" | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' "$ARTIFACTS/cargo-test.log" | awk '{s+=$1} END {print s+0}')
e2e_pass=$(awk '/^# pass/ {print $3}' "$ARTIFACTS/e2e.log")
e2e_fail=$(awk '/^# fail/ {print $3}' "$ARTIFACTS/e2e.log")
grep -h 'dashboard wasm' "$ARTIFACTS/dashboard-build.log"
echo "cargo tests: $passed passed, $failed failed; browser tests: $e2e_pass passed, $e2e_fail failed; schemathesis: no failures"
echo "$((passed + e2e_pass)) passed, $((failed + e2e_fail)) failed"
