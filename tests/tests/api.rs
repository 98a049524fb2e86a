//! The black-box HTTP suite; every test runs on SQLite and on PostgreSQL.

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, urlencode, Req, TestServer, ADMIN_EMAIL, PASSWORD};

on_both_backends!(
    health_ready_and_request_ids,
    login_refresh_logout_and_token_reuse,
    login_is_throttled_per_account,
    password_change_ends_every_session,
    signup_creates_pending_organization_and_admin,
    organization_lifecycle_with_etags,
    reads_follow_every_change,
    concurrent_edits_do_not_overwrite,
    roles_allowed_and_forbidden,
    verification_flow_history_and_public_view,
    bad_input_is_refused_and_nothing_is_stored,
    messages_follow_accept_language,
    search_is_arabic_aware,
    hundred_organizations_page_without_gaps_or_repeats,
    updated_since_returns_what_changed_after_it,
    filters_by_kind_sector_area_status_needs_offers,
    duplicates_are_reported_on_create,
    organization_admins_manage_their_members,
    platform_admins_manage_users,
    reference_data_is_seeded_and_managed,
    audit_log_records_every_change,
    openapi_is_served_and_docs_load,
);

fn org(name_ar: &str) -> Value {
    json!({"kind": "ngo", "name_ar": name_ar, "areas": ["SD-RN-SHN"], "sectors": ["health"]})
}

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
    s.call("PATCH", "/api/v1/sectors", Req::default()).problem(405, "method_not_allowed");
    s.call("DELETE", "/readyz", Req::default()).problem(405, "method_not_allowed");
}

fn login_refresh_logout_and_token_reuse(s: &TestServer) {
    s.admin();
    let good = s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": PASSWORD})).expect(200);
    assert_eq!(good.header("cache-control"), Some("no-store"));
    assert_eq!(good.body["user"]["role"], "platform_admin");
    let access = good.body["access_token"].as_str().unwrap();
    s.get("/api/v1/me", Some(access)).expect(200);
    s.get("/api/v1/me", None).problem(401, "unauthorized");
    s.get("/api/v1/me", Some("not.a.jwt")).problem(401, "unauthorized");

    // A wrong password and an unknown account get the very same answer.
    let wrong_pw = s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": "wrong password!"}));
    let wrong_user = s.post("/api/v1/auth/login", None, json!({"email": "nobody@x.org", "password": PASSWORD}));
    let wrong_pw = wrong_pw.problem(401, "invalid_credentials");
    let wrong_user = wrong_user.problem(401, "invalid_credentials");
    assert_eq!(wrong_pw.body["detail"], wrong_user.body["detail"]);

    // Refresh rotates; reusing a spent token revokes the whole family.
    let r1 = good.body["refresh_token"].as_str().unwrap().to_owned();
    let second = s.post("/api/v1/auth/refresh", None, json!({"refresh_token": r1})).expect(200);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    s.get("/api/v1/me", second.body["access_token"].as_str()).expect(200);
    s.post("/api/v1/auth/refresh", None, json!({"refresh_token": r1})).problem(401, "refresh_token_reused");
    s.post("/api/v1/auth/refresh", None, json!({"refresh_token": r2})).problem(401, "unauthorized");

    // Logout ends a fresh session.
    let third = s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": PASSWORD})).expect(200);
    let r3 = third.body["refresh_token"].as_str().unwrap();
    s.post("/api/v1/auth/logout", None, json!({"refresh_token": r3})).expect(204);
    s.post("/api/v1/auth/refresh", None, json!({"refresh_token": r3})).problem(401, "unauthorized");
    s.post("/api/v1/auth/refresh", None, json!({"refresh_token": "made-up"})).problem(401, "unauthorized");
}

fn login_is_throttled_per_account(s: &TestServer) {
    s.admin();
    for _ in 0..5 {
        s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": "wrong password!"}))
            .problem(401, "invalid_credentials");
    }
    let r = s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": PASSWORD}));
    let r = r.problem(429, "too_many_attempts");
    assert!(r.header("retry-after").and_then(|v| v.parse::<u64>().ok()).is_some_and(|n| n > 0 && n <= 900));
    // Another account from the same address is not locked out by the first.
    s.post("/api/v1/auth/login", None, json!({"email": "other@x.org", "password": "whatever-pass"}))
        .problem(401, "invalid_credentials");
}

