//! A network's coordinators, people the organizers invite by name, answers that never
//! overwrite each other, and private calendar addresses, on SQLite and PostgreSQL.

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, OrgBuilder, Req, TestServer, PASSWORD};

on_both_backends!(
    coordinators_manage_their_network_and_its_meetings,
    a_private_calendar_address_carries_what_its_owner_may_see,
);

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

fn me(s: &TestServer, token: &str) -> Value {
    s.get("/api/v1/me", Some(token)).expect(200).body
}

fn with_if_match<'a>(token: &'a str, etag: &str, json: Value) -> Req<'a> {
    Req { token: Some(token), json: Some(json), headers: vec![("If-Match", etag.to_owned())], ..Default::default() }
}

fn meeting(network: &str, organizers: &[&str], visibility: &str) -> Value {
    json!({"title": "لقاء تنسيقي للشبكة", "kind": "coordination_meeting", "network_id": network,
        "organizers": organizers, "starts_local": "2026-12-20T10:00", "ends_local": "2026-12-20T12:00",
        "time_zone": "Africa/Khartoum", "venue_name": "دار الشباب", "visibility": visibility})
}

fn coordinators_manage_their_network_and_its_meetings(s: &TestServer) {
    s.clock.set(at("2026-12-01T08:00:00Z"));
    let admin = s.admin();
    let a = OrgBuilder::new("جمعية الأمل").verified().create(s, &admin);
    let b = OrgBuilder::new("فريق شباب المتمة").verified().create(s, &admin);
    let outside = OrgBuilder::new("جمعية خارج الشبكة").verified().create(s, &admin);
    let a_admin = s.add_member(&admin, &a, "admin@amal.example", "admin");
    let b_admin = s.add_member(&admin, &b, "admin@youth.example", "admin");
    let coordinator = s.user_with_role(&admin, "coordinator@network.example", "user");
    let coordinator_id = me(s, &coordinator)["id"].as_str().unwrap().to_owned();
    let observer = s.user_with_role(&admin, "observer@ministry.example", "observer");
    let observer_id = me(s, &observer)["id"].as_str().unwrap().to_owned();
    let net = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "تجمع شندي والمتمة", "area": "SD-RN"}));
    let network = net.expect(201).body["id"].as_str().unwrap().to_owned();
    let other = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "شبكة أخرى", "area": "SD"}));
    let other = other.expect(201).body["id"].as_str().unwrap().to_owned();
    let n = format!("/api/v1/networks/{network}");

    // Before an appointment, the person manages nothing.
    s.post(&format!("{n}/members"), Some(&coordinator), json!({"organization_id": a})).problem(403, "forbidden");
    s.post("/api/v1/meetings", Some(&coordinator), meeting(&network, &[], "network")).problem(403, "forbidden");

    // The dashboard finds the person by email.
    let found = s.get("/api/v1/users?email=Coordinator@Network.example", Some(&admin)).expect(200).body;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["id"], coordinator_id.as_str());
    s.get("/api/v1/users?email=coordinator@network.example", Some(&a_admin)).problem(403, "forbidden");

    // Only platform administrators appoint, and only accounts that may write.
    let appoint = format!("{n}/coordinators/{coordinator_id}");
    s.put(&appoint, Some(&a_admin), None, json!({})).problem(403, "forbidden");
    let r = s.put(&format!("{n}/coordinators/{observer_id}"), Some(&admin), None, json!({}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["user_id"]);
    let r = s.put(&format!("{n}/coordinators/0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"), Some(&admin), None, json!({}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["user_id"]);
    let list = s.put(&appoint, Some(&admin), None, json!({})).expect(200).body;
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["user_id"], coordinator_id.as_str());
    s.put(&appoint, Some(&admin), None, json!({})).expect(200);
    assert_eq!(s.get(&format!("{n}/coordinators"), Some(&b_admin)).expect(200).body, list);
    s.get(&format!("{n}/coordinators"), None).problem(401, "unauthorized");
    assert_eq!(me(s, &coordinator)["coordinates"], json!([network]));

    // The coordinator invites, answers a request to join, edits the network.
    s.post(&format!("{n}/members"), Some(&coordinator), json!({"organization_id": a})).expect(204);
    s.put(&format!("{n}/members/{a}"), Some(&coordinator), None, json!({"status": "member"})).problem(403, "forbidden");
    s.put(&format!("{n}/members/{a}"), Some(&a_admin), None, json!({"status": "member"})).expect(204);
    s.post(&format!("{n}/join-requests"), Some(&b_admin), json!({"organization_id": b})).expect(204);
    s.put(&format!("{n}/members/{b}"), Some(&coordinator), None, json!({"status": "member"})).expect(204);
    let members = s.get(&format!("{n}/members"), Some(&coordinator)).expect(200).body;
    assert_eq!(members.as_array().unwrap().len(), 2);
    let edit = json!({"name_ar": "تجمع منظمات شندي والمتمة", "area": "SD-RN"});
    s.call("PUT", &n, with_if_match(&coordinator, "\"1\"", edit)).expect(200);
    // …but not another network.
    let o = format!("/api/v1/networks/{other}");
    s.post(&format!("{o}/members"), Some(&coordinator), json!({"organization_id": a})).problem(403, "forbidden");
    s.post("/api/v1/meetings", Some(&coordinator), meeting(&other, &[], "network")).problem(403, "forbidden");

    // The coordinator holds the network's meetings, with organizers among its members.
    let r = s.post("/api/v1/meetings", Some(&coordinator), meeting(&network, &[&outside], "network"));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["organizers[0]"]);
    let r = s.post("/api/v1/meetings", Some(&coordinator), meeting(&network, &[&a], "network")).expect(201);
    let m = format!("/api/v1/meetings/{}", r.body["id"].as_str().unwrap());

    // People invited by name get their codes at once; their organization sees them.
    let invite = json!({"organization_ids": [a, b], "people": [
        {"organization_id": a, "name": "د. سعاد محمد", "title": "متحدثة"},
        {"organization_id": outside, "name": "ضيف"}
    ]});
    let r = s.post(&format!("{m}/invitations"), Some(&coordinator), invite).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["people[1].organization_id"]);
    assert!(s.get(&format!("{m}/invitations"), Some(&coordinator)).expect(200).body.as_array().unwrap().is_empty());
    // No more people for one organization than its own answer may name (50).
    let crowd: Vec<Value> = (0..51).map(|i| json!({"organization_id": b, "name": format!("ضيف {i}")})).collect();
    let r = s.post(&format!("{m}/invitations"), Some(&coordinator), json!({"organization_ids": [b], "people": crowd}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["people"]);
    let invite = json!({"organization_ids": [a, b], "people": [
        {"organization_id": a, "name": "د. سعاد محمد", "title": "متحدثة"}
    ]});
    assert_eq!(
        s.post(&format!("{m}/invitations"), Some(&coordinator), invite).expect(200).body.as_array().unwrap().len(),
        2
    );
    let theirs = s.get(&format!("{m}/participants"), Some(&a_admin)).expect(200).body;
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    assert_eq!(theirs[0]["name"], "د. سعاد محمد");
    let code = theirs[0]["check_in_code"].as_str().unwrap().to_owned();

    // Naming people changed the invitation: an answer prepared before would drop them
    // unseen, so answering now needs the version that names them.
    let rsvp = format!("{m}/invitations/{a}");
    let inv = s.get(&format!("{m}/invitations"), Some(&a_admin)).expect(200).body;
    let of_a = inv.as_array().unwrap().iter().find(|i| i["organization_id"] == a.as_str()).unwrap().clone();
    assert_eq!((of_a["answer"].clone(), of_a["version"].clone()), (json!("pending"), json!(2)));
    let answer = json!({"answer": "attending", "people": [{"name": "د. سعاد محمد"}, {"name": "أحمد علي"}]});
    s.put(&rsvp, Some(&a_admin), None, answer.clone()).problem(428, "if_match_required");
    s.call("PUT", &rsvp, with_if_match(&a_admin, "\"1\"", answer.clone())).problem(412, "version_mismatch");
    // An answer names her too: her code stays.
    let first = s.call("PUT", &rsvp, with_if_match(&a_admin, "\"2\"", answer)).expect(200);
    assert_eq!(first.header("etag"), Some("\"3\""));
    assert_eq!(first.body["version"], 3);
    let theirs = s.get(&format!("{m}/participants"), Some(&a_admin)).expect(200).body;
    assert!(theirs.as_array().unwrap().iter().any(|p| p["check_in_code"] == code.as_str()));
    // A second administrator of the same organization, unaware of the first answer.
    let a_second = s.add_member(&a_admin, &a, "second@amal.example", "admin");
    s.put(&rsvp, Some(&a_second), None, json!({"answer": "declined"})).problem(428, "if_match_required");
    s.call("PUT", &rsvp, with_if_match(&a_second, "\"2\"", json!({"answer": "declined"})))
        .problem(412, "version_mismatch");
    let inv = s.get(&format!("{m}/invitations"), Some(&a_second)).expect(200).body;
    assert_eq!((inv[0]["answer"].clone(), inv[0]["representatives"].clone()), (json!("attending"), json!(2)));
    let three = json!({"answer": "attending", "representatives": 3, "people": [{"name": "د. سعاد محمد"}]});
    let r = s.call("PUT", &rsvp, with_if_match(&a_second, "\"3\"", three)).expect(200);
    assert_eq!((r.body["representatives"].clone(), r.header("etag")), (json!(3), Some("\"4\"")));

    // The coordinator manages the meeting: figures and attendance on the day.
    s.get(&format!("{m}/attendance"), Some(&coordinator)).expect(200);
    s.clock.set(at("2026-12-20T08:15:00Z"));
    let coordinator = s.login("coordinator@network.example", PASSWORD);
    let r = s.post(&format!("{m}/check-in"), Some(&coordinator), json!({"code": code})).expect(200);
    assert_eq!(r.body["participant"]["name"], "د. سعاد محمد");

    // Stepping down (or being dismissed) ends it all at once.
    let a_admin = s.login("admin@amal.example", PASSWORD);
    s.delete(&appoint, Some(&a_admin)).problem(403, "forbidden");
    s.delete(&appoint, Some(&coordinator)).expect(204);
    s.delete(&appoint, Some(&coordinator)).problem(404, "not_found");
    // The network's meeting is now out of their sight, as for anyone outside it.
    s.get(&format!("{m}/attendance"), Some(&coordinator)).problem(404, "not_found");
    s.post(&format!("{n}/members"), Some(&coordinator), json!({"organization_id": outside})).problem(403, "forbidden");
    assert_eq!(me(s, &coordinator)["coordinates"], json!([]));

    let admin = s.admin();
    let audit = s.get(&format!("/api/v1/audit?object_type=network&object_id={network}"), Some(&admin)).expect(200);
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"network.coordinator_appoint") && actions.contains(&"network.coordinator_dismiss"));
    assert_eq!(actions.iter().filter(|a| **a == "network.coordinator_appoint").count(), 1, "appointing twice is once");
}

