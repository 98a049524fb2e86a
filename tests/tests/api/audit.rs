//! The audit log.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
use serde_json::Value;
use tashbeek_persistence::bulk::AuditRow;
use tashbeek_persistence::chain;
use tashbeek_tests::{on_both_backends, Backend, OrgBuilder, TestServer, PASSWORD};

on_both_backends!(
    audit_log_records_every_change,
    an_edited_row_and_a_removed_row_are_named,
    anchors_reveal_a_rewritten_chain,
);

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

/// Runs `sql` on the server's database, as someone with database access would.
pub(crate) fn sql(s: &TestServer, statement: &str) {
    let mut conn = s.state.pool.get().expect("connection");
    diesel::sql_query(statement).execute(&mut *conn).expect(statement);
}

fn verification(s: &TestServer, admin: &str) -> Value {
    s.get("/api/v1/audit/verify", Some(admin)).expect(200).body
}

/// An organization with three audit rows (created, updated, verified), and their ids
/// oldest first.
fn three_rows(s: &TestServer, admin: &str, name: &str) -> (String, Vec<String>) {
    let id = s.create_org(admin, org(name));
    s.put(&format!("/api/v1/organizations/{id}"), Some(admin), Some("\"1\""), org(&format!("{name} ١"))).expect(200);
    s.verify(admin, &id);
    let r = s.get(&format!("/api/v1/audit?object_type=organization&object_id={id}"), Some(admin)).expect(200);
    let mut rows: Vec<String> =
        r.body["items"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_owned()).collect();
    rows.reverse();
    assert_eq!(rows.len(), 3);
    (id, rows)
}

fn an_edited_row_and_a_removed_row_are_named(s: &TestServer) {
    let admin = s.admin();
    let (_, rows) = three_rows(s, &admin, "جمعية الأثر");
    let (other, other_rows) = three_rows(s, &admin, "جمعية الشاهد");
    let v = verification(s, &admin);
    assert_eq!(v["verified"], true, "{v}");
    assert!(v["rows"].as_i64().unwrap() >= 6, "{v}");
    // Only readers of the whole log may walk it.
    let (member, _) = s.signup("member@x.org", "جمعية العضو");
    s.get("/api/v1/audit/verify", Some(&member)).problem(403, "forbidden");
    s.get("/api/v1/audit/verify", None).problem(401, "unauthorized");

    // Someone with database access rewrites what an update said.
    sql(s, &format!("UPDATE audit_log SET after_json = replace(after_json, 'الأثر', 'الزيف') WHERE id = '{}'", rows[1]));
    let v = verification(s, &admin);
    assert_eq!(v["verified"], false, "{v}");
    assert_eq!(v["broken"]["kind"], "content", "{v}");
    assert_eq!(v["broken"]["id"], rows[1].as_str(), "the edited row is named: {v}");
    assert_eq!(v["broken"]["seq"], 2, "{v}");
    assert!(v["broken"]["detail"].as_str().unwrap().contains(&rows[1]), "{v}");
    sql(s, &format!("UPDATE audit_log SET after_json = replace(after_json, 'الزيف', 'الأثر') WHERE id = '{}'", rows[1]));
    assert_eq!(verification(s, &admin)["verified"], true, "put back, it verifies again");

    // Someone deletes the update from the middle of the other organization's history.
    sql(s, &format!("DELETE FROM audit_log WHERE id = '{}'", other_rows[1]));
    let v = verification(s, &admin);
    assert_eq!(v["verified"], false, "{v}");
    assert_eq!(v["broken"]["kind"], "link", "{v}");
    assert_eq!(v["broken"]["id"], other_rows[2].as_str(), "the row after the gap: {v}");
    assert_eq!(v["broken"]["object_id"], other.as_str(), "{v}");
    assert!(v["broken"]["detail"].as_str().unwrap().contains("row 2 is missing"), "{v}");
    // A public verification of the record stays for the certificate issue; the log
    // itself is what an administrator sees here: the audit list still reads.
    s.get("/api/v1/audit?limit=5", Some(&admin)).expect(200);
}

#[derive(QueryableByName)]
struct Raw {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Timestamp)]
    at: chrono::NaiveDateTime,
    #[diesel(sql_type = Nullable<Text>)]
    actor_id: Option<String>,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Text>)]
    before_json: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    after_json: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    request_id: Option<String>,
    #[diesel(sql_type = BigInt)]
    seq: i64,
}

