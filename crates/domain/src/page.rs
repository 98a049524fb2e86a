//! Keyset pagination shared by every list: opaque cursors and page envelopes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::validation::{ValidationErrors, Violation};

pub const DEFAULT_LIMIT: i64 = 50;
/// Timestamps a client may send (`updated_since`, cursors): both databases store every
/// instant of these years, so nothing beyond them reaches a query.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 9999;

pub fn in_time_range(t: &chrono::DateTime<chrono::Utc>) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&chrono::Datelike::year(t))
}
pub const MAX_LIMIT: i64 = 200;

/// Where the previous page ended: the sort key and id of its last row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort key of the last row (empty when sorting by id alone).
    pub k: String,
    /// Id of the last row.
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        // Serializing two strings cannot fail.
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a cursor a client sent back; anything we did not issue is a field error.
    pub fn decode(s: &str) -> Result<Cursor, ValidationErrors> {
        let bad = || ValidationErrors::single("cursor", Violation::InvalidFormat("cursor".into()));
        if s.len() > 1024 {
            return Err(bad());
        }
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| bad())?;
        let c: Cursor = serde_json::from_slice(&bytes).map_err(|_| bad())?;
        // The key goes into a query: no control characters (PostgreSQL refuses NUL).
        if uuid::Uuid::parse_str(&c.id).is_err() || c.k.chars().any(char::is_control) {
            return Err(bad());
        }
        Ok(c)
    }
}

/// Checks a client's `limit`.
pub fn limit(requested: Option<i64>) -> Result<i64, ValidationErrors> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ValidationErrors::single("limit", Violation::OutOfRange { min: 1, max: MAX_LIMIT })),
    }
}

/// Reads a list request's `limit` and `cursor`, adding any problem to `errors` so a
/// handler reports every bad parameter at once.
pub fn parse(limit_param: Option<i64>, cursor: Option<&str>, errors: &mut ValidationErrors) -> (i64, Option<Cursor>) {
    let limit = limit(limit_param).unwrap_or_else(|e| {
        errors.0.extend(e.0);
        DEFAULT_LIMIT
    });
    let cursor = cursor.map(Cursor::decode).transpose().unwrap_or_else(|e| {
        errors.0.extend(e.0);
        None
    });
    (limit, cursor)
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page made of `rows`, fetched with `limit + 1`: the extra row only tells that
    /// there is a next page, whose cursor is the last kept row's `cursor_of`. Every list
    /// builds its page here.
    pub fn from_rows(mut rows: Vec<T>, limit: i64, cursor_of: impl Fn(&T) -> Cursor) -> Page<T> {
        let more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        let next_cursor = if more { rows.last().map(|r| cursor_of(r).encode()) } else { None };
        Page { items: rows, next_cursor }
    }

    /// The same page with each item converted (rows into what the API shows).
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page { items: self.items.into_iter().map(f).collect(), next_cursor: self.next_cursor }
    }
}

impl Cursor {
    /// A cursor for lists ordered by id alone.
    pub fn of_id(id: impl ToString) -> Cursor {
        Cursor { k: String::new(), id: id.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_garbage() {
        let c = Cursor { k: "جمعيه".into(), id: "0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e6f".into() };
        assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        assert!(Cursor::decode("not a cursor").is_err());
        assert!(Cursor::decode(&URL_SAFE_NO_PAD.encode(b"{\"k\":\"\",\"id\":\"x\"}")).is_err());
    }

    #[test]
    fn pages_from_rows() {
        let id = |n: u8| format!("0192f1c4-8a4e-7cc0-9d1e-1c2b3a4d5e{n:02x}");
        let p = Page::from_rows(vec![id(1), id(2), id(3)], 2, |r| Cursor::of_id(r));
        assert_eq!(p.items, [id(1), id(2)]);
        assert_eq!(Cursor::decode(p.next_cursor.as_deref().unwrap()).unwrap().id, id(2));
        let last = Page::from_rows(vec![id(1), id(2)], 2, |r| Cursor::of_id(r));
        assert_eq!((last.items.len(), last.next_cursor), (2, None));
    }

    #[test]
    fn limits() {
        assert_eq!(limit(None).unwrap(), 50);
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(201)).is_err());
    }
}
