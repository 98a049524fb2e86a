//! Meetings from invitation to attendance, and their calendars, on SQLite and
//! PostgreSQL: the founding meeting of a network, as in Shendi and Al-Matamma.

use std::process::Command;

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, urlencode, OrgBuilder, Req, TestServer, PASSWORD};

on_both_backends!(
    a_founding_meeting_from_invitation_to_attendance,
    meetings_are_seen_only_by_those_they_concern,
    calendars_show_local_times_in_every_zone,
);

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

/// Fifteen organizations, each with its own administrator: (org id, admin email).
fn organizations(s: &TestServer, admin: &str, n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| {
            let org = OrgBuilder::new(&format!("منظمة رقم {}", i + 1)).verified().create(s, admin);
            let email = format!("admin{i}@org.example");
            s.add_member(admin, &org, &email, "admin");
            (org, email)
        })
        .collect()
}

fn founding(network: &str, organizer: Option<&str>) -> Value {
    json!({
        "title": "الاجتماع التأسيسي لتجمع منظمات شندي والمتمة",
        "kind": "founding_meeting",
        "network_id": network,
        "organizers": organizer.map(|o| vec![o]).unwrap_or_default(),
        "starts_local": "2026-12-10T10:00",
        "ends_local": "2026-12-10T13:00",
        "time_zone": "Africa/Khartoum",
        "venue_name": "قاعة محلية شندي",
        "venue_address": "شارع السوق، شندي",
        "area": "SD-RN-SHN",
        "visibility": "invited",
        "capacity": 24
    })
}

fn with(mut v: Value, field: &str, value: Value) -> Value {
    v[field] = value;
    v
}

