// Recommendations in the dashboard: a coordinator records a forum's recommendations and
// adopts them; the addressed organization's administrator accepts her part, posts a
// progress update and attaches a document to it; the coordinator's board shows the
// recommendation in progress with its percentage.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync, readFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { start, shot, signIn, bin } from "./harness.mjs";

const COORDINATOR = { email: "chair@shendi.example", password: "a long passphrase 2026" };
const OWNER = { email: "owner@nafeer.example", password: "النيل يجري شمالا 2026" };
let app;
let meeting;
let org;

before(async () => {
  app = await start();
  execFileSync(bin, ["admin", "create", "--email", COORDINATOR.email, "--name", "رئيس المكتب", "--password-stdin"], {
    env: app.env, input: COORDINATOR.password + "\n",
  });
  let r = await app.api("POST", "/api/v1/auth/signup", null, {
    email: OWNER.email, display_name: "عثمان", password: OWNER.password,
    organization: { kind: "ngo", name_ar: "منظمة نفير للتنمية", areas: ["SD-RN-SHN"] },
  });
  assert.equal(r.status, 201);
  const owner = r.body.session.access_token;
  org = r.body.organization.id;
  const chair = (await app.api("POST", "/api/v1/auth/login", null, COORDINATOR)).body.access_token;
  r = await app.api("POST", "/api/v1/networks", chair, { name_ar: "تجمع منظمات شندي والمتمة", area: "SD-RN" });
  assert.equal(r.status, 201);
  const network = r.body.id;
  assert.equal((await app.api("POST", `/api/v1/networks/${network}/members`, chair, { organization_id: org })).status, 204);
  assert.equal((await app.api("PUT", `/api/v1/networks/${network}/members/${org}`, owner, { status: "member" })).status, 204);
  r = await app.api("POST", "/api/v1/meetings", chair, {
    title: "الملتقى الأول لمنظمات شندي والمتمة", kind: "forum", network_id: network, organizers: [org],
    starts_local: "2027-01-10T10:00", ends_local: "2027-01-10T14:00", time_zone: "Africa/Khartoum",
    venue_name: "دار الشباب", visibility: "network",
  });
  assert.equal(r.status, 201);
  meeting = r.body.id;
});

after(async () => {
  await app?.close();
});

