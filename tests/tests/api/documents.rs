//! Evidence documents on a partnership's reports, on SQLite and PostgreSQL: uploads are
//! bounded and must be what they declare, are stored once per content, download back
//! byte-identical only for whoever may see the report, and changing them withdraws the
//! endorsements given so far.

use serde_json::json;
use sha2::{Digest, Sha256};
use tashbeek_tests::{urlencode, Backend, Req, Resp, TestServer};

use crate::partnerships::{actions, confirmed_partnership, three_verified_organizations};

const LIMIT: u64 = 64 * 1024;

mod sqlite {
    #[test]
    fn evidence_is_checked_stored_once_and_shown_to_who_sees_the_report() {
        super::evidence(&super::server(super::Backend::Sqlite));
    }
}

mod postgres {
    #[test]
    fn evidence_is_checked_stored_once_and_shown_to_who_sees_the_report() {
        super::evidence(&super::server(super::Backend::Postgres));
    }
}

fn server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |c| c.max_upload_bytes = LIMIT)
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// The start of a Word document: a zip whose first part is under `word/`.
fn docx(n: u8) -> Vec<u8> {
    let mut b = b"PK\x03\x04".to_vec();
    b.extend_from_slice(&[0; 26]);
    b.extend_from_slice(b"word/document.xml");
    b.extend_from_slice(&[n; 64]);
    b
}

fn upload(s: &TestServer, token: Option<&str>, report: &str, name: &str, ct: &str, bytes: &[u8]) -> Resp {
    s.call(
        "POST",
        &format!("{report}/documents?name={}", urlencode(name)),
        Req { token, raw: Some((ct, bytes.to_vec())), ..Default::default() },
    )
}

/// Files in the store (under `objects/`), and files of uploads still under `tmp/`.
fn on_disk(s: &TestServer) -> (usize, usize) {
    let count = |dir: std::path::PathBuf| -> usize {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| std::fs::read_dir(e.path()).map(|f| f.count()).unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0)
    };
    (count(s.documents.join("objects")), count(s.documents.join("tmp")))
}

fn hex_sha256(b: &[u8]) -> String {
    format!("{:x}", Sha256::digest(b))
}