fn meetings_listed(s: &TestServer, token: Option<&str>, query: &str) -> Vec<String> {
    s.get(&format!("/api/v1/meetings{query}"), token).expect(200).body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

fn a_founding_meeting_from_invitation_to_attendance(s: &TestServer) {
    s.clock.set(at("2026-12-01T08:00:00Z"));
    let admin = s.admin();
    let orgs = organizations(s, &admin, 15);
    let token = |i: usize| s.login(&orgs[i].1, PASSWORD);
    let net = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "تجمع شندي والمتمة", "area": "SD-RN"}));
    let network = net.expect(201).body["id"].as_str().unwrap().to_owned();
    // Four organizations are members of the network (they can be elected to its office).
    for (i, (org, _)) in orgs.iter().enumerate().take(4) {
        s.post(&format!("/api/v1/networks/{network}/members"), Some(&admin), json!({"organization_id": org}))
            .expect(204);
        let accept = format!("/api/v1/networks/{network}/members/{org}");
        s.put(&accept, Some(&token(i)), None, json!({"status": "member"})).expect(204);
    }

    // Bad input answers 422 naming the field, and nothing is stored.
    let bad = [
        (with(founding(&network, None), "ends_local", json!("2026-12-10T09:00")), "ends_local"),
        (with(founding(&network, None), "time_zone", json!("Africa/Shendi")), "time_zone"),
        (with(founding(&network, None), "starts_local", json!("10/12/2026 10am")), "starts_local"),
        (with(founding(&network, None), "network_id", json!("0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b")), "network_id"),
        (with(founding(&network, None), "capacity", json!(0)), "capacity"),
    ];
    for (body, field) in bad {
        let r = s.post("/api/v1/meetings", Some(&admin), body).problem(422, "validation_failed");
        assert_eq!(r.fields(), vec![field], "{}", r.text);
    }
    // 02:30 on the night clocks go forward in Beirut does not exist.
    let skipped =
        json!({"time_zone": "Asia/Beirut", "starts_local": "2027-03-28T00:30", "ends_local": "2027-03-28T02:00"});
    let mut body = founding(&network, None);
    body.as_object_mut().unwrap().extend(skipped.as_object().unwrap().clone());
    let r = s.post("/api/v1/meetings", Some(&admin), body).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["starts_local"]);
    // Only coordinators and the administrators of an organizing organization schedule.
    s.post("/api/v1/meetings", Some(&token(0)), founding(&network, None)).problem(403, "forbidden");
    s.post("/api/v1/meetings", Some(&token(0)), founding(&network, Some(&orgs[1].0))).problem(403, "forbidden");
    s.post("/api/v1/meetings", None, founding(&network, None)).problem(401, "unauthorized");
    assert!(meetings_listed(s, Some(&admin), "").is_empty());

    let r = s.post("/api/v1/meetings", Some(&admin), founding(&network, Some(&orgs[0].0))).expect(201);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["starts_at"], "2026-12-10T08:00:00Z", "stored in UTC: Khartoum is UTC+2");
    assert_eq!(r.body["starts_local"], "2026-12-10T10:00:00");
    assert_eq!(r.header("etag"), Some("\"1\""));
    let m = format!("/api/v1/meetings/{id}");

    // Invitations: only its managers invite (an organization not yet invited does not
    // even see it); repeated or unknown organizations are named.
    let all: Vec<&str> = orgs.iter().map(|(o, _)| o.as_str()).collect();
    s.post(&format!("{m}/invitations"), Some(&token(3)), json!({"organization_ids": all})).problem(404, "not_found");
    let r = s.post(&format!("{m}/invitations"), Some(&admin), json!({"organization_ids": [all[1], all[1]]}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["organization_ids[1]"]);
    let r = s.post(&format!("{m}/invitations"), Some(&admin), json!({"organization_ids": all})).expect(200);
    assert_eq!(r.body.as_array().unwrap().len(), 15);
    // The organizer's administrator manages it too: inviting again changes nothing.
    s.post(&format!("{m}/invitations"), Some(&token(0)), json!({"organization_ids": [all[2]]})).expect(200);
    assert_eq!(s.get(&m, Some(&admin)).expect(200).body["invited_count"], 15);

    // Each organization answers only for itself; not even a coordinator answers for it.
    let rsvp = |i: usize| format!("{m}/invitations/{}", orgs[i].0);
    let two = |i: usize| {
        json!({"answer": "attending", "people": [
            {"name": format!("ممثل أول {}", i + 1), "title": "رئيس"},
            {"name": format!("Second delegate {}", i + 1)}
        ]})
    };
    s.put(&rsvp(1), Some(&token(2)), None, two(1)).problem(403, "forbidden");
    s.post(&format!("{m}/invitations"), Some(&token(3)), json!({"organization_ids": all})).problem(403, "forbidden");
    s.put(&rsvp(1), Some(&admin), None, two(1)).problem(403, "forbidden");
    let r = s.put(
        &rsvp(1),
        Some(&token(1)),
        None,
        json!({"answer": "attending", "representatives": 1, "people": two(1)["people"]}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["representatives"]);
    for i in 0..11 {
        let r = s.put(&rsvp(i), Some(&token(i)), None, two(i)).expect(200);
        assert_eq!((r.body["answer"].clone(), r.body["representatives"].clone()), (json!("attending"), json!(2)));
    }
    // 22 of 24 places are taken: three more do not fit, and nothing is stored.
    let three = json!({"answer": "attending", "representatives": 3});
    let r = s.put(&rsvp(11), Some(&token(11)), None, three).problem(409, "over_capacity");
    assert!(r.body["detail"].as_str().unwrap().contains('2'), "{}", r.text);
    s.put(&rsvp(11), Some(&token(11)), None, json!({"answer": "declined"})).expect(200);
    let mine = s.get(&format!("{m}/invitations"), Some(&token(11))).expect(200);
    assert_eq!(mine.body.as_array().unwrap().len(), 1, "an organization sees its own invitation only");
    assert_eq!(mine.body[0]["answer"], "declined");

    // An organization sees its own people's check-in codes, not others'.
    let people = s.get(&format!("{m}/participants"), Some(&token(4))).expect(200).body;
    assert_eq!(people.as_array().unwrap().len(), 2);
    assert!(people[0]["check_in_code"].as_str().is_some_and(|c| c.len() == 24));
    let everyone = s.get(&format!("{m}/participants"), Some(&admin)).expect(200).body;
    let everyone = everyone.as_array().unwrap().clone();
    assert_eq!(everyone.len(), 22);
    // Invited meetings are not for outsiders: 404, as for what does not exist.
    let outsider = s.signup("outsider@x.org", "جمعية خارج الشبكة").0;
    s.get(&m, Some(&outsider)).problem(404, "not_found");
    s.get(&m, None).problem(404, "not_found");
    s.get(&format!("{m}/participants"), Some(&outsider)).problem(404, "not_found");

    // Check-in is for the meeting's day.
    let first_of = |i: usize| -> Value {
        everyone.iter().find(|p| p["organization_id"] == orgs[i].0.as_str() && p["title"] == "رئيس").unwrap().clone()
    };
    let code = |i: usize| first_of(i)["check_in_code"].as_str().unwrap().to_owned();
    let door = format!("{m}/check-in");
    s.post(&door, Some(&admin), json!({"code": code(0)})).problem(409, "not_meeting_day");

    // The day: 08:30 UTC, 10:30 in Shendi. Answers are closed.
    s.clock.set(at("2026-12-10T08:30:00Z"));
    let admin = s.admin();
    let token = |i: usize| s.login(&orgs[i].1, PASSWORD);
    s.put(&rsvp(12), Some(&token(12)), None, json!({"answer": "attending"})).problem(409, "meeting_started");
    // Only the meeting's managers take attendance.
    s.post(&door, Some(&token(5)), json!({"code": code(5)})).problem(403, "forbidden");
    let observer = s.user_with_role(&admin, "officer@ministry.example", "observer");
    s.post(&door, Some(&observer), json!({"code": code(5)})).problem(403, "forbidden");
    // Seven organizations' first delegates by QR code, at the door.
    for (i, (org, _)) in orgs.iter().enumerate().take(7) {
        let r = s.post(&door, Some(&admin), json!({"code": code(i)})).expect(200);
        assert_eq!(r.body["organization"]["organization_id"], org.as_str());
        assert_eq!(r.body["participant"]["check_in_method"], "qr");
    }
    // A reused code, a forged one, and nothing changes.
    s.post(&door, Some(&admin), json!({"code": code(0)})).problem(409, "already_checked_in");
    let r = s.post(&door, Some(&admin), json!({"code": "0123456789abcdef01234567"})).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["code"]);
    // Four more by hand (one is ticked off by the organizer's administrator), and a
    // delegate who was not named is added at the door.
    let attendance = format!("{m}/attendance");
    for (i, (org, _)) in orgs.iter().enumerate().take(11).skip(7) {
        let who = if i == 7 { token(0) } else { admin.clone() };
        let body = json!({"organization_id": org, "participant_id": first_of(i)["id"]});
        s.post(&attendance, Some(&who), body).expect(200);
    }
    let r = s.post(&attendance, Some(&admin), json!({"organization_id": orgs[3].0, "name": "متطوعة من الجمعية"}));
    assert_eq!(r.expect(200).body["participant"]["check_in_method"], "manual");
    let r = s.post(&attendance, Some(&admin), json!({"organization_id": orgs[3].0}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["participant_id"]);
    let r =
        s.post(&attendance, Some(&admin), json!({"organization_id": orgs[13].0, "participant_id": first_of(0)["id"]}));
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["participant_id"]);
    s.post(&attendance, Some(&token(8)), json!({"organization_id": orgs[8].0, "name": "x"})).problem(403, "forbidden");

    let stats = s.get(&attendance, Some(&admin)).expect(200).body;
    assert_eq!(
        stats,
        json!({"invited": 15, "answered": 12, "attending": 11, "declined": 1, "maybe": 0, "representatives": 22,
               "attended_organizations": 11, "attended_people": 12, "checked_in_by_qr": 7})
    );
    s.get(&attendance, Some(&token(4))).problem(403, "forbidden");
    let inv = s.get(&format!("{m}/invitations"), Some(&admin)).expect(200).body;
    let of =
        |i: usize| inv.as_array().unwrap().iter().find(|x| x["organization_id"] == orgs[i].0.as_str()).unwrap().clone();
    assert_eq!(
        (of(3)["attended"].clone(), of(12)["answer"].clone(), of(12)["attended"].clone()),
        (json!(2), json!("pending"), json!(0))
    );
    // Each organization's attendance over time.
    let r = s.get(&format!("/api/v1/organizations/{}/meeting-attendance", orgs[3].0), Some(&token(3))).expect(200);
    assert_eq!(r.body, json!({"invited": 1, "answered": 1, "attended": 1, "people": 2}));
    let outsider = s.login("outsider@x.org", PASSWORD);
    s.get(&format!("/api/v1/organizations/{}/meeting-attendance", orgs[3].0), Some(&outsider))
        .problem(404, "not_found");

    // Every change is in the audit log.
    let audit = s.get(&format!("/api/v1/audit?object_type=meeting&object_id={id}&limit=200"), Some(&admin)).expect(200);
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    let count = |a: &str| actions.iter().filter(|x| **x == a).count();
    assert_eq!(
        (count("meeting.schedule"), count("meeting.invite"), count("meeting.answer"), count("meeting.attendance")),
        (1, 1, 12, 12)
    );

    the_record_of_the_founding_meeting(s, &m, &network, &orgs);
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The founding meeting's record: an agenda with three working papers, minutes approved
/// by the eleven attending organizations then locked, and an election that makes the
/// network's office.
fn the_record_of_the_founding_meeting(s: &TestServer, m: &str, network: &str, orgs: &[(String, String)]) {
    let admin = s.admin();
    let token = |i: usize| s.login(&orgs[i].1, PASSWORD);
    let agenda = format!("{m}/agenda");
    let r = s.get(&agenda, Some(&token(4))).expect(200);
    assert_eq!((r.header("etag"), r.body["items"].clone()), (Some("\"0\""), json!([])));
    let items = json!({"items": [
        {"title": "كلمة الافتتاح", "duration_minutes": 15},
        {"title": "أوراق العمل: واقع المنظمات الطوعية بالمحليتين", "presenter_id": orgs[1].0, "duration_minutes": 60},
        {"title": "انتخاب المكتب التمهيدي", "duration_minutes": 30}
    ]});
    s.put(&agenda, Some(&admin), None, items.clone()).problem(428, "if_match_required");
    s.put(&agenda, Some(&token(5)), Some("\"0\""), items.clone()).problem(403, "forbidden");
    let bad = json!({"items": [{"title": " "}, {"title": "x", "duration_minutes": 0}]});
    let r = s.put(&agenda, Some(&admin), Some("\"0\""), bad).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["items[0].title", "items[1].duration_minutes"]);
    let r = s.put(&agenda, Some(&admin), Some("\"0\""), items).expect(200);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let papers_item = r.body["items"][1]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["items"][1]["presenter"]["organization_id"], orgs[1].0.as_str());
    // Three working papers: two from the coordinator, one from the presenting organization.
    let upload = |token: &str, title: &str| {
        s.call(
            "POST",
            &format!(
                "{m}/agenda/{papers_item}/papers?name=paper.pdf&title={}&authors={}",
                urlencode(title),
                urlencode("هدى، عمر")
            ),
            Req { token: Some(token), raw: Some(("application/pdf", PDF.to_vec())), ..Default::default() },
        )
    };
    upload(&admin, "واقع العمل الطوعي في شندي").expect(201);
    upload(&admin, "التمويل والاستدامة").expect(201);
    let r = upload(&token(1), "الشباب والتطوع").expect(201);
    assert_eq!(r.body["document"]["organization_id"], orgs[1].0.as_str());
    upload(&token(6), "ورقة من خارج البند").problem(403, "forbidden");
    let r = s.get(&agenda, Some(&token(9))).expect(200);
    let papers = r.body["items"][1]["papers"].as_array().unwrap().clone();
    assert_eq!(papers.len(), 3);
    assert_eq!(papers[2]["title"], "الشباب والتطوع");
    let doc = papers[0]["document"]["id"].as_str().unwrap();
    assert_eq!(s.get(&format!("/api/v1/documents/{doc}"), Some(&token(9))).expect(200).bytes, PDF);
    let outsider = s.login("outsider@x.org", PASSWORD);
    s.get(&format!("/api/v1/documents/{doc}"), Some(&outsider)).problem(404, "not_found");
    // An item holding papers cannot be dropped from the agenda.
    let shorter = json!({"items": [{"title": "كلمة الافتتاح"}]});
    s.put(&agenda, Some(&admin), Some("\"1\""), shorter).problem(409, "agenda_item_has_papers");

    // Decisions: an election makes the network's office; its people come from member
    // organizations, each position once.
    let decisions = format!("{m}/decisions");
    let term = |p: &str, name: &str, org: &str, from: &str, to: &str| json!({"position": p, "person_name": name, "organization_id": org, "starts_on": from, "ends_on": to});
    let election = |terms: Vec<Value>| {
        json!({"body": "انتخاب المكتب التمهيدي لمدة عام", "method": "vote", "votes_for": 10, "votes_against": 0,
               "abstentions": 1, "election": {"terms": terms}})
    };
    let first = vec![
        term("chair", "هدى عبد الرحيم", &orgs[0].0, "2026-12-10", "2027-12-09"),
        term("deputy_chair", "عمر الطيب", &orgs[1].0, "2026-12-10", "2027-12-09"),
        term("youth_representative", "سارة محمد", &orgs[2].0, "2026-12-10", "2027-12-09"),
    ];
    s.post(&decisions, Some(&token(1)), election(first.clone())).problem(403, "forbidden");
    let mut outsider_term = first.clone();
    outsider_term[2]["organization_id"] = json!(orgs[13].0);
    let r = s.post(&decisions, Some(&admin), election(outsider_term)).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["election.terms[2].organization_id"]);
    let mut twice = first.clone();
    twice[1]["position"] = json!("chair");
    let r = s.post(&decisions, Some(&admin), election(twice)).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["election.terms[1].position"]);
    let r = s.post(
        &decisions,
        Some(&admin),
        json!({"body": "اعتماد النظام الأساسي", "method": "consensus", "votes_for": 3}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), vec!["votes_for"]);
    assert!(s
        .get(&format!("/api/v1/networks/{network}/office/history"), None)
        .expect(200)
        .body
        .as_array()
        .unwrap()
        .is_empty());
    s.post(&decisions, Some(&admin), json!({"body": "اعتماد النظام الأساسي للتجمع", "method": "consensus"})).expect(201);
    let r = s.post(&decisions, Some(&admin), election(first)).expect(201);
    assert_eq!((r.body["position"].clone(), r.body["elected"].as_array().unwrap().len()), (json!(2), 3));
    // Half a year on, a new chair: the first office's terms end the day before.
    let next = vec![term("chair", "أحمد النور", &orgs[3].0, "2027-06-01", "2028-05-31")];
    s.post(&decisions, Some(&admin), election(next)).expect(201);
    let office = |on: &str| -> Vec<(String, String)> {
        s.get(&format!("/api/v1/networks/{network}/office?on={on}"), None)
            .expect(200)
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["position"].as_str().unwrap().to_owned(), t["person_name"].as_str().unwrap().to_owned()))
            .collect()
    };
    let held = |p: &str, n: &str| (p.to_owned(), n.to_owned());
    assert!(office("2026-12-09").is_empty());
    assert_eq!(
        office("2027-01-15"),
        vec![
            held("chair", "هدى عبد الرحيم"),
            held("deputy_chair", "عمر الطيب"),
            held("youth_representative", "سارة محمد")
        ]
    );
    assert_eq!(office("2027-07-01"), vec![held("chair", "أحمد النور")]);
    let history = s.get(&format!("/api/v1/networks/{network}/office/history"), None).expect(200).body;
    assert_eq!(history.as_array().unwrap().len(), 4);
    assert_eq!(history[1]["ends_on"], "2027-05-31");
    s.get(&format!("/api/v1/networks/{network}/office?on=tomorrow"), None).problem(400, "invalid_parameter");

    // Minutes: written by a manager, circulated to the eleven that attended, approved by
    // each, then locked.
    let minutes = format!("{m}/minutes");
    let body = json!({"body": "انعقد الاجتماع التأسيسي بحضور ممثلي إحدى عشرة منظمة، وانتُخب المكتب التمهيدي."});
    s.post(&minutes, Some(&token(4)), body.clone()).problem(403, "forbidden");
    let r = s.post(&minutes, Some(&admin), body.clone()).expect(201);
    let mid = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!((r.body["status"].clone(), r.body["reviewers"].as_array().unwrap().len()), (json!("draft"), 11));
    s.post(&minutes, Some(&admin), body.clone()).problem(409, "minutes_open");
    assert!(
        s.get(&minutes, Some(&token(4))).expect(200).body.as_array().unwrap().is_empty(),
        "drafts are the managers'"
    );
    let one = format!("{minutes}/{mid}");
    let review =
        |i: usize, verdict: Value| s.put(&format!("{one}/reviews/{}", orgs[i].0), Some(&token(i)), None, verdict);
    review(4, json!({"verdict": "approved"})).problem(409, "not_circulated");
    let circulate = |etag: &str| {
        s.call(
            "POST",
            &format!("{one}/circulate"),
            Req { token: Some(&admin), headers: vec![("If-Match", etag.to_owned())], ..Default::default() },
        )
    };
    circulate("\"7\"").problem(412, "version_mismatch");
    assert_eq!(circulate("\"1\"").expect(200).body["status"], "circulated");
    // Each organization reviews for itself, and only those that attended review.
    s.put(&format!("{one}/reviews/{}", orgs[4].0), Some(&token(5)), None, json!({"verdict": "approved"}))
        .problem(403, "forbidden");
    review(12, json!({"verdict": "approved"})).problem(409, "not_attending");
    let r = review(4, json!({"verdict": "commented"})).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["comment"]);
    review(4, json!({"verdict": "commented", "comment": "نرجو ذكر أسماء ممثلينا"})).expect(200);
    for i in (0..10).filter(|i| *i != 4) {
        assert_eq!(review(i, json!({"verdict": "approved"})).expect(200).body["status"], "circulated");
    }
    let r = review(10, json!({"verdict": "approved"})).expect(200);
    assert_eq!(r.body["status"], "circulated", "one organization has only commented");
    let r = review(4, json!({"verdict": "approved"})).expect(200);
    assert_eq!(r.body["status"], "approved");
    let version = r.body["version"].to_string();
    // Locked: a later edit is refused, and so is a new decision; a correction is a new record.
    s.put(&one, Some(&admin), Some(&format!("\"{version}\"")), body.clone()).problem(409, "minutes_locked");
    review(5, json!({"verdict": "commented", "comment": "متأخر"})).problem(409, "minutes_locked");
    s.post(&decisions, Some(&admin), json!({"body": "قرار لاحق", "method": "consensus"})).problem(409, "minutes_locked");
    let correction = json!({"body": "تصحيح: حضر ممثلان عن منظمة رقم ٤.", "required_percent": 50});
    let r = s.post(&minutes, Some(&admin), correction).expect(201);
    assert_eq!((r.body["corrects_id"].as_str(), r.body["status"].clone()), (Some(mid.as_str()), json!("draft")));
    let seen = s.get(&minutes, Some(&token(4))).expect(200).body;
    assert_eq!(seen.as_array().unwrap().len(), 1, "the approved minutes, not the correction's draft");
    assert_eq!(seen[0]["reviews"].as_array().unwrap().len(), 11);
    let decided = s.get(&decisions, None);
    decided.problem(404, "not_found");
    let decided = s.get(&decisions, Some(&token(7))).expect(200).body;
    assert_eq!(decided.as_array().unwrap().len(), 3);
    // The record is in the audit log, the election also on the network.
    let audit =
        s.get(&format!("/api/v1/audit?object_type=network&object_id={network}&limit=200"), Some(&admin)).expect(200);
    let elections =
        audit.body["items"].as_array().unwrap().iter().filter(|e| e["action"] == "network.office_elect").count();
    assert_eq!(elections, 2);
}

