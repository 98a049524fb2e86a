// Partnerships in the dashboard: one organization's administrator proposes a
// partnership with two others, the second confirms from its inbox, the third too, and
// the anonymous public page then shows it confirmed by 3 of 3.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, shot, shots, signIn, bin } from "./harness.mjs";

const COORDINATOR = { email: "chair@shendi.example", password: "a long passphrase 2026" };
const ADMINS = [
  { email: "amal@x.example", password: "النيل يجري شمالا 2026", org: "جمعية الأمل الخيرية" },
  { email: "nafeer@x.example", password: "النيل يجري شمالا 2027", org: "منظمة نفير للتنمية" },
  { email: "clinic@x.example", password: "النيل يجري شمالا 2028", org: "المركز الصحي بشندي" },
];
const THREE_OF_THREE = /(3|٣) من (3|٣)/;
// A one-pixel PNG and a small PDF, as evidence.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
const PDF = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
let app;

before(async () => {
  app = await start();
  execFileSync(bin, ["admin", "create", "--email", COORDINATOR.email, "--name", "رئيس المكتب", "--password-stdin"], {
    env: app.env, input: COORDINATOR.password + "\n",
  });
  const chair = (await app.api("POST", "/api/v1/auth/login", null, COORDINATOR)).body.access_token;
  for (const a of ADMINS) {
    const r = await app.api("POST", "/api/v1/auth/signup", null, {
      email: a.email, display_name: "مدير", password: a.password,
      organization: { kind: "ngo", name_ar: a.org, areas: ["SD-RN-SHN"] },
    });
    assert.equal(r.status, 201);
    const id = r.body.organization.id;
    const org = await app.api("GET", `/api/v1/organizations/${id}`, chair);
    const v = await app.api("POST", `/api/v1/organizations/${id}/verification`, chair, { status: "verified" },
      { "if-match": org.headers.get("etag") });
    assert.equal(v.status, 200);
  }
});

after(async () => {
  await app?.close();
});

/** Opens the inbox of what awaits my organizations' answer and confirms the one partnership there. */
async function confirmFromInbox(page, expected) {
  await page.click("#nav-partnerships");
  await page.click("#tab-inbox");
  await page.locator("#partnerships .partnership-card").first().waitFor();
  await shot(page, "partnerships-inbox");
  await page.click("#partnerships .partnership-card a");
  await page.locator("#partnership-page .answer-confirm").waitFor();
  await page.click("#partnership-page .answer-confirm");
  await page.waitForFunction((re) => new RegExp(re).test(document.querySelector("#confirmed-by")?.textContent ?? ""), expected.source);
}

