//! A network's coordination office roadmap, on SQLite and PostgreSQL: goals by term,
//! tasks owned by organizations or people, linked recommendations, statuses moved by
//! owners, overdue at a fixed clock, who sees and who plans, and the audit of it all.

use serde_json::{json, Value};
use tashbeek_tests::{Backend, OrgBuilder, Req, TestServer};

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

on_both!(an_office_plans_its_roadmap_and_members_follow_it, a_roadmap_refuses_what_it_must);

fn at(t: &str) -> chrono::DateTime<chrono::Utc> {
    t.parse().unwrap()
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

fn etag_of(v: &Value) -> String {
    format!("\"{}\"", v["version"])
}

fn with_etag<'a>(token: &'a str, etag: &str, json: Option<Value>) -> Req<'a> {
    Req { token: Some(token), json, headers: vec![("If-Match", etag.to_owned())], ..Default::default() }
}

struct Office {
    admin: String,
    coordinator: String,
    network: String,
    /// (organization id, its administrator's token): a member of the network.
    a: (String, String),
    a_member: String,
    /// Another member of the network.
    b: (String, String),
    /// A ministry outside the network (it may own tasks).
    ministry: (String, String),
    outsider: String,
    observer: String,
}

fn office(s: &TestServer) -> Office {
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
    for (org, token) in [(&a, &a_admin), (&b, &b_admin)] {
        s.post(&format!("{n}/members"), Some(&coordinator), json!({"organization_id": org})).expect(204);
        s.put(&format!("{n}/members/{org}"), Some(token), None, json!({"status": "member"})).expect(204);
    }
    Office {
        admin,
        coordinator,
        network,
        a: (a, a_admin),
        a_member,
        b: (b, b_admin),
        ministry: (m, m_admin),
        outsider,
        observer,
    }
}

fn goal(s: &TestServer, o: &Office, body: Value) -> Value {
    s.post(&format!("/api/v1/networks/{}/goals", o.network), Some(&o.coordinator), body).expect(201).body
}

fn task(s: &TestServer, o: &Office, goal: &Value, body: Value) -> Value {
    s.post(&format!("/api/v1/roadmap/goals/{}/tasks", id_of(goal)), Some(&o.coordinator), body).expect(201).body
}

fn status(s: &TestServer, token: &str, task: &Value, body: Value) -> tashbeek_tests::Resp {
    let path = format!("/api/v1/roadmap/tasks/{}/status", id_of(task));
    s.call("POST", &path, with_etag(token, &etag_of(task), Some(body)))
}

