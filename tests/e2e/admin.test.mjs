// Administration in the dashboard: a coordinator creates an observer account and
// changes its role, adds a sector and a locality, reads the audit log, verifies it and
// anchors it; the observer reads and verifies but is offered no changes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { start, shot, signIn, bin } from "./harness.mjs";

const COORDINATOR = { email: "chair@shendi.example", password: "a long passphrase 2026" };
let app;

before(async () => {
  app = await start();
  execFileSync(bin, ["admin", "create", "--email", COORDINATOR.email, "--name", "رئيس المكتب", "--password-stdin"], {
    env: app.env, input: COORDINATOR.password + "\n",
  });
});

after(async () => {
  await app?.close();
});

test("a coordinator manages accounts, sectors and areas, and reads the audit log", async () => {
  const page = await app.newPage();
  await signIn(page, app.base, COORDINATOR.email, COORDINATOR.password);
  await page.click("#nav-admin");
  await page.locator("#users-page").waitFor();
  await page.waitForFunction(() => document.querySelector("#users")?.textContent.includes("chair@shendi.example"));
  // A weak password is refused beside its field; a good one creates the account.
  await page.click("#new-user summary");
  await page.fill("#u-email", "officer@mosd.example");
  await page.fill("#u-name", "سالم البلوشي");
  await page.fill("#u-password", "password12");
  await page.click("#u-create");
  await page.locator("#err-u-password").waitFor();
  await page.fill("#u-password", "وزارة التنمية الاجتماعية مسقط");
  await page.click("#u-create");
  await page.waitForFunction(() => document.querySelector("#users")?.textContent.includes("officer@mosd.example"));
  await shot(page, "admin-users");

  await page.click("a[href='/admin/reference']");
  await page.locator("#reference-page").waitFor();
  await page.fill("#s-code", "mental_health");
  await page.fill("#s-name_ar", "الصحة النفسية");
  await page.fill("#s-name_en", "Mental health");
  await page.click("#s-create");
  await page.waitForFunction(() => document.querySelector("#sectors")?.textContent.includes("الصحة النفسية"));
  await page.selectOption("#a-parent", "SD-RN");
  await page.fill("#a-id", "SD-RN-KBS");
  await page.fill("#a-name_ar", "كبوشية");
  await page.fill("#a-name_en", "Kabushiya");
  await page.click("#a-create");
  await page.waitForFunction(() => document.querySelector("#areas")?.textContent.includes("كبوشية"));
  await shot(page, "admin-reference");

  await page.click("a[href='/admin/audit']");
  await page.waitForFunction(() => document.querySelector("#audit")?.textContent.includes("area.create"));
  await page.fill("#audit-action", "sector.create");
  await page.click("#audit-filter");
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll("#audit tbody tr")];
    return rows.length === 1 && rows[0].textContent.includes("sector.create");
  });
  // An entry opens with the fields the change set.
  await page.click("#audit .audit-open");
  await page.waitForFunction(() => {
    const t = document.querySelector("#audit-changes")?.textContent ?? "";
    return t.includes("name_ar") && t.includes("الصحة النفسية") && t.includes("mental_health");
  });
  await shot(page, "admin-audit-entry");
  await page.click("#audit-close");
  await page.locator("#audit-entry").waitFor({ state: "detached" });
  // The log verifies; an anchor made now is listed with its hash, to print and keep.
  await page.click("#audit-verify");
  await page.locator("#audit-verified").waitFor();
  assert.match(await page.locator("#audit-verified").textContent(), /تم التحقق/);
  await page.click("#audit-anchor");
  await page.waitForFunction(() => /[0-9a-f]{64}/.test(document.querySelector("#audit-anchors tbody")?.textContent ?? ""));
  await shot(page, "admin-audit");
  await page.click("#lang-switch");
  await page.waitForFunction(() => document.documentElement.dir === "ltr");
  await page.getByText("Audit log").first().waitFor();
  await shot(page, "admin-audit", { lang: "en" });

  // The observer reads the same screens, with nothing to change.
  const observer = await app.newPage();
  await signIn(observer, app.base, "officer@mosd.example", "وزارة التنمية الاجتماعية مسقط");
  await observer.click("#nav-admin");
  await observer.waitForFunction(() => document.querySelector("#users")?.textContent.includes("chair@shendi.example"));
  assert.equal(await observer.locator("#new-user").count(), 0);
  assert.equal(await observer.locator("#users select").count(), 0);
  await observer.click("a[href='/admin/reference']");
  await observer.locator("#sectors").waitFor();
  assert.equal(await observer.locator("#new-sector").count(), 0);
  // The observer verifies the log and sees its anchors, but does not anchor.
  await observer.click("a[href='/admin/audit']");
  await observer.waitForFunction(() => /[0-9a-f]{64}/.test(document.querySelector("#audit-anchors tbody")?.textContent ?? ""));
  assert.equal(await observer.locator("#audit-anchor").count(), 0);
  await observer.click("#audit-verify");
  await observer.locator("#audit-verified").waitFor();
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
