//! Recommendations tracked until implemented, on SQLite and PostgreSQL: a forum's six
//! recommendations to three addressees (one a ministry) through adoption, acceptance,
//! progress, roll-up, verification and implementation; who may do what; overdue, stale
//! and "what we owe" at a fixed clock.

use serde_json::{json, Value};
use tashbeek_http::Clock;
use tashbeek_tests::{Backend, OrgBuilder, Req, TestServer};

/// The tests move the clock by weeks: sessions last longer than that here.
fn server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |c| c.access_ttl_secs = 400 * 86_400)
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::server(tashbeek_tests::Backend::Sqlite)); } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(&super::server(tashbeek_tests::Backend::Postgres)); } )*
        }
    };
}

on_both!(
    a_forum_follows_its_recommendations_to_implementation,
    recommendations_refuse_what_they_must,
    notifications_are_made_once_each_with_two_instances,
    a_spreadsheet_goes_out_and_comes_back,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

fn if_match<'a>(token: &'a str, etag: &str, json: Value) -> Req<'a> {
    Req { token: Some(token), json: Some(json), headers: vec![("If-Match", etag.to_owned())], ..Default::default() }
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A network of three members (two NGOs and a ministry) with a coordinator, and a forum
/// it held, organized by the first NGO.
struct Forum {
    admin: String,
    coordinator: String,
    network: String,
    meeting: String,
    /// (organization id, its administrator's token)
    a: (String, String),
    b: (String, String),
    ministry: (String, String),
    a_member: String,
    outsider: String,
    observer: String,
}

fn forum(s: &TestServer) -> Forum {
    s.clock.set(at("2026-12-01T08:00:00Z"));
    let admin = s.admin();
    let a = OrgBuilder::new("جمعية الأمل").verified().create(s, &admin);
    let b = OrgBuilder::new("فريق شباب المتمة").verified().create(s, &admin);
    let m = OrgBuilder::new("وزارة التنمية الاجتماعية").kind("government_body").verified().create(s, &admin);
    let out = OrgBuilder::new("جمعية خارج الشبكة").verified().create(s, &admin);
    let a_admin = s.add_member(&admin, &a, "admin@amal.example", "admin");
    let a_member = s.add_member(&admin, &a, "member@amal.example", "member");
    let b_admin = s.add_member(&admin, &b, "admin@youth.example", "admin");
    let m_admin = s.add_member(&admin, &m, "focal@ministry.example", "admin");
    let outsider = s.add_member(&admin, &out, "admin@out.example", "admin");
    let observer = s.user_with_role(&admin, "observer@ministry.example", "observer");
    let coordinator = s.user_with_role(&admin, "coordinator@network.example", "user");
    let coordinator_id = s.get("/api/v1/me", Some(&coordinator)).expect(200).body["id"].as_str().unwrap().to_owned();
    let net = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "تجمع شندي والمتمة", "area": "SD-RN"}));
    let network = id_of(&net.expect(201).body);
    let n = format!("/api/v1/networks/{network}");
    s.put(&format!("{n}/coordinators/{coordinator_id}"), Some(&admin), None, json!({})).expect(200);
    for (org, token) in [(&a, &a_admin), (&b, &b_admin), (&m, &m_admin)] {
        s.post(&format!("{n}/members"), Some(&coordinator), json!({"organization_id": org})).expect(204);
        s.put(&format!("{n}/members/{org}"), Some(token), None, json!({"status": "member"})).expect(204);
    }
    let meeting = s.post(
        "/api/v1/meetings",
        Some(&coordinator),
        json!({"title": "الملتقى الأول لمنظمات شندي والمتمة", "kind": "forum", "network_id": network,
            "organizers": [a], "starts_local": "2026-12-05T10:00", "ends_local": "2026-12-05T14:00",
            "time_zone": "Africa/Khartoum", "venue_name": "دار الشباب", "visibility": "network"}),
    );
    let meeting = id_of(&meeting.expect(201).body);
    Forum {
        admin,
        coordinator,
        network,
        meeting,
        a: (a, a_admin),
        b: (b, b_admin),
        ministry: (m, m_admin),
        a_member,
        outsider,
        observer,
    }
}

