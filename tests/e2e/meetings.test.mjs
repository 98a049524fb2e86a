// Meetings in the dashboard: a coordinator schedules a meeting and invites an
// organization; its administrator answers, naming two people (each gets a QR code); the
// coordinator records attendance at the door on a phone-sized screen, by the code under
// a QR code and by ticking a name.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { start, shot, signIn, bin, PHONE } from "./harness.mjs";

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

/** A fixed-offset zone where it is around noon now, and a local start 20 minutes from
 *  now in it: the meeting is still ahead for the answer and already on its day for the door. */
function slot() {
  const now = new Date();
  let offset = 12 - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  const zone = offset === 0 ? "Etc/GMT" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
  const local = (minutes) => {
    const t = new Date(now.getTime() + offset * 3600_000 + minutes * 60_000);
    return t.toISOString().slice(0, 16);
  };
  return { zone, starts: local(20), ends: local(140) };
}

test("a coordinator schedules a meeting, an organization answers, the door records attendance on a phone", async () => {
  const chair = await app.newPage();
  await signIn(chair, app.base, COORDINATOR.email, COORDINATOR.password);
  await chair.click("#nav-meetings");
  await chair.locator("#meetings-empty").waitFor();
  await shot(chair, "meetings-empty");
  await chair.click("#meeting-new");
  await chair.locator("#m-submit").click();
  await chair.locator("#err-m-title").waitFor();
  const { zone, starts, ends } = slot();
  await chair.fill("#m-title", "الاجتماع التأسيسي لتجمع منظمات شندي والمتمة");
  await chair.selectOption("#m-kind", "founding_meeting");
  await chair.fill("#m-starts_local", starts);
  await chair.fill("#m-ends_local", starts.slice(0, 11) + "09:00");
  await chair.fill("#m-time_zone", zone);
  await chair.fill("#m-venue_name", "قاعة محلية شندي");
  await chair.fill("#m-capacity", "40");
  await shot(chair, "meeting-form");
  // An end before the start is refused, naming the field.
  await chair.locator("#m-submit").click();
  if (starts.slice(11) > "09:00") await chair.locator("#err-m-ends_local").waitFor();
  await chair.fill("#m-ends_local", ends);
  await chair.locator("#m-submit").click();
  await chair.locator("#meeting-title").waitFor();
  assert.match(await chair.locator("#meeting-when").textContent(), new RegExp(starts.replace("T", " ")));
  await chair.fill("#invite-orgs-q", "نفير");
  await chair.locator("#invite-orgs-q").press("Enter");
  await chair.locator("#invite-orgs .pick").first().click();
  // A speaker invited by name through her organization: her code exists at once.
  await chair.fill("#invite-person-name", "هدى عبد الرحيم");
  await chair.fill("#invite-person-title", "رئيسة الجمعية");
  await chair.click("#invite-person-add");
  await chair.waitForFunction(() => document.querySelector("#invite-people")?.textContent.includes("هدى"));
  await shot(chair, "meeting-invite");
  await chair.click("#invite-send");
  await chair.waitForFunction(() => document.querySelector("#invitations")?.textContent.includes("نفير"));
  const meetingPath = new URL(chair.url()).pathname;

  // The organization's administrator answers for it, naming who comes.
  const owner = await app.newPage();
  await signIn(owner, app.base, OWNER.email, OWNER.password);
  await owner.goto(app.base + meetingPath);
  await owner.locator("#rsvp-attending").check();
  assert.equal(await owner.inputValue("#rsvp-people"), "هدى عبد الرحيم", "the person the organizers named is kept");
  await owner.fill("#rsvp-people", "هدى عبد الرحيم\nعمر الطيب");
  await owner.click("#rsvp-submit");
  await owner.waitForFunction(() => document.querySelectorAll("#invitations svg.qr").length === 2);
  const codes = await owner.locator("#invitations code.code").allTextContents();
  // Each person with their position where one was given: "name — position".
  const names = (await owner.locator("#invitations .person > span").allTextContents()).map((n) => n.split(" — ")[0]);
  assert.equal(codes.length, 2);
  assert.deepEqual([...names].sort(), ["عمر الطيب", "هدى عبد الرحيم"]);
  await shot(owner, "meeting-invitation");
  await owner.click("#lang-switch");
  await owner.waitForFunction(() => document.documentElement.dir === "ltr");
  await owner.getByText("Attending").first().waitFor();
  await shot(owner, "meeting-invitation", { lang: "en" });

  // The door, on a phone: a code typed from under its QR code, then a name ticked off.
  const door = await app.newPage(PHONE);
  await signIn(door, app.base, COORDINATOR.email, COORDINATOR.password);
  await door.goto(app.base + meetingPath);
  await door.click("#meeting-attendance");
  await door.locator("#door-code").waitFor();
  await door.fill("#door-code", codes[0]);
  await door.click("#door-check");
  await door.locator("#door-ok").waitFor();
  assert.ok((await door.locator("#door-ok").textContent()).includes(names[0]));
  // The same code again is refused, and says so.
  await door.fill("#door-code", codes[0]);
  await door.click("#door-check");
  await door.waitForFunction(() => document.querySelector("#door-result .alert.error"));
  await door.locator(".door-person .tick").first().click();
  await door.waitForFunction(() => document.querySelectorAll(".door-person .badge").length === 2);
  assert.ok((await door.locator("#door-result").textContent()).includes(names[1]));
  await shot(door, "meeting-door");
  await door.click("#lang-switch");
  await door.waitForFunction(() => document.documentElement.dir === "ltr");
  await shot(door, "meeting-door", { lang: "en" });

  // The coordinator's page counts them; the list and the month show the meeting.
  await chair.reload();
  await chair.waitForFunction(() => document.querySelector("#stat-attended_people strong")?.textContent.match(/2|٢/));
  await shot(chair, "meeting");

  // The record is written once a meeting has started: yesterday's coordination meeting,
  // which Nafeer attended. An agenda item, a decision, minutes circulated and approved by
  // the organization that attended, then locked.
  const token = (await app.api("POST", "/api/v1/auth/login", null, COORDINATOR)).body.access_token;
  const nafeer = (await app.api("GET", "/api/v1/organizations?q=" + encodeURIComponent("نفير"), token)).body.items[0].id;
  const day = new Date(Date.now() - 26 * 3600_000).toISOString().slice(0, 10);
  const held = await app.api("POST", "/api/v1/meetings", token, {
    title: "اجتماع تنسيقي لتوزيع المياه", kind: "coordination_meeting", starts_local: `${day}T10:00`, ends_local: `${day}T12:00`,
    time_zone: "Etc/GMT", venue_name: "مقر المكتب", visibility: "invited",
  });
  assert.equal(held.status, 201, JSON.stringify(held.body));
  const heldPath = `/api/v1/meetings/${held.body.id}`;
  assert.equal((await app.api("POST", `${heldPath}/invitations`, token, { organization_ids: [nafeer] })).status, 200);
  assert.equal((await app.api("POST", `${heldPath}/attendance`, token, { organization_id: nafeer, name: "هدى عبد الرحيم" })).status, 200);
  await chair.goto(app.base + `/meetings/${held.body.id}`);
  await chair.click("#agenda-edit");
  await chair.locator(".agenda-title").first().fill("كلمة الافتتاح");
  await chair.click("#agenda-save");
  await chair.locator(".agenda-item").first().waitFor();
  await chair.click("#decision-new summary");
  await chair.fill("#d-body", "اعتماد خطة توزيع المياه على الأحياء");
  await chair.click("#d-submit");
  await chair.locator(".decision").first().waitFor();
  await chair.fill("#minutes-body", "انعقد الاجتماع بحضور منظمة نفير للتنمية، واعتُمدت خطة التوزيع.");
  await chair.click("#minutes-save");
  await chair.locator("#minutes-circulate").click();
  await chair.locator(".minutes-record[data-status='circulated']").waitFor();
  await owner.goto(app.base + `/meetings/${held.body.id}`);
  await owner.locator("#minutes-approve").click();
  await owner.locator(".minutes-record[data-status='approved']").waitFor();
  await shot(owner, "meeting-record", { lang: "en" });
  await owner.click("#lang-switch");
  await owner.waitForFunction(() => document.documentElement.dir === "rtl");
  await shot(owner, "meeting-record");
  await chair.reload();
  await chair.locator(".minutes-record[data-status='approved']").waitFor();
  assert.equal(await chair.locator("#minutes-circulate").count(), 0, "locked minutes offer no edits");
  await chair.goto(app.base + meetingPath);
  await chair.locator("#meeting-title").waitFor();
  await chair.click("a.back");
  await chair.locator("#meetings li").first().waitFor();
  await shot(chair, "meetings");
  // A private calendar address: made once, shown once, and it carries this invited meeting.
  await chair.click("#private-calendar summary");
  await chair.click("#private-calendar-make");
  const link = await chair.locator("#private-calendar-link").getAttribute("href");
  assert.match(link, /^webcal:\/\/.+\/api\/v1\/meetings\/calendar\.ics\?token=/);
  const feed = await fetch(link.replace(/^webcal:\/\/[^/]+/, app.base));
  assert.equal(feed.status, 200);
  assert.match(await feed.text(), /الاجتماع التأسيسي/);
  await shot(chair, "meetings-private-calendar");
  await chair.reload();
  await chair.click("#private-calendar summary");
  await chair.locator("#private-calendar-made").waitFor();
  assert.equal(await chair.locator("#private-calendar-link").count(), 0, "the secret is not shown again");
  await chair.click("#tab-month");
  await chair.waitForFunction(() => document.querySelector("#month")?.textContent.includes("الاجتماع التأسيسي"));
  await shot(chair, "meetings-month");
  await chair.click("#lang-switch");
  await chair.waitForFunction(() => document.documentElement.dir === "ltr");
  await shot(chair, "meetings-month", { lang: "en" });
  // The other screens in English too.
  await chair.click("#tab-upcoming");
  await chair.locator("#meetings li").first().waitFor();
  await shot(chair, "meetings", { lang: "en" });
  await chair.goto(app.base + meetingPath);
  await chair.locator("#invitations .invitation").first().waitFor();
  await shot(chair, "meeting", { lang: "en" });
  await chair.goto(app.base + "/meetings/new");
  await chair.locator("#m-submit").waitFor();
  await shot(chair, "meeting-form", { lang: "en" });
  assert.deepEqual(app.errors.filter((e) => /Content Security Policy|Refused/.test(e)), [], "no CSP violations");
});
