//! Both backends' migrations end with the same tables and columns (apart from SQLite's
//! full-text index, `organization_search*`, which PostgreSQL does with pg_trgm), and the committed
//! `openapi.yaml` is exactly what the code generates.

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
