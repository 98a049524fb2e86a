//! Sectors and the area tree.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::reference::{Area, AreaInput, AreaLevel, NamesInput, Sector, SectorInput};

use crate::error::{DbError, DbResult};
use crate::schema::{areas, sectors};
use crate::DbConn;

type SectorRow = (String, String, String);
type AreaRow = (String, Option<String>, AreaLevel, String, String);

fn sector(r: SectorRow) -> Sector {
    Sector { code: r.0, name_ar: r.1, name_en: r.2 }
}

fn area(r: AreaRow) -> DbResult<Area> {
    Ok(Area { level: r.2, id: r.0, parent_id: r.1, name_ar: r.3, name_en: r.4 })
}

pub fn list_sectors(conn: &mut DbConn) -> DbResult<Vec<Sector>> {
    let rows: Vec<SectorRow> =
        sectors::table.order(sectors::code).select((sectors::code, sectors::name_ar, sectors::name_en)).load(conn)?;
    Ok(rows.into_iter().map(sector).collect())
}

pub fn get_sector(conn: &mut DbConn, code: &str) -> DbResult<Sector> {
    let r: SectorRow =
        sectors::table.find(code).select((sectors::code, sectors::name_ar, sectors::name_en)).first(conn)?;
    Ok(sector(r))
}

pub fn insert_sector(conn: &mut DbConn, s: &SectorInput, now: NaiveDateTime) -> DbResult<Sector> {
    diesel::insert_into(sectors::table)
        .values((
            sectors::code.eq(&s.code),
            sectors::name_ar.eq(&s.name_ar),
            sectors::name_en.eq(&s.name_en),
            sectors::created_at.eq(now),
            sectors::updated_at.eq(now),
        ))
        .execute(conn)?;
    get_sector(conn, &s.code)
}

pub fn rename_sector(conn: &mut DbConn, code: &str, n: &NamesInput, now: NaiveDateTime) -> DbResult<Sector> {
    let changed = diesel::update(sectors::table.find(code))
        .set((sectors::name_ar.eq(&n.name_ar), sectors::name_en.eq(&n.name_en), sectors::updated_at.eq(now)))
        .execute(conn)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    get_sector(conn, code)
}

const AREA_COLS: (areas::id, areas::parent_id, areas::level, areas::name_ar, areas::name_en) =
    (areas::id, areas::parent_id, areas::level, areas::name_ar, areas::name_en);

/// Areas in tree order (each parent before its children), optionally only the
/// children of one parent.
pub fn list_areas(conn: &mut DbConn, parent: Option<&str>) -> DbResult<Vec<Area>> {
    let mut q = areas::table.into_boxed();
    if let Some(p) = parent {
        q = q.filter(areas::parent_id.eq(p));
    }
    let rows: Vec<AreaRow> = q.order(areas::path).select(AREA_COLS).load(conn)?;
    rows.into_iter().map(area).collect()
}

pub fn get_area(conn: &mut DbConn, id: &str) -> DbResult<Area> {
    area(areas::table.find(id).select(AREA_COLS).first(conn)?)
}

/// The materialized path of an area (`/SD/SD-RN/`), used to match whole subtrees.
pub fn area_path(conn: &mut DbConn, id: &str) -> DbResult<String> {
    Ok(areas::table.find(id).select(areas::path).first(conn)?)
}

pub fn insert_area(conn: &mut DbConn, a: &AreaInput, parent_path: &str, now: NaiveDateTime) -> DbResult<Area> {
    diesel::insert_into(areas::table)
        .values((
            areas::id.eq(&a.id),
            areas::parent_id.eq(&a.parent_id),
            areas::level.eq(a.level),
            areas::name_ar.eq(&a.name_ar),
            areas::name_en.eq(&a.name_en),
            areas::path.eq(format!("{parent_path}{}/", a.id)),
            areas::created_at.eq(now),
            areas::updated_at.eq(now),
        ))
        .execute(conn)?;
    get_area(conn, &a.id)
}