fn meetings_are_seen_only_by_those_they_concern(s: &TestServer) {
    s.clock.set(at("2026-12-01T08:00:00Z"));
    let admin = s.admin();
    let orgs = organizations(s, &admin, 3);
    let token = |i: usize| s.login(&orgs[i].1, PASSWORD);
    let net = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "تجمع شندي", "area": "SD-RN"}));
    let network = net.expect(201).body["id"].as_str().unwrap().to_owned();
    // Organization 0 is a member of the network; organization 1 is invited to the
    // invited-only meeting; organization 2 has nothing to do with either.
    s.post(&format!("/api/v1/networks/{network}/members"), Some(&admin), json!({"organization_id": orgs[0].0}))
        .expect(204);
    s.put(
        &format!("/api/v1/networks/{network}/members/{}", orgs[0].0),
        Some(&token(0)),
        None,
        json!({"status": "member"}),
    )
    .expect(204);
    let mut ids = vec![];
    for (i, visibility) in ["public", "network", "invited"].iter().enumerate() {
        let body = json!({
            "title": format!("لقاء {visibility}"), "kind": "coordination_meeting", "network_id": network,
            "starts_local": format!("2026-12-1{}T10:00", i + 1), "ends_local": format!("2026-12-1{}T12:00", i + 1),
            "time_zone": "Africa/Khartoum", "online_url": "https://meet.example.org/shendi", "visibility": visibility
        });
        ids.push(s.post("/api/v1/meetings", Some(&admin), body).expect(201).body["id"].as_str().unwrap().to_owned());
    }
    s.post(&format!("/api/v1/meetings/{}/invitations", ids[2]), Some(&admin), json!({"organization_ids": [orgs[1].0]}))
        .expect(200);
    assert_eq!(meetings_listed(s, None, ""), vec![ids[0].clone()]);
    assert_eq!(meetings_listed(s, Some(&token(2)), ""), vec![ids[0].clone()]);
    assert_eq!(meetings_listed(s, Some(&token(0)), ""), vec![ids[0].clone(), ids[1].clone()]);
    assert_eq!(meetings_listed(s, Some(&token(1)), ""), vec![ids[0].clone(), ids[2].clone()]);
    assert_eq!(meetings_listed(s, Some(&admin), &format!("?network={network}")), ids);
    assert_eq!(meetings_listed(s, Some(&token(1)), &format!("?organization={}", orgs[1].0)), vec![ids[2].clone()]);
    assert!(meetings_listed(s, Some(&token(0)), &format!("?organization={}", orgs[1].0)).is_empty());
    s.get(&format!("/api/v1/meetings/{}", ids[1]), Some(&token(2))).problem(404, "not_found");
    // Which meetings an organization is invited to is for its members: others see the
    // meetings it holds.
    let public_invite = json!({"organization_ids": [orgs[2].0]});
    s.post(&format!("/api/v1/meetings/{}/invitations", ids[0]), Some(&admin), public_invite).expect(200);
    assert_eq!(meetings_listed(s, Some(&token(2)), &format!("?organization={}", orgs[2].0)), vec![ids[0].clone()]);
    assert!(meetings_listed(s, None, &format!("?organization={}", orgs[2].0)).is_empty());
    assert!(meetings_listed(s, Some(&token(1)), &format!("?organization={}", orgs[2].0)).is_empty());
    // An organization's administrator holds meetings for it, in networks it belongs to.
    let own = |network: Option<&str>, visibility: &str| {
        json!({"title": "ورشة", "kind": "workshop", "network_id": network, "organizers": [orgs[1].0],
               "starts_local": "2026-12-25T10:00", "ends_local": "2026-12-25T12:00", "time_zone": "Africa/Khartoum",
               "venue_name": "المقر", "visibility": visibility})
    };
    let r =
        s.post("/api/v1/meetings", Some(&token(1)), own(Some(&network), "public")).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["network_id"]);
    let r = s.post("/api/v1/meetings", Some(&token(1)), own(None, "network")).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["network_id"]);
    let mut far = own(None, "public");
    far["starts_local"] = json!("-5000-01-01T10:00");
    let r = s.post("/api/v1/meetings", Some(&token(1)), far).problem(422, "validation_failed");
    assert_eq!(r.fields(), vec!["starts_local"]);
    s.get("/api/v1/meetings?from=-5000-01-01T00:00:00Z", None).problem(400, "invalid_parameter");
    let mut with_other = own(None, "public");
    with_other["organizers"] = json!([orgs[1].0, orgs[0].0]);
    s.post("/api/v1/meetings", Some(&token(1)), with_other).problem(403, "forbidden");
    let workshop = s.post("/api/v1/meetings", Some(&token(1)), own(None, "public")).expect(201).body["id"].clone();
    s.put(
        &format!("/api/v1/meetings/{}", workshop.as_str().unwrap()),
        Some(&token(0)),
        Some("\"1\""),
        own(None, "public"),
    )
    .problem(403, "forbidden");
    s.get(&format!("/api/v1/meetings/{}/calendar.ics", ids[2]), None).problem(404, "not_found");
    // Pages, a month, past meetings and bad parameters.
    let first = s.get("/api/v1/meetings?limit=1", Some(&admin)).expect(200);
    let cursor = first.body["next_cursor"].as_str().unwrap();
    assert_eq!(meetings_listed(s, Some(&admin), &format!("?limit=2&cursor={cursor}")), ids[1..].to_vec());
    let december = "?from=2026-12-12T00:00:00Z&to=2026-12-13T00:00:00Z";
    assert_eq!(meetings_listed(s, Some(&admin), december), vec![ids[1].clone()]);
    for q in ["?when=later", "?kind=party", "?from=2026-12-13T00:00:00Z&to=2026-12-12T00:00:00Z", "?limit=500"] {
        s.get(&format!("/api/v1/meetings{q}"), None).problem(400, "invalid_parameter");
    }
    s.clock.set(at("2026-12-20T08:00:00Z"));
    assert_eq!(meetings_listed(s, None, ""), vec![workshop.as_str().unwrap().to_owned()]);
    // A ten-day training that began five days ago is still going on: listed first.
    let training = json!({"title": "دورة تدريبية", "kind": "training", "starts_local": "2026-12-15T09:00",
        "ends_local": "2026-12-24T15:00", "time_zone": "Africa/Khartoum", "venue_name": "المركز", "visibility": "public"});
    let admin = s.admin();
    let training =
        s.post("/api/v1/meetings", Some(&admin), training).expect(201).body["id"].as_str().unwrap().to_owned();
    assert_eq!(meetings_listed(s, None, ""), vec![training.clone(), workshop.as_str().unwrap().to_owned()]);
    // Past: those that started, newest first (the training, still going on, among them).
    assert_eq!(
        meetings_listed(s, Some(&admin), "?when=past"),
        vec![training, ids[2].clone(), ids[1].clone(), ids[0].clone()]
    );
}

