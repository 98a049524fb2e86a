//! The directory: Arabic-aware search, filters, keyset pages and delta sync.

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, urlencode, OrgBuilder, Req, TestServer};

on_both_backends!(
    search_is_arabic_aware,
    hundred_organizations_page_without_gaps_or_repeats,
    filters_by_kind_sector_area_status_needs_offers,
    updated_since_returns_what_changed_after_it,
    the_word_index_is_rebuilt_when_its_rules_change,
);

fn org(name_ar: &str) -> Value {
    OrgBuilder::new(name_ar).body()
}

fn search_is_arabic_aware(s: &TestServer) {
    let admin = s.admin();
    for body in [
        org("جمعية الأمل"),
        json!({"kind": "volunteer_team", "name_en": "Hope Volunteers", "description": "Youth in Shendi"}),
        org("مُبادرةُ النّور"),
        json!({"kind": "ngo", "name_ar": "منظمة ٢٠٣٠ للتنمية", "acronym": "م٣"}),
        org("مستشفى الشفاء الخيري"),
    ] {
        let id = s.create_org(&admin, body);
        s.verify(&admin, &id);
    }
    let names = |q: &str| -> Vec<String> {
        let r = s.call("GET", &format!("/api/v1/organizations?q={}", urlencode(q)), Req::default()).expect(200);
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name_ar"].as_str().or(o["name_en"].as_str()).unwrap().to_owned())
            .collect()
    };
    for q in ["جمعيه الامل", "الأمل", "امل", "جمعية الامل", "الاَمل"] {
        assert_eq!(names(q), vec!["جمعية الأمل"], "query {q}");
    }
    assert_eq!(names("hope"), vec!["Hope Volunteers"]);
    // List items are summaries; the record by id has the rest.
    let item = s.get("/api/v1/organizations?q=hope", None).expect(200).body["items"][0].clone();
    let keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
    for key in
        ["id", "kind", "name_ar", "name_en", "verification_status", "sectors", "areas", "needs", "offers", "version"]
    {
        assert!(keys.contains(&key), "summary lacks {key}: {item}");
    }
    for key in ["description", "contacts", "address", "registration_number"] {
        assert!(!keys.contains(&key), "summary carries {key}: {item}");
    }
    let full = s.get(&format!("/api/v1/organizations/{}", item["id"].as_str().unwrap()), None).expect(200).body;
    assert_eq!(full["description"], "Youth in Shendi");
    assert_eq!(full["version"], item["version"]);
    assert_eq!(names("HOPE shendi"), vec!["Hope Volunteers"]);
    assert_eq!(names("مبادره النور"), vec!["مُبادرةُ النّور"]);
    assert_eq!(names("2030"), vec!["منظمة ٢٠٣٠ للتنمية"]);
    // Attached clitics on either side: the name has `للتنمية`, the query another form.
    for q in ["التنمية", "تنمية", "والتنمية", "بالتنمية"] {
        assert_eq!(names(q), vec!["منظمة ٢٠٣٠ للتنمية"], "query {q}");
    }
    assert_eq!(names("بالأمل"), vec!["جمعية الأمل"]);
    // A word that begins with a clitic letter itself, named with the article and typed
    // without it (the query is stemmed: `وفاء` → `فاء`), and a long word typed whole.
    let wafa = s.create_org(&admin, org("جمعية الوفاء بالبريمي"));
    s.verify(&admin, &wafa);
    let long = s.create_org(&admin, org("شركة الاستشاراتالهندسيةوالتقنيةالمتقدمة"));
    s.verify(&admin, &long);
    for q in ["وفاء", "الوفاء", "بريمي", "البريمي", "والوفاء بريمي"] {
        assert_eq!(names(q), vec!["جمعية الوفاء بالبريمي"], "query {q}");
    }
    for q in ["الاستشاراتالهندسيةوالتقنيةالمتقدمة", "استشاراتالهندسيةوالتقنيةالمتقدمة"]
    {
        assert_eq!(names(q), vec!["شركة الاستشاراتالهندسيةوالتقنيةالمتقدمة"], "query {q}");
    }
    for id in [&wafa, &long] {
        s.delete(&format!("/api/v1/organizations/{id}"), Some(&admin)).expect(200);
    }
    assert_eq!(names("مستشفي"), vec!["مستشفى الشفاء الخيري"]);
    assert!(names("زراعة").is_empty());
    assert_eq!(names("").len(), 5);
    // The index follows edits and archiving.
    let id = s.get(&format!("/api/v1/organizations?q={}", urlencode("النور")), None).body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/organizations/{id}");
    s.put(&path, Some(&admin), Some("\"2\""), org("مبادرة الضياء")).expect(200);
    assert!(names("النور").is_empty());
    assert_eq!(names("الضياء"), vec!["مبادرة الضياء"]);
    s.delete(&path, Some(&admin)).expect(200);
    assert!(names("الضياء").is_empty());
}

