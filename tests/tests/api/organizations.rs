//! Registering, reading, editing, archiving and verifying organizations; what each role may do.

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, urlencode, OrgBuilder, Req, TestServer, PASSWORD};

on_both_backends!(
    reads_follow_every_change,
    organization_lifecycle_with_etags,
    concurrent_edits_do_not_overwrite,
    roles_allowed_and_forbidden,
    verification_flow_history_and_public_view,
    bad_input_is_refused_and_nothing_is_stored,
    messages_follow_accept_language,
    duplicates_are_reported_on_create,
    concurrent_writes_commit_or_fail_alone,
);

fn org(name_ar: &str) -> Value {
    OrgBuilder::new(name_ar).body()
}

/// Single-record reads may be served from memory (SQLite): whatever changes an
/// organization must show on the very next read, for every kind of viewer.
fn reads_follow_every_change(s: &TestServer) {
    let admin = s.admin();
    let id = s.create_org(&admin, org("جمعية الذاكرة"));
    let path = format!("/api/v1/organizations/{id}");
    s.get(&path, None).problem(404, "not_found");
    s.verify(&admin, &id);
    let read = |token: Option<&str>| s.get(&path, token).expect(200);
    assert_eq!(read(None).body["name_ar"], "جمعية الذاكرة");
    assert_eq!(read(Some(&admin)).body["name_ar"], "جمعية الذاكرة");
    let etag = read(Some(&admin)).header("etag").unwrap().to_owned();
    let mut renamed = org("جمعية الذاكرة الجديدة");
    renamed["contact_visibility"] = json!("members");
    renamed["contacts"] = json!({"phone": "+249 900 000 000"});
    s.put(&path, Some(&admin), Some(&etag), renamed).expect(200);
    let public = read(None);
    assert_eq!(public.body["name_ar"], "جمعية الذاكرة الجديدة");
    assert_eq!(public.body["contacts"], Value::Null, "members-only contacts stay hidden from the public");
    assert_eq!(read(Some(&admin)).body["contacts"]["phone"], "+249 900 000 000");
    assert_ne!(read(Some(&admin)).header("etag").unwrap(), etag);
    // Links and facets survive an edit that leaves sectors and areas alone.
    let found =
        s.get("/api/v1/organizations?area=SD-RN&sector=health&q=%D8%A7%D9%84%D8%AC%D8%AF%D9%8A%D8%AF%D9%87", None);
    assert_eq!(found.expect(200).body["items"][0]["id"], id.as_str());
    s.decide(&admin, &id, json!({"status": "suspended", "reason": "مراجعة"})).expect(200);
    s.get(&path, None).problem(404, "not_found");
    assert_eq!(read(Some(&admin)).body["verification_status"], "suspended");
    s.decide(&admin, &id, json!({"status": "verified"})).expect(200);
    assert_eq!(read(None).body["verification_status"], "verified");
    s.delete(&path, Some(&admin)).expect(200);
    s.get(&path, None).problem(404, "not_found");
    s.post(&format!("{path}/restore"), Some(&admin), json!({})).expect(200);
    assert_eq!(read(None).body["archived"], false);
    // A refused change leaves what readers see as it was.
    s.put(&path, Some(&admin), Some("\"1\""), org("اسم لم يحفظ")).problem(412, "version_mismatch");
    assert_eq!(read(None).body["name_ar"], "جمعية الذاكرة الجديدة");
}

