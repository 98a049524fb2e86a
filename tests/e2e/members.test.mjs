// Membership by invitation, in the dashboard: an organization's administrator invites a
// colleague, who opens the link in another browser, creates an account and joins.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, shot, signIn } from "./harness.mjs";

const OWNER = { email: "owner@amal.example", password: "النيل يجري شمالا 2026" };
let app, orgId;

before(async () => {
  app = await start();
  const r = await app.api("POST", "/api/v1/auth/signup", null, {
    email: OWNER.email, display_name: "سلمى أحمد", password: OWNER.password,
    organization: { kind: "ngo", name_ar: "جمعية الأمل للتنمية", areas: ["SD-RN-SHN"] },
  });
  assert.equal(r.status, 201);
  orgId = r.body.organization.id;
});

after(async () => {
  await app?.close();
});

test("an administrator invites a colleague, who creates an account from the link and joins", async () => {
  const owner = await app.newPage();
  await signIn(owner, app.base, OWNER.email, OWNER.password);
  await owner.goto(`${app.base}/organizations/${orgId}`);
  await owner.click("#members-link");
  await owner.locator("#members-page").waitFor();
  await owner.waitForFunction(() => document.querySelector("#members")?.textContent.includes("owner@amal.example"));
  // A malformed address is refused beside its field.
  await owner.fill("#invite-email", "fatima@");
  await owner.click("#invite-submit");
  await owner.locator("#invite-email-error").waitFor();
  await owner.fill("#invite-email", "fatima@amal.example");
  await owner.click("#invite-submit");
  const link = await owner.locator("#invite-link").inputValue();
  assert.match(link, /\/invitation#[A-Za-z0-9_-]{40,}$/);
  await owner.locator("#invitations li").first().waitFor();
  assert.match(await owner.locator("#invitations").textContent(), /بانتظار القبول/);
  await shot(owner, "members");

  // The colleague, in another browser, opens the link.
  const colleague = await app.newPage();
  await colleague.goto(link);
  await colleague.locator("#invite-summary").waitFor();
  assert.match(await colleague.locator("#invite-summary").textContent(), /جمعية الأمل للتنمية/);
  assert.equal(await colleague.locator("#invite-email").textContent(), "fatima@amal.example");
  await colleague.fill("#invite-name", "فاطمة الحسن");
  await colleague.fill("#invite-password", "1234567890");
  await colleague.click("#invite-create");
  await colleague.locator("#invite-password-error").waitFor();
  assert.match(await colleague.locator("#invite-password-error").textContent(), /سهلة التخمين/);
  await shot(colleague, "invitation");
  await colleague.fill("#invite-password", "شجرة النيم أمام البيت");
  await colleague.click("#invite-create");
  await colleague.waitForURL(`${app.base}/organizations/${orgId}`);
  await colleague.locator("#org-title").waitFor();
  assert.match(await colleague.locator("#who").textContent(), /فاطمة الحسن/);
  // The link worked once.
  await colleague.goto(link);
  await colleague.locator("#invite-invalid").waitFor();

  // The administrator sees the new member and the accepted invitation.
  await owner.reload();
  await owner.locator("#members-page").waitFor();
  await owner.waitForFunction(() => document.querySelector("#members").textContent.includes("fatima@amal.example"));
  assert.match(await owner.locator("#invitations").textContent(), /مقبولة/);
  await owner.click("#lang-switch");
  await owner.waitForFunction(() => document.documentElement.dir === "ltr");
  await owner.getByText("Members and invitations").first().waitFor();
  await shot(owner, "members", { lang: "en" });
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
