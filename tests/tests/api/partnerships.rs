//! Partnerships every party confirms, on SQLite and PostgreSQL: the three-party
//! lifecycle, who may answer for whom, amendments that go back to exactly the parties
//! they concern, concurrent answers, what the public sees, lists and records.

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, Req, TestServer};

on_both_backends!(
    a_partnership_is_confirmed_by_every_party_and_only_then_public,
    amendments_go_back_to_the_parties_they_concern,
    bad_proposals_and_forbidden_answers_store_nothing,
    declines_endings_lists_and_records,
    activities_and_outcomes_are_public_only_once_every_other_party_endorses,
    the_graph_draws_confirmed_public_partnerships_laid_out_once_per_change,
);

pub(crate) struct Three {
    pub(crate) admin: String,
    pub(crate) tokens: [String; 3],
    pub(crate) orgs: [String; 3],
}

pub(crate) fn three_verified_organizations(s: &TestServer) -> Three {
    let admin = s.admin();
    let (a, a_org) = s.signup("amal@x.org", "جمعية الأمل الخيرية");
    let (b, b_org) = s.signup("nafeer@x.org", "منظمة نفير للتنمية");
    let (c, c_org) = s.signup("health@x.org", "المركز الصحي بشندي");
    for o in [&a_org, &b_org, &c_org] {
        s.verify(&admin, o);
    }
    Three { admin, tokens: [a, b, c], orgs: [a_org, b_org, c_org] }
}

pub(crate) fn proposal(t: &Three) -> Value {
    json!({
        "title_ar": "برنامج الإحالة الصحية في شندي",
        "kind": "service_referral",
        "sectors": ["health"],
        "areas": ["SD-RN-SHN"],
        "starts_on": "2026-01-01",
        "ends_on": "2030-12-31",
        "objectives": ["إحالة الحالات المزمنة إلى المركز الصحي"],
        "parties": [
            {"organization_id": t.orgs[0], "role": "lead", "contribution": "تنسيق الإحالات"},
            {"organization_id": t.orgs[1], "role": "implementing", "contribution": "متطوعون للمتابعة"},
            {"organization_id": t.orgs[2], "role": "hosting", "value": {"kind": "in_kind", "amount": 250000, "currency": "sdg"}}
        ],
        "proposed_by": t.orgs[0],
    })
}

fn states(p: &Value) -> Vec<String> {
    p["parties"].as_array().unwrap().iter().map(|x| x["state"].as_str().unwrap().to_owned()).collect()
}

pub(crate) fn answer(
    s: &TestServer,
    token: &str,
    id: &str,
    org: &str,
    answer: &str,
    terms: i64,
) -> tashbeek_tests::Resp {
    s.put(
        &format!("/api/v1/partnerships/{id}/parties/{org}"),
        Some(token),
        None,
        json!({"answer": answer, "terms_version": terms}),
    )
}

/// A party's administrator (`token`) ends partnership `id` with `reason`, echoing `etag`.
pub(crate) fn end(s: &TestServer, token: &str, id: &str, etag: &str, reason: &str) -> tashbeek_tests::Resp {
    s.call(
        "POST",
        &format!("/api/v1/partnerships/{id}/end"),
        Req {
            token: Some(token),
            json: Some(json!({"reason": reason})),
            headers: vec![("If-Match", etag.to_owned())],
            ..Default::default()
        },
    )
}

fn ids(r: &tashbeek_tests::Resp) -> Vec<String> {
    r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_owned()).collect()
}

pub(crate) fn actions(s: &TestServer, admin: &str, id: &str) -> Vec<String> {
    let audit = s.get(&format!("/api/v1/audit?object_type=partnership&object_id={id}"), Some(admin)).expect(200);
    audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap().to_owned()).collect()
}

