//! The HTTP contract itself: health, request ids, problem answers for unknown routes and methods, the served OpenAPI document.

use tashbeek_tests::{on_both_backends, Req, TestServer};

on_both_backends!(health_ready_and_request_ids, openapi_is_served_and_docs_load,);

fn health_ready_and_request_ids(s: &TestServer) {
    let r = s.get("/healthz", None).expect(200);
    assert_eq!(r.body["status"], "ok");
    assert!(r.header("x-request-id").is_some_and(|id| !id.is_empty()));
    let r = s.get("/readyz", None).expect(200);
    assert_eq!(r.body["database"], if s.backend == tashbeek_tests::Backend::Sqlite { "sqlite" } else { "postgres" });
    let r = s.call("GET", "/healthz", Req { headers: vec![("X-Request-Id", "trace-42".into())], ..Default::default() });
    assert_eq!(r.header("x-request-id"), Some("trace-42"));
    let r = s.get("/api/v1/nothing-here", None).problem(404, "not_found");
    assert_eq!(r.body["request_id"].as_str(), r.header("x-request-id"));
    let r = s.call("PATCH", "/api/v1/sectors", Req::default()).problem(405, "method_not_allowed");
    assert_eq!(r.header("allow"), Some("GET, POST"));
    let r = s.call("PATCH", "/api/v1/organizations/0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f", Req::default());
    assert_eq!(r.problem(405, "method_not_allowed").header("allow"), Some("GET, PUT, DELETE"));
    s.call("DELETE", "/readyz", Req::default()).problem(405, "method_not_allowed");
    s.call("GET", "/api/v1/organizations/x/unknown", Req::default()).problem(404, "not_found");
}

fn openapi_is_served_and_docs_load(s: &TestServer) {
    // What is served is the committed contract: the same paths and operations.
    let r = s.get("/api/v1/openapi.json", None).expect(200);
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml")).unwrap();
    let mut committed_paths: Vec<String> = committed
        .lines()
        .filter(|l| l.starts_with("  /") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_owned())
        .collect();
    let mut committed_ops: Vec<String> =
        committed.lines().filter_map(|l| l.trim().strip_prefix("operationId: ")).map(str::to_owned).collect();
    let paths = r.body["paths"].as_object().unwrap();
    let mut served_paths: Vec<String> = paths.keys().cloned().collect();
    let mut served_ops: Vec<String> = paths
        .values()
        .flat_map(|p| p.as_object().unwrap().values())
        .filter_map(|op| op["operationId"].as_str().map(str::to_owned))
        .collect();
    for v in [&mut committed_paths, &mut committed_ops, &mut served_paths, &mut served_ops] {
        v.sort();
    }
    assert!(served_paths.len() > 20);
    assert_eq!(served_paths, committed_paths);
    assert_eq!(served_ops, committed_ops);
    let docs = s.get("/docs/", None).expect(200);
    assert!(docs.text.contains("swagger"), "the interactive reference is served offline");
}

/// The dashboard's files: the precompressed copy the browser accepts, hashed names cached
/// as immutable, `index.html` revalidated, client-side routes answered with `index.html`.
#[test]
fn dashboard_files_are_precompressed_and_cached_by_name() {
    let dir = std::env::temp_dir().join(format!("tashbeek-dash-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(dir.join("fonts")).unwrap();
    std::fs::write(dir.join("index.html"), "<!DOCTYPE html><html><body>dashboard</body></html>").unwrap();
    let js = "app-0123456789abcdef.js";
    std::fs::write(dir.join(js), "console.log('tashbeek');").unwrap();
    std::fs::write(dir.join(format!("{js}.br")), b"BR").unwrap();
    std::fs::write(dir.join(format!("{js}.gz")), b"GZ").unwrap();
    std::fs::write(dir.join("fonts/naskh.woff2"), b"font").unwrap();
    std::fs::write(dir.join(".secret"), "hidden").unwrap();
    let s = TestServer::start_with(tashbeek_tests::Backend::Sqlite, |c| c.dashboard_dir = Some(dir.clone()));
    let get = |path: &str, accept: &str| {
        s.call("GET", path, Req { headers: vec![("Accept-Encoding", accept.into())], ..Default::default() })
    };
    let script = format!("/{js}");
    let r = get(&script, "gzip, deflate, br");
    assert_eq!((r.status, r.header("content-encoding")), (200, Some("br")));
    assert!(r.header("content-type").is_some_and(|t| t.contains("javascript")), "{:?}", r.headers);
    assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    assert!(r.header("vary").is_some_and(|v| v.contains("Accept-Encoding")), "{:?}", r.header("vary"));
    assert_eq!(get(&script, "gzip").header("content-encoding"), Some("gzip"));
    assert_eq!(get(&script, "br;q=0, gzip").header("content-encoding"), Some("gzip"));
    // A copy older than its file (left from an earlier build) is not served.
    let older = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let stale = std::fs::File::options().write(true).open(dir.join(format!("{js}.gz"))).unwrap();
    stale.set_modified(older).unwrap();
    drop(stale);
    // (the plain file is gzipped on the fly instead; the two-byte stale copy is not sent)
    assert_ne!(get(&script, "gzip").header("content-length"), Some("2"));
    let plain = get(&script, "identity");
    assert_eq!((plain.header("content-encoding"), plain.text.as_str()), (None, "console.log('tashbeek');"));
    std::fs::write(dir.join("index.html.gz"), b"GZ").unwrap();
    let r = get("/", "gzip");
    assert_eq!((r.header("content-encoding"), r.header("content-disposition")), (Some("gzip"), None));
    assert!(r.header("content-type").is_some_and(|t| t.starts_with("text/html")), "{:?}", r.headers);
    for route in ["/", "/organizations/0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f", "/.secret", "/fonts/../.secret"] {
        let r = get(route, "identity");
        assert!(r.text.contains("dashboard"), "{route}: {}", r.text);
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{route}");
    }
    assert_eq!(get("/fonts/naskh.woff2", "br").header("cache-control"), Some("public, max-age=3600"));
    // The API beside it is untouched.
    s.get("/api/v1/nothing-here", None).problem(404, "not_found");
    s.get("/healthz", None).expect(200);
    drop(s);
    let _ = std::fs::remove_dir_all(dir);
}