fn evidence(s: &TestServer) {
    let t = three_verified_organizations(s);
    let (outsider, _) = s.signup("other@x.org", "فريق شباب المتمة");
    let id = confirmed_partnership(s, &t);
    let reports = format!("/api/v1/partnerships/{id}/reports");
    let activity = json!({"kind": "activity", "reported_by": t.orgs[0], "happened_on": "2026-11-20",
        "summary": "تدريب المتطوعين على الإسعافات الأولية", "parties": [t.orgs[0], t.orgs[1]]});
    let rid = s.post(&reports, Some(&t.tokens[0]), activity).expect(201).body["id"].as_str().unwrap().to_owned();
    let report = format!("{reports}/{rid}");
    let owner = Some(t.tokens[0].as_str());

    // Refused, each for its reason, and nothing is stored.
    let big = [PNG, &vec![0u8; LIMIT as usize][..]].concat();
    upload(s, owner, &report, "صورة.png", "image/png", &big).problem(413, "document_too_large");
    // Streamed without a length, the limit still holds.
    let r = ureq::post(&format!("{}{report}/documents?name=big.png", s.base))
        .set("Authorization", &format!("Bearer {}", t.tokens[0]))
        .set("Content-Type", "image/png")
        .send(std::io::Cursor::new(big.clone()));
    assert!(matches!(r, Err(ureq::Error::Status(413, _))), "chunked upload over the limit");
    upload(s, owner, &report, "تقرير.pdf", "application/pdf", PNG).problem(415, "type_mismatch");
    upload(s, owner, &report, "page.html", "text/html", b"<script>alert(1)</script>")
        .problem(415, "unsupported_document_type");
    upload(s, owner, &report, "x.svg", "image/svg+xml", b"<svg onload=alert(1)/>")
        .problem(415, "unsupported_document_type");
    let r = upload(s, owner, &report, "فارغ.pdf", "application/pdf", b"").problem(422, "validation_failed");
    assert_eq!(r.fields(), ["file"]);
    let r = upload(s, owner, &report, "  ", "application/pdf", PDF).problem(400, "invalid_parameter");
    assert_eq!(r.fields(), ["name"]);
    // Only the reporting organization's members add its evidence; outsiders do not see
    // the report under review at all.
    upload(s, Some(&t.tokens[1]), &report, "a.pdf", "application/pdf", PDF).problem(403, "forbidden");
    upload(s, Some(&t.admin), &report, "a.pdf", "application/pdf", PDF).problem(403, "forbidden");
    upload(s, Some(&outsider), &report, "a.pdf", "application/pdf", PDF).problem(404, "not_found");
    upload(s, None, &report, "a.pdf", "application/pdf", PDF).problem(401, "unauthorized");
    upload(s, owner, &format!("{reports}/0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"), "a.pdf", "application/pdf", PDF)
        .problem(404, "not_found");
    assert_eq!(the_report(s, &reports, &rid, owner)["documents"], json!([]));
    assert_eq!(on_disk(s), (0, 0));

    // Stored, listed with the report, and downloaded back byte-identical by the parties.
    let d = upload(s, owner, &report, "C:\\التقارير\\كشف الحضور.pdf", "application/pdf", PDF).expect(201);
    assert_eq!(d.body["name"], "كشف الحضور.pdf");
    assert_eq!(d.body["size"], PDF.len());
    assert_eq!(d.body["sha256"], hex_sha256(PDF));
    assert_eq!(d.body["organization_id"], t.orgs[0].as_str());
    let pdf = format!("/api/v1/documents/{}", d.body["id"].as_str().unwrap());
    assert_eq!(the_report(s, &reports, &rid, owner)["documents"][0]["id"], d.body["id"]);
    for who in [&t.tokens[0], &t.tokens[1], &t.tokens[2], &t.admin] {
        let r = s.get(&pdf, Some(who)).expect(200);
        assert_eq!(r.bytes, PDF);
        assert_eq!(r.header("content-type"), Some("application/pdf"));
        let disposition = r.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert!(r.header("content-security-policy").unwrap().starts_with("default-src 'none'"));
    }
    let etag = format!("\"{}\"", hex_sha256(PDF));
    assert_eq!(s.get(&pdf, owner).header("etag"), Some(etag.as_str()));
    let again =
        s.call("GET", &pdf, Req { token: owner, headers: vec![("If-None-Match", etag.clone())], ..Default::default() });
    assert_eq!(again.status, 304);
    // Under review, nobody else sees it.
    s.get(&pdf, Some(&outsider)).problem(404, "not_found");
    s.get(&pdf, None).problem(404, "not_found");
    // Images are shown inline.
    let img = upload(s, owner, &report, "صورة القافلة.png", "image/png", PNG).expect(201);
    let png = format!("/api/v1/documents/{}", img.body["id"].as_str().unwrap());
    assert!(s.get(&png, owner).expect(200).header("content-disposition").unwrap().starts_with("inline;"));

    // Once every other party endorsed the report, its evidence is public.
    let review = |token: &str, org: &str| {
        s.put(&format!("{report}/reviews/{org}"), Some(token), None, json!({"verdict": "endorsed"})).expect(200)
    };
    review(&t.tokens[1], &t.orgs[1]);
    assert_eq!(review(&t.tokens[2], &t.orgs[2]).body["status"], "endorsed");
    assert_eq!(s.get(&pdf, None).expect(200).bytes, PDF);
    assert_eq!(s.get(&pdf, Some(&outsider)).expect(200).bytes, PDF);

    // New evidence withdraws the endorsements: the report is under review again, and
    // private again. The same bytes are stored once.
    let copy = upload(s, owner, &report, "نسخة.pdf", "application/pdf", PDF).expect(201);
    let r = the_report(s, &reports, &rid, owner);
    assert_eq!(r["status"], "awaiting");
    assert_eq!(r["reviews"], json!([]));
    assert_eq!(r["documents"].as_array().unwrap().len(), 3);
    s.get(&pdf, None).problem(404, "not_found");
    assert_eq!(on_disk(s), (2, 0));

    // Only the reporting organization's members remove its evidence.
    let copy = format!("/api/v1/documents/{}", copy.body["id"].as_str().unwrap());
    s.delete(&copy, Some(&t.tokens[1])).problem(403, "forbidden");
    s.delete(&copy, Some(&outsider)).problem(404, "not_found");
    s.delete(&copy, owner).expect(204);
    s.get(&copy, owner).problem(404, "not_found");
    assert_eq!(on_disk(s), (2, 0), "the other document still names the same bytes");
    s.delete(&pdf, owner).expect(204);
    assert_eq!(on_disk(s), (1, 0));
    let audit = actions(s, &t.admin, &id);
    assert_eq!(audit.iter().filter(|a| *a == "partnership.document_add").count(), 3);
    assert_eq!(audit.iter().filter(|a| *a == "partnership.document_remove").count(), 2);

    // A report holds ten documents at most (office documents included).
    for n in 0..9 {
        upload(s, owner, &report, &format!("محضر {n}.docx"), DOCX, &docx(n)).expect(201);
    }
    upload(s, owner, &report, "زائد.docx", DOCX, &docx(99)).problem(409, "too_many_documents");
    assert_eq!(on_disk(s), (10, 0));
}

/// One report as its partnership's report list shows it to `token`.
fn the_report(s: &TestServer, reports: &str, rid: &str, token: Option<&str>) -> serde_json::Value {
    let list = s.get(reports, token).expect(200);
    list.body["items"].as_array().unwrap().iter().find(|r| r["id"] == rid).cloned().expect("the report is listed")
}
