//! The benchmark data generator: deterministic, and the data it loads is usable through
//! the API like any other (on both backends).

use serde_json::Value;
use tashbeek_tests::{on_both_backends, urlencode, Backend, TestServer};

on_both_backends!(seeded_data_is_deterministic_and_usable, search_pages_agree_with_a_full_scan);

fn first_page(s: &TestServer, token: &str) -> Vec<(Value, Value)> {
    let r = s.get("/api/v1/organizations?limit=30&sort=name", Some(token)).expect(200);
    r.body["items"].as_array().unwrap().iter().map(|o| (o["id"].clone(), o["name_ar"].clone())).collect()
}

fn seeded_data_is_deterministic_and_usable(s: &TestServer) {
    tashbeek::seed::run(&s.state, 300, 7).expect("seed");
    let admin = s.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    assert_eq!(s.all_org_ids(&admin).len(), 300, "every generated organization is there");
    let users = every_page(s, &admin, "/api/v1/users?limit=200");
    assert_eq!(users.len(), 32, "the seed admin and one account per ten organizations, as reported");
    // Roughly 70% verified: what the public sees, counted over every page.
    let n = every_page(s, "", "/api/v1/organizations?limit=200").len();
    assert!((180..=240).contains(&n), "{n} of 300 public");
    let public = s.get("/api/v1/organizations?limit=200", None).expect(200);
    // Spelling variants are searchable; every hit really contains the word.
    let hits = s.get("/api/v1/organizations?q=%D8%AC%D9%85%D8%B9%D9%8A%D9%87&limit=200", Some(&admin)).expect(200);
    assert!(!hits.body["items"].as_array().unwrap().is_empty());
    // Audit rows and verification history come with the data.
    let id = public.body["items"][0]["id"].as_str().unwrap();
    let history = s.get(&format!("/api/v1/organizations/{id}/history"), Some(&admin)).expect(200);
    assert_eq!(history.body.as_array().unwrap().len(), 2);
    let public_history = s.get(&format!("/api/v1/organizations/{id}/history"), None).expect(200);
    assert_eq!(public_history.body.as_array().unwrap().len(), 1, "the public sees when it was verified");
    // A second database seeded with the same seed holds the same data.
    let other = TestServer::start(Backend::Sqlite);
    tashbeek::seed::run(&other.state, 300, 7).expect("seed");
    let other_admin = other.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    assert_eq!(first_page(s, &admin), first_page(&other, &other_admin));
    assert!(tashbeek::seed::run(&s.state, 10, 7).is_err(), "refuses a database with organizations");
}

/// Every page of `path` (which has no cursor yet) for `token` (empty: anonymous).
fn every_page(s: &TestServer, token: &str, path: &str) -> Vec<Value> {
    let token = (!token.is_empty()).then_some(token);
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&cursor={c}"),
            None => path.to_owned(),
        };
        let r = s.get(&url, token).expect(200);
        items.extend(r.body["items"].as_array().unwrap().iter().cloned());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => return items,
        }
    }
}

/// A search walks the directory in order first and turns to the text index when the
/// page is not full after a while: with more organizations than that walk, common,
/// middling and rare terms must all give exactly what a full scan finds, page by page.
fn search_pages_agree_with_a_full_scan(s: &TestServer) {
    use tashbeek_domain::text::{normalize, query_terms};
    tashbeek::seed::run(&s.state, 2600, 11).expect("seed");
    let admin = s.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    let everything = every_page(s, &admin, "/api/v1/organizations?limit=200");
    assert_eq!(everything.len(), 2600);
    // List items are summaries; the texts a search reads (description included) come
    // from the records themselves, in one full scan of the table.
    let texts: std::collections::HashMap<String, String> = {
        use diesel::prelude::*;
        use tashbeek_persistence::schema::organizations as o;
        let mut conn = s.state.pool.get().expect("connection");
        type Texts = (String, Option<String>, Option<String>, Option<String>, Option<String>);
        let rows: Vec<Texts> = o::table
            .select((o::id, o::name_ar, o::name_en, o::acronym, o::description))
            .load(&mut *conn)
            .expect("full scan");
        rows.into_iter()
            .map(|(id, ar, en, acronym, description)| {
                let t = [ar, en, acronym, description].iter().flatten().map(|f| normalize(f)).collect::<Vec<_>>();
                (id, t.join(" \u{1} "))
            })
            .collect()
    };
    let text = |o: &Value| texts[o["id"].as_str().expect("id")].clone();
    // "المجتمع" is in nearly every generated description: enough matches for SQLite's
    // plan for common terms (checked below); the others take the plan for rarer ones.
    for q in ["المجتمع", "جمعية", "جمعيه الامل", "الأيادي البيضاء", "شندي", "مبادرة", "سوريا", "نا", "xyz-nothing"]
    {
        let terms = query_terms(q);
        let expected: Vec<&Value> = everything
            .iter()
            .filter(|o| {
                let t = text(o);
                terms.iter().all(|term| t.contains(term.as_str()))
            })
            .map(|o| &o["id"])
            .collect();
        if q == "المجتمع" {
            assert!(expected.len() >= 2000, "a common term: {} matches", expected.len());
        }
        let path = format!("/api/v1/organizations?limit=37&q={}", urlencode(q));
        let got: Vec<Value> = every_page(s, &admin, &path).into_iter().map(|o| o["id"].clone()).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), expected, "q={q}: {} found, {} expected", got.len(), expected.len());
    }
}
