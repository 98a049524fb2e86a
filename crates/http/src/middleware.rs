//! Per-request context: a request id (echoed in `X-Request-Id` and every log line),
//! one access-log line, and every error rendered as problem+json in the language of
//! the request's `Accept-Language`.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::HttpMessage;
use tracing::Instrument;

use crate::error::ApiError;
use crate::extract::{lang, RequestId};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

fn incoming_id(req: &ServiceRequest) -> Option<String> {
    let v = req.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let ok = !v.is_empty() && v.len() <= 100 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    ok.then(|| v.to_owned())
}

/// An error that did not come from our handlers (unknown route, wrong method, …).
fn fallback(status: StatusCode, err: Option<&actix_web::Error>) -> ApiError {
    match status {
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::new(
            status,
            "method_not_allowed",
            "هذه الطريقة غير مدعومة لهذا المسار.",
            "This method is not supported on this path.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::payload_too_large(256 * 1024),
        s if s.is_server_error() => {
            tracing::error!(error = ?err.map(|e| e.to_string()), status = s.as_u16(), "unhandled server error");
            ApiError::internal()
        }
        s => ApiError::new(
            s,
            "bad_request",
            "الطلب غير صالح.",
            format!("Bad request: {}", err.map(|e| e.to_string()).unwrap_or_default()),
        ),
    }
}

/// Where a NUL (`%00`) is: `path`, the query parameter whose value holds it, or `query`
/// (in a parameter's name); `None` when there is none.
fn nul_field(uri: &actix_web::http::Uri) -> Option<String> {
    let has_nul = |s: &str| s.as_bytes().windows(3).any(|w| w == b"%00");
    if has_nul(uri.path()) {
        return Some("path".to_owned());
    }
    let query = uri.query().filter(|q| has_nul(q))?;
    let field = form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| k.contains('\0') || v.contains('\0'))
        .filter(|(k, _)| !k.contains('\0'))
        .map(|(k, _)| k.into_owned());
    Some(field.unwrap_or_else(|| "query".to_owned()))
}

pub async fn context(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let rid = incoming_id(&req).unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    // NUL in a path or query can never name anything and PostgreSQL text refuses it.
    if let Some(field) = nul_field(req.uri()) {
        let lang = lang(req.request());
        let err = ApiError::bad_parameter(tashbeek_domain::ValidationErrors::single(
            field,
            tashbeek_domain::validation::Violation::InvalidFormat("NUL (U+0000)".into()),
        ));
        let mut res = req.into_response(err.respond(lang, Some(&rid)));
        if let Ok(v) = HeaderValue::from_str(&rid) {
            res.headers_mut().insert(REQUEST_ID, v);
        }
        return Ok(res);
    }
    let lang = lang(req.request());
    req.extensions_mut().insert(RequestId(rid.clone()));
    let method = req.method().clone();
    let path = req.path().to_owned();
    let start = Instant::now();
    let span = tracing::info_span!("request", request_id = %rid);
    let res = next.call(req).instrument(span.clone()).await?;
    let mut res = res.map_into_boxed_body();
    let status = res.status();
    if status.is_client_error() || status.is_server_error() {
        let is_problem = res
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
        let api = match res.response().error().and_then(|e| e.as_error::<ApiError>()) {
            Some(api) => Some(api.clone()),
            None if !is_problem => Some(fallback(status, res.response().error())),
            None => None,
        };
        if let Some(api) = api {
            let mut fresh = api.respond(lang, Some(&rid));
            // Keep headers other layers set (CORS, Allow), but not the old body's.
            for (k, v) in res.headers() {
                let body_header = [header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING].contains(k);
                if !body_header && !fresh.headers().contains_key(k) {
                    fresh.headers_mut().insert(k.clone(), v.clone());
                }
            }
            res = res.into_response(fresh.map_into_boxed_body());
        }
    }
    if let Ok(v) = HeaderValue::from_str(&rid) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    let elapsed_ms = start.elapsed().as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if res.status().is_server_error() {
            tracing::error!(%method, %path, status = res.status().as_u16(), elapsed_ms, "request");
        } else {
            tracing::info!(%method, %path, status = res.status().as_u16(), elapsed_ms, "request");
        }
    });
    Ok(res)
}

/// The security headers of every response, set by the outermost layer so that early
/// answers (a CORS preflight, a rejected query, an unknown route) carry them too.
#[derive(Debug, Clone)]
pub struct HeaderPolicy {
    /// `Content-Security-Policy` of the dashboard's pages: its own files only, with the
    /// hashes of the inline loader trunk writes into `index.html`.
    pub dashboard_csp: String,
    /// Send `Strict-Transport-Security` (browsers reach the server over HTTPS).
    pub hsts: bool,
}

/// JSON answers run no script and embed nothing.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/// Swagger UI: its own scripts and styles (it sets inline styles), its own images.
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

impl HeaderPolicy {
    /// The policy for a dashboard whose `index.html` reads `index`: every inline
    /// `<script>` in it is allowed by its SHA-256 hash, nothing else inline.
    pub fn for_dashboard(index: Option<&str>, hsts: bool) -> HeaderPolicy {
        use base64::Engine;
        use sha2::Digest;
        let mut hashes = String::new();
        let mut rest = index.unwrap_or("");
        while let Some(start) = rest.find("<script") {
            let tag_end = match rest[start..].find('>') {
                Some(e) => start + e,
                None => break,
            };
            let tag = &rest[start..tag_end];
            let body_end = match rest[tag_end..].find("</script>") {
                Some(e) => tag_end + e,
                None => break,
            };
            if !tag.contains("src=") {
                let body = &rest[tag_end + 1..body_end];
                let digest = sha2::Sha256::digest(body.as_bytes());
                hashes.push_str(&format!(" 'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
            }
            rest = &rest[body_end..];
        }
        // A dashboard pointed at an API elsewhere (`<meta name="tashbeek-api" content=…>`)
        // must be allowed to call it.
        let api = index
            .and_then(|i| i.split("name=\"tashbeek-api\"").nth(1))
            .and_then(|rest| rest.split("content=\"").nth(1))
            .and_then(|rest| rest.split('"').next())
            .map(str::trim)
            .filter(|a| a.starts_with("https://") || a.starts_with("http://"))
            .filter(|a| !a.contains([' ', ';', '\'']))
            .map(|a| format!(" {}", a.trim_end_matches('/')))
            .unwrap_or_default();
        HeaderPolicy {
            dashboard_csp: format!(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
                 img-src 'self' data: blob:; font-src 'self'; connect-src 'self'{api}; media-src 'self' blob:; \
                 object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
            ),
            hsts,
        }
    }
}

pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = req.app_data::<actix_web::web::Data<HeaderPolicy>>().cloned();
    let path = req.path().to_owned();
    let mut res = next.call(req).await?;
    let h = res.headers_mut();
    let csp = if path.starts_with("/api/") || path == "/healthz" || path == "/readyz" {
        API_CSP.to_owned()
    } else if path == "/docs" || path.starts_with("/docs/") {
        DOCS_CSP.to_owned()
    } else {
        policy.as_ref().map(|p| p.dashboard_csp.clone()).unwrap_or_else(|| API_CSP.to_owned())
    };
    let mut set = |name: HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(name, v);
        }
    };
    set(header::CONTENT_SECURITY_POLICY, &csp);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    // The attendance screen will scan QR codes with the camera; nothing else is used.
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
    );
    if policy.is_some_and(|p| p.hsts) {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    Ok(res)
}
