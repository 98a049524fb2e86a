//! Partnership certificates and their public verification, on SQLite and PostgreSQL:
//! the PDF reads back (Arabic in logical order) and its QR code opens the verification
//! page's address; the page says verified, says what changed since, and says not
//! verified once someone edits the record's audit rows in the database.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};
use tashbeek_tests::{on_both_backends, OrgBuilder, TestServer};

use crate::audit::sql;
use crate::partnerships::{answer, end, three_verified_organizations, Three};

on_both_backends!(
    a_confirmed_partnership_has_a_certificate_whose_qr_code_verifies_it,
    a_record_edited_in_the_database_does_not_verify,
    a_private_partnership_shows_only_to_whoever_holds_its_certificate,
);

/// Where the rendered certificate is kept for people to look at.
fn artifacts() -> PathBuf {
    let dir = std::env::var_os("TASHBEEK_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../artifacts"));
    std::fs::create_dir_all(&dir).expect("artifacts directory");
    dir
}

/// Runs a tool the test suite needs (scripts/setup.sh installs it); its standard output.
fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{tool} is needed (poppler-utils, zbar-tools; scripts/setup.sh): {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Gives an organization an English name beside its Arabic one.
fn name_in_english(s: &TestServer, token: &str, org: &str, ar: &str, en: &str) {
    let path = format!("/api/v1/organizations/{org}");
    let etag = s.get(&path, Some(token)).header("etag").map(str::to_owned);
    let body = OrgBuilder::new(ar).with("name_en", json!(en)).body();
    s.put(&path, Some(token), etag.as_deref(), body).expect(200);
}

fn bilingual(t: &Three) -> Value {
    json!({
        "title_ar": "برنامج المياه النظيفة لمدارس شندي",
        "title_en": "Clean water for the schools of Shendi",
        "kind": "joint_programme",
        "starts_on": "2026-01-01",
        "ends_on": "2030-12-31",
        "parties": [
            {"organization_id": t.orgs[0], "role": "lead"},
            {"organization_id": t.orgs[1], "role": "implementing"},
            {"organization_id": t.orgs[2], "role": "funding"}
        ],
        "proposed_by": t.orgs[0],
    })
}

/// A partnership every party confirmed; its id.
fn confirmed(s: &TestServer, t: &Three, body: Value) -> String {
    let id =
        s.post("/api/v1/partnerships", Some(&t.tokens[0]), body).expect(201).body["id"].as_str().unwrap().to_owned();
    answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).expect(200);
    answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 1).expect(200);
    id
}

fn verification(s: &TestServer, id: &str, hash: Option<&str>, token: Option<&str>) -> tashbeek_tests::Resp {
    match hash {
        Some(h) => s.get(&format!("/api/v1/partnerships/{id}/verification?hash={h}"), token),
        None => s.get(&format!("/api/v1/partnerships/{id}/verification"), token),
    }
}

/// pdftotext's reading of a PDF, without the bidi marks it adds around right-to-left runs.
fn text_of(pdf: &std::path::Path) -> String {
    run("pdftotext", &[pdf.to_str().unwrap(), "-"]).chars().filter(|c| !matches!(c, '\u{202a}'..='\u{202e}')).collect()
}

