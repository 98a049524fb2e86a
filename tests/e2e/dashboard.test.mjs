// The directory in the dashboard, served by a real `tashbeek` server on a fresh SQLite
// database, in headless Chromium. Each test arranges what it needs through the API and
// uses its own browser context, so one failure never cascades into the next test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { start, shot, signIn, bin, DESKTOP } from "./harness.mjs";

const ADMIN = { email: "chair@shendi.example", password: "a long passphrase 2026" };
let app, token;

/** Registers an organization as the coordinator; verifies it when asked. */
async function organization(body, { verified = false } = {}) {
  const r = await app.api("POST", "/api/v1/organizations", token, { kind: "ngo", areas: ["SD-RN-SHN"], ...body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.organization.id;
  if (verified) {
    const v = await app.api("POST", `/api/v1/organizations/${id}/verification`, token, { status: "verified" });
    assert.equal(v.status, 428, "verifying needs the version reviewed");
    const res = await fetch(`${app.base}/api/v1/organizations/${id}/verification`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "if-match": '"1"' },
      body: JSON.stringify({ status: "verified" }),
    });
    assert.equal(res.status, 200);
  }
  return id;
}

const htmlAttr = (page, name) => page.evaluate((n) => document.documentElement.getAttribute(n), name);

async function signedIn() {
  const page = await app.newPage(DESKTOP);
  await signIn(page, app.base, ADMIN.email, ADMIN.password);
  return page;
}

before(async () => {
  app = await start();
  execFileSync(bin, ["admin", "create", "--email", ADMIN.email, "--name", "رئيس المكتب", "--password-stdin"], {
    env: app.env, input: ADMIN.password + "\n",
  });
  token = (await app.api("POST", "/api/v1/auth/login", null, ADMIN)).body.access_token;
  await organization({
    kind: "volunteer_team", name_ar: "فريق شباب المتمة", name_en: "Al-Matamma Youth Team",
    areas: ["SD-RN-MTM"], sectors: ["children_youth"], offers: [{ kind: "volunteers" }],
  }, { verified: true });
  await organization({ name_ar: "منظمة قيد المراجعة" });
});

after(async () => {
  await app?.close();
});

test("an anonymous visitor sees only verified organizations, in Arabic, right to left", async () => {
  const page = await app.newPage();
  await page.goto(app.base + "/");
  await page.waitForFunction(() => document.querySelectorAll("#results .org-name").length > 0);
  assert.equal(await htmlAttr(page, "lang"), "ar");
  assert.equal(await htmlAttr(page, "dir"), "rtl");
  const names = await page.locator("#results .org-name").allTextContents();
  assert.ok(names.includes("فريق شباب المتمة"), names.join());
  assert.ok(!names.includes("منظمة قيد المراجعة"), "pending stays hidden");
  assert.match(await page.locator("#public-note").textContent(), /الموثقة فقط/);
  await shot(page, "public-directory");
});

/** The build (`tashbeek-public` or `tashbeek-frontend`) whose code runs in `page`. */
const build = (page) => page.evaluate(() =>
  performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname).find((p) => p.endsWith(".wasm"))
    ?.match(/^\/(tashbeek-[a-z]+)-/)?.[1]);

test("an anonymous visit loads the public directory alone; signing in hands over to the whole dashboard", async () => {
  const page = await app.newPage(DESKTOP);
  await page.goto(app.base + "/");
  await page.locator("#results .org-name").first().waitFor();
  assert.equal(await build(page), "tashbeek-public");
  // An organization's page stays in the public build; signing in leaves it.
  await page.locator("#results .org-name").first().click();
  await page.locator("#org-title").waitFor();
  assert.equal(await build(page), "tashbeek-public");
  await page.click("header a[href='/login']");
  await page.locator("#email").waitFor();
  assert.equal(await build(page), "tashbeek-frontend");
  await page.fill("#email", ADMIN.email);
  await page.fill("#password", ADMIN.password);
  await page.click("#login-submit");
  await page.locator("#who").waitFor();
  // Signed in, every address gets the whole dashboard, the directory included.
  await page.goto(app.base + "/");
  await page.locator("#who").waitFor();
  assert.equal(await build(page), "tashbeek-frontend");
  assert.ok(await page.locator("#nav-admin").isVisible(), "the administration is one click away");
  // A session stored without the cookie (signed in before this release): handed over too.
  await page.context().clearCookies();
  await page.goto(app.base + "/");
  await page.locator("#who").waitFor();
  assert.equal(await build(page), "tashbeek-frontend");
  // Signed out, the directory is the public build again.
  await page.click("#sign-out");
  await page.goto(app.base + "/");
  await page.locator("#results .org-name").first().waitFor();
  assert.equal(await build(page), "tashbeek-public");
  assert.equal(await page.locator("#who").count(), 0);
});

test("a wrong password is refused with a clear message", async () => {
  const page = await app.newPage();
  await page.goto(app.base + "/login");
  await page.fill("#email", ADMIN.email);
  await page.fill("#password", "not the password");
  await page.click("#login-submit");
  const error = page.locator("#login-error");
  await error.waitFor();
  assert.match(await error.textContent(), /البريد الإلكتروني أو كلمة المرور غير صحيحة/);
  assert.equal(new URL(page.url()).pathname, "/login");
});

test("the coordinator signs in and the session survives a reload", async () => {
  const page = await signedIn();
  assert.match(await page.locator("#who").textContent(), /رئيس المكتب · مدير المنصة/);
  await page.reload();
  await page.locator("#who").waitFor();
  // Signed in, the pending organization shows too.
  await page.waitForFunction(() =>
    [...document.querySelectorAll("#results .org-name")].some((e) => e.textContent === "منظمة قيد المراجعة"));
});

