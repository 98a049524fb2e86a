#!/usr/bin/env bash
# Installs what Tashbeek's build and tests need on a fresh Debian/Ubuntu machine with
# Rust (rustup) already present. Idempotent and quick when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

command -v cargo >/dev/null || { echo "Rust is required: https://rustup.rs" >&2; exit 1; }

# libpq for diesel's PostgreSQL backend (SQLite is bundled).
if ! dpkg -s libpq-dev >/dev/null 2>&1; then
  echo "setup: installing libpq-dev"; apt_install libpq-dev
fi
# PostgreSQL server binaries, so the test script can start a throwaway cluster when none runs.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v psql >/dev/null; then
  echo "setup: installing postgresql"; apt_install postgresql
fi
# The domain crate must build for the browser.
if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  echo "setup: adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown
fi
# Browser tests drive Debian's Chromium through playwright-core (Node.js).
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing chromium"; apt_install chromium chromium-driver fonts-noto-core
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs and npm"; apt_install nodejs npm
fi
# Certificate tests read PDFs back (pdftotext, pdftoppm, pdfinfo) and decode their QR codes.
if ! command -v pdftotext >/dev/null 2>&1 || ! command -v zbarimg >/dev/null 2>&1; then
  echo "setup: installing poppler-utils and zbar-tools"; apt_install poppler-utils zbar-tools
fi
# The load-test harness (bench/bench.py) drives wrk; its smoke run is part of the tests.
if ! command -v wrk >/dev/null 2>&1; then
  echo "setup: installing wrk"; apt_install wrk
fi
# Schemathesis fuzzes the served OpenAPI document.
if ! command -v st >/dev/null 2>&1; then
  echo "setup: installing schemathesis"; python3 -m pip install --quiet 'schemathesis==4.32.5'
fi
# The calendar tests read the .ics feeds back with an independent parser.
if ! python3 -c 'import icalendar' >/dev/null 2>&1; then
  echo "setup: installing icalendar"; python3 -m pip install --quiet 'icalendar==7.3.2'
fi
