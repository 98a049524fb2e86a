//! Entity tags from record versions: `If-None-Match` saves bandwidth on reads and
//! `If-Match` stops two coordinators from overwriting each other's edits.

use actix_web::http::header;
use actix_web::HttpRequest;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::ValidationErrors;

use tashbeek_app::Expect;

use crate::error::{ApiError, ApiResult};

/// The tag of a record's full representation.
pub fn of(version: i64) -> String {
    format!("\"{version}\"")
}

/// Anonymous viewers get a different (public) representation, hence another tag.
pub fn of_view(version: i64, signed_in: bool) -> String {
    if signed_in {
        of(version)
    } else {
        format!("\"{version}-public\"")
    }
}

/// Whether `If-None-Match` lists `tag` (so the client's copy is current).
pub fn none_match(req: &HttpRequest, tag: &str) -> bool {
    let Some(v) = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else { return false };
    v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == tag)
}

/// What `If-Match` demands of the stored version (`Expect::Nothing` without one).
pub fn expectation(req: &HttpRequest) -> ApiResult<Expect> {
    let Some(v) = req.headers().get(header::IF_MATCH) else { return Ok(Expect::Nothing) };
    let bad = || {
        ApiError::bad_parameter(ValidationErrors::single("If-Match", Violation::InvalidFormat("\"<version>\"".into())))
    };
    let v = v.to_str().map_err(|_| bad())?.trim();
    if v == "*" {
        return Ok(Expect::Any);
    }
    let mut versions = Vec::new();
    for t in v.split(',') {
        let t = t.trim().trim_start_matches("W/");
        let inner = t.strip_prefix('"').and_then(|t| t.strip_suffix('"')).ok_or_else(bad)?;
        let n = inner.strip_suffix("-public").unwrap_or(inner);
        versions.push(n.parse::<i64>().map_err(|_| bad())?);
    }
    Ok(Expect::OneOf(versions))
}
