//! Both backends' migrations end with the same tables and columns, the committed
//! `openapi.yaml` is exactly what the code generates, and a write is whole on both even
//! when its last statements wait for its end (PostgreSQL: `persistence::later`).

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::Text;
use tashbeek_persistence::db::establish;
use tashbeek_tests::{Backend, TestDb};

#[derive(QueryableByName)]
struct Col {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    c: String,
}

fn columns(backend: Backend) -> BTreeMap<String, Vec<String>> {
    let db = TestDb::create(backend);
    let mut conn = establish(db.url()).expect("connect");
    conn.migrate().expect("migrate");
    let rows: Vec<Col> = match &mut conn {
        tashbeek_persistence::DbConn::Sqlite(c) => diesel::sql_query(
            "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '__diesel_schema_migrations' \
             AND m.name NOT LIKE 'organization_search%'",
        )
        .load(c),
        tashbeek_persistence::DbConn::Pg(c) => diesel::sql_query(
            "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '__diesel_schema_migrations'",
        )
        .load(c),
    }
    .expect("columns");
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        out.entry(r.t).or_default().push(r.c);
    }
    out.values_mut().for_each(|v| v.sort());
    out
}

#[test]
fn both_backends_have_the_same_tables_and_columns() {
    let sqlite = columns(Backend::Sqlite);
    let pg = columns(Backend::Postgres);
    assert!(sqlite.contains_key("organizations") && sqlite.contains_key("audit_log"));
    assert_eq!(sqlite, pg);
}

#[test]
fn openapi_yaml_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.yaml");
    let generated = tashbeek_http::openapi::yaml();
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(path, &generated).expect("write openapi.yaml");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is out of date: run `cargo run -p tashbeek -- openapi > openapi.yaml` (or UPDATE_OPENAPI=1 cargo test)"
    );
}

/// A write on PostgreSQL sends its inserts that nothing reads back together at its end
/// (`persistence::later`); SQLite runs them at once. Either way a write is whole: when a
/// waiting insert fails, the write fails and what it did before is gone too; when it
/// succeeds, everything it wrote is there.
#[test]
fn a_write_is_whole_when_its_last_statements_wait() {
    use tashbeek_domain::organization::VerificationStatus;
    use tashbeek_domain::reference::SectorInput;
    use tashbeek_persistence::{audit, organization, reference, DbError};
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let db = TestDb::create(backend);
        let mut conn = establish(db.url()).expect("connect");
        let now = tashbeek_persistence::to_db_time(chrono::Utc::now());
        let sector = |code: &str| SectorInput {
            code: code.into(),
            name_ar: "قطاع تجريبي".into(),
            name_en: "Test sector".into(),
        };
        let failed: Result<(), DbError> = conn.write(|c| {
            reference::insert_sector(c, &sector("left_behind"), now)?;
            // No such organization: its history entry breaks a foreign key.
            organization::add_verification_event(
                c,
                "no-such-organization",
                None,
                VerificationStatus::Pending,
                None,
                None,
                now,
            )
        });
        assert!(failed.is_err(), "{backend:?}: the write fails");
        assert!(
            matches!(reference::get_sector(&mut conn, "left_behind"), Err(DbError::NotFound)),
            "{backend:?}: nothing of a failed write stays"
        );
        conn.write(|c| {
            reference::insert_sector(c, &sector("kept"), now)?;
            audit::record(
                c,
                audit::Change {
                    at: chrono::Utc::now(),
                    actor_id: None,
                    action: "sector.create",
                    object_type: "sector",
                    object_id: "kept",
                    before: None,
                    after: None,
                    request_id: None,
                },
            )
        })
        .expect("the write commits");
        assert!(reference::get_sector(&mut conn, "kept").is_ok(), "{backend:?}");
        let filter = audit::Filter { object_id: Some("kept".into()), ..Default::default() };
        assert_eq!(audit::list(&mut conn, &filter, 10, None).expect("audit").len(), 1, "{backend:?}: its audit row");
    }
}
