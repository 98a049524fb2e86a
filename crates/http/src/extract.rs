//! Request extractors that turn every malformed input into a field-level problem
//! instead of actix's plain-text defaults.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use serde::de::DeserializeOwned;
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{Lang, ValidationErrors};

use crate::error::ApiError;

/// The request id assigned by the middleware (echoed in `X-Request-Id`).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Maximum accepted JSON body, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

pub fn lang(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}

/// Splits serde's "missing field `x`" into a field name.
fn missing_field(msg: &str) -> Option<&str> {
    msg.strip_prefix("missing field `")?.split('`').next()
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() || path == "." {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

/// Turns a deserialization failure into the field it concerns and why.
fn classify(path: String, msg: String) -> ValidationErrors {
    let path = if path == "." { String::new() } else { path };
    if let Some(f) = missing_field(&msg) {
        return ValidationErrors::single(join(&path, f), Violation::Required);
    }
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let f = rest.split('`').next().unwrap_or("");
        let field = if path.ends_with(f) { path.clone() } else { join(&path, f) };
        return ValidationErrors::single(field, Violation::UnknownField);
    }
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    let field = if path.is_empty() { "body".to_owned() } else { path };
    if msg.starts_with("unknown variant") {
        return ValidationErrors::single(field, Violation::UnknownValue);
    }
    ValidationErrors::single(field, Violation::InvalidType(msg))
}

/// Parses a JSON body, naming the offending field on failure. Objects are required
/// wherever the type is a struct: serde's derive would also take an array of the fields
/// in order (`[null, null]` as a user update), which the contract does not allow.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // Malformed JSON and trailing garbage are told apart from JSON of the wrong shape.
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| ApiError::malformed_json(&e.to_string()))?;
    serde_path_to_error::deserialize(Strict(value)).map_err(|e| {
        // A top-level array has no field to name: the body is wrong as a whole.
        let path = Some(e.path().to_string()).filter(|p| !p.starts_with('[')).unwrap_or_else(|| ".".into());
        ApiError::validation(classify(path, e.into_inner().to_string()))
    })
}

/// A parsed JSON value that deserializes structs from objects only.
struct Strict(serde_json::Value);

impl<'de> serde::de::IntoDeserializer<'de, serde_json::Error> for Strict {
    type Deserializer = Strict;
    fn into_deserializer(self) -> Strict {
        self
    }
}

impl<'de> serde::Deserializer<'de> for Strict {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        use serde::de::value::{MapDeserializer, SeqDeserializer};
        match self.0 {
            serde_json::Value::Array(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter().map(Strict));
                let v = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(v)
            }
            serde_json::Value::Object(map) => {
                let mut m = MapDeserializer::new(map.into_iter().map(|(k, v)| (k, Strict(v))));
                let v = visitor.visit_map(&mut m)?;
                m.end()?;
                Ok(v)
            }
            scalar => scalar.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if !self.0.is_object() {
            return Err(serde::de::Error::invalid_type(unexpected(&self.0), &"an object"));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.0.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: serde::de::Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        // Enums in the contract are strings; serde_json's own rules cover the rest.
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn unexpected(v: &serde_json::Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected;
    match v {
        serde_json::Value::Null => Unexpected::Unit,
        serde_json::Value::Bool(b) => Unexpected::Bool(*b),
        serde_json::Value::Number(_) => Unexpected::Other("number"),
        serde_json::Value::String(s) => Unexpected::Str(s),
        serde_json::Value::Array(_) => Unexpected::Seq,
        serde_json::Value::Object(_) => Unexpected::Map,
    }
}

/// A JSON request body of type `T`.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for JsonBody<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|ct| {
                let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            })
            .unwrap_or(false);
        let limit = req.app_data::<BodyLimit>().map(|l| l.0).unwrap_or(256 * 1024);
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::payload_too_large(limit).into());
            }
            if !is_json {
                return Err(ApiError::unsupported_media_type().into());
            }
            let bytes = body.await.map_err(|e| {
                if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::payload_too_large(limit)
                } else {
                    ApiError::malformed_json("the body could not be read")
                }
            })?;
            if bytes.is_empty() {
                return Err(ApiError::malformed_json("empty body").into());
            }
            // NUL cannot be stored in PostgreSQL text and is never meaningful input.
            if bytes.contains(&0) || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000")) {
                return Err(ApiError::validation(ValidationErrors::single(
                    "body",
                    Violation::InvalidFormat("NUL (U+0000)".into()),
                ))
                .into());
            }
            Ok(JsonBody(parse_json(&bytes)?))
        })
    }
}

