//! An organization's members and invitations.

use serde_json::json;
use tashbeek_tests::{on_both_backends, TestServer, PASSWORD};

on_both_backends!(organization_admins_manage_their_members,);

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