fn a_partnership_is_confirmed_by_every_party_and_only_then_public(s: &TestServer) {
    let t = three_verified_organizations(s);
    let (outsider, _) = s.signup("other@x.org", "فريق شباب المتمة");
    let r = s.post("/api/v1/partnerships", Some(&t.tokens[0]), proposal(&t)).expect(201);
    assert_eq!(r.header("etag"), Some("\"1\""));
    let id = r.body["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/partnerships/{id}");
    // Proposing confirms the proposer's own party; the others are awaited.
    assert_eq!(r.body["status"], "proposed");
    assert_eq!(states(&r.body), ["confirmed", "awaiting", "awaiting"]);
    assert_eq!((r.body["confirmed_count"].clone(), r.body["terms_version"].clone()), (json!(1), json!(1)));
    assert_eq!(r.body["parties"][2]["value"]["currency"], "SDG");
    assert_eq!(r.body["public"], false);
    // Nothing proposed is public, nor visible to organizations that are not parties.
    s.get(&path, None).problem(404, "not_found");
    s.get(&path, Some(&outsider)).problem(404, "not_found");
    assert!(ids(&s.get("/api/v1/partnerships", None).expect(200)).is_empty());
    assert_eq!(ids(&s.get("/api/v1/partnerships", Some(&t.tokens[1])).expect(200)), vec![id.clone()]);

    // One party confirms: still proposed.
    let r = answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).expect(200);
    assert_eq!((r.body["status"].clone(), r.body["confirmed_count"].clone()), (json!("proposed"), json!(2)));
    // Nobody confirms for another organization: not an outsider (who cannot even see
    // it), not another party, not a platform administrator.
    answer(s, &outsider, &id, &t.orgs[2], "confirmed", 1).problem(404, "not_found");
    answer(s, &t.tokens[1], &id, &t.orgs[2], "confirmed", 1).problem(403, "forbidden");
    answer(s, &t.admin, &id, &t.orgs[2], "confirmed", 1).problem(403, "forbidden");
    answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 7).problem(409, "terms_changed");
    answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).problem(409, "already_answered");
    assert_eq!(states(&s.get(&path, Some(&t.admin)).expect(200).body), ["confirmed", "confirmed", "awaiting"]);

    // The last party confirms: confirmed (active, as its dates have begun) and public.
    let r = answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 1).expect(200);
    assert_eq!((r.body["status"].clone(), r.body["confirmed_count"].clone()), (json!("active"), json!(3)));
    let public = s.get(&path, None).expect(200);
    assert_eq!(public.body["public"], true);
    assert_eq!(states(&public.body), ["confirmed", "confirmed", "confirmed"]);
    assert!(public.body["parties"].as_array().unwrap().iter().all(|p| p["answered_at"].is_string()));
    assert!(public.body["confirmed_at"].is_string());
    assert_eq!(ids(&s.get("/api/v1/partnerships", None).expect(200)), vec![id.clone()]);
    // Lists name the parties as they are named now: a renamed party at once.
    let named = || {
        let list = s.get("/api/v1/partnerships", None).expect(200);
        list.body["items"][0]["parties"][1]["name_ar"].as_str().unwrap().to_owned()
    };
    assert_eq!(named(), "منظمة نفير للتنمية");
    let org_path = format!("/api/v1/organizations/{}", t.orgs[1]);
    let version = s.get(&org_path, Some(&t.admin)).expect(200).body["version"].as_i64().unwrap();
    let renamed = tashbeek_tests::OrgBuilder::new("منظمة نفير للتنمية المستدامة").body();
    s.put(&org_path, Some(&t.admin), Some(&format!("\"{version}\"")), renamed).expect(200);
    assert_eq!(named(), "منظمة نفير للتنمية المستدامة");
    // Now that the outsider sees it, answering for a party is a 403, not a 404.
    answer(s, &outsider, &id, &t.orgs[2], "declined", 1).problem(403, "forbidden");
    // Once every party confirmed, a party stops it by ending it with a reason, not by declining.
    answer(s, &t.tokens[2], &id, &t.orgs[2], "declined", 1).problem(409, "already_confirmed");
    let history = s.get(&format!("{path}/history"), None).expect(200);
    let steps: Vec<(String, String)> = history
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["action"].as_str().unwrap().to_owned(), h["organization_id"].as_str().unwrap().to_owned()))
        .collect();
    assert_eq!(
        steps,
        [
            ("partnership.propose".to_owned(), t.orgs[0].clone()),
            ("partnership.answer".to_owned(), t.orgs[1].clone()),
            ("partnership.answer".to_owned(), t.orgs[2].clone()),
        ]
    );
    // A party that stops being verified takes the partnership out of public view.
    s.decide(&t.admin, &t.orgs[1], json!({"status": "suspended", "reason": "مراجعة الوثائق"})).expect(200);
    s.get(&path, None).problem(404, "not_found");
    s.verify(&t.admin, &t.orgs[1]);
    s.get(&path, None).expect(200);
    assert_eq!(
        actions(s, &t.admin, &id),
        ["partnership.answer", "partnership.answer", "partnership.propose"].map(String::from)
    );
}