fn a_forum_follows_its_recommendations_to_implementation(s: &TestServer) {
    let f = forum(s);
    let (a, b, m) = (&f.a.0, &f.b.0, &f.ministry.0);
    let recommend = |code: &str, text: &str, due: &str, addressees: Value| {
        let body = json!({"meeting_id": f.meeting, "code": code, "text_ar": text, "due_on": due,
            "sectors": ["education"], "areas": ["SD-RN"], "addressees": addressees});
        s.post("/api/v1/recommendations", Some(&f.coordinator), body).expect(201).body
    };
    s.clock.set(at("2026-12-06T08:00:00Z"));
    let r1 = recommend("F1-01", "إنشاء قاعدة بيانات مشتركة للمنظمات", "2027-03-31", json!([{"organization_id": a}]));
    let r2 = recommend("F1-02", "تدريب المتطوعين على الإسعافات الأولية", "2026-12-20", json!([{"organization_id": b}]));
    let r3 = recommend("F1-03", "تخصيص مقر دائم للتجمع", "2027-06-30", json!([{"organization_id": m}]));
    let r4 = recommend(
        "F1-04",
        "مسح احتياجات المحليتين",
        "2027-02-28",
        json!([{"organization_id": a, "weight": 3}, {"organization_id": m, "weight": 1}]),
    );
    let r5 = recommend("F1-05", "نشر دليل المنظمات الأعضاء", "2027-01-31", json!([{"office": true}]));
    let r6 = recommend(
        "F1-06",
        "حملة توعية مشتركة بالمدارس",
        "2027-01-15",
        json!([{"organization_id": b}, {"organization_id": a}]),
    );
    assert_eq!(r1["status"], "proposed");
    assert_eq!(r1["network_id"], f.network.as_str());
    assert_eq!(r4["parts"].as_array().unwrap().len(), 2);
    assert_eq!(r4["parts"][1]["addressee"]["name_ar"], "وزارة التنمية الاجتماعية");
    assert_eq!(r5["parts"][0]["addressee"]["organization_id"], Value::Null);

    // The board: the meeting's six, newest first, for network members and observers; not
    // for an organization outside the network.
    let board = |token: &str, query: &str| -> Vec<String> {
        let page = s.get(&format!("/api/v1/recommendations?{query}"), Some(token)).expect(200).body;
        page["items"].as_array().unwrap().iter().map(|i| i["code"].as_str().unwrap().to_owned()).collect()
    };
    let all = ["F1-06", "F1-05", "F1-04", "F1-03", "F1-02", "F1-01"];
    assert_eq!(board(&f.b.1, &format!("meeting={}", f.meeting)), all);
    assert_eq!(board(&f.observer, ""), all);
    assert!(board(&f.outsider, "").is_empty());
    s.get(&format!("/api/v1/recommendations/{}", id_of(&r1)), Some(&f.outsider)).problem(404, "not_found");
    assert_eq!(board(&f.coordinator, &format!("addressee={m}")), ["F1-04", "F1-03"]);
    assert_eq!(board(&f.coordinator, "office=true"), ["F1-05"]);
    let page = s.get("/api/v1/recommendations?limit=4", Some(&f.coordinator)).expect(200).body;
    let next = page["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(board(&f.coordinator, &format!("limit=4&cursor={next}")), ["F1-02", "F1-01"]);

    // Adoption, by the coordinator, against the version read.
    let adopt = |r: &Value| -> Value {
        let path = format!("/api/v1/recommendations/{}/status", id_of(r));
        let etag = format!("\"{}\"", r["version"]);
        s.call("POST", &path, if_match(&f.coordinator, &etag, json!({"status": "adopted"}))).expect(200).body
    };
    let [r1, r2, r3, r4, r5, r6] = [&r1, &r2, &r3, &r4, &r5, &r6].map(adopt);
    assert_eq!(r1["status"], "adopted");
    assert_eq!(r1["review_on"], "2027-03-31");
    assert_eq!(board(&f.coordinator, "status=adopted").len(), 6);

    // Acceptance: each addressee's administrators answer for its part, nobody else.
    let part = |r: &Value, i: usize| {
        format!("/api/v1/recommendations/{}/parts/{}", id_of(r), r["parts"][i]["id"].as_str().unwrap())
    };
    let answer = |token: &str, path: &str, body: Value| s.post(&format!("{path}/answer"), Some(token), body);
    answer(&f.a_member, &part(&r1, 0), json!({"accept": true})).problem(403, "forbidden");
    answer(&f.b.1, &part(&r1, 0), json!({"accept": true})).problem(403, "forbidden");
    answer(&f.coordinator, &part(&r1, 0), json!({"accept": true})).problem(403, "forbidden");
    answer(&f.a.1, &part(&r1, 0), json!({"accept": true})).expect(200);
    answer(&f.b.1, &part(&r2, 0), json!({"accept": true})).expect(200);
    answer(&f.ministry.1, &part(&r3, 0), json!({"accept": true})).expect(200);
    answer(&f.a.1, &part(&r4, 0), json!({"accept": true})).expect(200);
    answer(&f.ministry.1, &part(&r4, 1), json!({"accept": true})).expect(200);
    answer(&f.coordinator, &part(&r5, 0), json!({"accept": true})).expect(200);
    let r = answer(&f.b.1, &part(&r6, 0), json!({"accept": false}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["reason"]);
    answer(&f.b.1, &part(&r6, 0), json!({"accept": false, "reason": "خارج نطاق عملنا"})).expect(200);
    answer(&f.a.1, &part(&r6, 1), json!({"accept": true})).expect(200);

    // Progress: any member of the addressee reports on its own part only.
    s.clock.set(at("2026-12-10T09:00:00Z"));
    let report = |token: &str, path: &str, body: Value| s.post(&format!("{path}/updates"), Some(token), body);
    report(&f.b.1, &part(&r1, 0), json!({"percent": 10, "body": "ليس جزءنا"})).problem(403, "forbidden");
    report(&f.ministry.1, &part(&r4, 0), json!({"percent": 90, "body": "ليس جزءنا"})).problem(403, "forbidden");
    report(&f.b.1, &part(&r6, 0), json!({"percent": 10, "body": "اعتذرنا"})).problem(409, "part_state");
    let u1 =
        report(&f.a_member, &part(&r1, 0), json!({"percent": 40, "body": "جُمعت بيانات ٦٠ منظمة"})).expect(201).body;
    let got = s.get(&format!("/api/v1/recommendations/{}", id_of(&r1)), Some(&f.b.1)).expect(200).body;
    assert_eq!((got["status"].as_str(), got["progress"].as_i64()), (Some("in_progress"), Some(40)));
    report(
        &f.a.1,
        &part(&r4, 0),
        json!({"percent": 100, "body": "اكتمل المسح في شندي", "links": ["https://amal.example/survey"]}),
    )
    .expect(201);
    let got = s.get(&format!("/api/v1/recommendations/{}", id_of(&r4)), Some(&f.a.1)).expect(200).body;
    assert_eq!(got["progress"], 75, "weighted 3:1 — 100 and 0");
    report(&f.a.1, &part(&r6, 1), json!({"percent": 50, "body": "زرنا عشر مدارس"})).expect(201);
    let got = s.get(&format!("/api/v1/recommendations/{}", id_of(&r6)), Some(&f.a.1)).expect(200).body;
    assert_eq!(got["progress"], 50, "the declined part is left out of the roll-up");
    report(&f.coordinator, &part(&r5, 0), json!({"percent": 30, "body": "مسودة الدليل"})).expect(201);

    // Implemented only with evidence, and verified by another party.
    let complete = |token: &str, path: &str| s.post(&format!("{path}/completion"), Some(token), json!({}));
    complete(&f.a.1, &part(&r1, 0)).problem(422, "evidence_required");
    let upload = |token: &str, update: &Value| {
        s.call(
            "POST",
            &format!("/api/v1/recommendations/{}/updates/{}/documents?name=database.pdf", id_of(&r1), id_of(update)),
            Req { token: Some(token), raw: Some(("application/pdf", PDF.to_vec())), ..Default::default() },
        )
    };
    upload(&f.b.1, &u1).problem(403, "forbidden");
    let doc = upload(&f.a_member, &u1).expect(201).body;
    assert_eq!(doc["organization_id"], a.as_str());
    assert_eq!(s.get(&format!("/api/v1/documents/{}", id_of(&doc)), Some(&f.observer)).expect(200).bytes, PDF);
    s.get(&format!("/api/v1/documents/{}", id_of(&doc)), Some(&f.outsider)).problem(404, "not_found");
    let r = complete(&f.a_member, &part(&r1, 0)).expect(200).body;
    assert_eq!(r["parts"][0]["state"], "awaiting_verification");
    // The evidence the verifier is to check stays put meanwhile.
    s.delete(&format!("/api/v1/documents/{}", id_of(&doc)), Some(&f.a_member)).problem(409, "part_state");
    let verify = |token: &str, path: &str, body: Value| s.post(&format!("{path}/verification"), Some(token), body);
    // A's administrator manages the forum (A organized it) but does not verify A's part.
    verify(&f.a.1, &part(&r1, 0), json!({"verdict": "confirmed"})).problem(403, "own_part");
    verify(&f.b.1, &part(&r1, 0), json!({"verdict": "confirmed"})).problem(403, "forbidden");
    let r = verify(&f.coordinator, &part(&r1, 0), json!({"verdict": "confirmed", "comment": "اطّلعنا على القاعدة"}));
    let r = r.expect(200).body;
    assert_eq!((r["status"].as_str(), r["progress"].as_i64()), (Some("implemented"), Some(100)));
    assert_eq!(r["parts"][0]["state"], "implemented");
    report(&f.a.1, &part(&r1, 0), json!({"percent": 100, "body": "بعد الإغلاق"})).problem(409, "recommendation_not_open");

    // A part returned goes back to its addressee; the ministry's part then completes R4.
    complete(&f.a.1, &part(&r4, 0)).expect(200);
    let r = verify(&f.coordinator, &part(&r4, 0), json!({"verdict": "returned"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["comment"]);
    let r = verify(&f.coordinator, &part(&r4, 0), json!({"verdict": "returned", "comment": "ينقص المتمة"})).expect(200);
    assert_eq!(r.body["parts"][0]["state"], "accepted");
    complete(&f.a.1, &part(&r4, 0)).expect(200);
    verify(&f.coordinator, &part(&r4, 0), json!({"verdict": "confirmed"})).expect(200);
    let ministry_update = report(
        &f.ministry.1,
        &part(&r4, 1),
        json!({"percent": 100, "body": "أُدرج المسح في خطة الوزارة", "related": [{"kind": "meeting", "id": f.meeting}]}),
    );
    ministry_update.expect(201);
    complete(&f.ministry.1, &part(&r4, 1)).expect(200);
    let r = verify(&f.coordinator, &part(&r4, 1), json!({"verdict": "confirmed"})).expect(200).body;
    assert_eq!((r["status"].as_str(), r["progress"].as_i64()), (Some("implemented"), Some(100)));

    // The timeline: updates with their evidence, newest first.
    let updates = s.get(&format!("/api/v1/recommendations/{}/updates", id_of(&r1)), Some(&f.b.1)).expect(200).body;
    assert_eq!(updates.as_array().unwrap().len(), 1);
    assert_eq!(updates[0]["documents"][0]["name"], "database.pdf");
    assert_eq!(updates[0]["addressee"]["name_ar"], "جمعية الأمل");

    // Overdue and stale at a fixed clock: on 2027-01-20, R2 (due 2026-12-20) and R6 (due
    // 2027-01-15) are past due and open; R1 and R4 are implemented.
    s.clock.set(at("2027-01-20T09:00:00Z"));
    // Most overdue first; longest without activity first (then in the order recorded).
    assert_eq!(board(&f.coordinator, "overdue=true"), ["F1-02", "F1-06"]);
    let page = s.get("/api/v1/recommendations?overdue=true&limit=1", Some(&f.coordinator)).expect(200).body;
    let next = page["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(board(&f.coordinator, &format!("overdue=true&limit=1&cursor={next}")), ["F1-06"]);
    // No update since adoption (2026-12-06) for R2 and R3; R5 and R6 reported on 2026-12-10.
    assert_eq!(board(&f.coordinator, "stale=true&stale_days=42"), ["F1-02", "F1-03"]);
    assert_eq!(board(&f.coordinator, "stale=true&stale_days=30"), ["F1-02", "F1-03", "F1-05", "F1-06"]);
    assert_eq!(board(&f.coordinator, "stale=true"), ["F1-02", "F1-03", "F1-05", "F1-06"]);
    let page = s.get("/api/v1/recommendations?stale=true&limit=3", Some(&f.coordinator)).expect(200).body;
    let next = page["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(board(&f.coordinator, &format!("stale=true&limit=3&cursor={next}")), ["F1-06"]);
    assert_eq!(board(&f.coordinator, &format!("overdue=true&addressee={b}")), ["F1-02", "F1-06"]);
    assert_eq!(board(&f.coordinator, "status=implemented"), ["F1-04", "F1-01"]);
    let r = s.get("/api/v1/recommendations?stale_days=0", Some(&f.coordinator));
    assert_eq!(r.problem(400, "invalid_parameter").fields(), ["stale_days"]);

    // What we owe: A's open parts (R6's), the ministry's (R3's), soonest due first.
    let owed = |token: &str, org: &str| -> Vec<String> {
        let page = s.get(&format!("/api/v1/organizations/{org}/owed-recommendations"), Some(token)).expect(200).body;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["recommendation"]["code"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(owed(&f.a_member, a), ["F1-06"]);
    assert_eq!(owed(&f.ministry.1, m), ["F1-03"]);
    assert_eq!(owed(&f.observer, b), ["F1-02"], "R6's declined part is not owed");
    s.get(&format!("/api/v1/organizations/{a}/owed-recommendations"), Some(&f.b.1)).problem(404, "not_found");

    // Every step is in the recommendation's audit log.
    let audit = s
        .get(&format!("/api/v1/audit?object_type=recommendation&object_id={}", id_of(&r1)), Some(&f.admin))
        .expect(200);
    let mut actions: Vec<_> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    actions.sort();
    actions.dedup();
    assert_eq!(
        actions,
        [
            "recommendation.create",
            "recommendation.evidence_add",
            "recommendation.part_answer",
            "recommendation.part_complete",
            "recommendation.part_verify",
            "recommendation.progress",
            "recommendation.status",
        ]
    );
}

fn recommendations_refuse_what_they_must(s: &TestServer) {
    let f = forum(s);
    let a = &f.a.0;
    let base = json!({"meeting_id": f.meeting, "text_ar": "توصية", "addressees": [{"organization_id": a}]});
    // Only managers record: a member organization's administrator that does not organize
    // the meeting, an observer, an outsider (who does not even see the meeting).
    s.post("/api/v1/recommendations", Some(&f.b.1), base.clone()).problem(403, "forbidden");
    s.post("/api/v1/recommendations", Some(&f.observer), base.clone()).problem(403, "forbidden");
    let r = s.post("/api/v1/recommendations", Some(&f.outsider), base.clone());
    assert_eq!(r.problem(422, "validation_failed").fields(), ["meeting_id"]);
    // Bad input names its fields, and nothing is stored.
    let bad = json!({"network_id": f.network, "code": "F 1", "text_ar": "Latin only", "sectors": ["nope"],
        "addressees": [{"office": true, "organization_id": a}, {"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"}]});
    let r = s.post("/api/v1/recommendations", Some(&f.coordinator), bad);
    assert_eq!(r.problem(422, "validation_failed").fields(), ["code", "text_ar", "addressees[0]"]);
    let bad = json!({"network_id": f.network, "text_en": "Unknown things", "sectors": ["nope"],
        "addressees": [{"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"}]});
    let r = s.post("/api/v1/recommendations", Some(&f.coordinator), bad);
    assert_eq!(r.problem(422, "validation_failed").fields(), ["addressees[0].organization_id", "sectors"]);
    let page = s.get("/api/v1/recommendations", Some(&f.admin)).expect(200).body;
    assert!(page["items"].as_array().unwrap().is_empty());

    // A code is unique; one is given when none is.
    let mut coded = base.clone();
    coded["code"] = json!("SH-1");
    let first = s.post("/api/v1/recommendations", Some(&f.coordinator), coded.clone()).expect(201).body;
    s.post("/api/v1/recommendations", Some(&f.coordinator), coded).problem(409, "conflict");
    let generated = s.post("/api/v1/recommendations", Some(&f.coordinator), base.clone()).expect(201).body;
    assert!(generated["code"].as_str().unwrap().starts_with("REC-"));

    // Status changes need If-Match and a permitted move.
    let path = format!("/api/v1/recommendations/{}", id_of(&first));
    s.post(&format!("{path}/status"), Some(&f.coordinator), json!({"status": "adopted"}))
        .problem(428, "if_match_required");
    let r =
        s.call("POST", &format!("{path}/status"), if_match(&f.coordinator, "\"1\"", json!({"status": "implemented"})));
    assert_eq!(r.problem(409, "conflict").field_code("status").as_deref(), Some("invalid_transition"));
    let r = s.call("POST", &format!("{path}/status"), if_match(&f.coordinator, "\"1\"", json!({"status": "deferred"})));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["reason"]);
    let r = s.call(
        "POST",
        &format!("{path}/status"),
        if_match(&f.coordinator, "\"1\"", json!({"status": "deferred", "reason": "بانتظار الميزانية"})),
    );
    assert_eq!(r.expect(200).body["status_reason"], "بانتظار الميزانية");
    // Two coordinators editing at once: the second, on the old version, loses nothing.
    let mut edit = base.clone();
    edit["code"] = json!("SH-1");
    edit["text_ar"] = json!("توصية معدّلة");
    s.call("PUT", &path, if_match(&f.coordinator, "\"1\"", edit.clone())).problem(412, "version_mismatch");
    let r = s.call("PUT", &path, if_match(&f.coordinator, "\"2\"", edit)).expect(200);
    assert_eq!(r.body["text_ar"], "توصية معدّلة");
    // Parts are answered only once adopted.
    let p = format!("{path}/parts/{}/answer", first["parts"][0]["id"].as_str().unwrap());
    s.post(&p, Some(&f.a.1), json!({"accept": true})).problem(409, "recommendation_not_open");
    // A network's invited-only meeting: its recommendations are the invited organizations',
    // not every member's.
    let closed = s.post(
        "/api/v1/meetings",
        Some(&f.coordinator),
        json!({"title": "لقاء مغلق", "kind": "workshop", "network_id": f.network, "organizers": [a],
            "starts_local": "2026-12-05T10:00", "ends_local": "2026-12-05T12:00", "time_zone": "Africa/Khartoum",
            "venue_name": "المقر", "visibility": "invited"}),
    );
    let closed = id_of(&closed.expect(201).body);
    let hidden = s.post(
        "/api/v1/recommendations",
        Some(&f.coordinator),
        json!({"meeting_id": closed, "code": "CL-1", "text_ar": "توصية لقاء مغلق", "addressees": [{"organization_id": a}]}),
    );
    let hidden = id_of(&hidden.expect(201).body);
    s.get(&format!("/api/v1/recommendations/{hidden}"), Some(&f.b.1)).problem(404, "not_found");
    s.get(&format!("/api/v1/recommendations/{hidden}"), Some(&f.a_member)).expect(200);
    let page = s.get("/api/v1/recommendations?limit=200", Some(&f.b.1)).expect(200).body;
    assert!(page["items"].as_array().unwrap().iter().all(|r| r["code"] != "CL-1"));
    let page = s.get(&format!("/api/v1/recommendations?meeting={closed}"), Some(&f.ministry.1)).expect(200).body;
    assert!(page["items"].as_array().unwrap().is_empty());
    // An office addressee needs a network: a meeting without one refuses it.
    let lone = s.post(
        "/api/v1/meetings",
        Some(&f.a.1),
        json!({"title": "لقاء الجمعية", "kind": "workshop", "organizers": [a], "starts_local": "2026-12-05T10:00",
            "ends_local": "2026-12-05T12:00", "time_zone": "Africa/Khartoum", "venue_name": "المقر", "visibility": "invited"}),
    );
    let lone = id_of(&lone.expect(201).body);
    let r = s.post(
        "/api/v1/recommendations",
        Some(&f.a.1),
        json!({"meeting_id": lone, "text_ar": "توصية", "addressees": [{"office": true}]}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), ["addressees[0].office"]);
}

/// Runs the notification job of `a` and of `b` (two instances of one database) at the same
/// moment; the notifications both made together.
fn notify_on_both(a: &TestServer, b: &TestServer, mail: &tashbeek_app::mail::Mailer) -> usize {
    let now = a.clock.now();
    std::thread::scope(|scope| {
        let jobs: Vec<_> = [a, b]
            .map(|s| {
                let pool = s.state.pool.clone();
                scope.spawn(move || {
                    tashbeek::notify_now(&mut pool.get().expect("connection"), now, Some(mail)).expect("job")
                })
            })
            .into_iter()
            .collect();
        jobs.into_iter().map(|j| j.join().expect("job thread")).sum()
    })
}

fn kinds(s: &TestServer, token: &str) -> Vec<String> {
    let page = s.get("/api/v1/me/notifications", Some(token)).expect(200).body;
    let mut k: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| format!("{}:{}", n["kind"].as_str().unwrap(), n["code"].as_str().unwrap()))
        .collect();
    k.sort();
    k
}

fn notifications_are_made_once_each_with_two_instances(s: &TestServer) {
    let f = forum(s);
    let other = TestServer::beside(s);
    let sink = tashbeek_tests::SmtpSink::start();
    let mail = tashbeek_app::mail::Mailer::new(&sink.url(), "Tashbeek <noreply@tashbeek.test>", None).unwrap();
    let (a, m) = (&f.a.0, &f.ministry.0);
    let recommend = |code: &str, due: &str, addressees: Value| {
        let body = json!({"meeting_id": f.meeting, "code": code, "text_ar": "توصية للمتابعة", "due_on": due,
            "addressees": addressees});
        let r = s.post("/api/v1/recommendations", Some(&f.coordinator), body).expect(201).body;
        let path = format!("/api/v1/recommendations/{}/status", id_of(&r));
        s.call("POST", &path, if_match(&f.coordinator, "\"1\"", json!({"status": "adopted"}))).expect(200);
    };
    s.clock.set(at("2026-12-02T08:00:00Z"));
    other.clock.set(at("2026-12-02T08:00:00Z"));
    // Proposed, not adopted: nobody is told yet.
    let r = s.post(
        "/api/v1/recommendations",
        Some(&f.coordinator),
        json!({"network_id": f.network, "code": "N-0", "text_ar": "مقترحة فقط", "addressees": [{"organization_id": a}]}),
    );
    r.expect(201);
    recommend("N-1", "2026-12-20", json!([{"organization_id": a}, {"office": true}]));
    recommend("N-2", "2026-12-05", json!([{"organization_id": m}]));
    // A's two members and the coordinator (the office) hear of N-1, the ministry of N-2,
    // which is also due within a week: five notifications, however many jobs run.
    assert_eq!(notify_on_both(s, &other, &mail), 5);
    assert_eq!(notify_on_both(s, &other, &mail), 0, "a second round on the same day makes none");
    assert_eq!(kinds(s, &f.a_member), ["assigned:N-1"]);
    assert_eq!(kinds(s, &f.a.1), ["assigned:N-1"]);
    assert_eq!(kinds(s, &f.coordinator), ["assigned:N-1"]);
    assert_eq!(kinds(s, &f.ministry.1), ["assigned:N-2", "due_soon:N-2"]);
    assert!(kinds(s, &f.b.1).is_empty());
    // Each was e-mailed once, to its recipient, whichever instance sent it.
    let sent = sink.messages();
    assert_eq!(sent.len(), 5, "{sent:?}");
    assert_eq!(sent.iter().filter(|m| m.contains("focal@ministry.example")).count(), 2);
    assert_eq!(sent.iter().filter(|m| m.contains("member@amal.example")).count(), 1);
    assert!(sent.iter().any(|m| m.contains("N-2")));
    // The day after N-2's due date its part is overdue (once); N-1 is not yet due soon.
    s.clock.set(at("2026-12-06T08:00:00Z"));
    other.clock.set(at("2026-12-06T08:00:00Z"));
    assert_eq!(notify_on_both(s, &other, &mail), 1);
    assert_eq!(notify_on_both(s, &other, &mail), 0);
    assert_eq!(kinds(s, &f.ministry.1), ["assigned:N-2", "due_soon:N-2", "overdue:N-2"]);
    assert_eq!(sink.messages().len(), 6);
    // Reading: one, then all; nobody reads another's.
    let unread = |token: &str| s.get("/api/v1/me/notifications/unread", Some(token)).expect(200).body["unread"].clone();
    assert_eq!(unread(&f.ministry.1), 3);
    let list = s.get("/api/v1/me/notifications?unread=true&limit=2", Some(&f.ministry.1)).expect(200).body;
    assert!(list["next_cursor"].is_string());
    let first = id_of(&list["items"][0]);
    s.post(&format!("/api/v1/me/notifications/{first}/read"), Some(&f.a.1), json!({})).problem(404, "not_found");
    s.post(&format!("/api/v1/me/notifications/{first}/read"), Some(&f.ministry.1), json!({})).expect(204);
    assert_eq!(unread(&f.ministry.1), 2);
    s.post("/api/v1/me/notifications/read-all", Some(&f.ministry.1), json!({})).expect(204);
    assert_eq!(unread(&f.ministry.1), 0);
    assert_eq!(unread(&f.a.1), 1);
    // An instance claims a notification's e-mail and dies before sending it: the e-mail goes
    // out from another round once the claim has expired, not never.
    recommend("N-3", "2027-02-01", json!([{"organization_id": m}]));
    let env = tashbeek_app::Env { caller: None, now: s.clock.now(), request_id: None };
    let mut conn = s.state.pool.get().expect("connection");
    let made = tashbeek_app::write(&mut conn, env.clone(), |ctx| tashbeek_app::notification::produce(ctx, true));
    assert_eq!(made.expect("produce").0, 1);
    let claimed = tashbeek_app::write(&mut conn, env, |ctx| tashbeek_app::notification::claim_mail(ctx, 50));
    assert_eq!(claimed.expect("claim").len(), 1);
    drop(conn);
    assert_eq!(notify_on_both(s, &other, &mail), 0);
    assert_eq!(sink.messages().len(), 6, "a live claim is left alone");
    let later = s.clock.now() + chrono::Duration::minutes(tashbeek_persistence::notification::EMAIL_CLAIM_MINUTES + 1);
    s.clock.set(later);
    other.clock.set(later);
    assert_eq!(notify_on_both(s, &other, &mail), 0);
    let sent = sink.messages();
    assert_eq!(sent.len(), 7, "the expired claim's e-mail is sent once");
    assert!(sent[6].contains("N-3") && sent[6].contains("focal@ministry.example"), "{}", sent[6]);
    assert_eq!(notify_on_both(s, &other, &mail), 0);
    assert_eq!(sink.messages().len(), 7);
    drop(other);
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes);
    r.records().map(|x| x.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for r in rows {
        w.write_record(r).unwrap();
    }
    w.into_inner().unwrap()
}

fn write_xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("التوصيات").unwrap();
    for (i, r) in rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            sheet.write_string(i as u32, c as u16, v).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn upload(s: &TestServer, token: &str, query: &str, kind: &'static str, bytes: Vec<u8>) -> Value {
    let r = s.call(
        "POST",
        &format!("/api/v1/recommendations/import?{query}"),
        Req { token: Some(token), raw: Some((kind, bytes)), ..Default::default() },
    );
    r.expect(200).body
}

const CSV: &str = "text/csv";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn a_spreadsheet_goes_out_and_comes_back(s: &TestServer) {
    let f = forum(s);
    let (a, b) = (&f.a.0, &f.b.0);
    let mut recs = vec![];
    for (code, to) in [("S-1", a), ("S-2", b), ("S-3", a)] {
        let body = json!({"meeting_id": f.meeting, "code": code, "text_ar": format!("توصية {code}"), "due_on": "2027-03-31",
            "addressees": [{"organization_id": to}]});
        let r = s.post("/api/v1/recommendations", Some(&f.coordinator), body).expect(201).body;
        let path = format!("/api/v1/recommendations/{}/status", id_of(&r));
        let r = s.call("POST", &path, if_match(&f.coordinator, "\"1\"", json!({"status": "adopted"}))).expect(200).body;
        recs.push(r);
    }
    let part = format!(
        "/api/v1/recommendations/{}/parts/{}/answer",
        id_of(&recs[0]),
        recs[0]["parts"][0]["id"].as_str().unwrap()
    );
    s.post(&part, Some(&f.a.1), json!({"accept": true})).expect(200);
    let export = |token: &str, format: &str| {
        let r = s.get(&format!("/api/v1/recommendations/export?format={format}&meeting={}", f.meeting), Some(token));
        r.expect(200).bytes
    };
    let sheet = read_csv(&export(&f.coordinator, "csv"));
    assert_eq!(sheet.len(), 4, "a header and a row per part");
    assert!(sheet[0][0].ends_with("الرمز المرجعي / code"), "Arabic headers, after the BOM");
    let row_of = |code: &str| sheet.iter().position(|r| r[0] == code).unwrap();
    // The coordinator raises S-2's priority, gives S-3 up without a reason, and sets A's progress
    // on S-1 (not hers to report): one change, two bad rows, each named by row and column.
    let mut edited = sheet.clone();
    edited[row_of("S-2")][4] = "عاجلة".into();
    edited[row_of("S-3")][2] = "تعذر تنفيذها".into();
    edited[row_of("S-1")][8] = "40".into();
    let report = upload(s, &f.coordinator, "dry_run=true", CSV, write_csv(&edited));
    assert_eq!(report["applied"], false);
    assert_eq!(report["changes"].as_array().unwrap().len(), 1);
    assert_eq!(report["changes"][0]["field"], "priority");
    assert_eq!(report["changes"][0]["to"], "urgent");
    let errors: Vec<(u64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["column"].as_str().unwrap().to_owned()))
        .collect();
    let (r1, r3) = (row_of("S-1") as u64 + 1, row_of("S-3") as u64 + 1);
    let mut expected = vec![(r1, "نسبة الإنجاز / progress %".to_owned()), (r3, "السبب / reason".to_owned())];
    expected.sort();
    assert_eq!(errors, expected);
    let priority = |i: usize| {
        s.get(&format!("/api/v1/recommendations/{}", id_of(&recs[i])), Some(&f.admin)).expect(200).body["priority"]
            .clone()
    };
    assert_eq!(priority(1), "normal", "a dry run stores nothing");
    // Applied without asking for the valid rows: a file with errors stores nothing.
    let report = upload(s, &f.coordinator, "dry_run=false", CSV, write_csv(&edited));
    assert_eq!(report["applied"], false);
    assert_eq!(priority(1), "normal");
    let report = upload(s, &f.coordinator, "dry_run=false&apply_valid=true", CSV, write_csv(&edited));
    assert_eq!(report["applied"], true);
    assert_eq!(priority(1), "urgent");
    // The same file again changes nothing more; the exported file, untouched, changes nothing.
    let report = upload(s, &f.coordinator, "dry_run=false&apply_valid=true", CSV, write_csv(&edited));
    assert!(report["changes"].as_array().unwrap().is_empty());
    let report = upload(s, &f.coordinator, "dry_run=true", XLSX, export(&f.coordinator, "xlsx"));
    assert_eq!((report["rows"].as_u64(), report["unchanged"].as_u64()), (Some(3), Some(3)));
    assert!(report["errors"].as_array().unwrap().is_empty(), "{report}");
    // The organization's administrator reports progress on its part from an XLSX file.
    let mine = read_csv(&export(&f.a.1, "csv"));
    assert_eq!(mine.len(), 4, "A sees the meeting's recommendations through its network");
    let mut edited = mine.clone();
    let i = edited.iter().position(|r| r[0] == "S-1").unwrap();
    edited[i][8] = "40".into();
    edited[i][9] = "جُمعت بيانات أربعين منظمة".into();
    let report = upload(s, &f.a.1, "dry_run=false", XLSX, write_xlsx(&edited));
    assert_eq!(report["applied"], true, "{report}");
    assert_eq!(report["changes"][0]["to"], "40");
    let got = s.get(&format!("/api/v1/recommendations/{}", id_of(&recs[0])), Some(&f.a.1)).expect(200).body;
    assert_eq!((got["progress"].as_i64(), got["status"].as_str()), (Some(40), Some("in_progress")));
    let updates = s.get(&format!("/api/v1/recommendations/{}/updates", id_of(&recs[0])), Some(&f.a.1)).expect(200).body;
    assert_eq!(updates.as_array().unwrap().len(), 1);
    assert_eq!(updates[0]["body"], "جُمعت بيانات أربعين منظمة");
    let report = upload(s, &f.a.1, "dry_run=false", XLSX, write_xlsx(&edited));
    assert!(report["changes"].as_array().unwrap().is_empty(), "importing it again adds no update");
    // A file that is not an export is refused by its first row; an unknown code by its row.
    let report = upload(s, &f.a.1, "dry_run=true", CSV, b"code,text\nX,Y\n".to_vec());
    assert_eq!(report["errors"][0]["row"], 1);
    let mut unknown = mine.clone();
    unknown[1][0] = "NOPE-1".into();
    let report = upload(s, &f.a.1, "dry_run=true", CSV, write_csv(&unknown));
    assert_eq!(report["errors"][0]["row"], 2);
    assert_eq!(report["errors"][0]["column"], "الرمز المرجعي / code");
    s.call(
        "POST",
        "/api/v1/recommendations/import",
        Req { token: Some(&f.a.1), raw: Some(("application/pdf", b"%PDF".to_vec())), ..Default::default() },
    )
    .problem(415, "unsupported_media_type");
    s.get("/api/v1/recommendations/export?format=pdf", Some(&f.a.1)).problem(400, "invalid_parameter");
    // One row both edits a recommendation's terms and closes it: the status change expects
    // the version the edit left, so both are stored.
    let before = s.get(&format!("/api/v1/recommendations/{}", id_of(&recs[2])), Some(&f.admin)).expect(200).body;
    let mut closing = read_csv(&export(&f.coordinator, "csv"));
    let i = closing.iter().position(|r| r[0] == "S-3").unwrap();
    closing[i][5] = "2027-06-30".into();
    closing[i][2] = "تعذر تنفيذها".into();
    closing[i][3] = "انتهى التمويل".into();
    let report = upload(s, &f.coordinator, "dry_run=false", CSV, write_csv(&closing));
    assert_eq!(report["applied"], true, "{report}");
    let got = s.get(&format!("/api/v1/recommendations/{}", id_of(&recs[2])), Some(&f.admin)).expect(200).body;
    assert_eq!((got["due_on"].as_str(), got["status"].as_str()), (Some("2027-06-30"), Some("not_implemented")));
    assert_eq!(got["version"].as_i64(), before["version"].as_i64().map(|v| v + 2));
}