test("a validation error is shown beside its field and nothing is saved", async () => {
  const page = await signedIn();
  await page.goto(app.base + "/organizations/new");
  await page.fill("#f-name_ar", "جمعية تجريبية");
  await page.fill("#f-founded_year", "3000");
  await page.fill("#f-contacts-email", "not-an-email");
  await page.click("#save");
  await page.locator("#err-founded_year").waitFor();
  assert.match(await page.locator("#err-founded_year").textContent(), /بين 1800 و/);
  assert.match(await page.locator("#err-contacts-email").textContent(), /البريد الإلكتروني غير صالح/);
  assert.equal(new URL(page.url()).pathname, "/organizations/new");
  await shot(page, "form-errors");
  const stored = await app.api("GET", "/api/v1/organizations?q=%D8%AA%D8%AC%D8%B1%D9%8A%D8%A8%D9%8A%D8%A9", token);
  assert.equal(stored.body.items.length, 0);
});

test("creating an organization with an Arabic name", async () => {
  const page = await signedIn();
  await page.goto(app.base + "/organizations/new");
  await page.selectOption("#f-kind", "ngo");
  await page.fill("#f-name_ar", "جمعية الأمل للتنمية");
  await page.fill("#f-description", "خدمات صحية وتعليمية في شندي");
  await page.check("#sectors-health");
  await page.selectOption("#f-areas", ["SD-RN-SHN"]);
  await page.check("#needs-funding");
  await page.click("#save");
  await page.locator("#org-title").waitFor();
  assert.equal(await page.locator("#org-title").textContent(), "جمعية الأمل للتنمية");
  assert.match(new URL(page.url()).pathname, /^\/organizations\/[0-9a-f-]{36}$/);
  assert.match(await page.locator("#org-areas").textContent(), /شندي/);
  await shot(page, "organization");
});

test("a second registration with the same name in the same area is flagged", async () => {
  await organization({ name_ar: "جمعية النور الخيرية" });
  const page = await signedIn();
  await page.goto(app.base + "/organizations/new");
  await page.selectOption("#f-areas", ["SD-RN-SHN"]);
  await page.fill("#f-name_ar", "جمعيه النور الخيريه");
  await page.locator("#f-name_ar").blur();
  await page.locator("#duplicate-warning").waitFor();
  assert.match(await page.locator("#duplicate-warning").textContent(), /جمعية النور الخيرية/);
});

test("an organization is found by a differently spelled Arabic query", async () => {
  await organization({ name_ar: "جمعية الإخاء للتنمية" }, { verified: true });
  const page = await app.newPage();
  await page.goto(app.base + "/");
  await page.fill("#q", "جمعيه الاخاء");
  await page.click("#search-submit");
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll("#results .org-name")].map((e) => e.textContent);
    return names.length === 1 && names[0] === "جمعية الإخاء للتنمية";
  });
  await page.fill("#q", "زراعة");
  await page.click("#search-submit");
  await page.locator("#empty").waitFor();
});

test("editing an organization and verifying it", async () => {
  const id = await organization({ name_ar: "جمعية الرحمة" });
  const page = await signedIn();
  await page.goto(`${app.base}/organizations/${id}`);
  await page.click("#edit");
  await page.waitForFunction(() => document.querySelector("#f-name_ar")?.value === "جمعية الرحمة");
  await page.fill("#f-name_en", "Al-Rahma Society");
  await page.click("#save");
  await page.waitForURL(`${app.base}/organizations/${id}`);
  await page.getByText("Al-Rahma Society").waitFor();
  await page.click("#verify-verified");
  await page.locator("#history li").nth(1).waitFor();
  assert.match(await page.locator(".org-head").textContent(), /موثقة/);
  const anonymous = await app.api("GET", `/api/v1/organizations/${id}`, null);
  assert.equal(anonymous.status, 200, "verified now, so public");
});

test("switching to English turns the whole page left to right, and back", async () => {
  const id = await organization({ name_ar: "جمعية الوفاق", name_en: "Al-Wifaq Society" }, { verified: true });
  const page = await app.newPage();
  await page.goto(app.base + "/");
  await page.click("#lang-switch");
  await page.waitForFunction(() => document.documentElement.dir === "ltr");
  assert.equal(await htmlAttr(page, "lang"), "en");
  assert.equal(await page.locator("h1").textContent(), "Organization directory");
  await page.reload();
  await page.locator("h1").waitFor();
  assert.equal(await htmlAttr(page, "dir"), "ltr", "the choice is remembered");
  await page.locator("#results li").first().waitFor();
  await shot(page, "directory", { lang: "en" });
  await page.goto(`${app.base}/organizations/${id}`);
  await page.locator("#org-title").waitFor();
  assert.equal(await page.locator("#org-title").textContent(), "Al-Wifaq Society");
  await shot(page, "organization", { lang: "en" });
  await page.click("#lang-switch");
  await page.waitForFunction(() => document.documentElement.dir === "rtl");
  assert.equal(await htmlAttr(page, "lang"), "ar");
});

test("unknown pages say so, and signing out returns to the public directory", async () => {
  const page = await signedIn();
  await page.goto(app.base + "/no/such/page");
  await page.locator("#not-found").waitFor();
  await page.click("#sign-out");
  await page.waitForURL(app.base + "/");
  await page.locator("#public-note").waitFor();
  await page.waitForFunction(() =>
    [...document.querySelectorAll("#results .org-name")].some((e) => e.textContent === "فريق شباب المتمة"));
  const names = await page.locator("#results .org-name").allTextContents();
  assert.ok(!names.includes("منظمة قيد المراجعة"), "pending stays hidden");
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
