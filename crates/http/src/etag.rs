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

/// What `If-Match` demands of the stored version (`Expect::Nothing` without one). A
/// well-formed entity tag that is not one of ours simply matches nothing (412, as RFC 9110
/// says); only a value that is not entity-tag syntax is a 400.
pub fn expectation(req: &HttpRequest) -> ApiResult<Expect> {
    let Some(v) = req.headers().get(header::IF_MATCH) else { return Ok(Expect::Nothing) };
    let bad = || {
        ApiError::bad_parameter(ValidationErrors::single("If-Match", Violation::InvalidFormat("\"<version>\"".into())))
    };
    let v = v.to_str().map_err(|_| bad())?.trim();
    if v == "*" {
        return Ok(Expect::Any);
    }
    let versions = entity_tags(v).ok_or_else(bad)?;
    Ok(Expect::OneOf(versions))
}

/// `If-Match` on changes of shared records, declared once for every such operation; the
/// pattern is entity-tag syntax (RFC 9110): `*`, or a comma-separated list of quoted tags.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The ETag you read: the change is refused (412) if someone changed the record since,
    /// and without it (428).
    #[param(
        rename = "If-Match",
        pattern = r#"^[ \t]*(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)[ \t]*$"#,
        max_length = 1024
    )]
    pub if_match: String,
}

/// `If-Match` where it is optional.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatchOptional {
    /// Optional: the change is refused (412) if the record changed since this ETag.
    #[param(
        rename = "If-Match",
        nullable = false,
        pattern = r#"^[ \t]*(\*|(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*)[ \t]*$"#,
        max_length = 1024
    )]
    pub if_match: Option<String>,
}

/// The versions named by a list of entity tags (`"3", W/"4-public", "x"`); tags that are
/// not ours name none. `None` when the list is not entity-tag syntax: quoted tags of
/// visible ASCII (commas allowed inside the quotes), separated by commas.
fn entity_tags(list: &str) -> Option<Vec<i64>> {
    let mut versions = Vec::new();
    let mut rest = list.trim_start_matches([' ', '\t', ',']);
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        // If-Match compares strongly (RFC 9110 13.1.1): a weak tag matches nothing.
        let weak = rest.starts_with("W/");
        let quoted = rest.strip_prefix("W/").unwrap_or(rest).strip_prefix('"')?;
        let end = quoted.find('"')?;
        let tag = &quoted[..end];
        if !tag.bytes().all(|b| b == 0x21 || (0x23..=0x7E).contains(&b)) {
            return None;
        }
        let digits = tag.strip_suffix("-public").unwrap_or(tag);
        // Only the spelling the server issues: `"03"` or `"+3"` is not `"3"`.
        if let Ok(n) = digits.parse::<i64>() {
            if !weak && n.to_string() == digits {
                versions.push(n);
            }
        }
        let after = quoted[end + 1..].trim_start_matches([' ', '\t']);
        if !(after.is_empty() || after.starts_with(',')) {
            return None;
        }
        rest = after.trim_start_matches([' ', '\t', ',']);
    }
    Some(versions)
}

#[cfg(test)]
mod tests {
    use super::entity_tags;

    #[test]
    fn entity_tag_lists() {
        assert_eq!(entity_tags(r#""3""#), Some(vec![3]));
        assert_eq!(entity_tags(r#""4-public" , "x", "5""#), Some(vec![4, 5]));
        // Weak tags and other spellings of a number match nothing.
        assert_eq!(entity_tags(r#"W/"4", "+3", "03""#), Some(vec![]));
        assert_eq!(entity_tags("W/\"a,b\"\t ,\t\"\""), Some(vec![]));
        assert_eq!(entity_tags("null"), None);
        assert_eq!(entity_tags(""), None);
        assert_eq!(entity_tags(" , "), None);
        assert_eq!(entity_tags(r#""3" "4""#), None);
        assert_eq!(entity_tags(r#""unterminated"#), None);
        assert_eq!(entity_tags("\"with space\""), None);
    }
}