fn amendments_go_back_to_the_parties_they_concern(s: &TestServer) {
    let t = three_verified_organizations(s);
    let body = proposal(&t);
    let id = s.post("/api/v1/partnerships", Some(&t.tokens[0]), body.clone()).expect(201).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/partnerships/{id}");
    answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).expect(200);
    answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 1).expect(200);
    // A change of one party's own contribution: only that party confirms again.
    let mut amended = body.clone();
    amended["parties"][2]["contribution"] = json!("قاعة الاجتماعات يومين في الأسبوع");
    amended.as_object_mut().unwrap().remove("proposed_by");
    s.put(&path, Some(&t.tokens[1]), None, amended.clone()).problem(428, "if_match_required");
    s.put(&path, Some(&t.tokens[1]), Some("\"1\""), amended.clone()).problem(412, "version_mismatch");
    let (outsider, _) = s.signup("other@x.org", "فريق شباب المتمة");
    s.put(&path, Some(&outsider), Some("\"3\""), amended.clone()).problem(403, "forbidden");
    let r = s.put(&path, Some(&t.tokens[1]), Some("\"3\""), amended.clone()).expect(200);
    assert_eq!(r.body["reconfirmation"], json!([t.orgs[2]]));
    let p = &r.body["partnership"];
    assert_eq!(states(p), ["confirmed", "confirmed", "awaiting"]);
    assert_eq!(
        (p["status"].clone(), p["terms_version"].clone(), p["public"].clone()),
        (json!("proposed"), json!(2), json!(false))
    );
    s.get(&path, None).problem(404, "not_found");
    let last =
        s.get(&format!("{path}/history"), Some(&t.tokens[0])).expect(200).body.as_array().unwrap().last().cloned();
    let last = last.unwrap();
    assert_eq!(
        (last["action"].clone(), last["reconfirmation"].clone()),
        (json!("partnership.amend"), json!([t.orgs[2]]))
    );
    // An answer to the old terms is refused; to the new, it counts.
    answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 1).problem(409, "terms_changed");
    let r = answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 2).expect(200);
    assert_eq!(r.body["status"], "active");
    // Shared terms concern every party.
    amended["ends_on"] = json!("2031-06-30");
    let r = s.put(&path, Some(&t.tokens[0]), Some("\"5\""), amended).expect(200);
    assert_eq!(r.body["reconfirmation"], json!(t.orgs));
    assert_eq!(states(&r.body["partnership"]), ["awaiting", "awaiting", "awaiting"]);
    // Two parties confirming at the same moment both count.
    let codes: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let (token, org, id) = (&t.tokens[i], &t.orgs[i], &id);
                scope.spawn(move || answer(s, token, id, org, "confirmed", 3).status)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(codes, [200, 200]);
    let p = s.get(&path, Some(&t.admin)).expect(200);
    assert_eq!(states(&p.body), ["confirmed", "confirmed", "awaiting"]);
    assert_eq!(p.body["version"], 8);
    let r = answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 3).expect(200);
    assert_eq!((r.body["status"].clone(), r.body["public"].clone()), (json!("active"), json!(true)));
}