fn anchors_reveal_a_rewritten_chain(s: &TestServer) {
    let admin = s.admin();
    let (id, _) = three_rows(s, &admin, "جمعية المرساة");
    // Nothing anchored yet: the public anchor is a 404 until an administrator anchors.
    s.get("/api/v1/audit/anchors/latest", None).problem(404, "not_found");
    let observer = s.user_with_role(&admin, "observer@tashbeek.test", "observer");
    s.post("/api/v1/audit/anchors", Some(&observer), Value::Null).problem(403, "forbidden");
    let first = s.post("/api/v1/audit/anchors", Some(&admin), Value::Null).expect(201).body;
    assert_eq!(first["hash"].as_str().unwrap().len(), 64, "{first}");
    assert!(first["prev_hash"].is_null());
    // Nothing new but the anchor's own audit row: anchoring again covers just that.
    let second = s.post("/api/v1/audit/anchors", Some(&admin), Value::Null).expect(201).body;
    assert_eq!(second["prev_hash"], first["hash"], "anchors are chained");
    assert_eq!(second["rows"].as_i64().unwrap(), first["rows"].as_i64().unwrap() + 1, "{second}");
    let latest = s.get("/api/v1/audit/anchors/latest", None).expect(200).body;
    assert_eq!(latest["hash"], second["hash"], "anyone can keep the newest anchor");
    let list = s.get("/api/v1/audit/anchors?limit=1", Some(&observer)).expect(200).body;
    assert_eq!(list["items"][0]["id"], second["id"]);
    assert!(list["next_cursor"].is_string());
    s.get("/api/v1/audit/anchors", Some(&s.signup("m@x.org", "جمعية م").0)).problem(403, "forbidden");
    let v = verification(s, &admin);
    assert_eq!((v["verified"].clone(), v["anchors"].clone()), (Value::Bool(true), Value::from(2)), "{v}");

    // Someone with database access rewrites the organization's first row and re-seals
    // its whole chain: every link holds, but the anchors no longer do.
    let mut conn = s.state.pool.get().expect("connection");
    let rows: Vec<Raw> = diesel::sql_query(format!(
        "SELECT id, at, actor_id, action, before_json, after_json, request_id, seq FROM audit_log \
         WHERE object_type = 'organization' AND object_id = '{id}' ORDER BY seq"
    ))
    .load(&mut *conn)
    .expect("rows");
    let mut prev: Option<String> = None;
    for r in rows {
        let after = r.after_json.map(|a| if r.seq == 1 { a.replace("المرساة", "المزورة") } else { a });
        let row = AuditRow {
            id: r.id.clone(),
            at: r.at,
            actor_id: r.actor_id,
            action: r.action,
            object_type: "organization".into(),
            object_id: id.clone(),
            before_json: r.before_json,
            after_json: after.clone(),
            request_id: r.request_id,
            seq: None,
            prev_hash: None,
            hash: None,
            n: None,
        };
        let hash = chain::seal(&row, r.seq, prev.as_deref());
        let set_prev = prev.as_ref().map_or("NULL".to_owned(), |p| format!("'{p}'"));
        let after = after.map_or("NULL".to_owned(), |a| format!("'{}'", a.replace('\'', "''")));
        diesel::sql_query(format!(
            "UPDATE audit_log SET after_json = {after}, prev_hash = {set_prev}, hash = '{hash}' WHERE id = '{}'",
            r.id
        ))
        .execute(&mut *conn)
        .expect("rewrite");
        prev = Some(hash);
    }
    drop(conn);
    let v = verification(s, &admin);
    assert_eq!(v["verified"], false, "{v}");
    assert_eq!(v["broken"]["kind"], "anchor", "{v}");
    assert_eq!(v["broken"]["id"], first["id"], "the first anchor covering it: {v}");
    assert_eq!(v["broken"]["expected"], first["hash"], "{v}");
}

/// Two instances on one PostgreSQL database, 32 connections writing at once (new records,
/// competing updates of one record, sign-ins of one account, which nothing else
/// serializes): every chain still verifies.
#[test]
fn concurrent_writers_on_two_instances_leave_a_chain_that_verifies() {
    let a = TestServer::start(Backend::Postgres);
    let b = TestServer::beside(&a);
    let admin = a.admin();
    let shared = a.create_org(&admin, org("جمعية الزحام"));
    let observer = a.user_with_role(&admin, "observer@tashbeek.test", "observer");
    std::thread::scope(|scope| {
        for t in 0..32 {
            let (server, admin, shared) = (if t % 2 == 0 { &a } else { &b }, admin.clone(), shared.clone());
            scope.spawn(move || {
                for i in 0..6 {
                    match i % 3 {
                        0 => {
                            server.create_org(&admin, org(&format!("جمعية {t} {i}")));
                        }
                        1 => {
                            let path = format!("/api/v1/organizations/{shared}");
                            let version = server.get(&path, Some(&admin)).expect(200).body["version"].as_i64().unwrap();
                            let r = server.put(
                                &path,
                                Some(&admin),
                                Some(&format!("\"{version}\"")),
                                org(&format!("جمعية الزحام {t} {i}")),
                            );
                            assert!(r.status == 200 || r.status == 412, "{}", r.text);
                        }
                        _ => {
                            // Concurrent sign-ins of one account beyond a few are refused (429).
                            let r = server.post(
                                "/api/v1/auth/login",
                                None,
                                serde_json::json!({"email": "observer@tashbeek.test", "password": PASSWORD}),
                            );
                            assert!(r.status == 200 || r.status == 429, "{}", r.text);
                        }
                    }
                }
            });
        }
    });
    let v = verification(&b, &observer);
    assert_eq!(v["verified"], true, "{v}");
    // 32 × 2 creations at least, plus the updates and sign-ins that went through.
    assert!(v["rows"].as_i64().unwrap() >= 64, "{v}");
    drop(b);
}