pub fn rename_area(conn: &mut DbConn, id: &str, n: &NamesInput, now: NaiveDateTime) -> DbResult<Area> {
    let changed = diesel::update(areas::table.find(id))
        .set((areas::name_ar.eq(&n.name_ar), areas::name_en.eq(&n.name_en), areas::updated_at.eq(now)))
        .execute(conn)?;
    if changed == 0 {
        return Err(DbError::NotFound);
    }
    get_area(conn, id)
}

/// Ids of `id` and every area below it.
pub fn subtree_ids(conn: &mut DbConn, id: &str) -> DbResult<Vec<String>> {
    let path = area_path(conn, id)?;
    Ok(areas::table.filter(areas::path.like(format!("{path}%"))).select(areas::id).load(conn)?)
}

/// Which of `ids` are not known areas.
pub fn unknown_areas(conn: &mut DbConn, ids: &[String]) -> DbResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let known: Vec<String> = areas::table.filter(areas::id.eq_any(ids)).select(areas::id).load(conn)?;
    Ok(ids.iter().filter(|c| !known.contains(c)).cloned().collect())
}

/// What a profile's references resolve to: which sectors and areas are unknown, and the
/// materialized paths of the known areas (for the facets).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Resolved {
    pub unknown_sectors: Vec<String>,
    pub unknown_areas: Vec<String>,
    pub area_paths: Vec<String>,
}

impl Resolved {
    /// Each unknown one of `sectors` and `areas` (what was resolved), named by its place in
    /// the input: `sectors[2]`, `areas[0]`.
    pub fn field_errors(&self, sectors: &[String], areas: &[String]) -> tashbeek_domain::ValidationErrors {
        use tashbeek_domain::validation::Violation;
        let mut e = tashbeek_domain::ValidationErrors::default();
        for (field, list, unknown) in
            [("sectors", sectors, &self.unknown_sectors), ("areas", areas, &self.unknown_areas)]
        {
            for (i, v) in list.iter().enumerate() {
                if unknown.contains(v) {
                    e.add(format!("{field}[{i}]"), Violation::UnknownValue);
                }
            }
        }
        e
    }
}

/// Resolves `sectors` and `areas` in one query (one round trip on PostgreSQL).
pub fn resolve(conn: &mut DbConn, sector_codes: &[String], area_ids: &[String]) -> DbResult<Resolved> {
    use diesel::sql_types::{Nullable, Text};
    if sector_codes.is_empty() && area_ids.is_empty() {
        return Ok(Resolved::default());
    }
    // Sectors come with no path, areas with theirs.
    // The multi-backend connection has no UNION: the same query on each backend.
    let query = || {
        sectors::table
            .filter(sectors::code.eq_any(sector_codes))
            .select((sectors::code, None::<String>.into_sql::<Nullable<Text>>()))
            .union_all(areas::table.filter(areas::id.eq_any(area_ids)).select((areas::id, areas::path.nullable())))
    };
    let known: Vec<(String, Option<String>)> = match conn {
        DbConn::Sqlite(c) => query().load(c)?,
        DbConn::Pg(c) => query().load(c)?,
    };
    let has = |id: &str, area: bool| known.iter().any(|(k, path)| k == id && path.is_some() == area);
    Ok(Resolved {
        unknown_sectors: sector_codes.iter().filter(|c| !has(c, false)).cloned().collect(),
        unknown_areas: area_ids.iter().filter(|a| !has(a, true)).cloned().collect(),
        area_paths: known.into_iter().filter_map(|(_, path)| path).collect(),
    })
}

/// Every area's materialized path, by id (the data generator computes facets from it).
pub fn all_area_paths(conn: &mut DbConn) -> DbResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = areas::table.select((areas::id, areas::path)).load(conn)?;
    Ok(rows.into_iter().collect())
}
