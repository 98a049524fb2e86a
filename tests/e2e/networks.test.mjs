// Networks in the dashboard: a platform administrator creates a network and invites an
// organization; its administrator accepts from the network's page, is appointed one of
// the network's coordinators, and steps down.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { start, shot, signIn, bin } from "./harness.mjs";

const COORDINATOR = { email: "chair@shendi.example", password: "a long passphrase 2026" };
const OWNER = { email: "owner@nafeer.example", password: "النيل يجري شمالا 2026" };
let app;

before(async () => {
  app = await start();
  execFileSync(bin, ["admin", "create", "--email", COORDINATOR.email, "--name", "رئيس المكتب", "--password-stdin"], {
    env: app.env, input: COORDINATOR.password + "\n",
  });
  const r = await app.api("POST", "/api/v1/auth/signup", null, {
    email: OWNER.email, display_name: "عثمان", password: OWNER.password,
    organization: { kind: "ngo", name_ar: "منظمة نفير للتنمية", areas: ["SD-RN-SHN"] },
  });
  assert.equal(r.status, 201);
});

after(async () => {
  await app?.close();
});

test("a coordinator creates a network and invites an organization, whose administrator accepts", async () => {
  const chair = await app.newPage();
  await signIn(chair, app.base, COORDINATOR.email, COORDINATOR.password);
  await chair.click("a[href='/networks']");
  await chair.locator("#networks-empty").waitFor();
  await chair.click("#new-network summary");
  await chair.click("#n-create");
  await chair.locator("#err-n-name_ar").waitFor();
  await chair.fill("#n-name_ar", "تجمع المنظمات الطوعية بالقطاع الجنوبي");
  await chair.waitForFunction(() => document.querySelectorAll("#n-area option").length > 5);
  await chair.selectOption("#n-area", "SD-RN");
  await chair.click("#n-create");
  await chair.locator("#networks li").first().waitFor();
  await shot(chair, "networks");
  await chair.click("#networks a");
  await chair.locator("#network-title").waitFor();
  await chair.fill("#invite-q", "نفير");
  await chair.click("#invite-search");
  await chair.locator("#invite-results li button").first().click();
  await chair.waitForFunction(() => document.querySelector("#network-members")?.textContent.includes("مدعوة"));
  await shot(chair, "network");

  const owner = await app.newPage();
  await signIn(owner, app.base, OWNER.email, OWNER.password);
  await owner.goto(new URL(chair.url()).pathname.replace(/^/, app.base));
  await owner.locator("#network-accept").click();
  await owner.waitForFunction(() => document.querySelector("#network-members")?.textContent.includes("عضو"));
  assert.match(await owner.locator("#network-page").textContent(), /1 منظمة عضو|١ منظمة عضو/);
  await owner.click("#lang-switch");
  await owner.waitForFunction(() => document.documentElement.dir === "ltr");
  await owner.getByText("Organizations").first().waitFor();
  await shot(owner, "network", { lang: "en" });

  // The platform administrator appoints the organization's administrator a coordinator
  // of the network, by email; she then invites organizations from its page.
  await chair.fill("#appoint-email", "nobody@nowhere.example");
  await chair.click("#appoint-submit");
  await chair.locator("#appoint-unknown").waitFor();
  await chair.fill("#appoint-email", OWNER.email);
  await chair.click("#appoint-submit");
  await chair.waitForFunction(() => document.querySelector("#network-coordinators")?.textContent.includes("عثمان"));
  await shot(chair, "network-coordinators");
  await owner.reload();
  await owner.locator("#invite-q").waitFor();
  await owner.getByText("Step down").waitFor();
  await shot(owner, "network-coordinators", { lang: "en" });
  await owner.getByText("Step down").click();
  await owner.waitForFunction(() => !document.querySelector("#invite-q"));
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
