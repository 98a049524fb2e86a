//! The command line operators and scripts rely on.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn tashbeek(args: &[&str], db: &str, stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tashbeek"))
        .args(args)
        .env("DATABASE_URL", db)
        .env("TASHBEEK_ARGON2_MEMORY_KIB", "64")
        .env_remove("TASHBEEK_CONFIG")
        .envs(
            db.starts_with("postgres")
                .then(|| ("TASHBEEK_DOCUMENTS_DIR", std::env::temp_dir().join("tashbeek-cli-pg"))),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tashbeek");
    if let Some(input) = stdin {
        child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

fn temp_db() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("tashbeek-cli-{}", uuid::Uuid::now_v7().simple()));
    let url = format!("sqlite://{}", dir.join("t.db").display());
    (dir, url)
}

#[test]
fn version_and_help() {
    let out = tashbeek(&["--version"], "sqlite://unused.db", None);
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("tashbeek {}", env!("CARGO_PKG_VERSION")));
    for args in [&["--help"][..], &["serve", "--help"], &["admin", "create", "--help"], &["migrate", "--help"]] {
        let out = tashbeek(args, "sqlite://unused.db", None);
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
    }
}

#[test]
fn unknown_database_scheme_is_a_clear_error() {
    let out = tashbeek(&["migrate"], "mysql://root@localhost/x", None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown scheme `mysql`"), "{err}");
}

#[test]
fn migrate_and_admin_create() {
    let (dir, url) = temp_db();
    let out = tashbeek(&["migrate"], &url, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("applied 23 migration(s) on sqlite"));
    let again = tashbeek(&["migrate"], &url, None);
    assert!(String::from_utf8_lossy(&again.stdout).contains("applied 0 migration(s)"));

    let ok = tashbeek(
        &["admin", "create", "--email", "Chair@Shendi.example", "--password-stdin"],
        &url,
        Some("a long passphrase\n"),
    );
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("created platform administrator chair@shendi.example"));
    let dup = tashbeek(
        &["admin", "create", "--email", "chair@shendi.example", "--password-stdin"],
        &url,
        Some("another passphrase\n"),
    );
    assert!(!dup.status.success());
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));
    let weak = tashbeek(&["admin", "create", "--email", "x@shendi.example", "--password-stdin"], &url, Some("short\n"));
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("password: Must be at least 10 characters"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn openapi_command_prints_the_document() {
    let out = tashbeek(&["openapi"], "sqlite://unused.db", None);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("openapi: 3.1.0"));
    assert!(text.contains("/api/v1/organizations:"));
}

