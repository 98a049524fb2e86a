//! Sign-in, sessions, throttling, password change and sign-up.

use serde_json::json;
use tashbeek_tests::{on_both_backends, TestServer, ADMIN_EMAIL, PASSWORD};

on_both_backends!(
    login_refresh_logout_and_token_reuse,
    login_is_throttled_per_account,
    password_change_ends_every_session,
    signup_creates_pending_organization_and_admin,
);

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
    assert_eq!(r.problem(409, "conflict").field_code("email").as_deref(), Some("taken"));
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
