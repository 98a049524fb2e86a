//! Rows of uploaded documents; their bytes are in the [`crate::files`] store.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use tashbeek_domain::document::Document;
use tashbeek_domain::{DocumentId, OrganizationId, UserId};

use crate::error::DbResult;
use crate::schema::documents;
use crate::{from_db_time, DbConn};

/// What a document belongs to; whoever may see that record may download it.
pub const OWNER_REPORT: &str = "report";

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: DocumentId,
    pub owner_kind: String,
    pub owner_id: String,
    pub organization_id: OrganizationId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: Option<UserId>,
    pub created_at: NaiveDateTime,
}

impl DocumentRow {
    pub fn into_domain(self) -> Document {
        Document {
            id: self.id,
            name: self.name,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            organization_id: self.organization_id,
            uploaded_at: from_db_time(self.created_at),
        }
    }
}

pub fn insert(conn: &mut DbConn, row: &DocumentRow) -> DbResult<()> {
    diesel::insert_into(documents::table).values(row).execute(conn)?;
    Ok(())
}

pub fn get(conn: &mut DbConn, id: &str) -> DbResult<DocumentRow> {
    Ok(documents::table.find(id).select(DocumentRow::as_select()).first(conn)?)
}

pub fn delete(conn: &mut DbConn, id: &str) -> DbResult<()> {
    diesel::delete(documents::table.find(id)).execute(conn)?;
    Ok(())
}

/// How many documents one record holds.
pub fn count_of(conn: &mut DbConn, kind: &str, owner: &str) -> DbResult<i64> {
    Ok(documents::table
        .filter(documents::owner_kind.eq(kind))
        .filter(documents::owner_id.eq(owner))
        .count()
        .get_result(conn)?)
}

/// The documents of each record in `owners`, oldest first.
pub fn of_owners(conn: &mut DbConn, kind: &str, owners: &[String]) -> DbResult<HashMap<String, Vec<Document>>> {
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<DocumentRow> = documents::table
        .filter(documents::owner_kind.eq(kind))
        .filter(documents::owner_id.eq_any(owners))
        .order((documents::owner_id, documents::id))
        .select(DocumentRow::as_select())
        .load(conn)?;
    let mut out: HashMap<String, Vec<Document>> = HashMap::new();
    for r in rows {
        out.entry(r.owner_id.clone()).or_default().push(r.into_domain());
    }
    Ok(out)
}

/// Whether any document names the bytes of `sha256`.
pub fn is_named(conn: &mut DbConn, sha256: &str) -> DbResult<bool> {
    Ok(diesel::select(diesel::dsl::exists(documents::table.filter(documents::sha256.eq(sha256)))).get_result(conn)?)
}

/// Every digest some document names (for the store's sweep).
pub fn named(conn: &mut DbConn) -> DbResult<HashSet<String>> {
    Ok(documents::table.select(documents::sha256).distinct().load::<String>(conn)?.into_iter().collect())
}