fn bad_proposals_and_forbidden_answers_store_nothing(s: &TestServer) {
    let t = three_verified_organizations(s);
    let observer = s.user_with_role(&t.admin, "officer@ministry.example", "observer");
    let good = proposal(&t);
    let post = |token: Option<&str>, body: Value| s.post("/api/v1/partnerships", token, body);
    post(None, good.clone()).problem(401, "unauthorized");
    post(Some(&observer), good.clone()).problem(403, "forbidden");
    // Acting for a party is for its own administrators, platform administrators included.
    let mut as_other = good.clone();
    as_other["proposed_by"] = json!(t.orgs[1]);
    post(Some(&t.tokens[0]), as_other.clone()).problem(403, "forbidden");
    post(Some(&t.admin), as_other).problem(403, "forbidden");
    let mut bad = good.clone();
    bad.as_object_mut().unwrap().remove("proposed_by");
    assert_eq!(post(Some(&t.tokens[0]), bad).problem(422, "validation_failed").fields(), ["proposed_by"]);
    let mut bad = good.clone();
    bad["parties"] = json!([good["parties"][0]]);
    bad["title_ar"] = json!("Referral");
    bad["ends_on"] = json!("2025-01-01");
    assert_eq!(
        post(Some(&t.tokens[0]), bad).problem(422, "validation_failed").fields(),
        ["title_ar", "ends_on", "parties"]
    );
    let mut bad = good.clone();
    bad["sectors"] = json!(["astrology"]);
    bad["areas"] = json!(["XX"]);
    bad["parties"][1]["organization_id"] = json!("0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b");
    assert_eq!(
        post(Some(&t.tokens[0]), bad).problem(422, "validation_failed").fields(),
        ["sectors[0]", "areas[0]", "parties[1].organization_id"]
    );
    let mut bad = good.clone();
    bad["parties"][2]["organization_id"] = json!(t.orgs[0]);
    bad["parties"][1]["role"] = json!("sponsor");
    post(Some(&t.tokens[0]), bad).problem(422, "validation_failed");
    // A pending organization that the proposer cannot see is unknown, like a missing one.
    let (_, hidden) = s.signup("pending@x.org", "جمعية لم تراجع بعد");
    let mut bad = good.clone();
    bad["parties"][1]["organization_id"] = json!(hidden);
    assert_eq!(
        post(Some(&t.tokens[0]), bad).problem(422, "validation_failed").fields(),
        ["parties[1].organization_id"]
    );
    assert!(ids(&s.get("/api/v1/partnerships", Some(&t.admin)).expect(200)).is_empty());
    let audit = s.get("/api/v1/audit?object_type=partnership", Some(&t.admin)).expect(200);
    assert!(audit.body["items"].as_array().unwrap().is_empty());
    // A platform administrator may propose for no party: then every party confirms.
    let mut by_admin = good.clone();
    by_admin.as_object_mut().unwrap().remove("proposed_by");
    let r = post(Some(&t.admin), by_admin).expect(201);
    assert_eq!(states(&r.body), ["awaiting", "awaiting", "awaiting"]);
    assert_eq!(r.body["proposed_by"], Value::Null);
    let id = r.body["id"].as_str().unwrap().to_owned();
    // Bad answers change nothing.
    let url = format!("/api/v1/partnerships/{id}/parties/{}", t.orgs[0]);
    s.put(&url, Some(&t.tokens[0]), None, json!({"answer": "maybe", "terms_version": 1}))
        .problem(422, "validation_failed");
    s.put(&url, Some(&t.tokens[0]), None, json!({"answer": "confirmed"})).problem(422, "validation_failed");
    let (_, fourth) = s.signup("fourth@x.org", "جمعية رابعة");
    answer(s, &t.tokens[0], &id, &fourth, "confirmed", 1).problem(404, "not_found");
    s.get("/api/v1/partnerships/not-a-uuid", None).problem(404, "not_found");
    let p = s.get(&format!("/api/v1/partnerships/{id}"), Some(&t.admin)).expect(200);
    assert_eq!((states(&p.body), p.body["version"].clone()), (vec!["awaiting".to_owned(); 3], json!(1)));
    assert_eq!(actions(s, &t.admin, &id), ["partnership.propose"]);
}