fn hundred_organizations_page_without_gaps_or_repeats(s: &TestServer) {
    let admin = s.admin();
    let mut created = Vec::new();
    for i in 0..100 {
        // Shared name prefixes make the keyset tie-break on id matter.
        created.push(s.create_org(&admin, org(&format!("جمعية رقم {}", i % 10))));
    }
    created.sort();
    for sort in ["name", "updated"] {
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        let mut pages = 0;
        loop {
            let q = match &cursor {
                Some(c) => format!("/api/v1/organizations?limit=7&sort={sort}&cursor={c}"),
                None => format!("/api/v1/organizations?limit=7&sort={sort}"),
            };
            let r = s.get(&q, Some(&admin)).expect(200);
            let items = r.body["items"].as_array().unwrap();
            assert!(items.len() <= 7);
            seen.extend(items.iter().map(|o| o["id"].as_str().unwrap().to_owned()));
            pages += 1;
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_owned()),
                None => break,
            }
        }
        assert_eq!(pages, 15, "{sort}");
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 100, "{sort}: no repeats");
        assert_eq!(sorted, created, "{sort}: none missing");
    }
    let first = s.get("/api/v1/organizations?limit=200", Some(&admin)).expect(200);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 100);
    assert_eq!(first.body["next_cursor"], Value::Null);
    // Delta sync: nothing changed since now.
    let later = "2999-01-01T00:00:00Z";
    let r = s.get(&format!("/api/v1/organizations?updated_since={later}"), Some(&admin)).expect(200);
    assert!(r.body["items"].as_array().unwrap().is_empty());
}