fn a_confirmed_partnership_has_a_certificate_whose_qr_code_verifies_it(s: &TestServer) {
    let t = three_verified_organizations(s);
    name_in_english(s, &t.tokens[0], &t.orgs[0], "جمعية الأمل الخيرية", "Al-Amal Charity");
    name_in_english(s, &t.tokens[2], &t.orgs[2], "المركز الصحي بشندي", "Shendi Health Centre");
    // A changed name is checked again before the directory shows it as verified.
    for o in [&t.orgs[0], &t.orgs[2]] {
        if s.get(&format!("/api/v1/organizations/{o}"), Some(&t.admin)).body["verification_status"] != "verified" {
            s.verify(&t.admin, o);
        }
    }
    let id = s.post("/api/v1/partnerships", Some(&t.tokens[0]), bilingual(&t)).expect(201).body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // No certificate before every party confirms.
    s.get(&format!("/api/v1/partnerships/{id}/certificate"), Some(&t.tokens[0])).problem(409, "not_confirmed");
    answer(s, &t.tokens[1], &id, &t.orgs[1], "confirmed", 1).expect(200);
    answer(s, &t.tokens[2], &id, &t.orgs[2], "confirmed", 1).expect(200);

    // Public now: anyone downloads its certificate.
    let r = s.get(&format!("/api/v1/partnerships/{id}/certificate"), None).expect(200);
    assert_eq!(r.header("content-type"), Some("application/pdf"));
    assert!(r.header("content-disposition").is_some_and(|d| d.starts_with("attachment")));
    assert!(r.bytes.starts_with(b"%PDF-"));
    let dir = tempfile_dir();
    let pdf = dir.join("certificate.pdf");
    std::fs::write(&pdf, &r.bytes).unwrap();
    let text = text_of(&pdf);
    for expected in [
        "شهادة شراكة",
        "برنامج المياه النظيفة لمدارس شندي",
        "جمعية الأمل الخيرية",
        "منظمة نفير للتنمية",
        "المركز الصحي بشندي",
        "Al-Amal Charity",
        "Shendi Health Centre",
        "Clean water for the schools of Shendi",
        "Partnership certificate",
    ] {
        assert!(text.contains(expected), "{expected:?} not in the certificate's text:\n{text}");
    }
    // One page, drawn for people to look at (artifacts), and its QR code read back.
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).map(str::trim);
    assert_eq!(pages, Some("1"), "{info}");
    let backend = if s.backend == tashbeek_tests::Backend::Sqlite { "sqlite" } else { "postgres" };
    let png = artifacts().join(format!("certificate-{backend}"));
    run("pdftoppm", &["-png", "-r", "110", "-singlefile", pdf.to_str().unwrap(), png.to_str().unwrap()]);
    let qr = run("zbarimg", &["-q", "--raw", png.with_extension("png").to_str().unwrap()]);
    let now = verification(s, &id, None, None).expect(200).body;
    let hash = now["hash"].as_str().unwrap().to_owned();
    assert_eq!(qr.trim(), format!("{}/verify/{id}?hash={hash}", s.base));
    assert!(text.contains(&hash[..32]) && text.contains(&hash[32..]), "the hash is printed");

    // Its verification page: verified, the certificate current, every party confirmed.
    let v = verification(s, &id, Some(&hash), None).expect(200).body;
    assert_eq!((v["verified"].clone(), v["chain_intact"].clone()), (json!(true), json!(true)), "{v}");
    assert!(v["certificate_issued_from"].is_string());
    assert_eq!(v["changes_since"], json!([]));
    assert_eq!(v["status"], "active");
    assert_eq!(v["steps"], 3);
    let parties = v["parties"].as_array().unwrap();
    assert_eq!(parties[0]["name_en"], "Al-Amal Charity");
    assert!(parties.iter().all(|p| p["state"] == "confirmed" && p["answered_at"].is_string()), "{v}");
    // Not yet anchored; after an anchor it is covered.
    assert_eq!(v["anchored"], false);
    s.post("/api/v1/audit/anchors", Some(&t.admin), Value::Null).expect(201);
    let v = verification(s, &id, Some(&hash), None).expect(200).body;
    assert_eq!(v["anchored"], true);
    assert!(v["anchor"]["hash"].is_string());

    // Ended later: the old certificate still verifies and says what changed since.
    let path = format!("/api/v1/partnerships/{id}");
    let etag = s.get(&path, Some(&t.tokens[1])).header("etag").map(str::to_owned).unwrap();
    end(s, &t.tokens[1], &id, &etag, "انتهى التمويل").expect(200);
    let v = verification(s, &id, Some(&hash), None).expect(200).body;
    assert_eq!((v["verified"].clone(), v["status"].clone()), (json!(true), json!("ended")), "{v}");
    assert_eq!(v["ended_reason"], "انتهى التمويل");
    let since: Vec<&str> =
        v["changes_since"].as_array().unwrap().iter().map(|c| c["action"].as_str().unwrap()).collect();
    assert_eq!(since, ["partnership.end"]);
    assert_ne!(v["hash"], json!(hash), "the record moved on");
    // An ended partnership's certificate says it ended, and why.
    let r = s.get(&format!("/api/v1/partnerships/{id}/certificate"), None).expect(200);
    std::fs::write(&pdf, &r.bytes).unwrap();
    let text = text_of(&pdf);
    assert!(text.contains("Ended on") && text.contains("انتهى التمويل"), "{text}");

    // A hash the record never had: not verified. A malformed one: 400 naming it.
    let v = verification(s, &id, Some(&"0".repeat(64)), None).expect(200).body;
    assert_eq!((v["verified"].clone(), v["certificate_issued_from"].clone()), (json!(false), json!(null)));
    let r = verification(s, &id, Some("ABC"), None).problem(400, "invalid_parameter");
    assert_eq!(r.fields(), ["hash"]);
    verification(s, "0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f", None, None).problem(404, "not_found");
    s.get("/api/v1/partnerships/0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f/certificate", None).problem(404, "not_found");
    let _ = std::fs::remove_dir_all(dir);
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tashbeek-certificate-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn a_record_edited_in_the_database_does_not_verify(s: &TestServer) {
    let t = three_verified_organizations(s);
    let id = confirmed(s, &t, bilingual(&t));
    let hash = verification(s, &id, None, None).expect(200).body["hash"].as_str().unwrap().to_owned();
    assert_eq!(verification(s, &id, Some(&hash), None).expect(200).body["verified"], true);
    // Someone with database access rewrites the proposal's terms in the log.
    sql(
        s,
        &format!(
            "UPDATE audit_log SET after_json = replace(after_json, 'المياه النظيفة', 'المياه المعدنية') \
             WHERE object_type = 'partnership' AND object_id = '{id}' AND action = 'partnership.propose'"
        ),
    );
    let v = verification(s, &id, Some(&hash), None).expect(200).body;
    assert_eq!((v["verified"].clone(), v["chain_intact"].clone()), (json!(false), json!(false)), "{v}");
    // No new certificate vouches for it.
    s.get(&format!("/api/v1/partnerships/{id}/certificate"), Some(&t.tokens[0])).problem(409, "record_not_intact");
    // Removing the edited row instead leaves a gap, caught the same way.
    let id2 = confirmed(s, &t, bilingual(&t));
    sql(s, &format!("DELETE FROM audit_log WHERE object_type = 'partnership' AND object_id = '{id2}' AND seq = 2"));
    assert_eq!(verification(s, &id2, None, None).expect(200).body["verified"], false);
    // So is removing every step of a record.
    let id3 = confirmed(s, &t, bilingual(&t));
    sql(s, &format!("DELETE FROM audit_log WHERE object_type = 'partnership' AND object_id = '{id3}'"));
    let v = verification(s, &id3, None, None).expect(200).body;
    assert_eq!((v["verified"].clone(), v["steps"].clone()), (json!(false), json!(0)), "{v}");
}

