//! Networks' coordination offices: who holds which position on a date, and the
//! history. An office is made by an election (`crate::minutes::decide`); anyone who sees
//! the network sees its office.

use chrono::NaiveDate;
use tashbeek_domain::office::OfficeTerm;
use tashbeek_domain::NetworkId;
use tashbeek_persistence::{network as networks, office as offices};

use crate::context::Ctx;
use crate::error::AppResult;

/// Most terms a history shows.
const MAX_HISTORY: i64 = 500;

/// The office on `on` (today by default), chair first.
pub fn on(ctx: &mut Ctx, network: &NetworkId, on: Option<NaiveDate>) -> AppResult<Vec<OfficeTerm>> {
    let n = networks::get(ctx.conn, network)?;
    let day = on.unwrap_or_else(|| ctx.now.date_naive());
    Ok(offices::on(ctx.conn, &n.id, day)?)
}

/// Every term the office has had, newest first.
pub fn history(ctx: &mut Ctx, network: &NetworkId) -> AppResult<Vec<OfficeTerm>> {
    let n = networks::get(ctx.conn, network)?;
    Ok(offices::history(ctx.conn, &n.id, MAX_HISTORY)?)
}