fn an_office_plans_its_roadmap_and_members_follow_it(s: &TestServer) {
    let o = office(s);
    let rec = s.post(
        "/api/v1/recommendations",
        Some(&o.coordinator),
        json!({"network_id": o.network, "code": "NET-01", "text_ar": "إنشاء قاعدة بيانات مشتركة للمنظمات",
            "addressees": [{"organization_id": o.a.0}]}),
    );
    let rec = rec.expect(201).body;

    let long = goal(s, &o, json!({"term": "long", "title": "اتحاد لشبكات المحلية"}));
    let short = goal(
        s,
        &o,
        json!({"term": "short", "title": "حصر المنظمات الطوعية وتحديث بياناتها", "target_on": "2027-03-31"}),
    );
    let medium =
        goal(s, &o, json!({"term": "medium", "title": "مقر دائم للتجمع", "description": "بالتعاون مع المحلية"}));
    assert_eq!((short["status"].as_str(), short["progress"].as_i64()), (Some("active"), Some(0)));

    let t1 = task(
        s,
        &o,
        &short,
        json!({"title": "تصميم استمارة الحصر", "owner_organization_id": o.a.0, "due_on": "2026-12-20",
            "recommendation_ids": [id_of(&rec)]}),
    );
    let t2 = task(
        s,
        &o,
        &short,
        json!({"title": "تدريب جامعي البيانات", "owner_person": "أمين المال", "due_on": "2027-01-10"}),
    );
    let t3 = task(
        s,
        &o,
        &short,
        json!({"title": "اعتماد الاستمارة من الوزارة", "owner_organization_id": o.b.0, "due_on": "2027-02-01"}),
    );
    task(s, &o, &medium, json!({"title": "مخاطبة المحلية بشأن المقر", "owner_person": "رئيس المكتب"}));
    assert_eq!(t1["status"], "planned");
    assert_eq!(t1["owner"]["name_ar"], "جمعية الأمل");
    assert_eq!(t1["recommendations"][0]["code"], "NET-01");
    assert_eq!(t2["owner"]["person"], "أمين المال");

    // Members of the network follow it; the coordinator plans it. Organizations outside see
    // nothing.
    let road = |token: &str, query: &str| -> Value {
        s.get(&format!("/api/v1/networks/{}/roadmap?{query}", o.network), Some(token)).expect(200).body
    };
    let shown = road(&o.b.1, "");
    let terms: Vec<&str> = shown["goals"].as_array().unwrap().iter().map(|g| g["term"].as_str().unwrap()).collect();
    assert_eq!(terms, ["short", "medium", "long"]);
    let titles: Vec<&str> =
        shown["goals"][0]["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["تصميم استمارة الحصر", "تدريب جامعي البيانات", "اعتماد الاستمارة من الوزارة"]);
    assert_eq!(shown["plans"], false);
    assert_eq!(road(&o.coordinator, "")["plans"], true);
    assert_eq!(road(&o.observer, "")["plans"], false);
    let path = format!("/api/v1/networks/{}/roadmap", o.network);
    s.get(&path, Some(&o.outsider)).problem(404, "not_found");
    s.get(&path, Some(&o.ministry.1)).problem(404, "not_found");
    s.get(&format!("/api/v1/roadmap/tasks/{}", id_of(&t1)), Some(&o.outsider)).problem(404, "not_found");

    // A task's owner moves its status; another member does not; nor without the version.
    let t1 = status(s, &o.a_member, &t1, json!({"status": "in_progress"})).expect(200).body;
    status(s, &o.b.1, &t1, json!({"status": "done"})).problem(403, "forbidden");
    s.post(&format!("/api/v1/roadmap/tasks/{}/status", id_of(&t1)), Some(&o.a.1), json!({"status": "done"}))
        .problem(428, "if_match_required");
    let stale = json!({"version": 1, "id": t1["id"]});
    status(s, &o.a.1, &stale, json!({"status": "done"})).problem(412, "version_mismatch");
    let r = status(s, &o.a.1, &t1, json!({"status": "blocked"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["reason"]);
    s.clock.set(at("2026-12-18T08:00:00Z"));
    let t1 = status(s, &o.a.1, &t1, json!({"status": "done"})).expect(200).body;
    assert_eq!(t1["completed_on"], "2026-12-18");
    let t3 = status(s, &o.b.1, &t3, json!({"status": "blocked", "reason": "في انتظار توقيع الوكيل"})).expect(200).body;
    assert_eq!(t3["status_reason"], "في انتظار توقيع الوكيل");
    // The coordinator moves any task.
    let t2 = status(s, &o.coordinator, &t2, json!({"status": "in_progress"})).expect(200).body;

    // The view by term and status, at a fixed clock.
    s.clock.set(at("2027-01-15T08:00:00Z"));
    let shown = road(&o.a.1, "");
    assert_eq!(shown["goals"][0]["progress"], 33);
    let count = |term: &str, st: &str| {
        shown["counts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["term"] == term && c["status"] == st)
            .map(|c| c["tasks"].as_i64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!((count("short", "done"), count("short", "blocked"), count("medium", "planned")), (1, 1, 1));
    let overdue = road(&o.a.1, "overdue=true");
    let titles: Vec<&str> =
        overdue["goals"][0]["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["تدريب جامعي البيانات"], "{overdue}");
    assert_eq!(overdue["goals"].as_array().unwrap().len(), 1);
    assert_eq!(overdue["goals"][0]["tasks"][0]["overdue"], true);
    let done = road(&o.a.1, "status=done,blocked");
    assert_eq!(done["goals"][0]["tasks"].as_array().unwrap().len(), 2);
    let mine = road(&o.a.1, &format!("owner={}", o.b.0));
    assert_eq!(mine["goals"][0]["tasks"][0]["id"], t3["id"]);
    let long_only = road(&o.a.1, "term=long");
    assert_eq!(long_only["goals"].as_array().unwrap().len(), 1);
    assert_eq!(long_only["goals"][0]["id"], long["id"]);
    s.get(&format!("{path}?term=soon"), Some(&o.a.1)).problem(400, "invalid_parameter");

    // A progress update on a recommendation names the task that implements it.
    let rec = s.get(&format!("/api/v1/recommendations/{}", id_of(&rec)), Some(&o.coordinator)).expect(200).body;
    let r = s.call(
        "POST",
        &format!("/api/v1/recommendations/{}/status", id_of(&rec)),
        with_etag(&o.coordinator, &etag_of(&rec), Some(json!({"status": "adopted"}))),
    );
    let rec = r.expect(200).body;
    let part = format!("/api/v1/recommendations/{}/parts/{}", id_of(&rec), rec["parts"][0]["id"].as_str().unwrap());
    s.post(&format!("{part}/answer"), Some(&o.a.1), json!({"accept": true})).expect(200);
    let u = s.post(
        &format!("{part}/updates"),
        Some(&o.a_member),
        json!({"percent": 30, "body": "صُمّمت الاستمارة", "related": [{"kind": "task", "id": t1["id"]}]}),
    );
    assert_eq!(u.expect(201).body["related"][0]["kind"], "task");
    // Evidence enough to claim the part done; the task named as evidence stays.
    s.post(&format!("{part}/completion"), Some(&o.a.1), json!({})).expect(200);
    let t = format!("/api/v1/roadmap/tasks/{}", id_of(&t1));
    s.call("DELETE", &t, with_etag(&o.coordinator, &etag_of(&t1), None)).problem(409, "task_referenced");

    // Goals are edited against their version; a goal with tasks is not removed.
    let g = format!("/api/v1/roadmap/goals/{}", id_of(&short));
    let edited = json!({"term": "short", "title": "حصر المنظمات الطوعية وتحديث بياناتها", "status": "achieved"});
    let short = s.call("PUT", &g, with_etag(&o.coordinator, &etag_of(&short), Some(edited))).expect(200).body;
    assert_eq!(short["status"], "achieved");
    s.call("DELETE", &g, with_etag(&o.coordinator, &etag_of(&short), None)).problem(409, "goal_has_tasks");
    let l = format!("/api/v1/roadmap/goals/{}", id_of(&long));
    s.call("DELETE", &l, with_etag(&o.coordinator, &etag_of(&long), None)).expect(204);
    let t = format!("/api/v1/roadmap/tasks/{}", id_of(&t2));
    s.call("DELETE", &t, with_etag(&o.a.1, &etag_of(&t2), None)).problem(403, "forbidden");
    s.call("DELETE", &t, with_etag(&o.coordinator, &etag_of(&t2), None)).expect(204);
    s.get(&t, Some(&o.coordinator)).problem(404, "not_found");
    assert_eq!(road(&o.a.1, "")["goals"].as_array().unwrap().len(), 2);

    // An organization that leaves the network still follows the roadmap while it owns a
    // task, but no longer sees the network's recommendations on it.
    let leave = format!("/api/v1/networks/{}/members/{}", o.network, o.b.0);
    s.delete(&leave, Some(&o.b.1)).expect(204);
    let shown = road(&o.b.1, "");
    let task1 = shown["goals"][0]["tasks"].as_array().unwrap().iter().find(|t| t["id"] == t1["id"]).unwrap().clone();
    assert_eq!(task1["recommendations"], json!([]), "{task1}");
    assert_eq!(road(&o.a.1, "")["goals"][0]["tasks"][0]["recommendations"][0]["code"], "NET-01");

    // Everything is in the network's audit log.
    let audit = s.get(&format!("/api/v1/audit?object_id={}&limit=100", o.network), Some(&o.admin)).expect(200).body;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in [
        "network.goal_create",
        "network.goal_edit",
        "network.goal_remove",
        "network.task_create",
        "network.task_status",
        "network.task_remove",
    ] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

fn a_roadmap_refuses_what_it_must(s: &TestServer) {
    let o = office(s);
    let goals = format!("/api/v1/networks/{}/goals", o.network);
    let body = json!({"term": "short", "title": "هدف"});
    s.post(&goals, Some(&o.a.1), body.clone()).problem(403, "forbidden");
    s.post(&goals, Some(&o.observer), body.clone()).problem(403, "forbidden");
    s.post(&goals, Some(&o.outsider), body.clone()).problem(404, "not_found");
    let r = s.post(&goals, Some(&o.coordinator), json!({"term": "soon", "title": " "}));
    r.problem(422, "validation_failed");
    let r = s.post(&goals, Some(&o.coordinator), json!({"term": "short", "title": " "}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["title"]);
    let g = goal(s, &o, body);

    // Another network's recommendation, an unknown organization, no owner.
    let other =
        s.post("/api/v1/networks", Some(&o.admin), json!({"name_ar": "شبكة أخرى", "area": "SD-RN"})).expect(201).body;
    let foreign = s.post(
        "/api/v1/recommendations",
        Some(&o.admin),
        json!({"network_id": id_of(&other), "text_ar": "توصية شبكة أخرى", "addressees": [{"office": true}]}),
    );
    let foreign = foreign.expect(201).body;
    let tasks = format!("/api/v1/roadmap/goals/{}/tasks", id_of(&g));
    let r = s.post(
        &tasks,
        Some(&o.coordinator),
        json!({"title": "مهمة", "owner_person": "س", "recommendation_ids": [id_of(&foreign)]}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), ["recommendation_ids[0]"]);
    let r = s.post(
        &tasks,
        Some(&o.coordinator),
        json!({"title": "مهمة", "owner_organization_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7c"}),
    );
    assert_eq!(r.problem(422, "validation_failed").fields(), ["owner_organization_id"]);
    let r = s.post(&tasks, Some(&o.coordinator), json!({"title": "مهمة"}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["owner_person"]);
    // The owner organization is one of the network's members.
    let r = s.post(&tasks, Some(&o.coordinator), json!({"title": "مهمة", "owner_organization_id": o.ministry.0}));
    assert_eq!(r.problem(422, "validation_failed").fields(), ["owner_organization_id"]);
    s.post(&tasks, Some(&o.a.1), json!({"title": "مهمة", "owner_person": "س"})).problem(403, "forbidden");
    let t = task(s, &o, &g, json!({"title": "مهمة", "owner_organization_id": o.a.0}));

    // Nothing changed by the refusals: one goal with one task.
    let shown = s.get(&format!("/api/v1/networks/{}/roadmap", o.network), Some(&o.b.1)).expect(200).body;
    assert_eq!(shown["goals"].as_array().unwrap().len(), 1);
    assert_eq!(shown["goals"][0]["tasks"].as_array().unwrap().len(), 1);

    // A task's edit is the coordinators', against its version; the same status twice is
    // refused.
    let path = format!("/api/v1/roadmap/tasks/{}", id_of(&t));
    let edit = json!({"title": "مهمة معدلة", "owner_organization_id": o.b.0, "due_on": "2027-01-01"});
    s.call("PUT", &path, with_etag(&o.a.1, &etag_of(&t), Some(edit.clone()))).problem(403, "forbidden");
    s.put(&path, Some(&o.coordinator), None, edit.clone()).problem(428, "if_match_required");
    let t = s.call("PUT", &path, with_etag(&o.coordinator, &etag_of(&t), Some(edit))).expect(200).body;
    assert_eq!(t["owner"]["organization_id"], o.b.0.as_str());
    // The former owner no longer moves it.
    status(s, &o.a.1, &t, json!({"status": "done"})).problem(403, "forbidden");
    let r = status(s, &o.b.1, &t, json!({"status": "planned"}));
    assert_eq!(r.problem(409, "conflict").field_code("status").as_deref(), Some("invalid_transition"));
    // A progress update may not name a task its author does not see.
    let hidden = s.post(
        &format!("/api/v1/networks/{}/goals", id_of(&other)),
        Some(&o.admin),
        json!({"term": "short", "title": "هدف خفي"}),
    );
    let hidden = hidden.expect(201).body;
    let ht = s.post(
        &format!("/api/v1/roadmap/goals/{}/tasks", id_of(&hidden)),
        Some(&o.admin),
        json!({"title": "مهمة خفية", "owner_person": "س"}),
    );
    let ht = ht.expect(201).body;
    s.get(&format!("/api/v1/roadmap/tasks/{}", id_of(&ht)), Some(&o.a.1)).problem(404, "not_found");
    s.get(&format!("/api/v1/roadmap/tasks/{}", id_of(&ht)), Some(&o.observer)).expect(200);
}
