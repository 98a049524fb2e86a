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