fn declines_endings_lists_and_records(s: &TestServer) {
    let t = three_verified_organizations(s);
    let first = s.post("/api/v1/partnerships", Some(&t.tokens[0]), proposal(&t)).expect(201).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut education = proposal(&t);
    education["sectors"] = json!(["education"]);
    education["areas"] = json!(["OM"]);
    education["starts_on"] = Value::Null;
    education["ends_on"] = Value::Null;
    let second = s.post("/api/v1/partnerships", Some(&t.tokens[0]), education).expect(201).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A party declines, saying why: declined, whatever the others answer.
    let r = s
        .put(
            &format!("/api/v1/partnerships/{second}/parties/{}", t.orgs[1]),
            Some(&t.tokens[1]),
            None,
            json!({"answer": "declined", "comment": "لم نتفق على هذا البرنامج", "terms_version": 1}),
        )
        .expect(200);
    assert_eq!(r.body["status"], "declined");
    assert_eq!(r.body["parties"][1]["comment"], "لم نتفق على هذا البرنامج");
    answer(s, &t.tokens[2], &second, &t.orgs[2], "confirmed", 1).expect(200);
    assert_eq!(s.get(&format!("/api/v1/partnerships/{second}"), Some(&t.admin)).body["status"], "declined");
    // The inbox: what awaits an answer from the organizations I administer.
    let inbox = |token: &str| ids(&s.get("/api/v1/partnerships?awaiting=true", Some(token)).expect(200));
    assert_eq!(inbox(&t.tokens[2]), vec![first.clone()]);
    assert_eq!(inbox(&t.tokens[1]), vec![first.clone()]);
    assert!(inbox(&t.tokens[0]).is_empty());
    s.get("/api/v1/partnerships?awaiting=true", None).problem(401, "unauthorized");
    // Someone who administers no organization has an empty inbox (a platform administrator
    // answers for none), with or without other filters.
    assert!(inbox(&t.admin).is_empty());
    let r = s.get("/api/v1/partnerships?awaiting=true&area=SD-RN&sector=health", Some(&t.admin)).expect(200);
    assert_eq!(r.body["items"], json!([]));
    answer(s, &t.tokens[1], &first, &t.orgs[1], "confirmed", 1).expect(200);
    answer(s, &t.tokens[2], &first, &t.orgs[2], "confirmed", 1).expect(200);
    assert!(inbox(&t.tokens[2]).is_empty());
    // Views by organization, area (with everything below it), sector and status.
    let list = |q: &str| ids(&s.get(&format!("/api/v1/partnerships?{q}"), Some(&t.admin)).expect(200));
    assert_eq!(list(&format!("organization={}", t.orgs[2])), [second.clone(), first.clone()]);
    assert_eq!(list("area=SD"), vec![first.clone()]);
    assert_eq!(list("area=SD-RN-SHN,OM"), [second.clone(), first.clone()]);
    assert_eq!(list("sector=education"), vec![second.clone()]);
    assert_eq!(list("status=declined"), vec![second.clone()]);
    assert_eq!(list("status=active,completed"), vec![first.clone()]);
    assert_eq!(list("status=active&sector=health&area=SD-RN"), vec![first.clone()]);
    // A whole country and a sector (the sector's partnerships walked beside the country's).
    assert_eq!(list("area=SD&sector=health"), vec![first.clone()]);
    assert_eq!(list("area=OM&sector=health"), Vec::<String>::new());
    assert_eq!(list("area=SD,OM&sector=education"), vec![second.clone()]);
    assert_eq!(list("area=SD-RN&sector=health,education"), vec![first.clone()]);
    let one = s.get("/api/v1/partnerships?area=SD&sector=health&limit=1", Some(&t.admin)).expect(200);
    assert_eq!((ids(&one), one.body["next_cursor"].clone()), (vec![first.clone()], Value::Null));
    let page = s.get("/api/v1/partnerships?limit=1", Some(&t.admin)).expect(200);
    assert_eq!(ids(&page), vec![second.clone()]);
    let next = page.body["next_cursor"].as_str().unwrap();
    assert_eq!(
        ids(&s.get(&format!("/api/v1/partnerships?limit=1&cursor={next}"), Some(&t.admin))),
        vec![first.clone()]
    );
    let bad = |q: &str, field: &str| {
        let r = s.get(&format!("/api/v1/partnerships?{q}"), None).problem(400, "invalid_parameter");
        assert_eq!(r.fields(), [field]);
    };
    bad("area=XX", "area");
    bad("sector=astrology", "sector");
    bad("status=maybe", "status");
    bad("limit=0", "limit");
    bad("colour=red", "colour");
    // The public sees the confirmed one only.
    assert_eq!(ids(&s.get("/api/v1/partnerships", None).expect(200)), vec![first.clone()]);
    // A party ends it early, saying why.
    let end = |token: &str, etag: &str, reason: &str| end(s, token, &first, etag, reason);
    let (outsider, _) = s.signup("other@x.org", "فريق شباب المتمة");
    end(&outsider, "\"3\"", "لا علاقة لنا").problem(403, "forbidden");
    assert_eq!(end(&t.tokens[2], "\"3\"", " ").problem(422, "validation_failed").fields(), ["reason"]);
    let r = end(&t.tokens[2], "\"3\"", "انتهى التمويل قبل موعده").expect(200);
    assert_eq!(
        (r.body["status"].clone(), r.body["ended_reason"].clone()),
        (json!("ended"), json!("انتهى التمويل قبل موعده"))
    );
    end(&t.tokens[2], "\"4\"", "مرة أخرى").problem(409, "partnership_ended");
    answer(s, &t.tokens[0], &first, &t.orgs[0], "declined", 1).problem(409, "partnership_ended");
    // An organization's record: confirmed partnerships, and how many of its proposals
    // every party confirmed.
    let record = s.get(&format!("/api/v1/organizations/{}/partnership-record", t.orgs[0]), None).expect(200);
    assert_eq!(record.body, json!({"confirmed": 1, "proposed": 2, "proposed_confirmed": 1}));
    let record = s.get(&format!("/api/v1/organizations/{}/partnership-record", t.orgs[1]), None).expect(200);
    assert_eq!(record.body, json!({"confirmed": 1, "proposed": 0, "proposed_confirmed": 0}));
}

