//! Networks of organizations (the first entity built on the application layer), on
//! SQLite and PostgreSQL.

use serde_json::json;
use tashbeek_tests::{on_both_backends, TestServer};

on_both_backends!(
    networks_are_created_read_and_edited_by_coordinators,
    organizations_join_networks_only_by_consent,
    organizations_ask_to_join_and_coordinators_answer,
);

fn networks_are_created_read_and_edited_by_coordinators(s: &TestServer) {
    let admin = s.admin();
    let (user, _) = s.signup("owner@x.org", "جمعية الأمل");
    let observer = s.user_with_role(&admin, "officer@ministry.example", "observer");
    let body =
        json!({"name_ar": "تجمع المنظمات الطوعية بالقطاع الجنوبي", "area": "SD-RN", "description": "شندي والمتمة"});
    for token in [&user, &observer] {
        s.post("/api/v1/networks", Some(token), body.clone()).problem(403, "forbidden");
    }
    s.post("/api/v1/networks", None, body.clone()).problem(401, "unauthorized");
    // Bad input is refused, naming the field, and nothing is stored.
    let r = s.post("/api/v1/networks", Some(&admin), json!({"area": "SD-RN"})).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["name_ar", "name_en"]);
    let r = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "شبكة", "area": "XX"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["area"]);
    assert!(s.get("/api/v1/networks", None).expect(200).body["items"].as_array().unwrap().is_empty());

    let r = s.post("/api/v1/networks", Some(&admin), body).expect(201);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/networks/{id}");
    let public = s.get(&path, None).expect(200);
    assert_eq!(public.body["name_ar"], "تجمع المنظمات الطوعية بالقطاع الجنوبي");
    assert_eq!(public.body["members_count"], 0);
    // Edits need the version they were made on.
    let edit = json!({"name_ar": "تجمع القطاع الجنوبي", "name_en": "Southern Sector Network", "area": "SD-RN"});
    s.put(&path, Some(&admin), None, edit.clone()).problem(428, "if_match_required");
    s.put(&path, Some(&admin), Some("\"7\""), edit.clone()).problem(412, "version_mismatch");
    s.put(&path, Some(&user), Some("\"1\""), edit.clone()).problem(403, "forbidden");
    let r = s.put(&path, Some(&admin), Some("\"1\""), edit).expect(200);
    assert_eq!((r.body["version"].clone(), r.body["name_en"].clone()), (json!(2), json!("Southern Sector Network")));
    s.get("/api/v1/networks/not-a-uuid", None).problem(404, "not_found");
    // Listed in name order, a page at a time.
    s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "أ شبكة الشباب", "area": "SD"})).expect(201);
    let first = s.get("/api/v1/networks?limit=1", None).expect(200);
    assert_eq!(first.body["items"][0]["name_ar"], "أ شبكة الشباب");
    let c = first.body["next_cursor"].as_str().unwrap();
    let second = s.get(&format!("/api/v1/networks?limit=1&cursor={c}"), None).expect(200);
    assert_eq!(second.body["items"][0]["id"], id.as_str());
    assert_eq!(second.body["next_cursor"], serde_json::Value::Null);
    let audit = s.get(&format!("/api/v1/audit?object_type=network&object_id={id}"), Some(&admin)).expect(200);
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["network.update", "network.create"]);
}