test("a partnership proposed by one organization is confirmed by the other two and then shown to the public", async () => {
  const amal = await app.newPage();
  await signIn(amal, app.base, ADMINS[0].email, ADMINS[0].password);
  await amal.click("#nav-partnerships");
  await amal.locator("#partnerships-empty").waitFor();
  await amal.click("#propose-link");
  // The proposer's own organization is the first party; a proposal needs a title and two parties.
  await amal.locator("#p-parties li").first().waitFor();
  await amal.click("#p-submit");
  await amal.locator("#err-p-title_ar").waitFor();
  await amal.fill("#p-title_ar", "برنامج الإحالة الصحية في شندي");
  await amal.selectOption("#p-kind", "service_referral");
  for (const q of ["نفير", "المركز الصحي"]) {
    await amal.fill("#party-q", q);
    await amal.click("#party-search");
    await amal.locator("#party-results li button").first().click();
  }
  await amal.waitForFunction(() => document.querySelectorAll("#p-parties > li").length === 3);
  await amal.fill("#p-contribution-1", "متطوعون لمتابعة الحالات");
  await shot(amal, "partnership-form");
  await amal.click("#p-submit");
  await amal.locator("#partnership-page").waitFor();
  assert.match(await amal.locator("#confirmed-by").textContent(), /(1|١) من (3|٣)/);
  const path = new URL(amal.url()).pathname;
  assert.match(path, /^\/partnerships\/[0-9a-f-]{36}$/);

  // Not public while any party has not confirmed.
  const visitor = await app.newPage();
  await visitor.goto(app.base + path);
  await visitor.locator("#not-found").waitFor();
  assert.equal(await visitor.locator("#partnership-page").count(), 0);

  const nafeer = await app.newPage();
  await signIn(nafeer, app.base, ADMINS[1].email, ADMINS[1].password);
  await confirmFromInbox(nafeer, /(2|٢) من (3|٣)/);
  await shot(nafeer, "partnership");

  const clinic = await app.newPage();
  await signIn(clinic, app.base, ADMINS[2].email, ADMINS[2].password);
  await confirmFromInbox(clinic, THREE_OF_THREE);
  await clinic.click("#nav-partnerships");
  await clinic.click("#tab-inbox");
  await clinic.locator("#partnerships-empty").waitFor();

  // A party records an outcome with its numbers; it is shown as fact only once both other
  // parties endorse it.
  await clinic.goto(app.base + path);
  await clinic.locator("#reports-empty").waitFor();
  await clinic.click("#new-report summary");
  await clinic.selectOption("#r-kind", "outcome");
  await clinic.fill("#r-date", "2026-11-30");
  await clinic.fill("#r-summary", "قافلة صحية في حي الشاطئ");
  await clinic.click("#r-submit");
  await clinic.locator("#err-r-measures").waitFor();
  await clinic.click("#r-add-measure");
  await clinic.fill(".measure-row .r-value", "412");
  await clinic.click("#r-summary");
  await clinic.click("#r-submit");
  await clinic.locator("#reports .report-awaiting").waitFor();
  // Its evidence: a photo (previewed) and a PDF; a file that is not what it claims is refused.
  await clinic.setInputFiles("#reports .evidence-file", { name: "قافلة.pdf", mimeType: "application/pdf", buffer: PNG });
  await clinic.click("#reports .evidence-upload");
  await clinic.locator("#reports .evidence .error").waitFor();
  for (const file of [
    { name: "صورة القافلة.png", mimeType: "image/png", buffer: PNG },
    { name: "كشف المستفيدين.pdf", mimeType: "application/pdf", buffer: PDF },
  ]) {
    const before = await clinic.locator("#reports .evidence-item").count();
    await clinic.setInputFiles("#reports .evidence-file", file);
    await clinic.click("#reports .evidence-upload");
    await clinic.locator("#reports .evidence-item").nth(before).waitFor();
  }
  await clinic.locator("#reports .evidence-preview").waitFor();
  await shot(clinic, "partnership-reports");
  for (const page of [nafeer, amal]) {
    await page.goto(app.base + path);
    await page.locator("#reports .report-endorse").click();
    await page.waitForFunction(() => document.querySelector("#reports")?.textContent.includes("أيّد"));
  }
  await amal.locator("#reports .report-endorsed").waitFor();

  // Now the public sees it, confirmed by every party, with the date of each confirmation.
  await visitor.goto(app.base + path);
  await visitor.locator("#partnership-page").waitFor();
  assert.match(await visitor.locator("#confirmed-by").textContent(), THREE_OF_THREE);
  assert.equal(await visitor.locator("#parties .party-confirmed").count(), 3);
  assert.equal(await visitor.locator("#partnership-page .answer-confirm").count(), 0, "no answering for anyone");
  await visitor.locator("#partnership-history li").nth(2).waitFor();
  await visitor.locator("#reports .report-endorsed").waitFor();
  assert.equal(await visitor.locator("#reports .report-endorse").count(), 0);
  // Its evidence is public now: the photo previewed, the PDF downloaded byte for byte.
  await visitor.waitForFunction(() => document.querySelector("#reports .evidence-preview")?.naturalWidth > 0);
  assert.equal(await visitor.locator("#reports .evidence-upload").count(), 0, "only the reporting party uploads");
  const [download] = await Promise.all([
    visitor.waitForEvent("download"),
    visitor.locator("#reports .evidence-item").nth(1).locator(".evidence-download").click(),
  ]);
  assert.equal(download.suggestedFilename(), "كشف المستفيدين.pdf");
  assert.deepEqual(readFileSync(await download.path()), PDF);
  await shot(visitor, "partnership-public");
  // The partnership network: the three organizations, drawn.
  await visitor.goto(app.base + "/partnerships");
  await visitor.click("#graph-link");
  await visitor.locator("#graph circle").nth(2).waitFor();
  assert.equal(await visitor.locator("#graph line").count(), 3);
  assert.equal(await visitor.locator("#graph-table tbody tr").count(), 3);
  await shot(visitor, "partnership-graph");
  await visitor.goto(app.base + path);
  await visitor.locator("#partnership-page").waitFor();
  await visitor.click("#lang-switch");
  await visitor.waitForFunction(() => document.documentElement.dir === "ltr");
  await visitor.getByText("Confirmed by 3 of 3 parties").waitFor();
  await shot(visitor, "partnership-public", { lang: "en" });
  await visitor.goto(app.base + "/partnerships");
  await visitor.locator("#partnerships .partnership-card").first().waitFor();
  await shot(visitor, "partnerships", { lang: "en" });
  await visitor.click("#graph-link");
  await visitor.locator("#graph circle").nth(2).waitFor();
  await shot(visitor, "partnership-graph", { lang: "en" });
  await visitor.goto(app.base + "/partnerships");
  await visitor.locator("#partnerships .partnership-card").first().waitFor();
  // The proposing organization's profile lists it with its record.
  await amal.goto(app.base + "/");
  await amal.getByText(ADMINS[0].org).first().click();
  await amal.locator("#org-partnerships li a").waitFor();
  assert.match(await amal.locator("#partnership-record").textContent(), /(1|١) من (1|١)/);
  await shot(amal, "org-partnerships");
  // All its partnerships: the coordination screens, filtered by the organization.
  await amal.click("#org-partnerships-all");
  await amal.locator("#org-filter").waitFor();
  // The filter shows at once, the list once it has loaded.
  await amal.locator("#partnerships .partnership-card").first().waitFor();
  assert.equal(await amal.locator("#partnerships .partnership-card").count(), 1);
  await shot(amal, "partnerships");
  await amal.click("#lang-switch");
  await amal.waitForFunction(() => document.documentElement.dir === "ltr");
  await amal.click("#tab-inbox");
  await amal.locator("#partnerships-empty").waitFor();
  await shot(amal, "partnerships-inbox", { lang: "en" });
  await amal.goto(app.base + path);
  await amal.locator("#amend-link").waitFor();
  await amal.locator("#reports .report-endorsed").waitFor();
  await shot(amal, "partnership", { lang: "en" });
  await amal.click("#new-report summary");
  await shot(amal, "partnership-reports", { lang: "en" });
  await amal.click("#amend-link");
  await amal.locator("#p-parties li").nth(2).waitFor();
  await shot(amal, "partnership-form", { lang: "en" });
  await amal.goto(app.base + "/organizations/" + (await app.api("GET", "/api/v1/organizations?limit=50")).body.items.find((o) => o.name_ar === ADMINS[0].org).id);
  await amal.locator("#partnership-record").waitFor();
  await shot(amal, "org-partnerships", { lang: "en" });
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});