pub(crate) fn confirmed_partnership(s: &TestServer, t: &Three) -> String {
    let id = s.post("/api/v1/partnerships", Some(&t.tokens[0]), proposal(t)).expect(201).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).expect(200);
    answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 1).expect(200);
    id
}

fn report_ids(r: &tashbeek_tests::Resp) -> Vec<(String, String)> {
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["summary"].as_str().unwrap().to_owned(), i["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn activities_and_outcomes_are_public_only_once_every_other_party_endorses(s: &TestServer) {
    let t = three_verified_organizations(s);
    // Nothing is reported on a partnership not every party confirmed.
    let proposed = s.post("/api/v1/partnerships", Some(&t.tokens[0]), proposal(&t)).expect(201).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let activity = json!({"kind": "activity", "reported_by": t.orgs[0], "happened_on": "2026-11-20",
        "summary": "تدريب المتطوعين على الإسعافات الأولية", "parties": [t.orgs[0], t.orgs[1]], "area": "SD-RN-SHN"});
    s.post(&format!("/api/v1/partnerships/{proposed}/reports"), Some(&t.tokens[0]), activity.clone())
        .problem(409, "not_confirmed");
    let id = confirmed_partnership(s, &t);
    let reports = format!("/api/v1/partnerships/{id}/reports");
    // Bad input is refused, naming each field, and stores nothing.
    let bad = json!({"kind": "outcome", "reported_by": t.orgs[0], "happened_on": "2999-01-01", "summary": "",
        "measures": [{"metric": "money_spent", "value": -5}], "links": ["ftp://x"], "area": "XX"});
    let r = s.post(&reports, Some(&t.tokens[0]), bad).problem(422, "validation_failed");
    assert_eq!(r.fields(), ["happened_on", "summary", "measures[0].value", "measures[0].currency", "links[0]"]);
    let mut elsewhere = activity.clone();
    elsewhere["area"] = json!("XX");
    elsewhere["parties"] = json!([t.orgs[0], "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"]);
    let r = s.post(&reports, Some(&t.tokens[0]), elsewhere).problem(422, "validation_failed");
    assert_eq!(r.fields(), ["parties[1]", "area"]);
    // Only the reporting party's own members report for it.
    s.post(&reports, Some(&t.tokens[1]), activity.clone()).problem(403, "forbidden");
    s.post(&reports, Some(&t.admin), activity.clone()).problem(403, "forbidden");
    s.post(&reports, None, activity.clone()).problem(401, "unauthorized");
    assert!(report_ids(&s.get(&reports, Some(&t.admin)).expect(200)).is_empty());

    let a = s.post(&reports, Some(&t.tokens[0]), activity).expect(201);
    assert_eq!(a.body["status"], "awaiting");
    let a_id = a.body["id"].as_str().unwrap().to_owned();
    let outcome = json!({"kind": "outcome", "reported_by": t.orgs[2], "happened_on": "2026-11-30",
        "summary": "قافلة صحية في حي الشاطئ",
        "measures": [{"metric": "beneficiaries", "value": 412, "group": "أطفال دون الخامسة"},
                     {"metric": "money_spent", "value": 1200000, "currency": "sdg"}],
        "links": ["https://example.org/report.pdf"]});
    let o = s.post(&reports, Some(&t.tokens[2]), outcome).expect(201);
    assert_eq!(o.body["measures"][1]["currency"], "SDG");
    let o_id = o.body["id"].as_str().unwrap().to_owned();
    let review = |token: &str, report: &str, org: &str, body: Value| {
        s.put(&format!("{reports}/{report}/reviews/{org}"), Some(token), None, body)
    };
    // The reporter does not review itself; nobody reviews for another organization.
    review(&t.tokens[0], &a_id, &t.orgs[0], json!({"verdict": "endorsed"})).problem(409, "own_report");
    review(&t.tokens[0], &a_id, &t.orgs[1], json!({"verdict": "endorsed"})).problem(403, "forbidden");
    review(&t.admin, &a_id, &t.orgs[1], json!({"verdict": "endorsed"})).problem(403, "forbidden");
    let r = review(&t.tokens[2], &a_id, &t.orgs[2], json!({"verdict": "disputed"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["comment"]);
    // One endorsement of two: awaiting. A dispute by the other: disputed, whatever else.
    let r = review(&t.tokens[1], &a_id, &t.orgs[1], json!({"verdict": "endorsed"})).expect(200);
    assert_eq!(r.body["status"], "awaiting");
    let r = review(&t.tokens[2], &a_id, &t.orgs[2], json!({"verdict": "disputed", "comment": "لم يحضر أحد من طرفنا"}))
        .expect(200);
    assert_eq!(r.body["status"], "disputed");
    assert_eq!(r.body["reviews"][1]["comment"], "لم يحضر أحد من طرفنا");
    // The outcome: both other parties endorse it.
    review(&t.tokens[0], &o_id, &t.orgs[0], json!({"verdict": "endorsed"})).expect(200);
    let r = review(&t.tokens[1], &o_id, &t.orgs[1], json!({"verdict": "endorsed"})).expect(200);
    assert_eq!(r.body["status"], "endorsed");
    // The parties see both, the public only what every other party endorsed.
    let all = report_ids(&s.get(&reports, Some(&t.tokens[1])).expect(200));
    assert_eq!(
        all,
        [
            ("قافلة صحية في حي الشاطئ".to_owned(), "endorsed".to_owned()),
            ("تدريب المتطوعين على الإسعافات الأولية".to_owned(), "disputed".to_owned())
        ]
    );
    let (outsider, _) = s.signup("other@x.org", "فريق شباب المتمة");
    for viewer in [None, Some(outsider.as_str())] {
        let public = report_ids(&s.get(&reports, viewer).expect(200));
        assert_eq!(public, [("قافلة صحية في حي الشاطئ".to_owned(), "endorsed".to_owned())]);
    }
    s.get(&format!("/api/v1/partnerships/{proposed}/reports"), None).problem(404, "not_found");
    // The partnership's history is its own steps: reports and their reviews are not in it.
    let history = s.get(&format!("/api/v1/partnerships/{id}/history"), None).expect(200);
    let actions: Vec<&str> = history.body.as_array().unwrap().iter().map(|h| h["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["partnership.propose", "partnership.answer", "partnership.answer"]);
    // A party that changes its mind to a dispute takes the outcome out of public view.
    review(&t.tokens[0], &o_id, &t.orgs[0], json!({"verdict": "disputed", "comment": "الأرقام غير دقيقة"})).expect(200);
    assert!(report_ids(&s.get(&reports, None).expect(200)).is_empty());
    let audit = s.get(
        &format!("/api/v1/audit?object_type=partnership&object_id={id}&action=partnership.report_review"),
        Some(&t.admin),
    );
    assert_eq!(audit.expect(200).body["items"].as_array().unwrap().len(), 5);
    // Removing the party that disputed does not turn its dispute into an endorsement.
    let etag = s.get(&format!("/api/v1/partnerships/{id}"), Some(&t.admin)).header("etag").map(str::to_owned);
    let mut two = proposal(&t);
    two["parties"] = json!([two["parties"][0], two["parties"][1]]);
    two.as_object_mut().unwrap().remove("proposed_by");
    s.put(&format!("/api/v1/partnerships/{id}"), Some(&t.tokens[0]), etag.as_deref(), two).expect(200);
    let all = report_ids(&s.get(&reports, Some(&t.admin)).expect(200));
    assert!(all.contains(&("تدريب المتطوعين على الإسعافات الأولية".to_owned(), "disputed".to_owned())), "{all:?}");
}

fn weights(g: &Value) -> Vec<i64> {
    let mut w: Vec<i64> = g["edges"].as_array().unwrap().iter().map(|e| e["weight"].as_i64().unwrap()).collect();
    w.sort();
    w
}

fn the_graph_draws_confirmed_public_partnerships_laid_out_once_per_change(s: &TestServer) {
    let t = three_verified_organizations(s);
    let empty = s.get("/api/v1/partnerships/graph", None).expect(200);
    assert_eq!(empty.body, json!({"nodes": [], "edges": [], "truncated": false}));
    let first = confirmed_partnership(s, &t);
    let g = s.get("/api/v1/partnerships/graph", None).expect(200).body;
    assert_eq!(g["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(weights(&g), [1, 1, 1]);
    assert!(g["nodes"].as_array().unwrap().iter().all(|n| (0..=1000).contains(&n["x"].as_i64().unwrap())));
    assert_eq!(g["nodes"][0]["partnerships"], 1);
    // The same graph, the same drawing.
    assert_eq!(s.get("/api/v1/partnerships/graph", Some(&t.tokens[0])).expect(200).body, g);
    // A second partnership between two of them, once confirmed, doubles their edge.
    let mut two = proposal(&t);
    two["parties"] = json!([two["parties"][0], two["parties"][1]]);
    two["sectors"] = json!(["education"]);
    let id =
        s.post("/api/v1/partnerships", Some(&t.tokens[0]), two).expect(201).body["id"].as_str().unwrap().to_owned();
    assert_eq!(weights(&s.get("/api/v1/partnerships/graph", None).expect(200).body), [1, 1, 1], "not confirmed yet");
    answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).expect(200);
    assert_eq!(weights(&s.get("/api/v1/partnerships/graph", None).expect(200).body), [1, 1, 2]);
    // Filtered by sector and area (with everything below it).
    let g = s.get("/api/v1/partnerships/graph?sector=education", None).expect(200).body;
    assert_eq!((g["nodes"].as_array().unwrap().len(), weights(&g)), (2, vec![1]));
    assert_eq!(s.get("/api/v1/partnerships/graph?area=OM", None).expect(200).body["nodes"], json!([]));
    assert_eq!(
        s.get("/api/v1/partnerships/graph?area=SD", None).expect(200).body["nodes"].as_array().unwrap().len(),
        3
    );
    let r = s.get("/api/v1/partnerships/graph?area=XX", None).problem(400, "invalid_parameter");
    assert_eq!(r.fields(), ["area"]);
    // An ended partnership, or a party that stops being verified, leaves the drawing.
    let etag = s.get(&format!("/api/v1/partnerships/{first}"), None).header("etag").map(str::to_owned).unwrap();
    end(s, &t.tokens[0], &first, &etag, "انتهى").expect(200);
    assert_eq!(weights(&s.get("/api/v1/partnerships/graph", None).expect(200).body), [1]);
    s.decide(&t.admin, &t.orgs[1], json!({"status": "suspended", "reason": "مراجعة"})).expect(200);
    assert_eq!(s.get("/api/v1/partnerships/graph", None).expect(200).body["nodes"], json!([]));
}