#[test]
fn one_process_serves_a_sqlite_database() {
    let (dir, url) = temp_db();
    let mut first = Command::new(env!("CARGO_BIN_EXE_tashbeek"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .env("TASHBEEK_DASHBOARD_DIR", "")
        .env_remove("TASHBEEK_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tashbeek");
    // Wait until the first server has started (it logs once it listens).
    let mut err = std::io::BufReader::new(first.stderr.take().expect("stderr"));
    let mut line = String::new();
    while !line.contains("listening") {
        line.clear();
        assert!(std::io::BufRead::read_line(&mut err, &mut line).expect("read") > 0, "first server exited");
    }
    let second = tashbeek(&["serve", "--bind", "127.0.0.1:0"], &url, None);
    first.kill().expect("stop the first server");
    first.wait().expect("wait");
    assert!(!second.status.success());
    let msg = String::from_utf8_lossy(&second.stderr);
    assert!(msg.contains("already serving"), "{msg}");
    // Other commands still run beside a server, and a new server starts once it is gone.
    let again = tashbeek(&["migrate"], &url, None);
    assert!(again.status.success());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn serve_refuses_the_document_store_of_another_database() {
    let (dir, url) = temp_db();
    assert!(tashbeek(&["migrate"], &url, None).status.success());
    std::fs::create_dir_all(dir.join("documents")).unwrap();
    std::fs::write(dir.join("documents/database-id"), "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b").unwrap();
    // Its sweep would delete every file this database does not name: it does not start.
    let out = tashbeek(&["serve", "--bind", "127.0.0.1:0"], &url, None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("belongs to database 0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs `sql` on the database at `url`, as someone with database access would.
fn sql(url: &str, statement: &str) {
    use diesel::RunQueryDsl;
    let mut conn = tashbeek_persistence::db::establish(url).expect("connect");
    diesel::sql_query(statement).execute(&mut conn).expect(statement);
}

/// The first value of a one-column text query.
fn sql_text(url: &str, query: &str) -> String {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct One {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let mut conn = tashbeek_persistence::db::establish(url).expect("connect");
    diesel::sql_query(query).get_result::<One>(&mut conn).expect(query).v
}

fn audit_verify_names_what_was_tampered_with(url: &str) {
    let out = tashbeek(&["seed", "--scale", "30", "--partnerships", "10"], url, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let verify = || {
        let out = tashbeek(&["audit", "verify"], url, None);
        (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (ok, text) = verify();
    assert!(ok && text.starts_with("verified: "), "{text}");
    let out = tashbeek(&["audit", "anchor"], url, None);
    let anchored = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success() && anchored.starts_with("anchor of "), "{anchored}");

    // An edited row is named, with the hash its content has now.
    let row = sql_text(url, "SELECT id AS v FROM audit_log WHERE seq = 2 ORDER BY n LIMIT 1");
    sql(url, &format!("UPDATE audit_log SET after_json = after_json || ' ' WHERE id = '{row}'"));
    let (ok, text) = verify();
    assert!(!ok, "{text}");
    assert!(text.starts_with(&format!("NOT VERIFIED: audit row {row} ")), "{text}");
    assert!(text.contains("was changed after it was written"), "{text}");
    sql(url, &format!("UPDATE audit_log SET after_json = rtrim(after_json) WHERE id = '{row}'"));
    assert!(verify().0, "put back, it verifies again");

    // A deleted row: the row after the gap is named.
    let first = sql_text(
        url,
        &format!(
            "SELECT a.id AS v FROM audit_log a JOIN audit_log b ON a.object_type = b.object_type \
             AND a.object_id = b.object_id AND a.seq = 1 WHERE b.id = '{row}'"
        ),
    );
    sql(url, &format!("DELETE FROM audit_log WHERE id = '{first}'"));
    let (ok, text) = verify();
    assert!(!ok, "{text}");
    assert!(text.starts_with(&format!("NOT VERIFIED: audit row {row}: the chain of organization ")), "{text}");
    assert!(text.contains("starts at row 2 instead of 1"), "{text}");
}

#[test]
fn audit_verify_on_sqlite() {
    let (dir, url) = temp_db();
    audit_verify_names_what_was_tampered_with(&url);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn audit_verify_on_postgres() {
    let admin = std::env::var("TASHBEEK_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("tashbeek_cli_{}", uuid::Uuid::now_v7().simple());
    let (head, _) = admin.rsplit_once('/').expect("a database URL");
    let url = format!("{head}/{name}");
    sql(&admin, &format!("CREATE DATABASE {name}"));
    let result = std::panic::catch_unwind(|| audit_verify_names_what_was_tampered_with(&url));
    sql(&admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

#[test]
fn recommendations_go_out_to_a_spreadsheet_and_come_back_from_the_command_line() {
    let (dir, url) = temp_db();
    let out = tashbeek(&["seed", "--scale", "300", "--recommendations", "200"], &url, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = dir.join("recs.csv");
    let f = file.to_str().unwrap();
    let admin = tashbeek::seed::SEED_ADMIN;
    let out = tashbeek(&["recommendations", "export", "--as", admin, f], &url, None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&file).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert!(lines.len() > 200, "a row per part of 200 recommendations");
    // Every row of the first recommendation gets another priority.
    let code = lines[1].split(',').next().unwrap().to_owned();
    for l in lines.iter_mut().skip(1).filter(|l| l.starts_with(&format!("{code},"))) {
        let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
        cells[4] = if cells[4] == "عاجلة" { "منخفضة".into() } else { "عاجلة".into() };
        *l = cells.join(",");
    }
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let dry = tashbeek(&["recommendations", "import", "--as", admin, f], &url, None);
    let said = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success() && said.contains("1 change(s)") && said.contains("nothing stored"), "{said}");
    let applied = tashbeek(&["recommendations", "import", "--as", admin, "--apply", f], &url, None);
    assert!(String::from_utf8_lossy(&applied.stdout).contains("applied"));
    let again = tashbeek(&["recommendations", "import", "--as", admin, f], &url, None);
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(said.contains("0 change(s)"), "the file now matches: {said}");
    let nobody = tashbeek(&["recommendations", "export", "--as", "nobody@nowhere.example", f], &url, None);
    assert!(!nobody.status.success());
    let _ = std::fs::remove_dir_all(dir);
}
