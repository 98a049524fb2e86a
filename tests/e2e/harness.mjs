// What every browser test file shares: a real `tashbeek` server on a fresh SQLite
// database (its own port and directory), Debian's headless Chromium, a JSON client for
// arranging data through the API, and screenshots in $TASHBEEK_ARTIFACTS/screenshots.
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

export const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
export const bin = process.env.TASHBEEK_BIN ?? join(root, "target/debug/tashbeek");
export const shots = join(process.env.TASHBEEK_ARTIFACTS ?? join(root, "artifacts"), "screenshots");
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** Starts a server and a browser; `close()` stops both and removes the database.
 *  `demo`: the server starts with the Arabic demo data. */
export async function start({ demo = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "tashbeek-e2e-"));
  mkdirSync(shots, { recursive: true });
  const port = 18800 + Math.floor(Math.random() * 800);
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dir, "tashbeek.db")}`,
    TASHBEEK_ARGON2_MEMORY_KIB: "64",
    TASHBEEK_LOG: "warn",
    // Notifications are made within a second rather than a minute.
    TASHBEEK_NOTIFY_EVERY_SECS: "1",
  };
  // Run from the test's own directory: the binary carries the dashboard (embed-dashboard).
  const server = spawn(bin, ["serve", "--bind", `127.0.0.1:${port}`, ...(demo ? ["--demo"] : [])], { env, stdio: "inherit", cwd: dir });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + "/readyz")).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--lang=ar"],
  });
  const errors = [];
  return {
    base,
    env,
    errors,
    /** A JSON request; `{status, body}`. */
    async api(method, path, token, body, headers = {}) {
      const res = await fetch(base + path, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    },
    /** A page in its own browser context (its own storage: a separate person). */
    async newPage(viewport = DESKTOP) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
      return page;
    },
    async close() {
      await browser.close();
      server.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Full-page screenshots of `page` at each viewport, named `<name>-<desktop|phone>`. */
export async function shot(page, name, { lang = "ar" } = {}) {
  const previous = page.viewportSize();
  for (const [label, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(shots, `${lang}-${label}-${name}.png`), fullPage: true });
  }
  await page.setViewportSize(previous);
}

/** Signs in through the dashboard's own form. */
export async function signIn(page, base, email, password) {
  await page.goto(base + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click("#login-submit");
  await page.locator("#who").waitFor();
}