fn organizations_join_networks_only_by_consent(s: &TestServer) {
    let admin = s.admin();
    let (amal, amal_org) = s.signup("amal@x.org", "جمعية الأمل");
    let (nafeer, nafeer_org) = s.signup("nafeer@x.org", "منظمة نفير");
    s.verify(&admin, &amal_org);
    let net =
        s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "تجمع شندي", "area": "SD-RN-SHN"})).expect(201);
    let id = net.body["id"].as_str().unwrap().to_owned();
    let members = format!("/api/v1/networks/{id}/members");
    let statuses = |token: Option<&str>| -> Vec<(String, String)> {
        s.get(&members, token)
            .expect(200)
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["organization_id"].as_str().unwrap().to_owned(), m["status"].as_str().unwrap().to_owned()))
            .collect()
    };
    // Only coordinators invite; an unknown organization is a field error.
    s.post(&members, Some(&amal), json!({"organization_id": amal_org})).problem(403, "forbidden");
    let r = s.post(&members, Some(&admin), json!({"organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["organization_id"]);
    s.post(&members, Some(&admin), json!({"organization_id": amal_org})).expect(204);
    s.post(&members, Some(&admin), json!({"organization_id": amal_org})).problem(409, "already_invited");
    // Invited is not a member: the public sees nobody yet, the organization its invitation.
    assert!(statuses(None).is_empty());
    assert_eq!(statuses(Some(&amal)), vec![(amal_org.clone(), "invited".to_owned())]);
    assert_eq!(statuses(Some(&admin)), vec![(amal_org.clone(), "invited".to_owned())]);
    // Nobody answers for an organization but its own administrators, not even a coordinator.
    let answer = format!("{members}/{amal_org}");
    s.put(&answer, Some(&admin), None, json!({"status": "member"})).problem(403, "forbidden");
    s.put(&answer, Some(&nafeer), None, json!({"status": "member"})).problem(403, "forbidden");
    s.put(&answer, Some(&amal), None, json!({"status": "left"})).problem(422, "validation_failed");
    s.put(&answer, Some(&amal), None, json!({"status": "member"})).expect(204);
    s.put(&answer, Some(&amal), None, json!({"status": "member"})).problem(409, "not_invited");
    assert_eq!(statuses(None), vec![(amal_org.clone(), "member".to_owned())]);
    assert_eq!(s.get(&format!("/api/v1/networks/{id}"), None).body["members_count"], 1);
    s.post(&members, Some(&admin), json!({"organization_id": amal_org})).problem(409, "already_member");
    // A pending organization can be invited by a coordinator; it declines.
    s.post(&members, Some(&admin), json!({"organization_id": nafeer_org})).expect(204);
    s.put(&format!("{members}/{nafeer_org}"), Some(&nafeer), None, json!({"status": "declined"})).expect(204);
    // A member leaves; another organization's admin cannot make it leave.
    s.delete(&answer, Some(&nafeer)).problem(403, "forbidden");
    s.delete(&answer, Some(&amal)).expect(204);
    s.delete(&answer, Some(&amal)).problem(404, "not_found");
    assert!(statuses(None).is_empty());
    let all = statuses(Some(&admin));
    assert!(all.contains(&(amal_org.clone(), "left".to_owned())) && all.contains(&(nafeer_org, "declined".to_owned())));
    let audit = s.get(&format!("/api/v1/audit?object_type=network&object_id={id}"), Some(&admin)).expect(200);
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec![
            "network.member_leave",
            "network.member_answer",
            "network.member_invite",
            "network.member_answer",
            "network.member_invite",
            "network.create"
        ]
    );
}

fn organizations_ask_to_join_and_coordinators_answer(s: &TestServer) {
    let admin = s.admin();
    let (amal, amal_org) = s.signup("amal@x.org", "جمعية الأمل");
    let (nafeer, nafeer_org) = s.signup("nafeer@x.org", "منظمة نفير");
    let net =
        s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "تجمع شندي", "area": "SD-RN-SHN"})).expect(201);
    let id = net.body["id"].as_str().unwrap().to_owned();
    let requests = format!("/api/v1/networks/{id}/join-requests");
    // Only an organization's own administrators ask for it (another does not even see a
    // pending organization).
    let r = s.post(&requests, Some(&nafeer), json!({"organization_id": amal_org})).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["organization_id"]);
    s.post(&requests, Some(&admin), json!({"organization_id": amal_org})).problem(403, "forbidden");
    s.post(&requests, Some(&amal), json!({"organization_id": amal_org})).expect(204);
    s.post(&requests, Some(&amal), json!({"organization_id": amal_org})).problem(409, "already_in_network");
    s.post(&format!("/api/v1/networks/{id}/members"), Some(&admin), json!({"organization_id": amal_org}))
        .problem(409, "already_requested");
    // The public does not see requests; the organization and coordinators do.
    let members = format!("/api/v1/networks/{id}/members");
    assert!(s.get(&members, None).expect(200).body.as_array().unwrap().is_empty());
    assert_eq!(s.get(&members, Some(&amal)).expect(200).body[0]["status"], "requested");
    assert!(s.get(&members, Some(&nafeer)).expect(200).body.as_array().unwrap().is_empty());
    // A request is answered by a coordinator, not by the organization itself.
    let answer = format!("{members}/{amal_org}");
    s.put(&answer, Some(&amal), None, json!({"status": "member"})).problem(403, "forbidden");
    s.put(&answer, Some(&admin), None, json!({"status": "member"})).expect(204);
    assert_eq!(s.get(&members, None).expect(200).body[0]["status"], "member");
    // A declined request can be made again.
    s.post(&requests, Some(&nafeer), json!({"organization_id": nafeer_org})).expect(204);
    s.put(&format!("{members}/{nafeer_org}"), Some(&admin), None, json!({"status": "declined"})).expect(204);
    s.post(&requests, Some(&nafeer), json!({"organization_id": nafeer_org})).expect(204);
    let audit = s.get(&format!("/api/v1/audit?object_type=network&object_id={id}"), Some(&admin)).expect(200);
    let asked =
        audit.body["items"].as_array().unwrap().iter().filter(|e| e["action"] == "network.join_request").count();
    assert_eq!(asked, 3);
}