fn password_change_ends_every_session(s: &TestServer) {
    s.admin();
    let session = s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": PASSWORD})).expect(200);
    let token = session.body["access_token"].as_str().unwrap();
    let refresh = session.body["refresh_token"].as_str().unwrap();
    let r = s.post(
        "/api/v1/auth/password",
        Some(token),
        json!({"current_password": "nope nope nope", "new_password": "a brand new passphrase"}),
    );
    assert_eq!(r.problem(422, "validation_failed").field_code("current_password").as_deref(), Some("incorrect"));
    let r =
        s.post("/api/v1/auth/password", Some(token), json!({"current_password": PASSWORD, "new_password": "short"}));
    assert_eq!(r.problem(422, "validation_failed").field_code("new_password").as_deref(), Some("too_short"));
    s.post(
        "/api/v1/auth/password",
        Some(token),
        json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
    )
    .expect(204);
    s.post("/api/v1/auth/refresh", None, json!({"refresh_token": refresh})).problem(401, "unauthorized");
    s.post("/api/v1/auth/login", None, json!({"email": ADMIN_EMAIL, "password": PASSWORD}))
        .problem(401, "invalid_credentials");
    s.login(ADMIN_EMAIL, "a brand new passphrase");
}

fn signup_creates_pending_organization_and_admin(s: &TestServer) {
    let admin = s.admin();
    let r = s
        .post(
            "/api/v1/auth/signup",
            None,
            json!({"email": "Team@Matamma.example", "display_name": "أحمد", "password": PASSWORD,
                   "organization": {"kind": "volunteer_team", "name_ar": "فريق شباب المتمة", "areas": ["SD-RN-MTM"]}}),
        )
        .expect(201);
    let token = r.body["session"]["access_token"].as_str().unwrap();
    let org_id = r.body["organization"]["id"].as_str().unwrap();
    assert_eq!(r.body["organization"]["verification_status"], "pending");
    let me = s.get("/api/v1/me", Some(token)).expect(200);
    assert_eq!(me.body["email"], "team@matamma.example");
    assert_eq!(me.body["role"], "user");
    assert_eq!(me.body["memberships"], json!([{"organization_id": org_id, "role": "admin"}]));
    // Pending: its own admin sees it, the public does not.
    s.get(&format!("/api/v1/organizations/{org_id}"), Some(token)).expect(200);
    s.get(&format!("/api/v1/organizations/{org_id}"), None).problem(404, "not_found");
    let public = s.get("/api/v1/organizations", None).expect(200);
    assert!(public.body["items"].as_array().unwrap().is_empty());
    let mine = s.get("/api/v1/organizations", Some(token)).expect(200);
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1);

    // The same email again: refused, and neither an account nor an organization is added.
    let before = s.all_org_ids(&admin).len();
    let r = s.post(
        "/api/v1/auth/signup",
        None,
        json!({"email": "team@matamma.example", "display_name": "x", "password": PASSWORD,
               "organization": {"kind": "ngo", "name_ar": "جمعية أخرى"}}),
    );
    assert_eq!(r.problem(422, "validation_failed").field_code("email").as_deref(), Some("taken"));
    // An invalid nested organization names the nested field.
    let r = s.post(
        "/api/v1/auth/signup",
        None,
        json!({"email": "new@x.org", "display_name": "x", "password": PASSWORD,
               "organization": {"kind": "ngo", "name_ar": "جمعية", "areas": ["XX-NOWHERE"]}}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["organization.areas[0]"]);
    assert_eq!(s.all_org_ids(&admin).len(), before);
    let users = s.get("/api/v1/users", Some(&admin)).expect(200);
    assert_eq!(users.body["items"].as_array().unwrap().len(), 2);
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
    let v = format!("{path}/verification");
    s.post(&v, Some(&admin), json!({"status": "suspended", "reason": "مراجعة"})).expect(200);
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
    let r = s.post(&v, Some(&admin), json!({"status": "rejected"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["reason"]);
    s.post(&v, Some(&admin), json!({"status": "suspended", "reason": "x"})).problem(422, "validation_failed");
    s.post(&v, Some(&admin), json!({"status": "rejected", "reason": "رقم التسجيل غير صحيح"})).expect(200);
    s.get(&path, None).problem(404, "not_found");
    // Verifying needs the version the decision was made on.
    s.post(&v, Some(&admin), json!({"status": "verified"})).problem(428, "if_match_required");
    let r = s.decide(&admin, &id, json!({"status": "verified"})).expect(200);
    assert_eq!(r.body["verification_status"], "verified");
    s.decide(&admin, &id, json!({"status": "verified"})).problem(422, "validation_failed");
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
    s.get("/api/v1/organizations?area=SD%00", None).problem(400, "invalid_parameter");
    s.put("/api/v1/sectors/health%00", Some(&admin), None, json!({"name_ar": "س", "name_en": "x"}))
        .problem(400, "invalid_parameter");
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
    assert_eq!(names("HOPE shendi"), vec!["Hope Volunteers"]);
    assert_eq!(names("مبادره النور"), vec!["مُبادرةُ النّور"]);
    assert_eq!(names("2030"), vec!["منظمة ٢٠٣٠ للتنمية"]);
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

fn organization_admins_manage_their_members(s: &TestServer) {
    let admin = s.admin();
    let (owner, org_id) = s.signup("owner@x.org", "جمعية الأعضاء");
    let (_, other_org) = s.signup("other@x.org", "جمعية أخرى");
    let (existing, _) = s.signup("existing@x.org", "جمعية ثالثة");
    let members = format!("/api/v1/organizations/{org_id}/members");
    let invitations = format!("/api/v1/organizations/{org_id}/invitations");
    // An existing account accepts while signed in; a new one is made from its link.
    let link = s.invite(&owner, &org_id, "EXISTING@x.org", "member");
    s.add_member(&owner, &org_id, "new@x.org", "admin");
    let new_id = s.get("/api/v1/me", Some(&s.login("new@x.org", PASSWORD))).body["id"].as_str().unwrap().to_owned();
    assert_eq!(s.get(&members, Some(&owner)).body.as_array().unwrap().len(), 2, "not a member before accepting");
    let r = s.post("/api/v1/invitations/accept", Some(&existing), json!({"token": link})).expect(200);
    assert_eq!(r.body["email"], "existing@x.org");
    assert_eq!(r.body["role"], "member");
    s.post("/api/v1/invitations/accept", Some(&existing), json!({"token": link})).problem(404, "invitation_invalid");
    s.post(&invitations, Some(&owner), json!({"email": "existing@x.org"})).problem(409, "already_member");
    let list = s.get(&members, Some(&owner)).expect(200);
    let emails: Vec<&str> = list.body.as_array().unwrap().iter().map(|m| m["email"].as_str().unwrap()).collect();
    assert_eq!(emails, vec!["existing@x.org", "new@x.org", "owner@x.org"]);
    let listed = s.get(&invitations, Some(&owner)).expect(200);
    let statuses: Vec<&str> =
        listed.body["items"].as_array().unwrap().iter().map(|i| i["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, vec!["accepted", "accepted"]);
    // Plain members and other organizations' admins cannot manage members.
    s.post(&invitations, Some(&existing), json!({"email": "other@x.org"})).problem(403, "forbidden");
    s.get(&invitations, Some(&existing)).problem(403, "forbidden");
    let other = s.login("other@x.org", PASSWORD);
    s.delete(&format!("{members}/{new_id}"), Some(&other)).problem(404, "not_found");
    s.post(&format!("/api/v1/organizations/{other_org}/invitations"), Some(&owner), json!({"email": "x@x.org"}))
        .problem(404, "not_found");
    // The new admin can act; the last admin cannot be removed.
    let new_admin = s.login("new@x.org", PASSWORD);
    let owner_id = s.get("/api/v1/me", Some(&owner)).body["id"].as_str().unwrap().to_owned();
    s.delete(&format!("{members}/{owner_id}"), Some(&new_admin)).expect(204);
    s.delete(&format!("{members}/{new_id}"), Some(&new_admin)).problem(409, "last_org_admin");
    s.delete(&format!("{members}/{owner_id}"), Some(&admin)).problem(404, "not_found");
    let list = s.get(&members, Some(&admin)).expect(200);
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    // The removed owner no longer administers the organization (nor sees it: it is pending).
    s.post(&invitations, Some(&owner), json!({"email": "other@x.org"})).problem(404, "not_found");
}

fn platform_admins_manage_users(s: &TestServer) {
    let admin = s.admin();
    let r = s.post("/api/v1/users", Some(&admin), json!({"email": "Officer@Ministry.example", "display_name": "موظف", "password": PASSWORD, "role": "observer"})).expect(201);
    let officer_id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["email"], "officer@ministry.example");
    let r = s.post(
        "/api/v1/users",
        Some(&admin),
        json!({"email": "officer@ministry.example", "display_name": "x", "password": PASSWORD}),
    );
    assert_eq!(r.problem(422, "validation_failed").field_code("email").as_deref(), Some("taken"));
    let r = s.post(
        "/api/v1/users",
        Some(&admin),
        json!({"email": "x@x.org", "display_name": "", "password": "short", "role": "king"}),
    );
    assert_eq!(r.problem(422, "validation_failed").field_code("role").as_deref(), Some("unknown_value"));
    let r = s.post("/api/v1/users", Some(&admin), json!({"email": "x@x.org", "display_name": "", "password": "short"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["display_name", "password"]);

    let officer = s.login("officer@ministry.example", PASSWORD);
    s.get(&format!("/api/v1/users/{officer_id}"), Some(&officer)).expect(200);
    let (user, _) = s.signup("user@x.org", "جمعية المستخدم");
    s.get(&format!("/api/v1/users/{officer_id}"), Some(&user)).problem(403, "forbidden");
    s.patch(&format!("/api/v1/users/{officer_id}"), Some(&officer), json!({"role": "platform_admin"}))
        .problem(403, "forbidden");

    // Paging through users.
    let page1 = s.get("/api/v1/users?limit=2", Some(&admin)).expect(200);
    assert_eq!(page1.body["items"].as_array().unwrap().len(), 2);
    let c = page1.body["next_cursor"].as_str().unwrap();
    let page2 = s.get(&format!("/api/v1/users?limit=2&cursor={c}"), Some(&admin)).expect(200);
    assert_eq!(page2.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(page2.body["next_cursor"], Value::Null);

    // Role changes and the last-admin guard.
    let r = s
        .patch(
            &format!("/api/v1/users/{officer_id}"),
            Some(&admin),
            json!({"role": "platform_admin", "display_name": "منسق ثانٍ"}),
        )
        .expect(200);
    assert_eq!(r.body["role"], "platform_admin");
    let admin_id = s.get("/api/v1/me", Some(&admin)).body["id"].as_str().unwrap().to_owned();
    s.patch(&format!("/api/v1/users/{admin_id}"), Some(&admin), json!({"disabled": true})).expect(200);
    // The officer's token still says "observer", but writes check the current role.
    s.patch(&format!("/api/v1/users/{officer_id}"), Some(&officer), json!({"role": "user"})).problem(409, "last_admin");
    s.patch("/api/v1/users/0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b", Some(&officer), json!({"role": "user"}))
        .problem(404, "not_found");
    s.patch(&format!("/api/v1/users/{officer_id}"), Some(&officer), json!({"role": "emperor"}))
        .problem(422, "validation_failed");
}

fn reference_data_is_seeded_and_managed(s: &TestServer) {
    let admin = s.admin();
    let sectors = s.get("/api/v1/sectors", None).expect(200);
    let codes: Vec<&str> = sectors.body.as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap()).collect();
    for c in [
        "health",
        "education",
        "training_rehabilitation",
        "disability",
        "women_family",
        "children_youth",
        "relief",
        "water_sanitation",
        "culture",
        "awareness",
        "environment",
        "livelihoods",
    ] {
        assert!(codes.contains(&c), "{c}");
    }
    assert!(sectors
        .body
        .as_array()
        .unwrap()
        .iter()
        .all(|x| !x["name_ar"].as_str().unwrap().is_empty() && !x["name_en"].as_str().unwrap().is_empty()));
    let rn = s.get("/api/v1/areas?parent=SD-RN", None).expect(200);
    let names: Vec<&str> = rn.body.as_array().unwrap().iter().map(|a| a["name_ar"].as_str().unwrap()).collect();
    assert!(names.contains(&"شندي") && names.contains(&"المتمة"), "{names:?}");
    let all = s.get("/api/v1/areas", None).expect(200);
    let countries: Vec<&str> = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["level"] == "country")
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(countries, vec!["OM", "SA", "SD", "SY"]);
    for state in ["OM-MA", "SY-DI", "SA-RI"] {
        assert!(all.body.as_array().unwrap().iter().any(|a| a["id"] == state && a["level"] == "state"), "{state}");
    }

    s.post(
        "/api/v1/sectors",
        Some(&admin),
        json!({"code": "mental_health", "name_ar": "الصحة النفسية", "name_en": "Mental health"}),
    )
    .expect(201);
    let r = s.post("/api/v1/sectors", Some(&admin), json!({"code": "mental_health", "name_ar": "x", "name_en": "x"}));
    assert_eq!(r.problem(422, "validation_failed").field_code("code").as_deref(), Some("taken"));
    let r = s.post("/api/v1/sectors", Some(&admin), json!({"code": "Bad Code", "name_ar": "", "name_en": "x"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["code", "name_ar"]);
    let r = s
        .put(
            "/api/v1/sectors/mental_health",
            Some(&admin),
            None,
            json!({"name_ar": "الصحة النفسية والدعم", "name_en": "Mental health and support"}),
        )
        .expect(200);
    assert_eq!(r.body["name_en"], "Mental health and support");
    s.put("/api/v1/sectors/nothing", Some(&admin), None, json!({"name_ar": "x", "name_en": "x"}))
        .problem(404, "not_found");

    s.post("/api/v1/areas", Some(&admin), json!({"id": "SD-RN-KBS", "parent_id": "SD-RN", "level": "locality", "name_ar": "كبوشية", "name_en": "Kabushiya"})).expect(201);
    let r = s.post(
        "/api/v1/areas",
        Some(&admin),
        json!({"id": "SD-RN-XX", "parent_id": "SD-RN", "level": "state", "name_ar": "س", "name_en": "x"}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["level"]);
    let r = s.post(
        "/api/v1/areas",
        Some(&admin),
        json!({"id": "ZZ-1", "parent_id": "ZZ", "level": "state", "name_ar": "س", "name_en": "x"}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["parent_id"]);
    s.put("/api/v1/areas/SD-RN-KBS", Some(&admin), None, json!({"name_ar": "كبوشيه", "name_en": "Kabushiya"}))
        .expect(200);
    // The new locality is inside River Nile for filtering.
    let id = s.create_org(
        &admin,
        json!({"kind": "ngo", "name_ar": "جمعية كبوشية", "areas": ["SD-RN-KBS"], "sectors": ["mental_health"]}),
    );
    let r = s.get("/api/v1/organizations?area=SD-RN&sector=mental_health", Some(&admin)).expect(200);
    assert_eq!(r.body["items"][0]["id"], id.as_str());
}

fn audit_log_records_every_change(s: &TestServer) {
    let admin = s.admin();
    let admin_id = s.get("/api/v1/me", Some(&admin)).body["id"].as_str().unwrap().to_owned();
    let id = s.create_org(&admin, org("جمعية السجل"));
    let path = format!("/api/v1/organizations/{id}");
    s.put(&path, Some(&admin), Some("\"1\""), org("جمعية السجل المعدلة")).expect(200);
    s.verify(&admin, &id);
    let r = s.get(&format!("/api/v1/audit?object_type=organization&object_id={id}"), Some(&admin)).expect(200);
    let items = r.body["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec!["organization.verification", "organization.update", "organization.create"],
        "newest first"
    );
    let update = &items[1];
    assert_eq!(update["actor_id"], admin_id.as_str());
    assert_eq!(update["before"]["name_ar"], "جمعية السجل");
    assert_eq!(update["after"]["name_ar"], "جمعية السجل المعدلة");
    assert!(update["request_id"].as_str().is_some());
    assert_eq!(items[0]["after"]["verification_status"], "verified");
    // Filter by actor and page.
    let r = s.get(&format!("/api/v1/audit?actor_id={admin_id}&limit=2"), Some(&admin)).expect(200);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let c = r.body["next_cursor"].as_str().unwrap();
    let r2 = s.get(&format!("/api/v1/audit?actor_id={admin_id}&limit=2&cursor={c}"), Some(&admin)).expect(200);
    assert!(!r2.body["items"].as_array().unwrap().is_empty());
    assert_ne!(r.body["items"][0]["id"], r2.body["items"][0]["id"]);
    // A failed change leaves no trace.
    s.put(&path, Some(&admin), Some("\"1\""), org("قديم")).problem(412, "version_mismatch");
    let after = s.get(&format!("/api/v1/audit?object_id={id}"), Some(&admin)).expect(200);
    assert_eq!(after.body["items"].as_array().unwrap().len(), 3);
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
