// The public directory on a slow connection: headless Chromium with "slow 3G" emulated
// (400 kbit/s down and up, 400 ms round trip), cache empty, then a repeat visit.
// Writes the figures (time until the directory has answered, bytes transferred, the
// encoding the wasm came in) to artifacts/slow-network.json for BENCHMARKS.md; asserts
// that the list shows within 6 s, that an anonymous visit loads the public directory's
// own code (not the whole dashboard's), that its first page is asked for once (the
// page's preload is what the directory uses), and that a repeat visit transfers no
// hashed file again.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { start } from "./harness.mjs";

let app;

before(async () => {
  // The demo data: the first page shows real organizations, as an office's would.
  app = await start({ demo: true });
});

after(async () => {
  await app?.close();
});

const SLOW_3G = { offline: false, latency: 400, downloadThroughput: (400 * 1024) / 8, uploadThroughput: (400 * 1024) / 8 };

async function visit(page, base) {
  const started = Date.now();
  await page.goto(base + "/", { waitUntil: "commit" });
  // The directory shows its first organizations.
  await page.waitForFunction(() => document.querySelector("#results li") !== null, null, { timeout: 120_000 });
  return Date.now() - started;
}

test("the public directory on slow 3G: first visit and repeat visit", async () => {
  const page = await app.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", SLOW_3G);
  // Per request: its URL, the encoding received, and the bytes that crossed the network.
  const requests = new Map();
  cdp.on("Network.responseReceived", (e) => {
    requests.set(e.requestId, { url: e.response.url, encoding: e.response.headers["content-encoding"] ?? "", bytes: 0 });
  });
  cdp.on("Network.loadingFinished", (e) => {
    const r = requests.get(e.requestId);
    if (r) r.bytes = e.encodedDataLength;
  });
  const total = () => [...requests.values()].reduce((n, r) => n + r.bytes, 0);

  const first = await visit(page, app.base);
  const firstRequests = [...requests.values()];
  const firstBytes = total();
  requests.clear();
  const repeat = await visit(page, app.base);
  const refetched = [...requests.values()].filter((r) => r.bytes > 0 && /\.(wasm|js|css)$/.test(new URL(r.url).pathname));
  const wasm = firstRequests.find((r) => r.url.endsWith(".wasm"));
  const firstPages = firstRequests.filter((r) => new URL(r.url).pathname === "/api/v1/organizations");
  const figures = {
    profile: "slow 3G: 400 kbit/s, 400 ms round trip",
    first_visit_ms: first,
    first_visit_bytes: firstBytes,
    first_visit_requests: firstRequests.map((r) => `${new URL(r.url).pathname} ${r.bytes}`),
    wasm_encoding: wasm?.encoding ?? "",
    wasm_bytes: wasm?.bytes ?? 0,
    repeat_visit_ms: repeat,
    repeat_visit_bytes: total(),
  };
  writeFileSync(join(process.env.TASHBEEK_ARTIFACTS ?? join(process.cwd(), "../../artifacts"), "slow-network.json"), JSON.stringify(figures, null, 2));
  console.log(`slow 3G: ${JSON.stringify(figures)}`);
  assert.ok(wasm, "the wasm was fetched");
  assert.match(new URL(wasm.url).pathname, /^\/tashbeek-public-/, "an anonymous visit loads the public directory's code");
  assert.equal(firstPages.length, 1, `the directory's first page is asked for once: ${JSON.stringify(firstPages)}`);
  assert.ok(first <= 6000, `the list shows within 6 s on slow 3G (took ${first} ms)`);
  assert.deepEqual(refetched, [], "a repeat visit transfers no hashed file again");
});