test("a certificate's QR code opens its verification page: verified, then not verified once the record is edited in the database", async () => {
  const chair = (await app.api("POST", "/api/v1/auth/login", null, COORDINATOR)).body.access_token;
  const id = (await app.api("GET", "/api/v1/partnerships?status=active", chair)).body.items[0].id;
  const amal = await app.newPage();
  await signIn(amal, app.base, ADMINS[0].email, ADMINS[0].password);
  await amal.goto(`${app.base}/partnerships/${id}`);
  await amal.locator("#certificate-download").waitFor();
  const [download] = await Promise.all([amal.waitForEvent("download"), amal.click("#certificate-download")]);
  assert.equal(download.suggestedFilename(), `partnership-certificate-${id}.pdf`);
  const dir = mkdtempSync(join(tmpdir(), "tashbeek-certificate-"));
  const pdf = join(dir, "certificate.pdf");
  await download.saveAs(pdf);
  execFileSync("pdftoppm", ["-png", "-r", "110", "-singlefile", pdf, join(shots, "certificate-e2e")]);
  const url = execFileSync("zbarimg", ["-q", "--raw", join(shots, "certificate-e2e.png")], { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  assert.match(url, new RegExp(`^${app.base}/verify/${id}\\?hash=[0-9a-f]{64}$`));

  // Anyone who scans it, signed in or not, sees it verified.
  const visitor = await app.newPage();
  await visitor.goto(url);
  await visitor.locator('#verify-verdict[data-verified="true"]').waitFor();
  assert.equal(await visitor.locator("#verify-parties tbody tr").count(), 3);
  assert.equal(await visitor.locator('#verify-parties tr[data-state="confirmed"]').count(), 3);
  await visitor.locator("#verify-current").waitFor();
  assert.equal(await visitor.locator("#verify-certificate-hash").textContent(), new URL(url).searchParams.get("hash"));
  await shot(visitor, "verify");
  // The partnership page links to it too.
  await amal.click("#verification-link");
  await amal.locator('#verify-verdict[data-verified="true"]').waitFor();

  // Someone with database access rewrites the proposal in the audit log.
  const db = app.env.DATABASE_URL.replace(/^sqlite:\/\//, "");
  execFileSync("python3", ["-c", `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
n = c.execute("UPDATE audit_log SET after_json = replace(after_json, 'الإحالة', 'التزوير') WHERE object_type = 'partnership' AND object_id = ? AND action = 'partnership.propose'", (sys.argv[2],)).rowcount
c.commit()
assert n == 1, n
`, db, id]);
  await visitor.reload();
  await visitor.locator('#verify-verdict[data-verified="false"]').waitFor();
  await shot(visitor, "verify-tampered");
  await visitor.click("#lang-switch");
  await visitor.getByText("Not verified").waitFor();
  await shot(visitor, "verify-tampered", { lang: "en" });
  // No new certificate vouches for the edited record.
  const r = await app.api("GET", `/api/v1/partnerships/${id}/certificate`, chair);
  assert.equal(r.status, 409);
  assert.equal(r.body.code, "record_not_intact");
  rmSync(dir, { recursive: true, force: true });
});
