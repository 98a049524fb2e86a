//! The benchmark data generator: deterministic, and the data it loads is usable through
//! the API like any other (on both backends).

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, urlencode, Backend, TestServer};

on_both_backends!(seeded_data_is_deterministic_and_usable, search_pages_agree_with_a_full_scan);

fn first_page(s: &TestServer, token: &str) -> Vec<(Value, Value)> {
    let r = s.get("/api/v1/organizations?limit=30&sort=name", Some(token)).expect(200);
    r.body["items"].as_array().unwrap().iter().map(|o| (o["id"].clone(), o["name_ar"].clone())).collect()
}

fn seeded_data_is_deterministic_and_usable(s: &TestServer) {
    tashbeek::seed::run(&s.state, 300, 900, 150, 600, 7).expect("seed");
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
    // Partnerships come with it: three in four confirmed, public when every party is verified.
    let partnerships = every_page(s, "", "/api/v1/partnerships?limit=200");
    assert!((100..=500).contains(&partnerships.len()), "{} of 900 public", partnerships.len());
    assert!(partnerships.iter().all(|p| p["confirmed_count"] == p["parties"].as_array().unwrap().len()));
    // Lists walk one link's key (an organization's, one area's, one sector's) or the
    // partnerships themselves: each way finds the same, page by page.
    let ids = |items: Vec<Value>| items.into_iter().map(|p| p["id"].clone()).collect::<Vec<_>>();
    let all = every_page(s, &admin, "/api/v1/partnerships?limit=200");
    assert_eq!(all.len(), 900);
    let org = all[0]["parties"][1]["organization_id"].as_str().unwrap().to_owned();
    let theirs: Vec<Value> = all
        .iter()
        .filter(|p| p["parties"].as_array().unwrap().iter().any(|x| x["organization_id"] == org.as_str()))
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(ids(every_page(s, &admin, &format!("/api/v1/partnerships?limit=3&organization={org}"))), theirs);
    let one_area = ids(every_page(s, &admin, "/api/v1/partnerships?limit=37&area=SD-RN"));
    assert!(one_area.len() > 10);
    assert_eq!(one_area, ids(every_page(s, &admin, "/api/v1/partnerships?limit=37&area=SD-RN,SD-RN-SHN")));
    let graph = s.get("/api/v1/partnerships/graph?area=SD", None).expect(200);
    assert!(!graph.body["edges"].as_array().unwrap().is_empty());
    // Meetings come with it, half of them still ahead, held by networks and organizations.
    let upcoming = every_page(s, &admin, "/api/v1/meetings?limit=200");
    let past = every_page(s, &admin, "/api/v1/meetings?when=past&limit=200");
    // Every meeting is in one list or the other; one under way (begun, not ended) is in both.
    let upcoming_ids: std::collections::HashSet<&str> = upcoming.iter().filter_map(|m| m["id"].as_str()).collect();
    let in_both: Vec<&Value> = past.iter().filter(|m| upcoming_ids.contains(m["id"].as_str().unwrap())).collect();
    assert_eq!(upcoming.len() + past.len() - in_both.len(), 150);
    let at = |m: &Value, k: &str| chrono::DateTime::parse_from_rfc3339(m[k].as_str().unwrap()).unwrap();
    let now = chrono::Utc::now();
    assert!(
        in_both.iter().all(|m| at(m, "starts_at") <= now && at(m, "ends_at") > now),
        "only meetings under way are in both lists: {in_both:?}"
    );
    assert!((40..=110).contains(&upcoming.len()), "{} upcoming", upcoming.len());
    let anonymous = every_page(s, "", "/api/v1/meetings?limit=200");
    assert!(!anonymous.is_empty() && anonymous.len() < upcoming.len(), "the public sees public meetings only");
    let network = upcoming.iter().find_map(|m| m["network_id"].as_str()).expect("a network's meeting").to_owned();
    let theirs = every_page(s, &admin, &format!("/api/v1/meetings?network={network}&limit=7"));
    assert!(theirs.iter().all(|m| m["network_id"] == network.as_str()) && !theirs.is_empty());
    // Recommendations come with the meetings; each way the board walks (all, one status,
    // one addressee, one area, overdue) finds what filtering everything finds.
    let recs = every_page(s, &admin, "/api/v1/recommendations?limit=200");
    assert_eq!(recs.len(), 600);
    let of = |keep: &dyn Fn(&Value) -> bool| -> Vec<Value> {
        recs.iter().filter(|r| keep(r)).map(|r| r["id"].clone()).collect()
    };
    let in_progress = of(&|r| r["status"] == "in_progress");
    assert!(!in_progress.is_empty());
    assert_eq!(ids(every_page(s, &admin, "/api/v1/recommendations?status=in_progress&limit=23")), in_progress);
    // Overdue ones come most overdue first.
    let mut late: Vec<&Value> = recs.iter().filter(|r| r["overdue"] == true).collect();
    late.sort_by_key(|r| (r["due_on"].as_str().unwrap().to_owned(), r["id"].as_str().unwrap().to_owned()));
    let overdue: Vec<Value> = late.into_iter().map(|r| r["id"].clone()).collect();
    assert!(!overdue.is_empty());
    assert_eq!(ids(every_page(s, &admin, "/api/v1/recommendations?overdue=true&limit=23")), overdue);
    let addressee = recs[0]["addressees"][0]["organization_id"].as_str().unwrap().to_owned();
    let theirs =
        of(&|r| r["addressees"].as_array().unwrap().iter().any(|a| a["organization_id"] == addressee.as_str()));
    assert_eq!(ids(every_page(s, &admin, &format!("/api/v1/recommendations?addressee={addressee}&limit=5"))), theirs);
    let in_sd = ids(every_page(s, &admin, "/api/v1/recommendations?area=SD&limit=50"));
    assert!(!in_sd.is_empty() && in_sd.len() < 600);
    // A second database seeded with the same seed holds the same data.
    let other = TestServer::start(Backend::Sqlite);
    tashbeek::seed::run(&other.state, 300, 900, 150, 600, 7).expect("seed");
    let other_admin = other.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    assert_eq!(first_page(s, &admin), first_page(&other, &other_admin));
    let newest = |s: &TestServer| s.get("/api/v1/partnerships?limit=20", None).expect(200).body["items"].clone();
    assert_eq!(newest(s), newest(&other));
    assert!(tashbeek::seed::run(&s.state, 10, 0, 0, 0, 7).is_err(), "refuses a database with organizations");
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

/// A search walks the word index for its rarest term (a rare prefix whole, a common
/// one word by word, a prefix of very many words through the directory's own order):
/// with more organizations than a common term's threshold, every plan must give
/// exactly what a full scan finds, page by page, with and without filters.
fn search_pages_agree_with_a_full_scan(s: &TestServer) {
    use tashbeek_domain::text::{query_terms, text_matches, SearchDoc};
    tashbeek::seed::run(&s.state, 2600, 0, 0, 0, 11).expect("seed");
    let admin = s.login(tashbeek::seed::SEED_ADMIN, tashbeek::seed::SEED_PASSWORD);
    // Edits move organizations between filters (kind, sectors, areas, needs, offers) and
    // in name order: the index's filter words follow them.
    let first = every_page(s, &admin, "/api/v1/organizations?limit=200");
    for (n, o) in first.iter().step_by(97).enumerate() {
        let id = o["id"].as_str().expect("id");
        let edit = match n % 3 {
            0 => json!({"kind": "initiative", "name_ar": format!("مبادرة أولى {n}"), "sectors": ["health"],
                        "areas": ["SD-RN-SHN"], "needs": [{"kind": "funding"}]}),
            1 => json!({"kind": "ngo", "name_ar": o["name_ar"], "name_en": o["name_en"], "sectors": [],
                        "areas": ["SY"], "offers": [{"kind": "training"}]}),
            _ => {
                json!({"kind": "volunteer_team", "name_ar": format!("فريق الأمل {n}"), "sectors": ["education", "health"]})
            }
        };
        let r = s.put(&format!("/api/v1/organizations/{id}"), Some(&admin), Some("*"), edit);
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let everything = every_page(s, &admin, "/api/v1/organizations?limit=200");
    assert_eq!(everything.len(), 2600);
    let with_archived = every_page(s, &admin, "/api/v1/organizations?limit=200&include_archived=true");
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
                let titles = [&ar, &en, &acronym].into_iter().flatten().map(String::as_str);
                (id, SearchDoc::new(titles, description.as_deref()).text())
            })
            .collect()
    };
    let text = |o: &Value| texts[o["id"].as_str().expect("id")].clone();
    let has = |o: &Value, key: &str, value: &str| o[key].as_array().unwrap().iter().any(|v| v == value);
    // "المجتمع" is in nearly every generated description (a common word); terms of few
    // words are intersected word by word (leapfrog); "ا" starts very many words (the
    // directory's order); "4" starts many words with few entries (its prefix read whole).
    let queries = [
        "المجتمع",
        "المحلي والمجتمع",
        "جمعية",
        "جمعيه الامل",
        "الأيادي البيضاء",
        "شندي",
        "مبادرة",
        "سوريا",
        "ا",
        "نا",
        "مبادرة ا",
        // Digits start many words (names' numbers) but few entries: a rare prefix read
        // whole, alone and with a common term probed.
        "4",
        "جمعية 4",
        "xyz",
        // No terms: the filters alone.
        "",
    ];
    type Keep<'a> = &'a dyn Fn(&Value) -> bool;
    let in_area = |o: &Value, area: &str| {
        let below = format!("{area}-");
        o["areas"].as_array().unwrap().iter().any(|a| a == area || a.as_str().unwrap().starts_with(&below))
    };
    let filters: [(&str, Keep); 6] = [
        ("", &|_| true),
        ("&kind=ngo", &|o| o["kind"] == "ngo"),
        ("&sector=health&status=verified", &|o| has(o, "sectors", "health") && o["verification_status"] == "verified"),
        ("&kind=ngo,initiative&area=SD-RN", &|o| {
            (o["kind"] == "ngo" || o["kind"] == "initiative") && in_area(o, "SD-RN")
        }),
        ("&sector=health,education&need=funding", &|o| {
            (has(o, "sectors", "health") || has(o, "sectors", "education")) && has(o, "needs", "funding")
        }),
        ("&area=SY&offer=training", &|o| in_area(o, "SY") && has(o, "offers", "training")),
    ];
    let mut plans_seen = std::collections::HashSet::new();
    for q in queries {
        let terms = query_terms(q);
        for (params, keep) in &filters {
            let expected: Vec<&Value> = everything
                .iter()
                .filter(|o| keep(o) && terms.iter().all(|term| text_matches(&text(o), term)))
                .map(|o| &o["id"])
                .collect();
            if q == "المجتمع" && params.is_empty() {
                assert!(expected.len() >= 1000, "a common term: {} matches", expected.len());
            }
            if q.is_empty() && !params.is_empty() {
                assert!(expected.len() >= 10, "{params}: only {} match", expected.len());
            }
            let search = if q.is_empty() { String::new() } else { format!("&q={}", urlencode(q)) };
            let path = format!("/api/v1/organizations?limit=37{search}{params}");
            let got: Vec<Value> = every_page(s, &admin, &path).into_iter().map(|o| o["id"].clone()).collect();
            assert_eq!(
                got.iter().collect::<Vec<_>>(),
                expected,
                "q={q}{params}: {} found, {} expected",
                got.len(),
                expected.len()
            );
            // In update order the same records come, each once.
            let path = format!("/api/v1/organizations?limit=37&sort=updated{search}{params}");
            let mut by_update: Vec<Value> = every_page(s, &admin, &path).into_iter().map(|o| o["id"].clone()).collect();
            by_update.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            let mut expected: Vec<Value> = expected.into_iter().cloned().collect();
            expected.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            assert_eq!(by_update, expected, "q={q}{params}, sort=updated");
        }
        // An administrator's search over everything, archived included, tests nothing on
        // the records: the index alone must give the same answer.
        let expected: Vec<&Value> = with_archived
            .iter()
            .filter(|o| terms.iter().all(|t| text_matches(&text(o), t)))
            .map(|o| &o["id"])
            .collect();
        let path = format!(
            "/api/v1/organizations?limit=37&include_archived=true{}",
            if q.is_empty() { String::new() } else { format!("&q={}", urlencode(q)) }
        );
        let got: Vec<Value> = every_page(s, &admin, &path).into_iter().map(|o| o["id"].clone()).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), expected, "q={q}, archived included");
        let mut conn = s.state.pool.get().expect("connection");
        let found =
            tashbeek_persistence::search::plan(&mut conn, tashbeek_persistence::search::Entity::Organization, &terms)
                .expect("plan");
        plans_seen.insert(std::mem::discriminant(&found.plan));
    }
    assert_eq!(plans_seen.len(), 4, "the queries cover every plan (empty, prefix, words, scan)");
}
