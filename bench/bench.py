#!/usr/bin/env python3
"""Tashbeek load benchmark: generates data, starts the release server on each backend and
measures every scenario with wrk at 32 connections, then prints the targets as pass/fail.

    bench/bench.py                      # 100k organizations, 300k partnerships, SQLite and PostgreSQL (~20 min)
    bench/bench.py --smoke              # 1k organizations, 2 s per scenario (CI)
    bench/bench.py --backends sqlite --scale 20000 --duration 5

Needs wrk (apt-get install wrk), pgbench for PostgreSQL's ceiling, and PostgreSQL at
TASHBEEK_TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
Results: bench/results/latest.json and .md (see BENCHMARKS.md).
"""
import argparse, gzip, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.error, urllib.parse, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TASHBEEK_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
ADMIN, PASSWORD = "bench-admin@tashbeek.bench", "bench-password-2026"

LUA_DONE = r'''
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('RESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50":%.3f,"p95":%.3f,"p99":%.3f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
'''

def lua_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

def lua_script(requests):
    """requests: list of (method, path, headers dict, body or None), cycled per thread."""
    lines = ["local reqs = {}", "local i = 0", "init = function(args)"]
    for method, path, headers, body in requests:
        h = "{" + ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()) + "}"
        b = lua_string(body) if body is not None else "nil"
        lines.append(f"  table.insert(reqs, wrk.format({lua_string(method)}, {lua_string(path)}, {h}, {b}))")
    lines += ["end", "request = function() i = i + 1; return reqs[(i % #reqs) + 1] end", LUA_DONE]
    return "\n".join(lines)

def http(method, url, body=None, token=None, headers=None):
    req = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read() or b"null"), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), dict(e.headers)

def rss_kb(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0

class Server:
    def __init__(self, binary, db_url, port, log):
        self.base = f"http://127.0.0.1:{port}"
        # Each run's own document store: a store belongs to one database.
        env = dict(os.environ, DATABASE_URL=db_url, TASHBEEK_LOG="warn", TASHBEEK_DASHBOARD_DIR="",
                   TASHBEEK_LOGIN_MAX_FAILURES_PER_ADDRESS="1000000",
                   TASHBEEK_DOCUMENTS_DIR=str(Path(log.name).resolve().parent / "documents"))
        env.pop("TASHBEEK_ARGON2_MEMORY_KIB", None)
        t0 = time.monotonic()
        self.proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], env=env, stdout=log, stderr=log)
        while True:
            try:
                with urllib.request.urlopen(self.base + "/readyz", timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                if self.proc.poll() is not None:
                    raise SystemExit("server exited during startup; see its log")
                time.sleep(0.005)
        self.startup_ms = (time.monotonic() - t0) * 1000

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()

def wrk(base, requests, connections, duration, workdir):
    script = Path(workdir) / "s.lua"
    script.write_text(lua_script(requests))
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(script), base],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"RESULT (\{.*\})", out)
    if not m:
        raise SystemExit("wrk printed no result:\n" + out)
    r = json.loads(m.group(1))
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    r["errors"] = r["non2xx"] + r["socket_errors"]
    return r

def word_index_size(backend, db_url):
    """Entries and bytes of the search word index (table and its primary key), and of the
    whole database, right after seeding."""
    if backend == "sqlite":
        import sqlite3
        db = sqlite3.connect(db_url.removeprefix("sqlite://"))
        entries = db.execute("SELECT count(*) FROM search_words").fetchone()[0]
        try:
            size = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'search_words'").fetchone()[0]
        except sqlite3.OperationalError:
            size = None  # this Python's SQLite lacks dbstat
        page = db.execute("PRAGMA page_size").fetchone()[0] * db.execute("PRAGMA page_count").fetchone()[0]
        db.close()
        return {"entries": entries, "bytes": size, "database_bytes": page}
    out = subprocess.run(["psql", db_url, "-Atc", "SELECT count(*), pg_total_relation_size('search_words'), "
                          "pg_database_size(current_database()) FROM search_words"],
                         capture_output=True, text=True, check=True).stdout.strip().split("|")
    return {"entries": int(out[0]), "bytes": int(out[1]), "database_bytes": int(out[2])}

