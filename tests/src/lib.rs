//! Black-box test harness: each test gets its own database (a fresh SQLite file or a
//! fresh PostgreSQL database, dropped afterwards) and a real `tashbeek` server on a
//! random port, and talks to it over HTTP like any client.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::thread::JoinHandle;

use diesel::connection::SimpleConnection;
use diesel::{Connection, RunQueryDsl};
use serde_json::{json, Value};
use tashbeek::Config;
use tashbeek_http::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where the PostgreSQL tests connect; the test script exports it.
pub fn pg_admin_url() -> String {
    std::env::var("TASHBEEK_TEST_DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn with_database(url: &str, db: &str) -> String {
    let (head, tail) = url.rsplit_once('/').unwrap_or((url, ""));
    let query = tail.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    format!("{head}/{db}{query}")
}

fn pg_admin(admin_url: &str) -> diesel::pg::PgConnection {
    diesel::pg::PgConnection::establish(admin_url).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is required for the PostgreSQL suite and did not answer at {admin_url}: {e}\n\
             Start one (see README, 'Tests') or set TASHBEEK_TEST_DATABASE_URL."
        )
    })
}

/// A short digest of this backend's migration files, naming its template: a changed
/// migration makes a new template instead of reusing a stale one.
fn migrations_digest(backend: &str) -> String {
    use sha2::Digest;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/persistence/migrations").join(backend);
    let mut files: Vec<PathBuf> = walk(&dir);
    files.sort();
    let mut h = sha2::Sha256::new();
    for f in files {
        h.update(f.strip_prefix(&dir).unwrap_or(&f).to_string_lossy().as_bytes());
        h.update(std::fs::read(&f).expect("read migration"));
    }
    h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("migrations directory").flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A migrated SQLite file that each test copies instead of migrating its own. Made once
/// per set of migrations (under a temporary name, then renamed, so parallel test
/// processes never copy a half-made file).
fn sqlite_template() -> &'static PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let path = std::env::temp_dir().join(format!("tashbeek-test-template-{}.db", migrations_digest("sqlite")));
        if !path.exists() {
            let tmp = path.with_extension(format!("{}.tmp", std::process::id()));
            let mut c = tashbeek_persistence::db::establish(&format!("sqlite://{}", tmp.display())).expect("template");
            c.migrate().expect("migrate the template");
            // Back to a rollback journal so the copy is one self-contained file.
            c.batch_execute("PRAGMA journal_mode = DELETE;").expect("template journal");
            drop(c);
            std::fs::rename(&tmp, &path).expect("template in place");
        }
        path
    })
}

/// A migrated PostgreSQL database that each test's database is created from
/// (`CREATE DATABASE … TEMPLATE`). Kept between runs while the migrations are unchanged;
/// made under a temporary name and renamed, and older templates are dropped.
fn pg_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let admin_url = pg_admin_url();
        let name = format!("tashbeek_template_{}", migrations_digest("postgres"));
        let mut admin = pg_admin(&admin_url);
        let exists = |admin: &mut diesel::pg::PgConnection| {
            diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(&format!(
                "EXISTS (SELECT 1 FROM pg_database WHERE datname = '{name}')"
            )))
            .get_result::<bool>(admin)
            .expect("look for the template")
        };
        if !exists(&mut admin) {
            let tmp = format!("tashbeek_templating_{}", uuid::Uuid::now_v7().simple());
            admin.batch_execute(&format!("CREATE DATABASE {tmp}")).expect("create the template");
            let mut c = tashbeek_persistence::db::establish(&with_database(&admin_url, &tmp)).expect("template");
            c.migrate().expect("migrate the template");
            drop(c);
            // Another test process may have won the race; then this copy goes.
            if admin.batch_execute(&format!("ALTER DATABASE {tmp} RENAME TO {name}")).is_err() {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {tmp} WITH (FORCE)"));
            }
            let stale: Vec<String> = diesel::dsl::sql::<diesel::sql_types::Text>(&format!(
                "SELECT datname FROM pg_database WHERE datname LIKE 'tashbeek\\_template\\_%' AND datname <> '{name}'"
            ))
            .load(&mut admin)
            .unwrap_or_default();
            for db in stale {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"));
            }
        }
        name
    })
}

/// A database that exists for one test.
pub enum TestDb {
    Sqlite { dir: PathBuf, url: String },
    Postgres { admin_url: String, name: String, url: String, documents: PathBuf },
}

