// Drives the real dashboard, served by a real `tashbeek` server on a fresh SQLite
// database, in headless Chromium (Debian's). Screenshots land in
// $TASHBEEK_ARTIFACTS/screenshots (default artifacts/screenshots).
import { fileURLToPath } from "node:url";
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const bin = process.env.TASHBEEK_BIN ?? join(root, "target/debug/tashbeek");
const shots = join(process.env.TASHBEEK_ARTIFACTS ?? join(root, "artifacts"), "screenshots");
const port = 18300 + Math.floor(Math.random() * 500);
const base = `http://127.0.0.1:${port}`;
const ADMIN = { email: "chair@shendi.example", password: "a long passphrase 2026" };
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

let dir, server, browser, page;

const env = () => ({
  ...process.env,
  DATABASE_URL: `sqlite://${join(dir, "tashbeek.db")}`,
  TASHBEEK_DASHBOARD_DIR: join(root, "frontend/dist"),
  TASHBEEK_ARGON2_MEMORY_KIB: "64",
  TASHBEEK_LOG: "warn",
});

async function api(method, path, token, body, headers = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function shot(name, viewport) {
  const previous = page.viewportSize();
  await page.setViewportSize(viewport);
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize(previous);
}

const htmlAttr = (name) => page.evaluate((n) => document.documentElement.getAttribute(n), name);

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "tashbeek-e2e-"));
  mkdirSync(shots, { recursive: true });
  execFileSync(bin, ["admin", "create", "--email", ADMIN.email, "--name", "رئيس المكتب", "--password-stdin"], {
    env: env(), input: ADMIN.password + "\n",
  });
  server = spawn(bin, ["serve", "--bind", `127.0.0.1:${port}`], { env: env(), stdio: "inherit" });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(base + "/readyz")).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  // Seed: one verified and one pending organization.
  const login = await api("POST", "/api/v1/auth/login", null, ADMIN);
  const token = login.body.access_token;
  const verified = await api("POST", "/api/v1/organizations", token, {
    kind: "volunteer_team", name_ar: "فريق شباب المتمة", name_en: "Al-Matamma Youth Team",
    areas: ["SD-RN-MTM"], sectors: ["children_youth"], offers: [{ kind: "volunteers" }],
  });
  await api("POST", `/api/v1/organizations/${verified.body.organization.id}/verification`, token, { status: "verified" },
    { "if-match": '"1"' });
  await api("POST", "/api/v1/organizations", token, { kind: "ngo", name_ar: "منظمة قيد المراجعة", areas: ["SD-RN-SHN"] });

  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--lang=ar"],
  });
  page = await browser.newPage({ viewport: DESKTOP });
  page.on("pageerror", (e) => console.error("page error:", e.message));
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("an anonymous visitor sees only verified organizations, in Arabic, right to left", async () => {
  await page.goto(base + "/");
  await page.locator("#results li").first().waitFor();
  assert.equal(await htmlAttr("lang"), "ar");
  assert.equal(await htmlAttr("dir"), "rtl");
  const names = await page.locator("#results .org-name").allTextContents();
  assert.deepEqual(names, ["فريق شباب المتمة"]);
  assert.match(await page.locator("#public-note").textContent(), /الموثقة فقط/);
  await shot("ar-desktop-public-directory", DESKTOP);
  await shot("ar-phone-public-directory", PHONE);
});

test("a wrong password is refused with a clear message", async () => {
  await page.goto(base + "/login");
  await page.fill("#email", ADMIN.email);
  await page.fill("#password", "not the password");
  await page.click("#login-submit");
  const error = page.locator("#login-error");
  await error.waitFor();
  assert.match(await error.textContent(), /البريد الإلكتروني أو كلمة المرور غير صحيحة/);
  assert.equal(new URL(page.url()).pathname, "/login");
});

test("the admin signs in and the session survives a reload", async () => {
  await page.goto(base + "/login");
  await page.fill("#email", ADMIN.email);
  await page.fill("#password", ADMIN.password);
  await page.click("#login-submit");
  await page.locator("#who").waitFor();
  assert.match(await page.locator("#who").textContent(), /رئيس المكتب · مدير المنصة/);
  await page.reload();
  await page.locator("#who").waitFor();
  // Signed in, the pending organization shows too.
  await page.locator("#results li").nth(1).waitFor();
  assert.equal(await page.locator("#results li").count(), 2);
});

test("a validation error is shown beside its field and nothing is saved", async () => {
  await page.goto(base + "/organizations/new");
  await page.fill("#f-name_ar", "جمعية تجريبية");
  await page.fill("#f-founded_year", "3000");
  await page.fill("#f-contacts-email", "not-an-email");
  await page.click("#save");
  await page.locator("#err-founded_year").waitFor();
  assert.match(await page.locator("#err-founded_year").textContent(), /بين 1800 و/);
  assert.match(await page.locator("#err-contacts-email").textContent(), /البريد الإلكتروني غير صالح/);
  assert.equal(new URL(page.url()).pathname, "/organizations/new");
  await shot("ar-desktop-form-errors", DESKTOP);
  await shot("ar-phone-form-errors", PHONE);
});