def run_backend(backend, args, binary, workdir):
    res = {"backend": backend, "scenarios": {}}
    log = open(Path(workdir) / f"server-{backend}.log", "w")
    if args.database:
        # An already seeded database: measured as it is, kept afterwards.
        db_url, admin_url = args.database, None
    elif backend == "sqlite":
        db_url = f"sqlite://{workdir}/bench.db"
        admin_url = None
    else:
        name = f"tashbeek_bench_{os.getpid()}"
        subprocess.run(["psql", PG_URL, "-qc", f"DROP DATABASE IF EXISTS {name}"], check=True)
        subprocess.run(["psql", PG_URL, "-qc", f"CREATE DATABASE {name}"], check=True)
        db_url = PG_URL.rsplit("/", 1)[0] + "/" + name
        admin_url = name
    env = dict(os.environ, DATABASE_URL=db_url, TASHBEEK_LOG="warn")
    env.pop("TASHBEEK_ARGON2_MEMORY_KIB", None)
    t0 = time.monotonic()
    if not args.database:
        subprocess.run([binary, "seed", "--scale", str(args.scale)], env=env, check=True, stdout=log, stderr=log)
        res["seed_seconds"] = round(time.monotonic() - t0, 1)
        print(f"[{backend}] seeded {args.scale} organizations, {3 * args.scale} partnerships, {args.scale // 2} meetings and {2 * args.scale} recommendations in {res['seed_seconds']} s", flush=True)
    try:
        res["word_index"] = word_index_size(backend, db_url)
    except Exception as e:  # a binary from before the word index
        res["word_index"] = None
    print(f"[{backend}] word index: {res['word_index']}", flush=True)

    server = Server(binary, db_url, args.port, log)
    res["startup_ms"] = round(server.startup_ms, 1)
    base = server.base
    try:
        status, login, _ = http("POST", base + "/api/v1/auth/login", {"email": ADMIN, "password": PASSWORD})
        assert status == 200, login
        token = login["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        _, page, _ = http("GET", base + "/api/v1/organizations?limit=200&status=verified")
        ids = [o["id"] for o in page["items"]]
        # A deep cursor: page through half of the directory.
        cursor, depth = None, 0
        pages = max(1, (args.scale // 2) // 200) if not args.smoke else 2
        for _ in range(pages):
            q = "/api/v1/organizations?limit=200&include_archived=true" + (f"&cursor={cursor}" if cursor else "")
            _, p, _ = http("GET", base + q, token=token)
            if not p["next_cursor"]:
                break
            cursor, depth = p["next_cursor"], depth + len(p["items"])
        res["deep_cursor_rows"] = depth
        enc = urllib.parse.quote
        get = lambda paths, headers={}: [("GET", p, headers, None) for p in paths]
        scenarios = [
            ("noop", "GET /healthz (framework ceiling)", get(["/healthz"])),
            ("get_anonymous", "GET one organization, anonymous", get([f"/api/v1/organizations/{i}" for i in ids])),
            ("get_authenticated", "GET one organization, signed in", get([f"/api/v1/organizations/{i}" for i in ids], auth)),
            ("list", "directory first page", get(["/api/v1/organizations?limit=50"])),
            ("list_filters", "directory with filters", get([
                "/api/v1/organizations?kind=ngo&area=SD-RN&limit=50",
                "/api/v1/organizations?sector=health,education&need=funding&limit=50",
                "/api/v1/organizations?area=SY&offer=training&limit=50",
                "/api/v1/organizations?kind=volunteer_team,initiative&sector=children_youth&limit=50"])),
            ("list_deep_cursor", f"directory page after {depth} rows", get([f"/api/v1/organizations?limit=50&include_archived=true&cursor={cursor}"], auth)),
            ("search_common", "search a common word (جمعية)", get(["/api/v1/organizations?q=" + enc("جمعية") + "&limit=50",
                                                              "/api/v1/organizations?q=" + enc("جمعيه الامل") + "&limit=50"])),
            ("search_rare", "search a rare phrase (الأيادي البيضاء)", get(["/api/v1/organizations?q=" + enc("الايادي البيضاء") + "&limit=50",
                                                                  "/api/v1/organizations?q=" + enc("أصدقاء المريض بشندي") + "&limit=50"])),
            # One, two and three terms, common and rare, and search within filters.
            ("search_1_common", "search 1 common term", get(["/api/v1/organizations?q=" + enc("جمعية") + "&limit=50"])),
            ("search_2_common", "search 2 common terms", get(["/api/v1/organizations?q=" + enc("جمعيه الامل") + "&limit=50"])),
            ("search_3_common", "search 3 common terms", get(["/api/v1/organizations?q=" + enc("جمعية الأمل الخيرية") + "&limit=50"])),
            ("search_1_rare", "search 1 rare term", get(["/api/v1/organizations?q=" + enc("الأيادي") + "&limit=50"])),
            ("search_2_rare", "search 2 rare terms", get(["/api/v1/organizations?q=" + enc("الايادي البيضاء") + "&limit=50"])),
            ("search_3_rare", "search 3 rare terms", get(["/api/v1/organizations?q=" + enc("أصدقاء المريض بشندي") + "&limit=50"])),
            ("search_filters", "search within filters", get([
                "/api/v1/organizations?q=" + enc("جمعية") + "&area=SD-RN&limit=50",
                "/api/v1/organizations?q=" + enc("الامل") + "&kind=ngo&sector=health&limit=50",
                "/api/v1/organizations?q=" + enc("مبادرة") + "&need=funding&status=verified&limit=50"])),
            ("login", "POST /auth/login (argon2id, default cost)", [("POST", "/api/v1/auth/login", {"Content-Type": "application/json"},
                                                                  json.dumps({"email": ADMIN, "password": PASSWORD}))]),
        ]
        # Partnerships: organizations that have some, a member's own view (public and its
        # organization's), lists by area and sector, records, and the graph of one state.
        _, pub, _ = http("GET", base + "/api/v1/partnerships?limit=200")
        porgs = list(dict.fromkeys(p["organization_id"] for s in pub["items"] for p in s["parties"]))[:50]
        _, member, _ = http("POST", base + "/api/v1/auth/login", {"email": "user0@tashbeek.bench", "password": PASSWORD})
        mauth = {"Authorization": f"Bearer {member['access_token']}"}
        scenarios += [
            ("partnerships_public", "partnerships: public list", get(["/api/v1/partnerships?limit=50"])),
            ("partnerships_org", "partnerships of an organization", get([f"/api/v1/partnerships?organization={o}&limit=50" for o in porgs])),
            ("partnerships_area_sector", "partnerships by area and sector", get([
                "/api/v1/partnerships?area=SD-RN&limit=50",
                "/api/v1/partnerships?sector=health&limit=50",
                "/api/v1/partnerships?area=SY&sector=education&limit=50",
                "/api/v1/partnerships?area=SD&status=active&limit=50"])),
            ("partnerships_member", "partnerships, signed in (public + own, inbox)", get([
                "/api/v1/partnerships?limit=50", "/api/v1/partnerships?awaiting=true&limit=50"], mauth)),
            ("partnership_record", "an organization's partnership record", get([f"/api/v1/organizations/{o}/partnership-record" for o in porgs])),
            ("partnership_graph", "partnership graph of one state", get(["/api/v1/partnerships/graph?area=SD-RN"])),
            ("partnership_verification", "a certificate's verification (public)", get([f"/api/v1/partnerships/{p['id']}/verification" for p in pub["items"][:50]])),
        ]
        # Meetings (50k at 100k organizations): a network's upcoming ones (anonymous and
        # as the administrator, who sees all), an organization's, and a member's own view.
        _, mpage, _ = http("GET", base + "/api/v1/meetings?limit=200", token=token)
        nets = list(dict.fromkeys(m["network_id"] for m in mpage["items"] if m.get("network_id")))[:50]
        morgs = porgs[:50]
        scenarios += [
            ("meetings_public", "upcoming meetings (public)", get(["/api/v1/meetings?limit=50"])),
            ("meetings_network", "upcoming meetings of a network", get([f"/api/v1/meetings?network={n}&limit=50" for n in nets])),
            ("meetings_network_admin", "a network's meetings, all (administrator)", get([f"/api/v1/meetings?network={n}&limit=50" for n in nets], auth)),
            ("meetings_org", "an organization's meetings", get([f"/api/v1/meetings?organization={o}&limit=50" for o in morgs] +
                                                              [f"/api/v1/meetings?organization={o}&when=past&limit=50" for o in morgs])),
            ("meetings_member", "upcoming meetings, signed in (public, own networks, invited)", get(["/api/v1/meetings?limit=50"], mauth)),
        ]
        # Recommendations (200k at 100k organizations): the board as the administrator, with
        # filters, as a member (their networks' and organizations'), and "what we owe".
        _, rpage, _ = http("GET", base + "/api/v1/recommendations?limit=200", token=token)
        raddr = list(dict.fromkeys(a["organization_id"] for r in rpage["items"] for a in r["addressees"] if a.get("organization_id")))[:50]
        rmeet = list(dict.fromkeys(r["meeting_id"] for r in rpage["items"] if r.get("meeting_id")))[:20]
        rnets = list(dict.fromkeys(r["network_id"] for r in rpage["items"] if r.get("network_id")))[:20]
        scenarios += [
            ("recs_board", "recommendations board (administrator)", get([
                "/api/v1/recommendations?limit=50", "/api/v1/recommendations?status=in_progress&limit=50",
                "/api/v1/recommendations?status=proposed&limit=50"], auth)),
            ("recs_filters", "recommendations board with filters", get([
                "/api/v1/recommendations?overdue=true&limit=50", "/api/v1/recommendations?stale=true&limit=50",
                "/api/v1/recommendations?area=SD-RN&status=adopted,in_progress&limit=50",
                "/api/v1/recommendations?sector=health&priority=high,urgent&limit=50",
                "/api/v1/recommendations?area=OM&overdue=true&limit=50"] +
                [f"/api/v1/recommendations?meeting={m}&limit=50" for m in rmeet] +
                [f"/api/v1/recommendations?network={n}&status=in_progress&limit=50" for n in rnets] +
                [f"/api/v1/recommendations?addressee={o}&limit=50" for o in raddr[:20]], auth)),
            ("recs_member", "recommendations board, signed in member", get([
                "/api/v1/recommendations?limit=50", "/api/v1/recommendations?overdue=true&limit=50"], mauth)),
            ("recs_owed", "what an organization owes", get([f"/api/v1/organizations/{o}/owed-recommendations?limit=50" for o in raddr], auth)),
        ]
        # Importing 5,000 spreadsheet rows: the board exported as CSV, every row of a
        # recommendation not closed with another priority, applied as the administrator (who
        # manages every recommendation; closed ones do not change).
        req = urllib.request.Request(base + "/api/v1/recommendations/export?format=csv", headers=auth)
        lines = urllib.request.urlopen(req, timeout=600).read().decode("utf-8-sig").splitlines()
        flip = {"عاجلة": "منخفضة", "منخفضة": "عاجلة", "عالية": "عادية", "عادية": "عالية"}
        rows = []
        still_open = {"مقترحة", "معتمدة", "قيد التنفيذ", "مؤجلة"}
        for line in lines[1:5001]:
            cells = line.split(",")
            if cells[2] in still_open:
                cells[4] = flip.get(cells[4], cells[4])
            rows.append(",".join(cells))
        body = ("\ufeff" + "\n".join([lines[0]] + rows) + "\n").encode("utf-8")
        t0 = time.monotonic()
        req = urllib.request.Request(base + "/api/v1/recommendations/import?dry_run=false&apply_valid=true", data=body,
                                     headers={**auth, "Content-Type": "text/csv"}, method="POST")
        report = json.loads(urllib.request.urlopen(req, timeout=600).read())
        res["import_rows"] = len(rows)
        res["import_seconds"] = round(time.monotonic() - t0, 2)
        res["import_changes"] = len(report["changes"])
        res["import_errors"] = len(report["errors"])
        print(f"[{backend}] imported {len(rows)} rows ({res['import_changes']} changes, {res['import_errors']} errors) in {res['import_seconds']} s", flush=True)
        writes = []
        for n, i in enumerate(ids[:100]):
            writes.append(("POST", "/api/v1/organizations", {**auth, "Content-Type": "application/json"},
                           json.dumps({"kind": "ngo", "name_ar": f"جمعية قياس الأداء {n}", "areas": ["SD-RN-SHN"], "sectors": ["health"]})))
            writes.append(("PUT", f"/api/v1/organizations/{i}", {**auth, "Content-Type": "application/json", "If-Match": "*"},
                           json.dumps({"kind": "ngo", "name_ar": f"جمعية محدثة {n}", "areas": ["SD-RN-MTM"], "needs": [{"kind": "funding"}]})))
        scenarios.append(("writes_8", "write mix at 8 connections", writes, 8))
        scenarios.append(("writes", "write mix: create + update (If-Match)", writes))
        if args.only:
            scenarios = [sc for sc in scenarios if sc[0] in args.only.split(",")]
        for key, label, reqs, *conns in scenarios:
            # The first request of a read scenario is sent alone and timed apart: it pays
            # for what the server computes once and keeps (the graph of a state is laid out
            # from 31k parties). Inside wrk's run, the 31 connections waiting for it would
            # each count as ~40 slow requests (wrk's correction for coordinated omission).
            first_ms = None
            method, path, headers, body = reqs[0]
            if method == "GET":
                t0 = time.monotonic()
                try:
                    with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=60) as resp:
                        resp.read()
                except urllib.error.HTTPError as e:
                    e.read()  # counted by wrk's run like any other answer
                first_ms = round((time.monotonic() - t0) * 1000, 1)
            r = wrk(base, reqs, conns[0] if conns else args.connections, args.duration, workdir)
            r["label"] = label
            r["first_ms"] = first_ms
            r["rss_after_mb"] = round(rss_kb(server.proc.pid, "VmRSS") / 1024, 1)
            res["scenarios"][key] = r
            print(f"[{backend}] {label:48} {r['rps']:9.0f} req/s  p50 {r['p50']:7.2f}  p95 {r['p95']:7.2f}  p99 {r['p99']:7.2f} ms  errors {r['errors']}  rss {r['rss_after_mb']} MB"
                  + (f"  first {first_ms} ms" if first_ms is not None else ""), flush=True)
        res["rss_peak_mb"] = round(rss_kb(server.proc.pid, "VmHWM") / 1024, 1)
        res["rss_now_mb"] = round(rss_kb(server.proc.pid, "VmRSS") / 1024, 1)
    finally:
        server.stop()
        log.close()
    if backend == "postgres":
        if shutil.which("pgbench") and not args.database:
            subprocess.run(["pgbench", "-i", "-s", "10", "-q", db_url], check=True, capture_output=True)
            out = subprocess.run(["pgbench", "-S", "-c", str(args.connections), "-j", "2", "-T", str(args.duration), db_url],
                                 capture_output=True, text=True, check=True).stdout
            m = re.search(r"tps = ([0-9.]+)", out)
            res["pgbench_select_tps"] = round(float(m.group(1))) if m else None
            print(f"[{backend}] pgbench -S ceiling: {res['pgbench_select_tps']} tps", flush=True)
        if admin_url:
            subprocess.run(["psql", PG_URL, "-qc", f"DROP DATABASE IF EXISTS {admin_url} WITH (FORCE)"], check=False)
    return res

def targets(res, wasm_gz):
    s = res["scenarios"]
    noop = s["noop"]["rps"] if "noop" in s else None
    if res["backend"] == "postgres" and res.get("pgbench_select_tps"):
        # On PostgreSQL the ceiling is the database's own: pgbench -S at the same concurrency.
        ceiling, name, share = res["pgbench_select_tps"], "pgbench -S", 0.6
    else:
        ceiling, name, share = noop, "no-op", 0.5
    rows = [
        (f"single GET ({who}) >= {share:.0%} of {name}", f"{s[k]['rps']:.0f} vs {ceiling:.0f} ({s[k]['rps'] / ceiling:.0%})", s[k]["rps"] >= share * ceiling)
        for k, who in [("get_anonymous", "anonymous"), ("get_authenticated", "signed in")] if k in s and ceiling
    ]
    for k in ["list", "list_filters", "list_deep_cursor", "search_common", "search_rare", "search_1_common",
              "search_2_common", "search_3_common", "search_1_rare", "search_2_rare", "search_3_rare", "search_filters",
              "partnerships_public", "partnerships_org", "partnerships_area_sector", "partnerships_member",
              "partnership_record", "partnership_graph", "partnership_verification",
              "meetings_public", "meetings_network", "meetings_network_admin", "meetings_org", "meetings_member",
              "recs_board", "recs_filters", "recs_member", "recs_owed"]:
        if k in s:
            rows.append((f"{s[k]['label']}: p95 <= 50 ms", f"{s[k]['p95']:.1f} ms", s[k]["p95"] <= 50 and s[k]["errors"] == 0))
    for k, label in [("writes_8", "writes at 8 connections"), ("writes", "writes")]:
        if k not in s:
            continue
        w = s[k]
        rows.append((f"{label}: p95 <= 50 ms, no errors", f"{w['p95']:.1f} ms, {w['errors']} errors", w["p95"] <= 50 and w["errors"] == 0))
    if "import_seconds" in res:
        rows.append((f"import {res['import_rows']} spreadsheet rows < 10 s", f"{res['import_seconds']} s, {res['import_errors']} errors",
                     res["import_seconds"] < 10 and res["import_errors"] == 0))
    rows.append(("server peak RSS <= 150 MB", f"{res['rss_peak_mb']} MB", res["rss_peak_mb"] <= 150))
    rows.append(("startup on the seeded database <= 1 s", f"{res['startup_ms']} ms", res["startup_ms"] <= 1000))
    if wasm_gz is not None:
        rows.append(("dashboard wasm <= 400 KB gzipped", f"{wasm_gz / 1024:.0f} KB", wasm_gz <= 400 * 1024))
    return rows

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=100_000)
    ap.add_argument("--duration", type=int, default=10, help="seconds per scenario")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--binary", help="tashbeek binary (default: build the release binary)")
    ap.add_argument("--port", type=int, default=18480)
    ap.add_argument("--smoke", action="store_true", help="1k organizations, 2 s per scenario; checks the harness, not the targets")
    ap.add_argument("--out", default=str(ROOT / "bench/results"))
    ap.add_argument("--database", help="an already seeded database to measure (one backend; not seeded, not dropped; "
                    "sqlite:///path or postgres://…); seed it with `tashbeek seed --scale N`")
    ap.add_argument("--only", help="comma-separated scenario keys to run (e.g. writes_8,writes to compare two binaries' writes)")
    args = ap.parse_args()
    if args.smoke:
        args.scale, args.duration = min(args.scale, 1000), min(args.duration, 2)
    if args.database and "," in args.backends:
        raise SystemExit("--database measures one backend: pass --backends sqlite or --backends postgres")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is required: apt-get install wrk")
    binary = args.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "tashbeek"], cwd=ROOT, check=True)
        binary = str(ROOT / "target/release/tashbeek")
    wasm = sorted((ROOT / "frontend/dist").glob("*.wasm"))
    wasm_gz = len(gzip.compress(wasm[0].read_bytes(), 9)) if wasm else None
    results = {"scale": args.scale, "duration_s": args.duration, "connections": args.connections, "cores": os.cpu_count(),
               "binary": binary, "smoke": args.smoke, "backends": []}
    failed = False
    report = []
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="tashbeek-bench-") as workdir:
            res = run_backend(backend, args, binary, workdir)
        res["targets"] = [{"target": t, "measured": m, "pass": p} for t, m, p in targets(res, wasm_gz)]
        results["backends"].append(res)
        for s in res["scenarios"].values():
            if s["errors"] and s["label"].startswith(("GET", "directory", "search", "write")):
                failed = True
                print(f"[{backend}] {s['label']}: {s['errors']} errors", file=sys.stderr)
        report.append(f"\n{backend} ({args.scale} organizations, {args.connections} connections, {args.duration} s per scenario)")
        report.append(f"{'target':56} {'measured':28} result")
        for t in res["targets"]:
            report.append(f"{t['target']:56} {t['measured']:28} {'PASS' if t['pass'] else 'FAIL'}")
        if res.get("pgbench_select_tps"):
            report.append(f"{'(pgbench -S on the same database: database ceiling)':56} {str(res['pgbench_select_tps']) + ' tps':28}")
    print("\n".join(report))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    name = "smoke" if args.smoke else "latest"
    (out / f"{name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    (out / f"{name}.txt").write_text("\n".join(report).strip() + "\n")
    if args.smoke:
        print("smoke run: the harness works end to end (targets are checked at full scale only)")
    sys.exit(1 if failed else 0)

if __name__ == "__main__":
    main()