fn organization_lifecycle_with_etags(s: &TestServer) {
    let admin = s.admin();
    let r = s.post("/api/v1/organizations", Some(&admin), org("جمعية الأمل")).expect(201);
    let id = r.body["organization"]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.header("location"), Some(format!("/api/v1/organizations/{id}").as_str()));
    assert_eq!(r.header("etag"), Some("\"1\""));
    let path = format!("/api/v1/organizations/{id}");

    let got = s.get(&path, Some(&admin)).expect(200);
    let etag = got.header("etag").unwrap().to_owned();
    assert_eq!(got.body["name_ar"], "جمعية الأمل");
    assert_eq!(got.body["version"], 1);
    let r = s.call(
        "GET",
        &path,
        Req { token: Some(&admin), headers: vec![("If-None-Match", etag.clone())], ..Default::default() },
    );
    assert_eq!(r.status, 304);

    let mut edited = org("جمعية الأمل الخيرية");
    edited["description"] = json!("خدمات صحية");
    s.put(&path, Some(&admin), None, edited.clone()).problem(428, "if_match_required");
    s.put(&path, Some(&admin), Some("\"7\""), edited.clone()).problem(412, "version_mismatch");
    s.put(&path, Some(&admin), Some("garbage"), edited.clone()).problem(400, "invalid_parameter");
    assert_eq!(s.get(&path, Some(&admin)).body["name_ar"], "جمعية الأمل", "a refused update changes nothing");
    let r = s.put(&path, Some(&admin), Some(&etag), edited).expect(200);
    assert_eq!(r.body["name_ar"], "جمعية الأمل الخيرية");
    assert_eq!(r.body["version"], 2);
    assert_eq!(r.header("etag"), Some("\"2\""));
    // The old ETag no longer matches for reads either.
    let r =
        s.call("GET", &path, Req { token: Some(&admin), headers: vec![("If-None-Match", etag)], ..Default::default() });
    assert_eq!(r.status, 200);

    // Archive hides it from the directory; restore brings it back.
    s.verify(&admin, &id);
    assert_eq!(s.get("/api/v1/organizations", None).body["items"].as_array().unwrap().len(), 1);
    let r = s.delete(&path, Some(&admin)).expect(200);
    assert_eq!(r.body["archived"], true);
    s.delete(&path, Some(&admin)).problem(409, "already_archived");
    assert!(s.get("/api/v1/organizations", None).body["items"].as_array().unwrap().is_empty());
    s.get(&path, None).problem(404, "not_found");
    assert_eq!(s.get("/api/v1/organizations", Some(&admin)).body["items"].as_array().unwrap().len(), 0);
    assert_eq!(
        s.get("/api/v1/organizations?include_archived=true", Some(&admin)).body["items"].as_array().unwrap().len(),
        1
    );
    s.post(&format!("{path}/restore"), Some(&admin), json!({})).expect(200);
    assert_eq!(s.get("/api/v1/organizations", None).body["items"].as_array().unwrap().len(), 1);
    s.get("/api/v1/organizations/not-a-uuid", Some(&admin)).problem(404, "not_found");
    s.get("/api/v1/organizations/0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b", Some(&admin)).problem(404, "not_found");
}

fn concurrent_edits_do_not_overwrite(s: &TestServer) {
    let admin = s.admin();
    let id = s.create_org(&admin, org("جمعية التعاون"));
    let path = format!("/api/v1/organizations/{id}");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let (path, admin) = (&path, &admin);
                scope.spawn(move || s.put(path, Some(admin), Some("\"1\""), org(&format!("جمعية التعاون {i}"))).status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses.iter().filter(|&&c| c == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|&&c| c == 412).count(), 3, "{statuses:?}");
    assert_eq!(s.get(&path, Some(&admin)).body["version"], 2);
}