impl TestDb {
    pub fn create(backend: Backend) -> TestDb {
        let id = uuid::Uuid::now_v7().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("tashbeek-test-{id}"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let file = dir.join("tashbeek.db");
                std::fs::copy(sqlite_template(), &file).expect("copy the migrated template");
                let url = format!("sqlite://{}", file.display());
                TestDb::Sqlite { dir, url }
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url();
                let name = format!("tashbeek_test_{id}");
                let template = pg_template();
                pg_admin(&admin_url)
                    .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                    .expect("create test database");
                let url = with_database(&admin_url, &name);
                let documents = std::env::temp_dir().join(format!("tashbeek-test-documents-{id}"));
                TestDb::Postgres { admin_url, name, url, documents }
            }
        }
    }

    pub fn url(&self) -> &str {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// The document store of the servers on this database (removed with it).
    pub fn documents(&self) -> PathBuf {
        match self {
            TestDb::Sqlite { dir, .. } => dir.join("documents"),
            TestDb::Postgres { documents, .. } => documents.clone(),
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestDb::Postgres { admin_url, name, documents, .. } => {
                let _ = std::fs::remove_dir_all(documents);
                if let Ok(mut c) = diesel::pg::PgConnection::establish(admin_url) {
                    let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

/// A response as a client sees it.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub text: String,
    pub body: Value,
    /// The body as received (downloads).
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        self
    }

    /// Asserts a problem+json answer with this status and code.
    #[track_caller]
    pub fn problem(self, status: u16, code: &str) -> Resp {
        assert_eq!(self.status, status, "unexpected status; body: {}", self.text);
        assert_eq!(self.header("content-type"), Some("application/problem+json"), "body: {}", self.text);
        assert_eq!(self.body["code"], code, "body: {}", self.text);
        assert_eq!(self.body["status"], status);
        assert!(self.body["detail"].as_str().is_some_and(|d| !d.is_empty()));
        self
    }

    /// The fields named in a validation problem.
    pub fn fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| a.iter().map(|e| e["field"].as_str().unwrap_or("").to_owned()).collect())
            .unwrap_or_default()
    }

    /// The code given for `field` in a validation problem.
    pub fn field_code(&self, field: &str) -> Option<String> {
        self.body["errors"]
            .as_array()?
            .iter()
            .find(|e| e["field"] == field)
            .map(|e| e["code"].as_str().unwrap_or("").to_owned())
    }
}

/// What a request carries besides method and path.
#[derive(Default)]
pub struct Req<'a> {
    pub token: Option<&'a str>,
    pub json: Option<Value>,
    pub raw: Option<(&'a str, Vec<u8>)>,
    pub headers: Vec<(&'a str, String)>,
}

/// A running server with its own database.
pub struct TestServer {
    pub base: String,
    pub backend: Backend,
    pub state: AppState,
    /// The server's clock: follows real time until a test sets it.
    pub clock: std::sync::Arc<tashbeek_http::SettableClock>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
    agent: ureq::Agent,
    db_url: String,
    /// Where this server stores uploaded documents (shared by servers beside it).
    pub documents: PathBuf,
    /// The database this server made (dropped with it); `None` for a server beside another.
    _db: Option<TestDb>,
}

pub const ADMIN_EMAIL: &str = "admin@tashbeek.test";
pub const PASSWORD: &str = "correct horse battery";

impl TestServer {
    pub fn start(backend: Backend) -> TestServer {
        Self::start_with(backend, |_| {})
    }

    /// Starts a server after letting the test adjust its configuration.
    pub fn start_with(backend: Backend, tweak: impl FnOnce(&mut Config)) -> TestServer {
        let db = TestDb::create(backend);
        let url = db.url().to_owned();
        let documents = db.documents();
        Self::start_on(backend, url, documents, Some(db), tweak)
    }

    /// Another instance serving the same database as `other` (PostgreSQL: instances
    /// behind a load balancer). Drop it before `other`.
    pub fn beside(other: &TestServer) -> TestServer {
        Self::start_on(other.backend, other.db_url.clone(), other.documents.clone(), None, |_| {})
    }

    fn start_on(
        backend: Backend,
        url: String,
        documents: PathBuf,
        db: Option<TestDb>,
        tweak: impl FnOnce(&mut Config),
    ) -> TestServer {
        let mut cfg = Config {
            database_url: url.clone(),
            documents_dir: Some(documents.clone()),
            // Cheap hashes keep the suite fast; production uses the default cost.
            argon2_memory_kib: 64,
            db_pool_size: 4,
            workers: Some(2),
            shutdown_timeout_secs: 1,
            ..Config::default()
        };
        tweak(&mut cfg);
        let mut state = tashbeek::build_state(&cfg).expect("server state");
        let clock = std::sync::Arc::new(tashbeek_http::SettableClock::default());
        state.clock = clock.clone();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = std::sync::mpsc::channel();
        let st = state.clone();
        let opts = cfg.server();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = tashbeek_http::server(st, listener, opts).expect("server");
                tx.send(server.handle()).expect("handle");
                let _ = server.await;
            })
        });
        let handle = rx.recv().expect("server started");
        let agent = ureq::AgentBuilder::new().timeout(std::time::Duration::from_secs(30)).build();
        TestServer { base, backend, state, clock, handle, thread: Some(thread), agent, db_url: url, documents, _db: db }
    }

    pub fn call(&self, method: &str, path: &str, r: Req<'_>) -> Resp {
        let mut req = self.agent.request(method, &format!("{}{path}", self.base));
        if let Some(t) = r.token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        for (k, v) in &r.headers {
            req = req.set(k, v);
        }
        let result = if let Some(j) = r.json {
            req.set("Content-Type", "application/json").send_string(&j.to_string())
        } else if let Some((ct, bytes)) = r.raw {
            req.set("Content-Type", ct).send_bytes(&bytes)
        } else {
            req.call()
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let headers = resp
            .headers_names()
            .into_iter()
            .filter_map(|n| resp.header(&n).map(|v| (n.to_ascii_lowercase(), v.to_owned())))
            .collect();
        let mut bytes = Vec::new();
        let _ = std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes);
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp { status, headers, text, body, bytes }
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.call("GET", path, Req { token, ..Default::default() })
    }

    pub fn post(&self, path: &str, token: Option<&str>, json: Value) -> Resp {
        self.call("POST", path, Req { token, json: Some(json), ..Default::default() })
    }

    pub fn put(&self, path: &str, token: Option<&str>, etag: Option<&str>, json: Value) -> Resp {
        let headers = etag.map(|e| vec![("If-Match", e.to_owned())]).unwrap_or_default();
        self.call("PUT", path, Req { token, json: Some(json), headers, ..Default::default() })
    }

    pub fn patch(&self, path: &str, token: Option<&str>, json: Value) -> Resp {
        self.call("PATCH", path, Req { token, json: Some(json), ..Default::default() })
    }

    pub fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        self.call("DELETE", path, Req { token, ..Default::default() })
    }

    /// Creates a platform administrator through the CLI code path and signs in.
    pub fn admin(&self) -> String {
        if tashbeek::admin::create_admin(&self.state, ADMIN_EMAIL, "المنسق", PASSWORD).is_err() {
            // Already created by an earlier call in this test.
        }
        self.login(ADMIN_EMAIL, PASSWORD)
    }

    pub fn login(&self, email: &str, password: &str) -> String {
        let r = self.post("/api/v1/auth/login", None, json!({"email": email, "password": password})).expect(200);
        r.body["access_token"].as_str().expect("token").to_owned()
    }

    /// Signs up a new account with its own organization; returns (token, org id).
    pub fn signup(&self, email: &str, org_name_ar: &str) -> (String, String) {
        let r = self
            .post(
                "/api/v1/auth/signup",
                None,
                json!({"email": email, "display_name": "مستخدم", "password": PASSWORD,
                       "organization": {"kind": "ngo", "name_ar": org_name_ar, "areas": ["SD-RN-SHN"]}}),
            )
            .expect(201);
        (
            r.body["session"]["access_token"].as_str().expect("token").to_owned(),
            r.body["organization"]["id"].as_str().expect("id").to_owned(),
        )
    }

    /// Invites `email` into `org_id` as `role` (by an administrator's `token`); returns
    /// the invitation link's token.
    pub fn invite(&self, token: &str, org_id: &str, email: &str, role: &str) -> String {
        let r = self
            .post(
                &format!("/api/v1/organizations/{org_id}/invitations"),
                Some(token),
                json!({"email": email, "role": role}),
            )
            .expect(201);
        r.body["token"].as_str().expect("invitation token").to_owned()
    }

    /// Invites a new account into `org_id` and accepts for it; returns its access token.
    pub fn add_member(&self, admin: &str, org_id: &str, email: &str, role: &str) -> String {
        let link = self.invite(admin, org_id, email, role);
        let r = self
            .post(
                "/api/v1/invitations/accept",
                None,
                json!({"token": link, "display_name": "عضو مدعو", "password": PASSWORD}),
            )
            .expect(201);
        r.body["access_token"].as_str().expect("token").to_owned()
    }

    /// Creates an organization as `token`; returns its id.
    pub fn create_org(&self, token: &str, body: Value) -> String {
        let r = self.post("/api/v1/organizations", Some(token), body).expect(201);
        r.body["organization"]["id"].as_str().expect("id").to_owned()
    }

    pub fn verify(&self, admin: &str, org_id: &str) {
        self.decide(admin, org_id, json!({"status": "verified"})).expect(200);
    }

    /// A verification decision on the version `admin` reads now (`If-Match`).
    pub fn decide(&self, admin: &str, org_id: &str, decision: Value) -> Resp {
        let etag = self.get(&format!("/api/v1/organizations/{org_id}"), Some(admin)).header("etag").map(str::to_owned);
        let headers = etag.map(|e| vec![("If-Match", e)]).unwrap_or_default();
        self.call(
            "POST",
            &format!("/api/v1/organizations/{org_id}/verification"),
            Req { token: Some(admin), json: Some(decision), headers, ..Default::default() },
        )
    }

    /// Creates an account with a global role through the admin API; returns its token.
    pub fn user_with_role(&self, admin: &str, email: &str, role: &str) -> String {
        self.post(
            "/api/v1/users",
            Some(admin),
            json!({"email": email, "display_name": "حساب", "password": PASSWORD, "role": role}),
        )
        .expect(201);
        self.login(email, PASSWORD)
    }

    /// Every organization an administrator can list (archived included).
    pub fn all_org_ids(&self, admin: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/organizations?include_archived=true&limit=200&cursor={c}"),
                None => "/api/v1/organizations?include_archived=true&limit=200".to_owned(),
            };
            let r = self.get(&path, Some(admin)).expect(200);
            ids.extend(
                r.body["items"].as_array().expect("items").iter().map(|o| o["id"].as_str().unwrap_or("").to_owned()),
            );
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => return ids,
            }
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let _ = std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false))).join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An organization to register in a test: a pending NGO in Shendi working in health
/// unless told otherwise.
///
/// `OrgBuilder::new("جمعية الأمل").in_area("SD-RN-MTM").verified().create(&s, &admin)`
#[derive(Debug, Clone)]
pub struct OrgBuilder {
    body: Value,
    verified: bool,
}