/// Parses iCalendar text with Python's `icalendar` (an independent parser) and returns,
/// per event: uid, sequence, status, the TZID, local start and end, and UTC start.
fn parse_ics(text: &str) -> Vec<Value> {
    let script = r#"
import sys, json, icalendar, datetime
cal = icalendar.Calendar.from_ical(sys.stdin.read())
zones = {str(z['TZID']) for z in cal.walk('VTIMEZONE')}
out = []
for e in cal.walk('VEVENT'):
    s, t = e.decoded('DTSTART'), e.decoded('DTEND')
    tzid = e['DTSTART'].params.get('TZID')
    assert tzid is None or tzid in zones, f'no VTIMEZONE for {tzid}'
    out.append({'uid': str(e['UID']), 'sequence': int(e.get('SEQUENCE', 0)), 'status': str(e.get('STATUS')),
                'summary': str(e['SUMMARY']), 'url': str(e.get('URL')), 'tzid': tzid,
                'start_local': s.strftime('%Y-%m-%dT%H:%M'), 'end_local': t.strftime('%Y-%m-%dT%H:%M'),
                'start_utc': s.astimezone(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')})
print(json.dumps(out))
"#;
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 with icalendar (scripts/setup.sh installs it)");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "icalendar failed: {}\n{text}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn calendars_show_local_times_in_every_zone(s: &TestServer) {
    s.clock.set(at("2026-06-01T08:00:00Z"));
    let admin = s.admin();
    let org = OrgBuilder::new("جمعية الشباب").create(s, &admin);
    let net = s.post("/api/v1/networks", Some(&admin), json!({"name_ar": "شبكة المشرق", "area": "SD"})).expect(201);
    let network = net.body["id"].as_str().unwrap().to_owned();
    let schedule = |title: &str, zone: &str, start: &str, end: &str| -> String {
        let body = json!({"title": title, "kind": "workshop", "network_id": network, "organizers": [org],
            "starts_local": start, "ends_local": end, "time_zone": zone, "venue_name": "القاعة", "visibility": "public"});
        s.post("/api/v1/meetings", Some(&admin), body).expect(201).body["id"].as_str().unwrap().to_owned()
    };
    // Beirut keeps daylight saving time: UTC+3 in July, UTC+2 in December.
    let summer = schedule("ورشة الصيف، بيروت؛ اليوم الأول", "Asia/Beirut", "2026-07-15T18:00", "2026-07-15T20:30");
    let winter = schedule("ورشة الشتاء", "Asia/Beirut", "2026-12-15T18:00", "2026-12-15T20:30");
    let muscat = schedule("ملتقى الجمعيات المهنية", "Asia/Muscat", "2026-09-01T09:00", "2026-09-01T14:00");

    let one = s.get(&format!("/api/v1/meetings/{summer}/calendar.ics"), None).expect(200);
    assert_eq!(one.header("content-type"), Some("text/calendar; charset=utf-8"));
    let e = &parse_ics(&one.text)[0];
    assert_eq!(
        (e["tzid"].clone(), e["start_local"].clone(), e["end_local"].clone(), e["start_utc"].clone()),
        (json!("Asia/Beirut"), json!("2026-07-15T18:00"), json!("2026-07-15T20:30"), json!("2026-07-15T15:00:00Z"))
    );
    assert_eq!(e["summary"], "ورشة الصيف، بيروت؛ اليوم الأول");
    assert_eq!(e["uid"], format!("{summer}@tashbeek"));
    assert!(e["url"].as_str().unwrap().ends_with(&format!("/meetings/{summer}")));

    // A change raises SEQUENCE; a cancelled meeting stays in the feed, marked cancelled.
    let path = format!("/api/v1/meetings/{winter}");
    let edit = json!({"title": "ورشة الشتاء (موعد جديد)", "kind": "workshop", "network_id": network, "organizers": [org],
        "starts_local": "2026-12-16T17:00", "ends_local": "2026-12-16T19:00", "time_zone": "Asia/Beirut",
        "venue_name": "القاعة", "visibility": "public"});
    s.put(&path, Some(&admin), Some("\"1\""), edit).expect(200);
    let body = s.get(&path, Some(&admin)).expect(200).body;
    assert_eq!(body["starts_at"], "2026-12-16T15:00:00Z");
    let r = s.post(&format!("/api/v1/meetings/{muscat}/cancel"), Some(&admin), json!({"reason": "تأجل"}));
    r.problem(428, "if_match_required");
    let cancel = tashbeek_tests::Req {
        token: Some(&admin),
        json: Some(json!({"reason": "تأجل إلى موعد يحدد لاحقاً"})),
        headers: vec![("If-Match", "\"1\"".to_owned())],
        ..Default::default()
    };
    assert_eq!(
        s.call("POST", &format!("/api/v1/meetings/{muscat}/cancel"), cancel).expect(200).body["status"],
        "cancelled"
    );
    // Cancelled meetings leave the list but stay in calendars.
    assert_eq!(meetings_listed(s, None, ""), vec![summer.clone(), winter.clone()]);

    for feed in [
        format!("/api/v1/networks/{network}/calendar.ics"),
        format!("/api/v1/organizations/{org}/calendar.ics"),
        "/api/v1/meetings/calendar.ics?kind=workshop".to_owned(),
    ] {
        let events = parse_ics(&s.get(&feed, Some(&admin)).expect(200).text);
        let by = |id: &str| events.iter().find(|e| e["uid"] == format!("{id}@tashbeek")).unwrap().clone();
        assert_eq!(events.len(), 3, "{feed}");
        assert_eq!(
            (by(&winter)["start_local"].clone(), by(&winter)["start_utc"].clone()),
            (json!("2026-12-16T17:00"), json!("2026-12-16T15:00:00Z"))
        );
        assert_eq!((by(&winter)["sequence"].clone(), by(&summer)["sequence"].clone()), (json!(1), json!(0)));
        assert_eq!(
            (by(&muscat)["status"].clone(), by(&muscat)["start_local"].clone()),
            (json!("CANCELLED"), json!("2026-09-01T09:00"))
        );
        assert_eq!(by(&summer)["status"], "CONFIRMED");
    }
    assert!(parse_ics(&s.get("/api/v1/meetings/calendar.ics?kind=forum", None).expect(200).text).is_empty());
    s.get("/api/v1/meetings/calendar.ics?kind=party", None).problem(400, "invalid_parameter");
}