fn filters_by_kind_sector_area_status_needs_offers(s: &TestServer) {
    let admin = s.admin();
    let shendi = s.create_org(
        &admin,
        json!({"kind": "ngo", "name_ar": "جمعية شندي", "areas": ["SD-RN-SHN"], "sectors": ["health"],
        "needs": [{"kind": "funding"}], "offers": [{"kind": "volunteers"}]}),
    );
    let muscat = s.create_org(
        &admin,
        json!({"kind": "professional_association", "name_ar": "جمعية المهندسين", "areas": ["OM-MA"],
        "sectors": ["professional"], "offers": [{"kind": "training"}]}),
    );
    let damascus = s.create_org(
        &admin,
        json!({"kind": "ngo", "name_ar": "جمعية البر", "areas": ["SY-DI"], "sectors": ["health", "disability"],
        "needs": [{"kind": "premises"}]}),
    );
    s.verify(&admin, &shendi);
    s.verify(&admin, &muscat);
    let ids = |q: &str| -> Vec<String> {
        let r = s.get(&format!("/api/v1/organizations?{q}"), Some(&admin)).expect(200);
        let mut v: Vec<String> =
            r.body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<&String>| {
        v.sort();
        v.into_iter().cloned().collect::<Vec<_>>()
    };
    assert_eq!(ids("kind=ngo"), sorted(vec![&shendi, &damascus]));
    assert_eq!(ids("kind=professional_association,volunteer_team"), vec![muscat.clone()]);
    assert_eq!(ids("sector=health"), sorted(vec![&shendi, &damascus]));
    assert_eq!(ids("sector=disability"), vec![damascus.clone()]);
    assert_eq!(ids("area=SD"), vec![shendi.clone()], "a country includes its localities");
    assert_eq!(ids("area=SD-RN"), vec![shendi.clone()]);
    assert_eq!(ids("area=SD-RN-MTM"), Vec::<String>::new());
    assert_eq!(ids("area=OM,SY"), sorted(vec![&muscat, &damascus]));
    assert_eq!(ids("status=pending"), vec![damascus.clone()]);
    assert_eq!(ids("status=verified"), sorted(vec![&shendi, &muscat]));
    assert_eq!(ids("need=funding"), vec![shendi.clone()]);
    assert_eq!(ids("need=funding,premises"), sorted(vec![&shendi, &damascus]));
    assert_eq!(ids("offer=training"), vec![muscat.clone()]);
    assert_eq!(ids("kind=ngo&sector=health&area=SD-RN-SHN&need=funding&offer=volunteers"), vec![shendi.clone()]);
    // The public sees only the verified ones, whatever it asks for.
    let r = s.get("/api/v1/organizations?status=pending", None).expect(200);
    assert!(r.body["items"].as_array().unwrap().is_empty());

    // An edit moves the organization between filters at once.
    let etag = s.get(&format!("/api/v1/organizations/{shendi}"), Some(&admin)).expect(200);
    let etag = etag.header("etag").unwrap().to_owned();
    s.put(
        &format!("/api/v1/organizations/{shendi}"),
        Some(&admin),
        Some(&etag),
        json!({"kind": "ngo", "name_ar": "جمعية شندي", "areas": ["SD-RN-MTM"], "sectors": ["education"],
        "offers": [{"kind": "funding"}]}),
    )
    .expect(200);
    assert_eq!(ids("area=SD-RN-MTM"), vec![shendi.clone()]);
    assert_eq!(ids("area=SD-RN-SHN"), Vec::<String>::new());
    assert_eq!(ids("need=funding"), Vec::<String>::new());
    assert_eq!(ids("offer=funding&sector=education&area=SD"), vec![shendi.clone()]);

    // An organization working in very many places still matches every filter.
    let mut many = vec![];
    for i in 0..45 {
        let id = format!("SD-RN-VILLAGE-WITH-A-RATHER-LONG-CODE-{i:02}");
        s.post(
            "/api/v1/areas",
            Some(&admin),
            json!({"id": id, "parent_id": "SD-RN", "level": "locality", "name_ar": format!("قرية {i}"),
            "name_en": format!("Village {i}")}),
        )
        .expect(201);
        many.push(id);
    }
    let wide = s.create_org(
        &admin,
        json!({"kind": "volunteer_team", "name_ar": "فريق القرى", "areas": many, "sectors": ["water_sanitation"],
        "needs": [{"kind": "transport"}]}),
    );
    assert_eq!(ids("area=SD-RN-VILLAGE-WITH-A-RATHER-LONG-CODE-44"), vec![wide.clone()]);
    assert_eq!(ids("area=SD&sector=water_sanitation&need=transport"), vec![wide.clone()]);
    assert_eq!(ids("kind=volunteer_team&area=OM"), Vec::<String>::new());
    assert_eq!(ids("sector=health"), vec![damascus.clone()]);

    // Edits of such an organization move it between filters too: its kind alone, then
    // its places and sectors.
    let etag = |id: &str| {
        s.get(&format!("/api/v1/organizations/{id}"), Some(&admin)).expect(200).header("etag").unwrap().to_owned()
    };
    s.put(
        &format!("/api/v1/organizations/{wide}"),
        Some(&admin),
        Some(&etag(&wide)),
        json!({"kind": "initiative", "name_ar": "فريق القرى", "areas": many, "sectors": ["water_sanitation"],
        "needs": [{"kind": "transport"}]}),
    )
    .expect(200);
    assert_eq!(ids("kind=initiative&area=SD-RN-VILLAGE-WITH-A-RATHER-LONG-CODE-44"), vec![wide.clone()]);
    assert_eq!(ids("kind=volunteer_team&need=transport"), Vec::<String>::new());
    s.put(
        &format!("/api/v1/organizations/{wide}"),
        Some(&admin),
        Some(&etag(&wide)),
        json!({"kind": "initiative", "name_ar": "فريق القرى", "areas": many[..44], "sectors": ["health"],
        "needs": [{"kind": "transport"}]}),
    )
    .expect(200);
    assert_eq!(ids("area=SD-RN-VILLAGE-WITH-A-RATHER-LONG-CODE-44"), Vec::<String>::new());
    assert_eq!(ids("area=SD-RN-VILLAGE-WITH-A-RATHER-LONG-CODE-00&sector=health"), vec![wide.clone()]);
    assert_eq!(ids("sector=water_sanitation"), Vec::<String>::new());
    assert_eq!(ids("sector=health&kind=initiative&need=transport"), vec![wide.clone()]);

    // A sector or area that does not exist is refused, naming the parameter, in either
    // order (a value holding the index's separator included); so are unknown kinds.
    for (query, field) in [
        ("sector=astrology", "sector"),
        ("sector=health%7Cs:education", "sector"),
        ("sector=health,astrology&sort=updated", "sector"),
        ("area=ATLANTIS", "area"),
        ("area=SD%7Ca:SY&sort=updated", "area"),
        ("kind=spaceship", "kind"),
    ] {
        let r = s.get(&format!("/api/v1/organizations?{query}"), None).problem(400, "invalid_parameter");
        assert_eq!(r.field_code(field).as_deref(), Some("unknown_value"), "{query}: {}", r.text);
    }
}

/// Delta sync: a client that last synced at T gets exactly what changed at or after T.
fn updated_since_returns_what_changed_after_it(s: &TestServer) {
    let at = |t: &str| t.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    s.clock.set(at("2026-03-01T08:00:00Z"));
    let admin = s.admin();
    let a = s.create_org(&admin, org("جمعية الصباح"));
    s.clock.set(at("2026-03-01T08:05:00Z"));
    let b = s.create_org(&admin, org("جمعية الظهيرة"));
    s.clock.set(at("2026-03-01T08:10:00Z"));
    s.put(&format!("/api/v1/organizations/{a}"), Some(&admin), Some("\"1\""), org("جمعية الصباح الباكر")).expect(200);
    let since = |t: &str| -> Vec<String> {
        let r = s.get(&format!("/api/v1/organizations?sort=updated&updated_since={}", urlencode(t)), Some(&admin));
        r.expect(200).body["items"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(since("2026-03-01T07:00:00Z"), vec![b.clone(), a.clone()], "oldest change first");
    assert_eq!(since("2026-03-01T08:05:00Z"), vec![b.clone(), a.clone()], "at T counts");
    assert_eq!(since("2026-03-01T08:05:01Z"), vec![a.clone()], "only the edit is newer");
    assert_eq!(since("2026-03-01T08:10:01Z"), Vec::<String>::new(), "nothing before is repeated");
    let created = s.get(&format!("/api/v1/organizations/{b}"), Some(&admin)).expect(200);
    assert_eq!(created.body["created_at"], "2026-03-01T08:05:00Z");
    // The same clock ends sessions: an access token lives 15 minutes.
    s.clock.set(at("2026-03-01T08:30:00Z"));
    s.get("/api/v1/me", Some(&admin)).problem(401, "unauthorized");
}

/// A database whose word index predates the current rules (or has none, as after the
/// upgrade from the trigram indexes) is rebuilt at startup, in one transaction, once.
fn the_word_index_is_rebuilt_when_its_rules_change(s: &TestServer) {
    use diesel::prelude::*;
    use tashbeek_persistence::organization::rebuild_search;
    use tashbeek_persistence::schema::{organizations, search_index_state, search_words};
    let admin = s.admin();
    let id = s.create_org(&admin, org("جمعية الأمل الخيرية"));
    s.verify(&admin, &id);
    let found = |q: &str| {
        s.get(&format!("/api/v1/organizations?q={}", urlencode(q)), None).expect(200).body["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(found("الخيرية"), 1);
    let mut conn = s.state.pool.get().expect("connection");
    // What the previous release left: no entries, no version, its own search text.
    diesel::delete(search_words::table).execute(&mut *conn).unwrap();
    diesel::delete(search_index_state::table).execute(&mut *conn).unwrap();
    diesel::update(organizations::table)
        .set(organizations::search_text.eq("جمعيه الامل الخيريه"))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(found("الخيرية"), 0, "nothing to find without entries");
    assert_eq!(rebuild_search(&mut conn).unwrap(), 1);
    assert_eq!(rebuild_search(&mut conn).unwrap(), 0, "once is enough");
    drop(conn);
    for q in ["الخيرية", "خيريه", "الامل جمعيه", "بالأمل"] {
        assert_eq!(found(q), 1, "query {q}");
    }
}