impl OrgBuilder {
    pub fn new(name_ar: &str) -> OrgBuilder {
        OrgBuilder {
            body: json!({"kind": "ngo", "name_ar": name_ar, "areas": ["SD-RN-SHN"], "sectors": ["health"]}),
            verified: false,
        }
    }

    /// Sets any field of the profile (`"contacts"`, `"needs"`, …).
    pub fn with(mut self, field: &str, value: Value) -> OrgBuilder {
        self.body[field] = value;
        self
    }

    pub fn kind(self, kind: &str) -> OrgBuilder {
        self.with("kind", json!(kind))
    }

    /// Works in this area only.
    pub fn in_area(self, area: &str) -> OrgBuilder {
        self.with("areas", json!([area]))
    }

    pub fn sectors(self, sectors: &[&str]) -> OrgBuilder {
        self.with("sectors", json!(sectors))
    }

    /// A platform administrator verifies it once created.
    pub fn verified(mut self) -> OrgBuilder {
        self.verified = true;
        self
    }

    /// The profile as a client sends it.
    pub fn body(&self) -> Value {
        self.body.clone()
    }

    /// Registers it as `token`; returns its id.
    pub fn create(self, s: &TestServer, token: &str) -> String {
        let id = s.create_org(token, self.body);
        if self.verified {
            s.verify(&s.admin(), &id);
        }
        id
    }
}