test("a coordinator records a forum's recommendations, an organization reports progress with a document, the board follows", async () => {
  const chair = await app.newPage();
  await signIn(chair, app.base, COORDINATOR.email, COORDINATOR.password);
  await chair.goto(`${app.base}/recommendations?meeting=${meeting}`);
  await chair.locator("#recommendations-empty").waitFor();
  const record = async (code, text) => {
    await chair.click("#new-recommendation");
    await chair.locator("#for-meeting").waitFor();
    await chair.waitForFunction((id) => document.querySelector(`.addressee[data-org='${id}']`), org);
    await chair.fill("#r-code", code);
    await chair.fill("#r-text-ar", text);
    await chair.fill("#r-due", "2027-03-31");
    await chair.check(`.addressee[data-org='${org}']`);
    await chair.click("#save-recommendation");
    await chair.locator("#recommendation").waitFor();
    assert.equal(await chair.locator("#rec-code").textContent(), code);
  };
  // A recommendation without text is refused beside its field, and nothing is stored.
  await chair.click("#new-recommendation");
  await chair.locator("#for-meeting").waitFor();
  await chair.click("#save-recommendation");
  await chair.locator(".field-error").first().waitFor();
  await shot(chair, "recommendation-form");
  await chair.goto(`${app.base}/recommendations?meeting=${meeting}`);
  await record("SHN-01", "إنشاء قاعدة بيانات مشتركة للمنظمات الطوعية بالمحليتين");
  await chair.click("#to-adopted");
  await chair.waitForFunction(() => document.querySelector("#recommendation")?.dataset.status === "adopted");
  await shot(chair, "recommendation");
  await chair.goto(`${app.base}/recommendations?meeting=${meeting}`);
  await record("SHN-02", "تدريب المتطوعين على الإسعافات الأولية");
  await chair.goto(`${app.base}/recommendations?meeting=${meeting}`);
  await chair.locator("#column-proposed .rec-card[data-code='SHN-02']").waitFor();
  await chair.locator("#column-adopted .rec-card[data-code='SHN-01']").waitFor();

  // The organization's administrator takes the part on and reports, with a document.
  const owner = await app.newPage();
  await signIn(owner, app.base, OWNER.email, OWNER.password);
  await owner.click("#nav-recommendations");
  await owner.locator("#column-adopted .rec-card[data-code='SHN-01']").waitFor();
  // The notification job told her of the part addressed to her organization.
  await owner.click("#notifications-link");
  await owner.locator(".notification[data-kind='assigned']").waitFor();
  await shot(owner, "notifications");
  await owner.click("#read-all");
  await owner.locator("#notifications-empty").waitFor();
  await owner.click("#nav-recommendations");
  await owner.locator("#column-adopted .rec-card[data-code='SHN-01']").waitFor();
  await owner.click("#owed-link");
  await owner.locator("#owed a").first().waitFor();
  await shot(owner, "owed");
  await owner.click("#owed a");
  await owner.locator(".part .accept-part").click();
  await owner.locator(".part[data-state='accepted']").waitFor();
  await owner.fill(".report-percent", "60");
  await owner.fill(".report-body", "جُمعت بيانات ستين منظمة من أصل مئة");
  await owner.click(".report-submit");
  await owner.locator("#timeline .update").waitFor();
  const dir = mkdtempSync(join(tmpdir(), "tashbeek-evidence-"));
  const pdf = join(dir, "قاعدة-البيانات.pdf");
  writeFileSync(pdf, "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  await owner.setInputFiles("#timeline .evidence-file", pdf);
  await owner.click("#timeline .attach-submit");
  await owner.locator("#timeline .document").waitFor();
  assert.match(await owner.locator("#rec-progress").textContent(), /60%/);
  assert.equal(await owner.locator("#recommendation").getAttribute("data-status"), "in_progress");
  // Done needs evidence, which the document is: the part awaits verification.
  await owner.click(".complete-part");
  await owner.locator(".part[data-state='awaiting_verification']").waitFor();
  await owner.click("#lang-switch");
  await owner.waitForFunction(() => document.documentElement.dir === "ltr");
  await owner.getByText("Awaiting verification").first().waitFor();
  await shot(owner, "recommendation", { lang: "en" });

  // The coordinator's board shows it in progress (a part claimed done counts in full);
  // verifying implements it.
  await chair.goto(`${app.base}/recommendations`);
  const card = chair.locator("#column-in_progress .rec-card[data-code='SHN-01']");
  await card.waitFor();
  assert.match(await card.textContent(), /100%/, "claimed done: the part counts in full");
  await shot(chair, "recommendations-board");
  await card.locator("a").click();
  await chair.click(".confirm-part");
  await chair.waitForFunction(() => document.querySelector("#recommendation")?.dataset.status === "implemented");
  await chair.goto(`${app.base}/recommendations?stale=true`);
  await chair.locator("#recommendations-empty").waitFor();
  await owner.goto(`${app.base}/recommendations`);
  await owner.locator("#column-implemented .rec-card[data-code='SHN-01']").waitFor();
  await shot(owner, "recommendations-board", { lang: "en" });

  // The coordinator exports the board as CSV, raises SHN-02's priority in the file, previews
  // the import (one change) and stores it.
  await chair.goto(`${app.base}/recommendations`);
  await chair.locator("#column-proposed .rec-card[data-code='SHN-02']").waitFor();
  const [download] = await Promise.all([chair.waitForEvent("download"), chair.click("#export-csv")]);
  const csv = readFileSync(await download.path(), "utf8")
    .split("\n").map((l) => (l.startsWith("SHN-02,") ? l.replace(",عادية,", ",عاجلة,") : l)).join("\n");
  const edited = join(dir, "edited.csv");
  writeFileSync(edited, csv);
  await chair.click("#import-link");
  await chair.setInputFiles("#import-file", edited);
  await chair.click("#import-preview");
  await chair.locator("#import-changes").waitFor();
  assert.equal(await chair.locator("#import-changes tbody tr").count(), 1);
  await shot(chair, "recommendations-import");
  await chair.click("#import-apply");
  await chair.waitForFunction(() => document.querySelector("#import-report")?.dataset.applied === "true");
  await chair.goto(`${app.base}/recommendations`);
  await chair.locator("#column-proposed .rec-card[data-code='SHN-02'] .priority-urgent").waitFor();
  // The other screens, left to right.
  await chair.click("#lang-switch");
  await chair.waitForFunction(() => document.documentElement.dir === "ltr");
  await chair.click("#import-link");
  await chair.setInputFiles("#import-file", edited);
  await chair.click("#import-preview");
  await chair.locator("#import-report").waitFor();
  await shot(chair, "recommendations-import", { lang: "en" });
  await chair.goto(`${app.base}/recommendations/new?meeting=${meeting}`);
  await chair.locator("#for-meeting").waitFor();
  await chair.waitForFunction((id) => document.querySelector(`.addressee[data-org='${id}']`), org);
  await shot(chair, "recommendation-form", { lang: "en" });
  await chair.goto(`${app.base}/recommendations/notifications`);
  await chair.locator("#notifications-page").waitFor();
  await shot(chair, "notifications", { lang: "en" });
  await owner.goto(`${app.base}/recommendations/owed`);
  await owner.locator("#owed-page").waitFor();
  await shot(owner, "owed", { lang: "en" });
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
