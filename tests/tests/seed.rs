//! The benchmark data generator: deterministic, and the data it loads is usable through
//! the API like any other (on both backends).

use serde_json::Value;
use tashbeek_tests::{on_both_backends, Backend, TestServer};

on_both_backends!(seeded_data_is_deterministic_and_usable);

fn first_page(s: &TestServer, token: &str) -> Vec<(Value, Value)> {
    let r = s.get("/api/v1/organizations?limit=30&sort=name", Some(token)).expect(200);
    r.body["items"].as_array().unwrap().iter().map(|o| (o["id"].clone(), o["name_ar"].clone())).collect()
}

fn seeded_data_is_deterministic_and_usable(s: &TestServer) {
    let report = tashbeek::seed::run(&s.state, 300, 7).expect("seed");
    assert_eq!(report.organizations, 300);
    assert_eq!(report.users, 32);
    let admin = s.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    assert_eq!(s.all_org_ids(&admin).len(), 300);
    // Roughly 70% verified: what the public sees.
    let public = s.get("/api/v1/organizations?limit=200", None).expect(200);
    let n = public.body["items"].as_array().unwrap().len();
    assert!((150..=200).contains(&n), "{n}");
    // Spelling variants are searchable; every hit really contains the word.
    let hits = s.get("/api/v1/organizations?q=%D8%AC%D9%85%D8%B9%D9%8A%D9%87&limit=200", Some(&admin)).expect(200);
    assert!(!hits.body["items"].as_array().unwrap().is_empty());
    // Audit rows and verification history come with the data.
    let id = public.body["items"][0]["id"].as_str().unwrap();
    let history = s.get(&format!("/api/v1/organizations/{id}/history"), None).expect(200);
    assert_eq!(history.body.as_array().unwrap().len(), 2);
    // A second database seeded with the same seed holds the same data.
    let other = TestServer::start(Backend::Sqlite);
    tashbeek::seed::run(&other.state, 300, 7).expect("seed");
    let other_admin = other.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    assert_eq!(first_page(s, &admin), first_page(&other, &other_admin));
    assert!(tashbeek::seed::run(&s.state, 10, 7).is_err(), "refuses a database with organizations");
}
