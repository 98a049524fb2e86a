//! Several instances on one PostgreSQL database (behind a load balancer): each caches
//! public organizations and who a session belongs to, and hears of every change any
//! instance commits, so a change made through one is what the others serve next.

use std::time::{Duration, Instant};

use tashbeek_tests::{Backend, OrgBuilder, TestServer, PASSWORD};

/// Polls `check` for up to two seconds (the change reaches other instances through
/// LISTEN/NOTIFY, within milliseconds).
fn soon(what: &str, check: impl Fn() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < Duration::from_secs(2), "{what}: not seen by the other instance");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn instances_serve_each_others_changes() {
    let a = TestServer::start(Backend::Postgres);
    let admin = a.admin();
    let id = a.create_org(&admin, OrgBuilder::new("جمعية الصدى").body());
    a.verify(&admin, &id);
    let b = TestServer::beside(&a);
    let path = format!("/api/v1/organizations/{id}");
    let name = |s: &TestServer| s.get(&path, None).expect(200).body["name_ar"].as_str().unwrap().to_owned();
    // B caches the public record (read twice), A changes it: B serves the change.
    let waited = Instant::now();
    while name(&b) != "جمعية الصدى" {
        assert!(waited.elapsed() < Duration::from_secs(2), "B never listened");
    }
    assert_eq!(name(&b), "جمعية الصدى");
    let version = a.get(&path, Some(&admin)).expect(200).body["version"].as_i64().unwrap();
    a.put(&path, Some(&admin), Some(&format!("\"{version}\"")), OrgBuilder::new("جمعية الصدى الجديد").body())
        .expect(200);
    assert_eq!(name(&a), "جمعية الصدى الجديد", "the instance that changed it, at once");
    soon("a renamed organization", || name(&b) == "جمعية الصدى الجديد");
    // Lists name organizations from a cache of their own: a party renamed through A is
    // named anew in B's partnership list.
    let (lead, lead_org) = a.signup("lead@x.org", "جمعية الندى");
    let (partner, partner_org) = a.signup("partner@x.org", "فريق النداء");
    a.verify(&admin, &lead_org);
    a.verify(&admin, &partner_org);
    let proposal = serde_json::json!({
        "title_ar": "شراكة بين جمعيتين", "kind": "resource_sharing",
        "parties": [{"organization_id": lead_org, "role": "lead"}, {"organization_id": partner_org, "role": "supporting"}],
        "proposed_by": lead_org,
    });
    let pid = a.post("/api/v1/partnerships", Some(&lead), proposal).expect(201).body["id"].as_str().unwrap().to_owned();
    let answer = serde_json::json!({"answer": "confirmed", "terms_version": 1});
    a.put(&format!("/api/v1/partnerships/{pid}/parties/{partner_org}"), Some(&partner), None, answer).expect(200);
    let party_name = |s: &TestServer| {
        let list = s.get("/api/v1/partnerships", None).expect(200);
        let items = list.body["items"].as_array().unwrap().clone();
        let item = items.iter().find(|i| i["id"] == pid.as_str()).expect("the partnership is public").clone();
        item["parties"][0]["name_ar"].as_str().unwrap().to_owned()
    };
    assert_eq!(party_name(&b), "جمعية الندى");
    let lead_path = format!("/api/v1/organizations/{lead_org}");
    let version = a.get(&lead_path, Some(&admin)).expect(200).body["version"].as_i64().unwrap();
    a.put(&lead_path, Some(&admin), Some(&format!("\"{version}\"")), OrgBuilder::new("جمعية الندى الخيرية").body())
        .expect(200);
    assert_eq!(party_name(&a), "جمعية الندى الخيرية", "the instance that renamed it, at once");
    soon("a renamed party", || party_name(&b) == "جمعية الندى الخيرية");
    // Archiving takes it out of the public view everywhere.
    a.delete(&path, Some(&admin)).expect(200);
    soon("an archived organization", || b.get(&path, None).status == 404);

    // Sessions: B caches who a token belongs to; a logout or a demotion through A ends
    // what the token may do on B.
    let observer = a.user_with_role(&admin, "observer@tashbeek.test", "observer");
    b.get("/api/v1/users", Some(&observer)).expect(200);
    b.get("/api/v1/users", Some(&observer)).expect(200);
    let users = a.get("/api/v1/users?limit=200", Some(&admin)).expect(200);
    let uid = users.body["items"].as_array().unwrap().iter().find(|u| u["email"] == "observer@tashbeek.test").unwrap()
        ["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user_path = format!("/api/v1/users/{uid}");
    let patch = |change: serde_json::Value| a.patch(&user_path, Some(&admin), change).expect(200);
    patch(serde_json::json!({"role": "user"}));
    soon("a demotion", || b.get("/api/v1/users", Some(&observer)).status == 403);
    let token = a.login("observer@tashbeek.test", PASSWORD);
    b.get("/api/v1/me", Some(&token)).expect(200);
    b.get("/api/v1/me", Some(&token)).expect(200);
    patch(serde_json::json!({"disabled": true}));
    soon("a disabled account", || b.get("/api/v1/me", Some(&token)).status == 401);
    drop(b);
}
