//! Acknowledged writes survive the server being killed in the middle of a stream of
//! writes (SQLite): an answer of 201 means the organization is there after a restart.
//! A kill cannot simulate a power cut (the operating system keeps what was written);
//! it checks that nothing is acknowledged before its transaction committed. What the
//! sync before each acknowledgement adds for power cuts is explained in `durable.rs`.
//!
//! The same for uploaded documents: killed while uploading and removing, the server
//! restarts with every acknowledged document and its bytes, no file that no document
//! names, and nothing left of interrupted uploads (see `files.rs` for why).

use std::io::Write;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const EMAIL: &str = "chair@shendi.example";
const PASSWORD: &str = "a long passphrase for the kill test";

fn command(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tashbeek"));
    c.env("DATABASE_URL", db)
        .env("TASHBEEK_ARGON2_MEMORY_KIB", "64")
        .env("TASHBEEK_DASHBOARD_DIR", "")
        .env("TASHBEEK_LOG", "warn")
        .env_remove("TASHBEEK_CONFIG");
    c
}

/// Starts `tashbeek serve` on a free port and waits until it is ready.
fn serve(db: &str) -> (Child, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = format!("http://127.0.0.1:{port}");
    let child = command(db)
        .arg("serve")
        .env("TASHBEEK_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tashbeek serve");
    let start = Instant::now();
    while ureq::get(&format!("{base}/readyz")).call().is_err() {
        assert!(start.elapsed() < Duration::from_secs(30), "server did not become ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    (child, base)
}

fn login(base: &str) -> String {
    let r: Value = ureq::post(&format!("{base}/api/v1/auth/login"))
        .send_json(json!({"email": EMAIL, "password": PASSWORD}))
        .expect("login")
        .into_json()
        .unwrap();
    r["access_token"].as_str().unwrap().to_owned()
}

/// A new office's directory and database, with its platform administrator created.
fn office(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("tashbeek-{name}-{}", uuid::Uuid::now_v7().simple()));
    let db = format!("sqlite://{}", dir.join("office.db").display());
    let mut admin = command(&db)
        .args(["admin", "create", "--email", EMAIL, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    admin.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(admin.wait().unwrap().success());
    (dir, db)
}

#[test]
fn acknowledged_writes_survive_a_kill() {
    let (dir, db) = office("kill");

    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..3 {
        let (mut server, base) = serve(&db);
        let token = login(&base);
        let stop = AtomicBool::new(false);
        let written: Vec<String> = std::thread::scope(|scope| {
            let writers: Vec<_> = (0..6)
                .map(|w| {
                    let (base, token, stop) = (&base, &token, &stop);
                    scope.spawn(move || {
                        let mut ids = Vec::new();
                        for n in 0.. {
                            if stop.load(Ordering::Relaxed) && n % 50 == 49 {
                                break;
                            }
                            let body = json!({"kind": "ngo", "name_ar": format!("جمعية الصمود {round}-{w}-{n}"),
                                              "areas": ["SD-RN-SHN"], "sectors": ["health"]});
                            match ureq::post(&format!("{base}/api/v1/organizations"))
                                .set("Authorization", &format!("Bearer {token}"))
                                .send_json(body)
                            {
                                Ok(r) if r.status() == 201 => {
                                    let v: Value = r.into_json().unwrap();
                                    ids.push(v["organization"]["id"].as_str().unwrap().to_owned());
                                }
                                Ok(r) => panic!("unexpected answer {}", r.status()),
                                // The server is gone: what was not answered may or may not be there.
                                Err(ureq::Error::Transport(_)) => break,
                                Err(e) => panic!("unexpected error {e}"),
                            }
                        }
                        ids
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_millis(700));
            server.kill().expect("SIGKILL");
            server.wait().unwrap();
            stop.store(true, Ordering::Relaxed);
            writers.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        assert!(written.len() >= 20, "round {round}: only {} writes answered before the kill", written.len());
        acknowledged.extend(written);

        let (mut server, base) = serve(&db);
        let token = login(&base);
        for id in &acknowledged {
            let r = ureq::get(&format!("{base}/api/v1/organizations/{id}"))
                .set("Authorization", &format!("Bearer {token}"))
                .call();
            assert!(matches!(&r, Ok(r) if r.status() == 200), "acknowledged {id} is missing after the kill");
        }
        server.kill().unwrap();
        server.wait().unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// One JSON call; the status and the body (`Null` when there is none).
fn call(method: &str, url: &str, token: Option<&str>, headers: &[(&str, &str)], body: Option<Value>) -> (u16, Value) {
    let mut req = ureq::request(method, url);
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let r = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    let r = match r {
        Ok(r) | Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = r.status();
    let etag = r.header("etag").map(str::to_owned);
    let mut v: Value = r.into_json().unwrap_or(Value::Null);
    if let (Some(e), Value::Object(m)) = (etag, &mut v) {
        m.insert("etag".into(), Value::String(e));
    }
    (status, v)
}

/// Two verified organizations in a confirmed partnership, and `reports` reports by the
/// first; returns its administrator's token and the reports' paths.
fn partnership_with_reports(base: &str, admin: &str, reports: usize) -> (String, Vec<String>) {
    let mut parties = Vec::new();
    for (email, name) in [("amal@shendi.example", "جمعية الأمل"), ("nafeer@shendi.example", "منظمة نفير")]
    {
        let (status, r) = call(
            "POST",
            &format!("{base}/api/v1/auth/signup"),
            None,
            &[],
            Some(json!({
            "email": email, "display_name": "مستخدم", "password": PASSWORD,
            "organization": {"kind": "ngo", "name_ar": name, "areas": ["SD-RN-SHN"]}})),
        );
        assert_eq!(status, 201, "{r}");
        let (token, org) = (r["session"]["access_token"].as_str().unwrap(), r["organization"]["id"].as_str().unwrap());
        let org_url = format!("{base}/api/v1/organizations/{org}");
        let etag = call("GET", &org_url, Some(admin), &[], None).1["etag"].as_str().unwrap().to_owned();
        let (status, _) = call(
            "POST",
            &format!("{org_url}/verification"),
            Some(admin),
            &[("If-Match", &etag)],
            Some(json!({"status": "verified"})),
        );
        assert_eq!(status, 200);
        parties.push((token.to_owned(), org.to_owned()));
    }
    let (status, p) = call(
        "POST",
        &format!("{base}/api/v1/partnerships"),
        Some(&parties[0].0),
        &[],
        Some(json!({
        "title_ar": "برنامج الإحالة الصحية", "kind": "service_referral", "sectors": ["health"],
        "areas": ["SD-RN-SHN"], "starts_on": "2026-01-01", "proposed_by": parties[0].1,
        "parties": [{"organization_id": parties[0].1, "role": "lead"},
                    {"organization_id": parties[1].1, "role": "implementing"}]})),
    );
    assert_eq!(status, 201, "{p}");
    let id = p["id"].as_str().unwrap();
    let (status, _) = call(
        "PUT",
        &format!("{base}/api/v1/partnerships/{id}/parties/{}", parties[1].1),
        Some(&parties[1].0),
        &[],
        Some(json!({"answer": "confirmed", "terms_version": 1})),
    );
    assert_eq!(status, 200);
    let paths = (0..reports)
        .map(|n| {
            let (status, r) = call(
                "POST",
                &format!("{base}/api/v1/partnerships/{id}/reports"),
                Some(&parties[0].0),
                &[],
                Some(json!({"kind": "activity", "reported_by": parties[0].1, "happened_on": "2026-11-20",
                            "summary": format!("زيارة ميدانية {n}")})),
            );
            assert_eq!(status, 201, "{r}");
            format!("/api/v1/partnerships/{id}/reports/{}", r["id"].as_str().unwrap())
        })
        .collect();
    (parties[0].0.clone(), paths)
}

/// The documents of one report (id → SHA-256).
fn listed_documents(base: &str, token: &str, report: &str) -> std::collections::HashMap<String, String> {
    let (list, id) = report.rsplit_once('/').unwrap();
    let (_, r) = call("GET", &format!("{base}{list}?limit=200"), Some(token), &[], None);
    r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["id"] == id)
        .flat_map(|i| i["documents"].as_array().unwrap().iter())
        .map(|d| (d["id"].as_str().unwrap().to_owned(), d["sha256"].as_str().unwrap().to_owned()))
        .collect()
}

#[test]
fn a_killed_server_leaves_neither_orphan_files_nor_dangling_documents() {
    use sha2::Digest;
    let (dir, db) = office("kill-docs");
    let (mut server, base) = serve(&db);
    let (token, reports) = partnership_with_reports(&base, &login(&base), 4);
    server.kill().unwrap();
    server.wait().unwrap();

    let store = dir.join("documents");
    let mut kept: std::collections::HashSet<String> = Default::default();
    for round in 0..3 {
        let (mut server, base) = serve(&db);
        let stop = AtomicBool::new(false);
        let answered: Vec<(Vec<String>, Vec<String>)> = std::thread::scope(|scope| {
            let writers: Vec<_> = reports
                .iter()
                .enumerate()
                .map(|(w, report)| {
                    let (base, token, stop) = (&base, &token, &stop);
                    scope.spawn(move || {
                        let (mut added, mut removed) = (Vec::new(), Vec::new());
                        let mut live = std::collections::VecDeque::from(
                            listed_documents(base, token, report).into_keys().collect::<Vec<_>>(),
                        );
                        for n in 0.. {
                            if stop.load(Ordering::Relaxed) {
                                break;
                            }
                            // Distinct files, each large enough to take a moment to store.
                            let mut pdf = format!("%PDF-1.4\n% {round}-{w}-{n}\n").into_bytes();
                            pdf.extend(std::iter::repeat_n(b'x', 48 * 1024));
                            let r = ureq::post(&format!("{base}{report}/documents?name=evidence-{n}.pdf"))
                                .set("Authorization", &format!("Bearer {token}"))
                                .set("Content-Type", "application/pdf")
                                .send_bytes(&pdf);
                            match r {
                                Ok(r) if r.status() == 201 => {
                                    let v: Value = r.into_json().unwrap();
                                    let id = v["id"].as_str().unwrap().to_owned();
                                    added.push(id.clone());
                                    live.push_back(id);
                                }
                                Ok(r) => panic!("unexpected answer {}", r.status()),
                                Err(ureq::Error::Transport(_)) => break,
                                Err(e) => panic!("unexpected error {e}"),
                            }
                            // Keep a few per report: removals race the kill as well.
                            if live.len() > 4 {
                                let old = live.pop_front().unwrap();
                                match ureq::delete(&format!("{base}/api/v1/documents/{old}"))
                                    .set("Authorization", &format!("Bearer {token}"))
                                    .call()
                                {
                                    Ok(r) if r.status() == 204 => removed.push(old),
                                    Ok(r) => panic!("unexpected answer {}", r.status()),
                                    // Unanswered: it may or may not be gone.
                                    Err(ureq::Error::Transport(_)) => {
                                        removed.push(old);
                                        break;
                                    }
                                    Err(e) => panic!("unexpected error {e}"),
                                }
                            }
                        }
                        (added, removed)
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_millis(600 + 150 * round));
            server.kill().expect("SIGKILL");
            server.wait().unwrap();
            stop.store(true, Ordering::Relaxed);
            writers.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let (added, removed): (Vec<_>, Vec<_>) = answered.into_iter().unzip();
        assert!(added.iter().map(Vec::len).sum::<usize>() >= 8, "round {round}: too few uploads before the kill");
        kept.extend(added.into_iter().flatten());
        for r in removed.into_iter().flatten() {
            kept.remove(&r);
        }

        // Restarted: every acknowledged document is there with its bytes, and every
        // stored file belongs to a document; nothing is left of interrupted uploads.
        let (mut server, base) = serve(&db);
        let mut listed = std::collections::HashMap::new();
        for report in &reports {
            listed.extend(listed_documents(&base, &token, report));
        }
        for id in &kept {
            assert!(listed.contains_key(id), "round {round}: acknowledged document {id} is missing");
        }
        for (id, sha) in &listed {
            let r = ureq::get(&format!("{base}/api/v1/documents/{id}"))
                .set("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap_or_else(|e| panic!("round {round}: document {id} does not download: {e}"));
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
            assert_eq!(&format!("{:x}", sha2::Sha256::digest(&bytes)), sha, "round {round}: {id} changed");
        }
        let mut files: Vec<String> = Vec::new();
        for shard in std::fs::read_dir(store.join("objects")).unwrap() {
            for f in std::fs::read_dir(shard.unwrap().path()).unwrap() {
                files.push(f.unwrap().file_name().to_string_lossy().into_owned());
            }
        }
        let named: std::collections::HashSet<&String> = listed.values().collect();
        assert_eq!(files.len(), named.len(), "round {round}: stored files and documents differ");
        assert!(files.iter().all(|f| named.contains(f)), "round {round}: a file no document names");
        let leftovers: Vec<_> = std::fs::read_dir(store.join("tmp"))
            .unwrap()
            .flatten()
            .filter(|e| {
                e.path().is_file() && e.path().extension().is_none_or(|x| x != "lock")
                    || e.path().is_dir() && std::fs::read_dir(e.path()).unwrap().count() > 0
            })
            .collect();
        assert!(leftovers.is_empty(), "round {round}: interrupted uploads left {leftovers:?}");
        server.kill().unwrap();
        server.wait().unwrap();
    }
    let _ = std::fs::remove_dir_all(dir);
}