fn a_private_partnership_shows_only_to_whoever_holds_its_certificate(s: &TestServer) {
    let t = three_verified_organizations(s);
    let id = confirmed(s, &t, bilingual(&t));
    let hash = verification(s, &id, None, None).expect(200).body["hash"].as_str().unwrap().to_owned();
    // A party suspended in the directory takes the partnership out of public view.
    s.decide(&t.admin, &t.orgs[2], json!({"status": "suspended", "reason": "مراجعة الوثائق"})).expect(200);
    s.get(&format!("/api/v1/partnerships/{id}/certificate"), None).problem(404, "not_found");
    let (outsider, _) = s.signup("other@x.org", "فريق شباب المتمة");
    s.get(&format!("/api/v1/partnerships/{id}/certificate"), Some(&outsider)).problem(404, "not_found");
    // A party still downloads it; whoever it hands the certificate to can check it.
    let r = s.get(&format!("/api/v1/partnerships/{id}/certificate"), Some(&t.tokens[1])).expect(200);
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert_eq!(verification(s, &id, None, Some(&t.tokens[1])).expect(200).body["hash"], json!(hash));
    verification(s, &id, None, None).problem(404, "not_found");
    verification(s, &id, None, Some(&outsider)).problem(404, "not_found");
    verification(s, &id, Some(&"a".repeat(64)), None).problem(404, "not_found");
    let v = verification(s, &id, Some(&hash), None).expect(200).body;
    assert_eq!(v["verified"], true);
    assert_eq!(v["parties"][2]["name_ar"], "المركز الصحي بشندي");
}