fn roles_allowed_and_forbidden(s: &TestServer) {
    let admin = s.admin();
    let (a_token, a_org) = s.signup("a@x.org", "جمعية أ");
    let (b_token, b_org) = s.signup("b@x.org", "جمعية ب");
    let observer = s.user_with_role(&admin, "observer@ministry.example", "observer");
    // A plain member of A, by invitation.
    let member = s.add_member(&a_token, &a_org, "member@x.org", "member");

    let a_path = format!("/api/v1/organizations/{a_org}");
    let etag = s.get(&a_path, Some(&a_token)).header("etag").unwrap().to_owned();
    // An org admin cannot edit another organization (a pending one it cannot even see);
    // its own, yes.
    s.put(&format!("/api/v1/organizations/{b_org}"), Some(&a_token), Some("\"1\""), org("اختطاف"))
        .problem(404, "not_found");
    s.put(&a_path, Some(&member), Some(&etag), org("عضو يعدل")).problem(403, "forbidden");
    s.put(&a_path, Some(&observer), Some(&etag), org("مراقب يعدل")).problem(403, "forbidden");
    s.put(&a_path, Some(&a_token), Some(&etag), org("جمعية أ المعدلة")).expect(200);
    s.delete(&format!("/api/v1/organizations/{b_org}"), Some(&a_token)).problem(404, "not_found");
    // Observers read everything and change nothing.
    s.post("/api/v1/organizations", Some(&observer), org("جمعية المراقب")).problem(403, "forbidden");
    s.get(&format!("/api/v1/organizations/{b_org}"), Some(&observer)).expect(200);
    assert_eq!(s.get("/api/v1/organizations", Some(&observer)).body["items"].as_array().unwrap().len(), 2);
    s.get("/api/v1/audit", Some(&observer)).expect(200);
    s.get("/api/v1/users", Some(&observer)).expect(200);
    s.decide(&observer, &a_org, json!({"status": "verified"})).problem(403, "forbidden");
    // Organization admins cannot verify, manage users, reference data or read the audit log.
    s.decide(&a_token, &a_org, json!({"status": "verified"})).problem(403, "forbidden");
    s.post("/api/v1/users", Some(&a_token), json!({"email": "z@x.org", "display_name": "z", "password": PASSWORD}))
        .problem(403, "forbidden");
    s.get("/api/v1/users", Some(&a_token)).problem(403, "forbidden");
    s.get("/api/v1/audit", Some(&a_token)).problem(403, "forbidden");
    s.post("/api/v1/sectors", Some(&a_token), json!({"code": "x", "name_ar": "س", "name_en": "x"}))
        .problem(403, "forbidden");
    // A pending organization is invisible to other organizations' users.
    s.get(&format!("/api/v1/organizations/{b_org}"), Some(&a_token)).problem(404, "not_found");
    s.get(&format!("/api/v1/organizations/{b_org}/members"), Some(&a_token)).problem(404, "not_found");
    s.get(&format!("/api/v1/organizations/{b_org}/members"), Some(&b_token)).expect(200);
    // Anonymous callers cannot write at all.
    s.post("/api/v1/organizations", None, org("مجهول")).problem(401, "unauthorized");
    s.delete(&a_path, None).problem(401, "unauthorized");
    // A disabled account loses write access at once, even with a valid token.
    let me = s.get("/api/v1/me", Some(&member)).expect(200);
    s.patch(&format!("/api/v1/users/{}", me.body["id"].as_str().unwrap()), Some(&admin), json!({"disabled": true}))
        .expect(200);
    s.post("/api/v1/organizations", Some(&member), org("بعد التعطيل")).problem(401, "unauthorized");
    s.post("/api/v1/auth/login", None, json!({"email": "member@x.org", "password": PASSWORD}))
        .problem(401, "invalid_credentials");
}

