// Every string the dashboard shows comes from the translation files: both languages
// have the same keys, and every key the code names exists.
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const frontend = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../frontend");
// The main files, and the texts only one build downloads (`locales/<build>.<lang>.json`).
const load = (lang) => Object.assign({},
  ...readdirSync(join(frontend, "locales")).filter((f) => f === `${lang}.json` || f.endsWith(`.${lang}.json`))
    .map((f) => JSON.parse(readFileSync(join(frontend, "locales", f), "utf8"))));
const ar = load("ar");
const en = load("en");

const sources = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".rs") ? [join(dir, e.name)] : []);

test("Arabic and English have the same keys, none empty", () => {
  assert.deepEqual(Object.keys(ar).sort(), Object.keys(en).sort());
  for (const [k, v] of [...Object.entries(ar), ...Object.entries(en)]) assert.ok(v.trim(), k);
});

test("every literal key used in the code is translated", () => {
  const used = new Set();
  for (const file of sources(join(frontend, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(?:t|t_with|tr)\((?:[a-z_.]+, )?"([a-z_]+\.[a-z_.]+)"/g)) used.add(m[1]);
    for (const m of text.matchAll(/\blabel="([a-z_]+\.[a-z_]+)"|\blegend="([a-z_]+\.[a-z_]+)"/g)) used.add(m[1] ?? m[2]);
  }
  assert.ok(used.size > 50, `found ${used.size} keys`);
  const missing = [...used].filter((k) => !(k in ar));
  assert.deepEqual(missing, []);
});

test("the meetings' kinds have labels", () => {
  const domain = readFileSync(resolve(frontend, "../crates/domain/src/meeting.rs"), "utf8");
  const body = domain.slice(domain.indexOf("MeetingKind {"), domain.indexOf("}", domain.indexOf("MeetingKind {")));
  const codes = [...body.matchAll(/=> "([a-z_]+)"/g)].map((m) => m[1]);
  assert.equal(codes.length, 7);
  for (const c of codes) assert.ok(`meetings.kind.${c}` in ar && `meetings.kind.${c}` in en, c);
});

test("enum labels exist for every kind, status and resource", () => {
  const domain = readFileSync(resolve(frontend, "../crates/domain/src/organization.rs"), "utf8");
  for (const [prefix, enumName] of [["kind", "OrganizationKind"], ["status", "VerificationStatus"], ["resource", "ResourceKind"]]) {
    const body = domain.slice(domain.indexOf(`${enumName} {`), domain.indexOf("}", domain.indexOf(`${enumName} {`)));
    const codes = [...body.matchAll(/=> "([a-z_]+)"/g)].map((m) => m[1]);
    assert.ok(codes.length > 2, enumName);
    for (const c of codes) assert.ok(`${prefix}.${c}` in ar, `${prefix}.${c}`);
  }
});