let orgPath;
test("creating an organization with an Arabic name", async () => {
  await page.goto(base + "/organizations/new");
  await page.selectOption("#f-kind", "ngo");
  await page.fill("#f-name_ar", "جمعية الأمل للتنمية");
  await page.fill("#f-description", "خدمات صحية وتعليمية في شندي");
  await page.check("#sectors-health");
  await page.selectOption("#f-areas", ["SD-RN-SHN"]);
  await page.check("#needs-funding");
  await page.click("#save");
  await page.locator("#org-title").waitFor();
  assert.equal(await page.locator("#org-title").textContent(), "جمعية الأمل للتنمية");
  orgPath = new URL(page.url()).pathname;
  assert.match(orgPath, /^\/organizations\/[0-9a-f-]{36}$/);
  assert.match(await page.locator("#org-areas").textContent(), /شندي/);
  await shot("ar-desktop-organization", DESKTOP);
  await shot("ar-phone-organization", PHONE);
});

test("a second registration with the same name in the same area is flagged", async () => {
  await page.goto(base + "/organizations/new");
  await page.selectOption("#f-areas", ["SD-RN-SHN"]);
  await page.fill("#f-name_ar", "جمعيه الامل للتنميه");
  await page.locator("#f-name_ar").blur();
  await page.locator("#duplicate-warning").waitFor();
  assert.match(await page.locator("#duplicate-warning").textContent(), /جمعية الأمل للتنمية/);
});

test("the organization is found by a differently spelled Arabic query", async () => {
  await page.goto(base + "/");
  await page.fill("#q", "جمعيه الامل");
  await page.click("#search-submit");
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll("#results .org-name")].map((e) => e.textContent);
    return names.length === 1 && names[0] === "جمعية الأمل للتنمية";
  });
  await page.fill("#q", "زراعة");
  await page.click("#search-submit");
  await page.locator("#empty").waitFor();
});

test("editing the organization and verifying it", async () => {
  await page.goto(base + orgPath);
  await page.click("#edit");
  await page.locator("#f-name_en").waitFor();
  await page.waitForFunction(() => document.querySelector("#f-name_ar").value === "جمعية الأمل للتنمية");
  await page.fill("#f-name_en", "Al-Amal Development Society");
  await page.click("#save");
  await page.waitForURL(base + orgPath);
  await page.getByText("Al-Amal Development Society").waitFor();
  await page.fill("#verify-reason", "");
  await page.click("#verify-verified");
  await page.locator("#history li").nth(1).waitFor();
  assert.match(await page.locator(".org-head").textContent(), /موثقة/);
});

test("switching to English turns the whole page left to right, and back", async () => {
  await page.goto(base + "/");
  await page.click("#lang-switch");
  await page.waitForFunction(() => document.documentElement.dir === "ltr");
  assert.equal(await htmlAttr("lang"), "en");
  assert.equal(await page.locator("h1").textContent(), "Organization directory");
  await page.reload();
  await page.locator("h1").waitFor();
  assert.equal(await htmlAttr("dir"), "ltr", "the choice is remembered");
  await page.locator("#results li").first().waitFor();
  await shot("en-desktop-directory", DESKTOP);
  await shot("en-phone-directory", PHONE);
  await page.goto(base + orgPath);
  await page.locator("#org-title").waitFor();
  assert.equal(await page.locator("#org-title").textContent(), "Al-Amal Development Society");
  await shot("en-desktop-organization", DESKTOP);
  await shot("en-phone-organization", PHONE);
  await page.click("#lang-switch");
  await page.waitForFunction(() => document.documentElement.dir === "rtl");
  assert.equal(await htmlAttr("lang"), "ar");
});

test("unknown pages say so, and signing out returns to the public directory", async () => {
  await page.goto(base + "/no/such/page");
  await page.locator("#not-found").waitFor();
  await page.click("#sign-out");
  await page.waitForURL(base + "/");
  await page.locator("#public-note").waitFor();
  // The public list arrives after the note: wait for it rather than read a half-drawn page.
  await page.waitForFunction(() =>
    [...document.querySelectorAll("#results .org-name")].some((e) => e.textContent === "جمعية الأمل للتنمية"));
  const names = await page.locator("#results .org-name").allTextContents();
  assert.ok(names.includes("جمعية الأمل للتنمية"), "verified now, so public");
  assert.ok(!names.includes("منظمة قيد المراجعة"), "pending stays hidden");
});