/// Runs each listed `fn(&TestServer)` once on SQLite and once on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&$crate::TestServer::start($crate::Backend::Sqlite)); } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(&$crate::TestServer::start($crate::Backend::Postgres)); } )*
        }
    };
}

/// Percent-encodes everything but ASCII letters and digits, for query strings.
pub fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// A test SMTP server: accepts every message on 127.0.0.1 and keeps it (plain SMTP, no
/// TLS or authentication), so tests read what the server e-mailed.
pub struct SmtpSink {
    pub port: u16,
    messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        use std::io::{BufRead, BufReader, Write};
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = messages.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let kept = kept.clone();
                std::thread::spawn(move || {
                    let mut out = stream.try_clone().expect("clone");
                    let mut lines = BufReader::new(stream);
                    let _ = out.write_all(b"220 sink ESMTP\r\n");
                    let (mut data, mut in_data, mut line) = (String::new(), false, String::new());
                    loop {
                        line.clear();
                        if lines.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        if in_data {
                            if line == ".\r\n" {
                                in_data = false;
                                kept.lock().unwrap().push(std::mem::take(&mut data));
                                let _ = out.write_all(b"250 queued\r\n");
                            } else {
                                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                            }
                            continue;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" => b"250-sink\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = out.write_all(b"221 bye\r\n");
                                return;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = out.write_all(reply);
                    }
                });
            }
        });
        SmtpSink { port, messages }
    }

    /// `smtp://…` of this sink.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The messages received so far (headers and body, as sent).
    pub fn messages(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }
}
