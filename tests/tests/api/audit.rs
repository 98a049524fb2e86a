//! The audit log.

use serde_json::Value;
use tashbeek_tests::{on_both_backends, OrgBuilder, TestServer};

on_both_backends!(audit_log_records_every_change,);

fn org(name_ar: &str) -> Value {
    OrgBuilder::new(name_ar).body()
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
    // The list holds summaries; each entry has its snapshots.
    assert!(items.iter().all(|e| e.get("before").is_none() && e.get("after").is_none()), "{items:?}");
    let entry = |e: &Value| s.get(&format!("/api/v1/audit/{}", e["id"].as_str().unwrap()), Some(&admin)).expect(200);
    let update = entry(&items[1]).body;
    assert_eq!(update["actor_id"], admin_id.as_str());
    assert_eq!(update["before"]["name_ar"], "جمعية السجل");
    assert_eq!(update["after"]["name_ar"], "جمعية السجل المعدلة");
    assert!(update["request_id"].as_str().is_some());
    assert_eq!(entry(&items[0]).body["after"]["verification_status"], "verified");
    // Entries are for readers of the whole log only; an unknown one is 404.
    let (user, _) = s.signup("member@x.org", "جمعية العضو");
    // A sign-up starts a session, recorded like a sign-in, the new account as actor.
    let user_id = s.get("/api/v1/me", Some(&user)).body["id"].as_str().unwrap().to_owned();
    let r = s.get(&format!("/api/v1/audit?action=session.login&object_id={user_id}"), Some(&admin)).expect(200);
    assert_eq!(r.body["items"][0]["actor_id"], user_id.as_str(), "{}", r.text);
    s.get(&format!("/api/v1/audit/{}", items[0]["id"].as_str().unwrap()), Some(&user)).problem(403, "forbidden");
    s.get("/api/v1/audit/0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f", Some(&admin)).problem(404, "not_found");
    s.get("/api/v1/audit/not-an-id", Some(&admin)).problem(404, "not_found");
    s.get(&format!("/api/v1/audit/{}", items[0]["id"].as_str().unwrap()), None).problem(401, "unauthorized");
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
