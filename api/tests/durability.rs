//! Acknowledged writes survive the server being killed in the middle of a stream of
//! writes (SQLite): an answer of 201 means the organization is there after a restart.
//! A kill cannot simulate a power cut (the operating system keeps what was written);
//! it checks that nothing is acknowledged before its transaction committed. What the
//! sync before each acknowledgement adds for power cuts is explained in `durable.rs`.

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

#[test]
fn acknowledged_writes_survive_a_kill() {
    let dir = std::env::temp_dir().join(format!("tashbeek-kill-{}", uuid::Uuid::now_v7().simple()));
    let db = format!("sqlite://{}", dir.join("office.db").display());
    let mut admin = command(&db)
        .args(["admin", "create", "--email", EMAIL, "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    admin.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(admin.wait().unwrap().success());

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