/// Query-string parameters of type `T`, with field-level errors.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(req.query_string().as_bytes()));
        let r = serde_path_to_error::deserialize(de).map(QueryParams).map_err(|e| {
            let path = e.path().to_string();
            let msg = e.into_inner().to_string();
            // A parameter given twice is named by the parser only in its message.
            if let Some(name) = msg.strip_prefix("duplicate field `").and_then(|m| m.split('`').next()) {
                return ApiError::bad_parameter(ValidationErrors::single(name, Violation::Duplicate)).into();
            }
            let mut errs = classify(path, msg);
            // Query parameters are named at top level; a nameless error is about the string.
            if errs.0.first().is_some_and(|(f, _)| f == "body") {
                errs = ValidationErrors::single("query", Violation::InvalidFormat("query string".into()));
            }
            ApiError::bad_parameter(errs).into()
        });
        std::future::ready(r)
    }
}

/// Most values one comma-separated filter parameter accepts (after removing repeats).
pub const MAX_FILTER_VALUES: usize = 50;
/// Longest single value in a filter list (codes and ids are far shorter).
const MAX_FILTER_VALUE_LEN: usize = 100;

/// Splits a comma-separated filter parameter into trimmed, non-empty, distinct values.
/// More than [`MAX_FILTER_VALUES`] (or an overlong value) is a field error naming the
/// parameter and yields nothing, so no query is ever built from an unbounded list.
pub fn csv_list(field: &str, value: &Option<String>, errors: &mut ValidationErrors) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for v in value.as_deref().unwrap_or("").split(',').map(str::trim).filter(|s| !s.is_empty()) {
        if v.chars().count() > MAX_FILTER_VALUE_LEN {
            errors.add(field, Violation::TooLong { max: MAX_FILTER_VALUE_LEN });
            return Vec::new();
        }
        if seen.insert(v) {
            if out.len() == MAX_FILTER_VALUES {
                errors.add(field, Violation::TooMany { max: MAX_FILTER_VALUES });
                return Vec::new();
            }
            out.push(v.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct In {
        kind: tashbeek_domain::organization::OrganizationKind,
        count: Option<i64>,
    }

    fn field_of(body: &str) -> (String, String) {
        let e = parse_json::<In>(body.as_bytes()).unwrap_err();
        let (f, v) = e.errors.0.first().cloned().unwrap_or(("".into(), Violation::Required));
        (f, if e.code == "malformed_json" { "malformed".into() } else { v.code().into() })
    }

    #[test]
    fn filter_lists_are_deduplicated_and_bounded() {
        let mut e = ValidationErrors::default();
        assert_eq!(csv_list("sector", &Some(" a, b,a,,b ".into()), &mut e), ["a", "b"]);
        assert!(e.is_empty());
        let repeated = Some(vec!["health"; 9000].join(","));
        assert_eq!(csv_list("sector", &repeated, &mut e), ["health"]);
        let many = Some((0..51).map(|i| format!("s{i}")).collect::<Vec<_>>().join(","));
        assert!(csv_list("area", &many, &mut e).is_empty());
        assert_eq!(e.0, vec![("area".to_owned(), Violation::TooMany { max: MAX_FILTER_VALUES })]);
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(field_of("{}"), ("kind".into(), "required".into()));
        assert_eq!(field_of(r#"{"kind":"spaceship"}"#), ("kind".into(), "unknown_value".into()));
        assert_eq!(field_of(r#"{"kind":"ngo","count":"x"}"#), ("count".into(), "invalid_type".into()));
        assert_eq!(field_of(r#"{"kind":"ngo","extra":1}"#), ("extra".into(), "unknown_field".into()));
        assert_eq!(field_of(r#"{"kind":"ngo""#).1, "malformed");
        assert_eq!(field_of(r#"{"kind":"ngo"} x"#).1, "malformed");
    }

    #[test]
    fn structs_come_from_objects_only() {
        // serde's derive would read these arrays as the fields in order.
        assert_eq!(field_of(r#"["ngo", null]"#), ("body".into(), "invalid_type".into()));
        let nested = |body: &str| {
            let e = parse_json::<tashbeek_domain::organization::OrganizationInput>(body.as_bytes()).unwrap_err();
            let (f, v) = e.errors.0.first().cloned().expect("an error");
            (f, v.code().to_owned())
        };
        assert_eq!(
            nested(r#"{"kind":"ngo","name_ar":"س","contacts":[null,null]}"#),
            ("contacts".into(), "invalid_type".into())
        );
        assert_eq!(
            nested(r#"{"kind":"ngo","name_ar":"س","needs":[["funding",null]]}"#),
            ("needs[0]".into(), "invalid_type".into())
        );
        // Nested paths are still named.
        assert_eq!(
            nested(r#"{"kind":"ngo","name_ar":"س","contacts":{"email":5}}"#),
            ("contacts.email".into(), "invalid_type".into())
        );
        assert!(parse_json::<tashbeek_domain::organization::OrganizationInput>(
            r#"{"kind":"ngo","name_ar":"س","contacts":{"email":"a@b.org"},"needs":[{"kind":"funding"}],"founded_year":2001}"#.as_bytes()
        )
        .is_ok());
    }
}