fn verification_flow_history_and_public_view(s: &TestServer) {
    let admin = s.admin();
    let mut body = org("جمعية الشفافية");
    body["contacts"] = json!({"phone": "+249 912 345 678", "email": "info@shafafia.example"});
    body["address"] = json!("شندي، حي الشهداء");
    let id = s.create_org(&admin, body);
    let path = format!("/api/v1/organizations/{id}");
    let v = format!("{path}/verification");
    let r = s.decide(&admin, &id, json!({"status": "rejected"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["reason"]);
    // A move the current status cannot make conflicts with it.
    let r = s.decide(&admin, &id, json!({"status": "suspended", "reason": "x"}));
    assert_eq!(r.problem(409, "conflict").field_code("status").as_deref(), Some("invalid_transition"));
    s.decide(&admin, &id, json!({"status": "rejected", "reason": "رقم التسجيل غير صحيح"})).expect(200);
    s.get(&path, None).problem(404, "not_found");
    // Every decision names the version it was made on.
    s.post(&v, Some(&admin), json!({"status": "verified"})).problem(428, "if_match_required");
    s.post(&v, Some(&admin), json!({"status": "suspended", "reason": "x"})).problem(428, "if_match_required");
    // Any well-formed entity tag that is not the current one is refused as stale.
    for stale in ["\"99\"", "\"\"", "W/\"abc\", \"7\""] {
        let r = s.call(
            "POST",
            &v,
            Req {
                token: Some(&admin),
                json: Some(json!({"status": "verified"})),
                headers: vec![("If-Match", stale.into())],
                ..Default::default()
            },
        );
        r.problem(412, "version_mismatch");
    }
    let r = s.decide(&admin, &id, json!({"status": "verified"})).expect(200);
    assert_eq!(r.body["verification_status"], "verified");
    s.decide(&admin, &id, json!({"status": "verified"})).problem(409, "conflict");
    s.call(
        "POST",
        &v,
        Req {
            token: Some(&admin),
            json: Some(json!({"status": "suspended", "reason": "r"})),
            headers: vec![("If-Match", "\"1\"".into())],
            ..Default::default()
        },
    )
    .problem(412, "version_mismatch");

    let history = s.get(&format!("{path}/history"), Some(&admin)).expect(200);
    let steps: Vec<(Value, Value)> =
        history.body.as_array().unwrap().iter().map(|e| (e["from_status"].clone(), e["to_status"].clone())).collect();
    assert_eq!(
        steps,
        vec![
            (Value::Null, json!("pending")),
            (json!("pending"), json!("rejected")),
            (json!("rejected"), json!("verified"))
        ]
    );
    assert_eq!(history.body[1]["reason"], "رقم التسجيل غير صحيح");

    // Anonymous visitors see verified organizations without members-only contacts.
    let public = s.get(&path, None).expect(200);
    assert_eq!(public.body["contacts"], Value::Null);
    assert_eq!(public.body["address"], Value::Null);
    assert_ne!(public.header("etag"), s.get(&path, Some(&admin)).header("etag"));
    let signed_in = s.get(&path, Some(&admin)).expect(200);
    assert_eq!(signed_in.body["contacts"]["phone"], "+249 912 345 678");
    let listed = s.get("/api/v1/organizations", None).expect(200);
    assert_eq!(listed.body["items"][0]["contacts"], Value::Null);
    // Public contact details are shown to everyone.
    let etag = signed_in.header("etag").unwrap().to_owned();
    let mut body = org("جمعية الشفافية");
    body["contacts"] = json!({"phone": "+249 912 345 678"});
    body["contact_visibility"] = json!("public");
    s.put(&path, Some(&admin), Some(&etag), body).expect(200);
    assert_eq!(s.get(&path, None).body["contacts"]["phone"], "+249 912 345 678");
}

fn bad_input_is_refused_and_nothing_is_stored(s: &TestServer) {
    let admin = s.admin();
    let before = s.all_org_ids(&admin).len();
    let post = |body: Value| s.post("/api/v1/organizations", Some(&admin), body);
    let check = |r: tashbeek_tests::Resp, field: &str, code: &str| {
        let r = r.problem(422, "validation_failed");
        assert_eq!(r.field_code(field).as_deref(), Some(code), "{}", r.text);
    };
    check(post(json!({"name_ar": "بلا نوع"})), "kind", "required");
    check(post(json!({"kind": "spaceship", "name_ar": "س"})), "kind", "unknown_value");
    check(post(json!({"kind": "ngo", "name_ar": "س", "founded_year": "قديم"})), "founded_year", "invalid_type");
    check(post(json!({"kind": "ngo", "name_ar": "س", "founded_year": 1500})), "founded_year", "out_of_range");
    check(post(json!({"kind": "ngo"})), "name_ar", "one_of_required");
    check(post(json!({"kind": "ngo", "name_ar": "س", "sectors": ["astrology"]})), "sectors[0]", "unknown_value");
    check(
        post(json!({"kind": "ngo", "name_ar": "س", "contacts": {"email": "not-an-email"}})),
        "contacts.email",
        "invalid_email",
    );
    check(
        post(json!({"kind": "ngo", "name_ar": "س", "contacts": {"website": "javascript:alert(1)"}})),
        "contacts.website",
        "invalid_url",
    );
    check(post(json!({"kind": "ngo", "name_ar": "س", "needs": [{"kind": "money"}]})), "needs[0].kind", "unknown_value");
    check(post(json!({"kind": "ngo", "name_ar": "س", "members_count": -3})), "members_count", "out_of_range");
    check(post(json!({"kind": "ngo", "name_ar": "س", "colour": "blue"})), "colour", "unknown_field");
    check(post(json!({"kind": "ngo", "name_ar": "Only Latin"})), "name_ar", "invalid_format");
    check(post(json!({"kind": "ngo", "name_ar": "س".repeat(201)})), "name_ar", "too_long");
    // Well-formed JSON of the wrong shape is a validation problem of the body.
    let r = post(json!([1, 2])).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["body"]);
    let raw = |ct: &str, bytes: &[u8]| {
        s.call(
            "POST",
            "/api/v1/organizations",
            Req { token: Some(&admin), raw: Some((ct, bytes.to_vec())), ..Default::default() },
        )
    };
    raw("application/json", b"{\"kind\": \"ngo\", ").problem(400, "malformed_json");
    raw("application/json", b"").problem(400, "malformed_json");
    raw("application/json", b"{\"kind\":\"ngo\",\"name_ar\":\"\xd8\xb3\"} trailing").problem(400, "malformed_json");
    raw("text/plain", b"{\"kind\":\"ngo\",\"name_ar\":\"\xd8\xb3\"}").problem(415, "unsupported_media_type");
    let huge = format!("{{\"kind\":\"ngo\",\"name_ar\":\"س\",\"description\":\"{}\"}}", "ا".repeat(300_000));
    raw("application/json", huge.as_bytes()).problem(413, "payload_too_large");
    raw("application/json", "{\"kind\":\"ngo\",\"name_ar\":\"س\\u0000\"}".as_bytes()).problem(422, "validation_failed");
    let r = s.get("/api/v1/organizations?area=SD%00", None).problem(400, "invalid_parameter");
    assert_eq!(r.fields(), vec!["area"], "{}", r.text);
    let r = s
        .put("/api/v1/sectors/health%00", Some(&admin), None, json!({"name_ar": "س", "name_en": "x"}))
        .problem(400, "invalid_parameter");
    assert_eq!(r.fields(), vec!["path"], "{}", r.text);
    // Bad query parameters are 400s naming the parameter.
    for (q, field) in [
        ("limit=0", "limit"),
        ("limit=500", "limit"),
        ("limit=many", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=eyJrIjoiIiwiaWQiOiJ4In0", "cursor"),
        ("kind=spaceship", "kind"),
        ("status=maybe", "status"),
        ("need=money", "need"),
        ("area=XX", "area"),
        ("sort=random", "sort"),
        ("updated_since=yesterday", "updated_since"),
        ("bogus=1", "bogus"),
        ("sector=astrology", "sector"),
        ("q=a&q=b", "q"),
        ("limit=1&limit=2", "limit"),
    ] {
        let r = s.get(&format!("/api/v1/organizations?{q}"), None).problem(400, "invalid_parameter");
        assert_eq!(r.fields(), vec![field], "{q}: {}", r.text);
    }
    assert_eq!(s.all_org_ids(&admin).len(), before, "no bad request stored anything");
    let audit = s.get("/api/v1/audit?action=organization.create", Some(&admin)).expect(200);
    assert!(audit.body["items"].as_array().unwrap().is_empty());
}

fn messages_follow_accept_language(s: &TestServer) {
    let admin = s.admin();
    let post = |lang: &str| {
        s.call(
            "POST",
            "/api/v1/organizations",
            Req {
                token: Some(&admin),
                json: Some(json!({"kind": "ngo"})),
                headers: vec![("Accept-Language", lang.into())],
                ..Default::default()
            },
        )
        .problem(422, "validation_failed")
    };
    let en = post("en-GB,en;q=0.9");
    assert_eq!(en.body["detail"], "Some fields are invalid.");
    assert_eq!(en.body["errors"][0]["message"], "Fill in this field or name_en.");
    let ar = post("ar-SD");
    assert_eq!(ar.body["detail"], "بعض الحقول غير صالحة.");
    let default =
        s.post("/api/v1/organizations", Some(&admin), json!({"kind": "ngo"})).problem(422, "validation_failed");
    assert_eq!(default.body["detail"], ar.body["detail"], "Arabic is the default");
}

fn duplicates_are_reported_on_create(s: &TestServer) {
    let admin = s.admin();
    let first = s.create_org(&admin, org("جمعية الأمل"));
    let r = s.post("/api/v1/organizations", Some(&admin), org("جمعيه الامل")).expect(201);
    let dups = r.body["possible_duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0]["id"], first.as_str());
    assert_eq!(dups[0]["shared_areas"], json!(["SD-RN-SHN"]));
    // The same name in another country is another organization.
    let r = s
        .post(
            "/api/v1/organizations",
            Some(&admin),
            json!({"kind": "ngo", "name_ar": "جمعية الأمل", "areas": ["OM-MA"]}),
        )
        .expect(201);
    assert!(r.body["possible_duplicates"].as_array().unwrap().is_empty());
    let r = s
        .get(&format!("/api/v1/organizations/duplicates?name={}&area=SD-RN-SHN", urlencode("جمعية الامل")), Some(&admin))
        .expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 2);
    s.get("/api/v1/organizations/duplicates?name=x", None).problem(401, "unauthorized");
    s.get("/api/v1/organizations/duplicates", Some(&admin)).problem(400, "invalid_parameter");
}

/// Writes that arrive together share the disk sync on SQLite (and run side by side on
/// PostgreSQL); each commits or fails alone: the failing ones leave nothing behind,
/// the others are all there with their audit entries.
fn concurrent_writes_commit_or_fail_alone(s: &TestServer) {
    let admin = s.admin();
    let target = s.create_org(&admin, org("جمعية الهدف"));
    let created = |s: &TestServer| -> usize {
        s.get("/api/v1/audit?action=organization.create&limit=200", Some(&admin)).expect(200).body["items"]
            .as_array()
            .unwrap()
            .len()
    };
    let before = created(s);
    let statuses: Vec<(usize, u16)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..24)
            .map(|i| {
                let admin = &admin;
                let target = &target;
                scope.spawn(move || {
                    let r = match i % 4 {
                        // A stale version: refused inside the transaction, after the read.
                        1 => s.put(
                            &format!("/api/v1/organizations/{target}"),
                            Some(admin),
                            Some("\"7\""),
                            org(&format!("جمعية متزامنة فاشلة {i}")),
                        ),
                        // An area that does not exist: refused inside the transaction.
                        2 => s.post(
                            "/api/v1/organizations",
                            Some(admin),
                            OrgBuilder::new(&format!("جمعية متزامنة فاشلة {i}")).in_area("SD-NOWHERE").body(),
                        ),
                        _ => s.post("/api/v1/organizations", Some(admin), org(&format!("جمعية متزامنة {i}"))),
                    };
                    (i, r.status)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (i, status) in &statuses {
        let expected = match i % 4 {
            1 => 412,
            2 => 422,
            _ => 201,
        };
        assert_eq!(*status, expected, "request {i}: {statuses:?}");
    }
    let find = |q: &str| {
        s.get(&format!("/api/v1/organizations?limit=100&q={}", urlencode(q)), Some(&admin)).expect(200).body["items"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(find("متزامنة"), 12, "every successful write is there");
    assert_eq!(find("فاشلة"), 0, "no failed write left anything");
    assert_eq!(created(s), before + 12, "one audit entry per successful create, none for the failures");
    let t = s.get(&format!("/api/v1/organizations/{target}"), Some(&admin)).expect(200);
    assert_eq!((t.body["name_ar"].as_str(), t.body["version"].as_i64()), (Some("جمعية الهدف"), Some(1)));
}
