//! Sectors and the area tree: read by everyone, managed by platform administrators.

use tashbeek_domain::reference::{Area, AreaInput, NamesInput, Sector, SectorInput};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::{reference, DbError};

use crate::authz;
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::event::Event;

fn invalid(field: &str, v: Violation) -> AppError {
    AppError::Invalid(ValidationErrors::single(field, v))
}

pub fn create_sector(ctx: &mut Ctx, input: &SectorInput) -> AppResult<Sector> {
    authz::admin(ctx)?;
    if reference::get_sector(ctx.conn, &input.code).is_ok() {
        return Err(invalid("code", Violation::Taken));
    }
    let s = reference::insert_sector(ctx.conn, input, ctx.db_now())?;
    ctx.record(&s.code, Event::SectorCreated(s.clone()))?;
    Ok(s)
}

pub fn rename_sector(ctx: &mut Ctx, code: &str, input: &NamesInput) -> AppResult<Sector> {
    authz::admin(ctx)?;
    let before = reference::get_sector(ctx.conn, code)?;
    let s = reference::rename_sector(ctx.conn, code, input, ctx.db_now())?;
    ctx.record(code, Event::SectorRenamed { before, after: s.clone() })?;
    Ok(s)
}

/// A new area under an existing parent of the level above (country > state > locality).
pub fn create_area(ctx: &mut Ctx, input: &AreaInput) -> AppResult<Area> {
    authz::admin(ctx)?;
    if reference::get_area(ctx.conn, &input.id).is_ok() {
        return Err(invalid("id", Violation::Taken));
    }
    let parent_path = match &input.parent_id {
        None => "/".to_owned(),
        Some(p) => {
            let parent = reference::get_area(ctx.conn, p).map_err(|e| match e {
                DbError::NotFound => invalid("parent_id", Violation::UnknownValue),
                other => other.into(),
            })?;
            if parent.level.child() != Some(input.level) {
                return Err(invalid("level", Violation::InvalidFormat(input.level.as_str().into())));
            }
            reference::area_path(ctx.conn, p)?
        }
    };
    let a = reference::insert_area(ctx.conn, input, &parent_path, ctx.db_now())?;
    ctx.record(&a.id, Event::AreaCreated(a.clone()))?;
    Ok(a)
}

pub fn rename_area(ctx: &mut Ctx, id: &str, input: &NamesInput) -> AppResult<Area> {
    authz::admin(ctx)?;
    let before = reference::get_area(ctx.conn, id)?;
    let a = reference::rename_area(ctx.conn, id, input, ctx.db_now())?;
    ctx.record(id, Event::AreaRenamed { before, after: a.clone() })?;
    Ok(a)
}