fn a_private_calendar_address_carries_what_its_owner_may_see(s: &TestServer) {
    s.clock.set(at("2026-12-01T08:00:00Z"));
    let admin = s.admin();
    let org = OrgBuilder::new("جمعية الأمل").verified().create(s, &admin);
    let member = s.add_member(&admin, &org, "member@amal.example", "member");
    let body = json!({"title": "اجتماع المدعوين", "kind": "workshop", "organizers": [],
        "starts_local": "2026-12-20T10:00", "ends_local": "2026-12-20T12:00", "time_zone": "Asia/Riyadh",
        "venue_name": "القاعة", "visibility": "invited"});
    let id = s.post("/api/v1/meetings", Some(&admin), body).expect(201).body["id"].as_str().unwrap().to_owned();
    s.post(&format!("/api/v1/meetings/{id}/invitations"), Some(&admin), json!({"organization_ids": [org]})).expect(200);
    let uid = format!("UID:{id}@tashbeek");

    s.get("/api/v1/me/calendar-token", Some(&member)).problem(404, "not_found");
    s.post("/api/v1/me/calendar-token", None, json!({})).problem(401, "unauthorized");
    let made = s.post("/api/v1/me/calendar-token", Some(&member), json!({})).expect(201);
    let token = made.body["token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 40);
    let later = s.get("/api/v1/me/calendar-token", Some(&member)).expect(200).body;
    assert_eq!(later, json!({"created_at": made.body["created_at"]}), "the secret is shown once");

    // Anonymous feeds carry public meetings only; the private address carries the
    // member's invited meeting, on every feed.
    assert!(!s.get("/api/v1/meetings/calendar.ics", None).expect(200).text.contains(&uid));
    for feed in [
        "/api/v1/meetings/calendar.ics".to_owned(),
        format!("/api/v1/organizations/{org}/calendar.ics"),
        format!("/api/v1/meetings/{id}/calendar.ics"),
    ] {
        let sep = if feed.contains('?') { '&' } else { '?' };
        let r = s.get(&format!("{feed}{sep}token={token}"), None).expect(200);
        assert!(r.text.contains(&uid), "{feed}");
    }
    s.get(&format!("/api/v1/meetings/{id}/calendar.ics"), None).problem(404, "not_found");
    s.get(&format!("/api/v1/meetings/calendar.ics?kind=workshop&token={token}"), None).expect(200);
    // It opens calendars only: nothing else takes it.
    s.get(&format!("/api/v1/meetings/{id}?token={token}"), None).problem(404, "not_found");
    s.get(&format!("/api/v1/me?token={token}"), None).problem(401, "unauthorized");

    // A new address replaces the old; a withdrawn or forged one answers 401.
    let renewed = s.post("/api/v1/me/calendar-token", Some(&member), json!({})).expect(201);
    let fresh = renewed.body["token"].as_str().unwrap().to_owned();
    assert_ne!(fresh, token);
    let old = s.get(&format!("/api/v1/meetings/calendar.ics?token={token}"), None);
    old.problem(401, "invalid_calendar_address");
    s.get("/api/v1/meetings/calendar.ics?token=forged", None).problem(401, "invalid_calendar_address");
    assert!(s.get(&format!("/api/v1/meetings/calendar.ics?token={fresh}"), None).expect(200).text.contains(&uid));
    // Leaving the organization takes the meeting out of the feed at once.
    let member_id = me(s, &member)["id"].as_str().unwrap().to_owned();
    s.delete(&format!("/api/v1/organizations/{org}/members/{member_id}"), Some(&admin)).expect(204);
    assert!(!s.get(&format!("/api/v1/meetings/calendar.ics?token={fresh}"), None).expect(200).text.contains(&uid));
    let long = "x".repeat(101);
    s.get(&format!("/api/v1/meetings/calendar.ics?token={long}"), Some(&member)).problem(400, "invalid_parameter");
    s.delete("/api/v1/me/calendar-token", Some(&member)).expect(204);
    s.delete("/api/v1/me/calendar-token", Some(&member)).problem(404, "not_found");
    s.get(&format!("/api/v1/meetings/calendar.ics?token={fresh}"), None).problem(401, "invalid_calendar_address");

    let audit = s.get(&format!("/api/v1/audit?object_type=user&object_id={member_id}"), Some(&admin)).expect(200);
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions.iter().filter(|a| a.starts_with("user.calendar_token")).count(),
        3,
        "two addresses made, one withdrawn: {actions:?}"
    );
}
