// A network's roadmap in the dashboard: a coordinator sets a short-term goal and plans a
// task owned by a member organization, linked to one of the network's recommendations;
// the organization's administrator marks the task done; the roadmap's progress and its
// table of tasks by term and status follow. Both directions are photographed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { start, shot, signIn, bin } from "./harness.mjs";

const COORDINATOR = { email: "chair@road.example", password: "a long passphrase 2026" };
const OWNER = { email: "owner@road.example", password: "النيل يجري شمالا 2026" };
let app;
let network;
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
  network = r.body.id;
  assert.equal((await app.api("POST", `/api/v1/networks/${network}/members`, chair, { organization_id: org })).status, 204);
  assert.equal((await app.api("PUT", `/api/v1/networks/${network}/members/${org}`, owner, { status: "member" })).status, 204);
  r = await app.api("POST", "/api/v1/recommendations", chair, {
    network_id: network, code: "NET-01", text_ar: "إنشاء قاعدة بيانات مشتركة للمنظمات الطوعية",
    addressees: [{ organization_id: org }],
  });
  assert.equal(r.status, 201);
});

after(async () => {
  await app?.close();
});

test("a coordinator plans the office's roadmap, a task's owner marks it done, the roadmap follows", async () => {
  const chair = await app.newPage();
  await signIn(chair, app.base, COORDINATOR.email, COORDINATOR.password);
  await chair.goto(`${app.base}/roadmap`);
  await chair.locator(`#roadmap-networks a[href='/roadmap/${network}']`).waitFor();
  await shot(chair, "roadmap-index");
  await chair.click(`#roadmap-networks a[href='/roadmap/${network}']`);
  await chair.locator("#roadmap-empty").waitFor();

  // A goal without a title is refused beside its field.
  await chair.click("#new-goal summary");
  await chair.click("#new-goal .goal-submit");
  await chair.locator("#new-goal .field-error").waitFor();
  await chair.fill("#new-goal .goal-title-input", "حصر المنظمات الطوعية بالمحليتين وتحديث بياناتها");
  await chair.fill("#new-goal .goal-target", "2027-06-30");
  await chair.click("#new-goal .goal-submit");
  const goal = chair.locator("#term-short .goal");
  await goal.waitFor();
  // The form stays open for the next goal.
  await chair.fill("#new-goal .goal-title-input", "مقر دائم للتجمع");
  await chair.selectOption("#new-goal .goal-term", "medium");
  await chair.click("#new-goal .goal-submit");
  await chair.locator("#term-medium .goal").waitFor();

  // A task owned by the member organization, implementing the network's recommendation.
  await goal.locator(".add-task summary").click();
  const form = goal.locator(".add-task .task-form");
  await form.locator(".task-title-input").fill("تصميم استمارة الحصر وتوزيعها");
  await chair.waitForFunction((id) => document.querySelector(`.add-task .task-owner-org option[value='${id}']`), org);
  await form.locator(".task-owner-org").selectOption(org);
  await form.locator(".task-owner-person").fill("أمين المعلومات");
  await form.locator(".task-due").fill("2027-02-28");
  await form.locator(".task-link[data-code='NET-01']").check();
  await form.locator(".task-submit").click();
  const task = goal.locator(".task");
  await task.waitFor();
  assert.equal(await task.getAttribute("data-status"), "planned");
  assert.match(await task.locator(".task-owner").textContent(), /منظمة نفير للتنمية/);
  assert.match(await task.locator(".task-recommendations").textContent(), /NET-01/);
  await shot(chair, "roadmap");

  // The owner organization's administrator follows the roadmap but does not plan it; she
  // moves her task to done.
  const owner = await app.newPage();
  await signIn(owner, app.base, OWNER.email, OWNER.password);
  await owner.goto(`${app.base}/networks/${network}`);
  await owner.click("#network-roadmap");
  const mine = owner.locator("#term-short .task");
  await mine.waitFor();
  assert.equal(await owner.locator("#new-goal").count(), 0, "only coordinators plan");
  assert.equal(await owner.locator(".edit-task").count(), 0);
  await mine.locator(".task-next").selectOption("blocked");
  await mine.locator(".task-move-submit").click();
  await mine.locator(".alert.error").waitFor();
  await mine.locator(".task-next").selectOption("done");
  await mine.locator(".task-move-submit").click();
  await owner.locator("#term-short .task[data-status='done']").waitFor();
  assert.match(await owner.locator("#term-short .goal-progress").textContent(), /100%/);
  const cell = owner.locator("#roadmap-counts tr[data-term='short'] td[data-status='done']");
  assert.match(await cell.textContent(), /^(1|١)$/);
  await owner.click("#lang-switch");
  await owner.waitForFunction(() => document.documentElement.dir === "ltr");
  await owner.locator("#term-short h2").filter({ hasText: "Short term" }).waitFor();
  await shot(owner, "roadmap", { lang: "en" });

  // Filters live in the address: only the medium term.
  await chair.goto(`${app.base}/roadmap/${network}?term=medium`);
  await chair.locator("#term-medium .goal").waitFor();
  assert.equal(await chair.locator("#term-short .goal").count(), 0);
  await chair.click("#lang-switch");
  await chair.waitForFunction(() => document.documentElement.dir === "ltr");
  await chair.goto(`${app.base}/roadmap`);
  await chair.locator(`#roadmap-networks a[href='/roadmap/${network}']`).waitFor();
  await shot(chair, "roadmap-index", { lang: "en" });
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
