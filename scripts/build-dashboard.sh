#!/usr/bin/env bash
# Builds the dashboard (frontend/) into frontend/dist with trunk, offline, and prints the
# gzipped size of its wasm. Installs the tools it needs when they are missing:
# the wasm32 target, trunk, wasm-bindgen-cli (the version in Cargo.lock) and wasm-opt
# (npm's binaryen; Debian's is too old to produce wasm Chromium accepts).
set -euo pipefail
cd "$(dirname "$0")/.."
TOOLS=${TASHBEEK_TOOLS:-$HOME/.cache/tashbeek/tools}
mkdir -p "$TOOLS"
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  rustup target add wasm32-unknown-unknown
fi
if [ "$(trunk --version 2>/dev/null)" != "trunk 0.21.14" ]; then
  echo "build-dashboard: installing trunk 0.21.14"
  cargo install trunk --version 0.21.14 --locked
fi
WBG=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WBG" ]; then
  echo "build-dashboard: installing wasm-bindgen-cli $WBG"
  cargo install wasm-bindgen-cli --version "$WBG" --locked || cargo install wasm-bindgen-cli --version "$WBG"
fi
if ! wasm-opt --version 2>/dev/null | grep -q 'version 132'; then
  echo "build-dashboard: installing binaryen 132 (wasm-opt) from npm"
  npm install --prefix "$TOOLS" --silent --no-audit --no-fund binaryen@132.0.0
fi

cd frontend
# Six builds of one crate: the main dashboard (index.html), the public directory alone
# (public.html, what an anonymous first visit loads), the coordination screens
# (coordination.html: partnerships, administration), the meetings (meetings.html), the
# follow-up of recommendations (followup.html) and the networks' roadmaps (roadmap.html); the
# server picks one by address (src/shell.rs).
trunk build --release --offline --cargo-profile wasm-release
for page in public coordination meetings followup roadmap; do
  rm -rf "dist-$page"
  trunk build "$page.html" --release --offline --cargo-profile wasm-release --dist "dist-$page"
  mv "dist-$page/index.html" "dist/$page.html"
  cp -r "dist-$page/." dist/
  rm -rf "dist-$page"
done
over=""
for wasm in dist/tashbeek-frontend-*.wasm dist/tashbeek-coordination-*.wasm dist/tashbeek-meetings-*.wasm dist/tashbeek-followup-*.wasm dist/tashbeek-roadmap-*.wasm; do
  raw=$(stat -c %s "$wasm")
  gz=$(gzip -9 -c "$wasm" | wc -c)
  build=$(basename "$wasm" | sed 's/-[0-9a-f]*_bg.wasm$//')
  printf 'dashboard wasm (%s): %s bytes, %s bytes gzipped (%d KB; target <= 400 KB)\n' "$build" "$raw" "$gz" $((gz / 1024))
  if [ "$gz" -gt $((400 * 1024)) ]; then over="$over $build"; fi
done
if [ -n "$over" ]; then echo "dashboard wasm exceeds 400 KB gzipped:$over" >&2; exit 1; fi
wasm=$(ls dist/tashbeek-frontend-*.wasm)
# Brotli (highest quality) and gzip copies beside every compressible file: the server sends
# the one a browser accepts as is, so slow links get the smallest form at no CPU cost.
node -e '
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const walk = (d) => { for (const f of fs.readdirSync(d)) {
  const p = path.join(d, f);
  if (fs.statSync(p).isDirectory()) { walk(p); continue; }
  if (!/\.(wasm|js|css|html|svg|json|txt)$/.test(f)) continue;
  const b = fs.readFileSync(p);
  fs.writeFileSync(p + ".br", zlib.brotliCompressSync(b, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: b.length } }));
  fs.writeFileSync(p + ".gz", zlib.gzipSync(b, { level: 9 }));
} };
walk("dist");'
printf 'dashboard wasm precompressed: %s bytes brotli\n' "$(stat -c %s "$wasm.br")"

# The first screen's budget: what an anonymous first visit downloads before the directory
# shows (public.html's wasm and script, brotli). Over slow 3G (400 kbit/s) every 50 KB is
# another second; BENCHMARKS.md has the measured visit.
public_wasm=$(ls dist/tashbeek-public-*.wasm)
first=$(( $(stat -c %s "$public_wasm.br") + $(stat -c %s "${public_wasm%_bg.wasm}.js.br") ))
budget=${TASHBEEK_FIRST_SCREEN_BUDGET:-$((211 * 1024))}
printf 'first screen (public directory) code: %s bytes brotli (budget %s)\n' "$first" "$budget"
if [ "$first" -gt "$budget" ]; then
  echo "the public directory's code exceeds its budget: keep the first screen small (frontend/src/shell.rs)" >&2
  exit 1
fi
