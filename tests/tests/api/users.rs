//! Platform administration of accounts and roles.

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, TestServer, PASSWORD};

on_both_backends!(platform_admins_manage_users,);

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
    assert_eq!(r.problem(409, "conflict").field_code("email").as_deref(), Some("taken"));
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
    // List items are summaries; the account by id has its memberships.
    let member = &page2.body["items"][0];
    assert_eq!(member["email"], "user@x.org");
    assert!(member.get("memberships").is_none(), "{member}");
    let full = s.get(&format!("/api/v1/users/{}", member["id"].as_str().unwrap()), Some(&admin)).expect(200);
    assert_eq!(full.body["memberships"][0]["role"], "admin");

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
