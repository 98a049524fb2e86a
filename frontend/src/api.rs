//! The dashboard's only way to the server: the public API, with the session's token,
//! the UI language, silent token refresh, and problem+json errors turned into values.

use std::cell::RefCell;

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tashbeek_domain::auth::{RefreshRequest, TokenPair};
use tashbeek_domain::FieldError;

use crate::i18n::{tr, Locale};
use crate::session::{Session, Stored};

/// What the server (or the network) said went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status; 0 when the server could not be reached.
    pub status: u16,
    pub code: String,
    pub detail: String,
    pub fields: Vec<FieldError>,
}

impl ApiError {
    pub fn field(&self, name: &str) -> Option<String> {
        self.fields.iter().find(|f| f.field == name).map(|f| f.message.clone())
    }
}

#[derive(Deserialize)]
struct Problem {
    code: String,
    detail: String,
    #[serde(default)]
    errors: Vec<FieldError>,
}

struct Ctx {
    base: String,
    session: Session,
    locale: leptos::prelude::RwSignal<Locale>,
}

thread_local! {
    static CTX: RefCell<Option<Ctx>> = const { RefCell::new(None) };
}

/// Wires the client to the session and language; the API base comes from
/// `<meta name="tashbeek-api">` (empty: the dashboard's own origin).
pub fn init(session: Session, locale: leptos::prelude::RwSignal<Locale>) {
    let base = leptos::prelude::document()
        .query_selector("meta[name=tashbeek-api]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .unwrap_or_default()
        .trim_end_matches('/')
        .to_owned();
    CTX.with(|c| *c.borrow_mut() = Some(Ctx { base, session, locale }));
}

fn ctx<T>(f: impl FnOnce(&Ctx) -> T) -> T {
    CTX.with(|c| f(c.borrow().as_ref().expect("api::init runs at startup")))
}

fn locale() -> Locale {
    ctx(|c| leptos::prelude::GetUntracked::get_untracked(&c.locale))
}

fn network_error() -> ApiError {
    ApiError { status: 0, code: "network".into(), detail: tr(locale(), "errors.network"), fields: vec![] }
}

async fn problem(resp: Response) -> ApiError {
    let status = resp.status();
    match resp.json::<Problem>().await {
        Ok(p) => ApiError { status, code: p.code, detail: p.detail, fields: p.errors },
        Err(_) => ApiError { status, code: "unknown".into(), detail: tr(locale(), "errors.generic"), fields: vec![] },
    }
}

#[derive(Clone, Copy, PartialEq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// A successful answer with the headers the dashboard cares about.
pub struct Reply<T> {
    pub body: T,
    pub etag: Option<String>,
}

fn builder(method: Method, path: &str, token: Option<&str>, if_match: Option<&str>) -> RequestBuilder {
    let url = format!("{}{}", ctx(|c| c.base.clone()), path);
    let mut b = match method {
        Method::Get => Request::get(&url),
        Method::Post => Request::post(&url),
        Method::Put => Request::put(&url),
        Method::Patch => Request::patch(&url),
        Method::Delete => Request::delete(&url),
    };
    b = b.header("Accept-Language", locale().code()).header("Accept", "application/json");
    if let Some(t) = token {
        b = b.header("Authorization", &format!("Bearer {t}"));
    }
    if let Some(e) = if_match {
        b = b.header("If-Match", e);
    }
    b
}

async fn send(
    method: Method,
    path: &str,
    body: Option<&serde_json::Value>,
    token: Option<&str>,
    if_match: Option<&str>,
) -> Result<Response, ApiError> {
    let b = builder(method, path, token, if_match);
    let req = match body {
        Some(v) => b.json(v).map_err(|_| network_error())?,
        None => b.build().map_err(|_| network_error())?,
    };
    req.send().await.map_err(|_| network_error())
}

/// Trades the refresh token for a new pair; signs out when that fails.
async fn refresh(session: Session) -> bool {
    let Some(current) = leptos::prelude::GetUntracked::get_untracked(&session.0) else { return false };
    let body = serde_json::to_value(RefreshRequest { refresh_token: current.refresh_token }).unwrap_or_default();
    match send(Method::Post, "/api/v1/auth/refresh", Some(&body), None, None).await {
        Ok(r) if r.ok() => match r.json::<TokenPair>().await {
            Ok(pair) => {
                leptos::prelude::Set::set(&session.0, Some(Stored::from(pair)));
                true
            }
            Err(_) => false,
        },
        _ => {
            session.sign_out();
            false
        }
    }
}

/// Calls the API; on 401 with a session it refreshes the token once and retries.
pub async fn call<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    if_match: Option<&str>,
) -> Result<Reply<T>, ApiError> {
    let session = ctx(|c| c.session);
    let token =
        || leptos::prelude::WithUntracked::with_untracked(&session.0, |s| s.as_ref().map(|s| s.access_token.clone()));
    let first = token();
    let mut resp = send(method, path, body.as_ref(), first.as_deref(), if_match).await?;
    if resp.status() == 401 && first.is_some() && refresh(session).await {
        resp = send(method, path, body.as_ref(), token().as_deref(), if_match).await?;
    }
    if !resp.ok() {
        return Err(problem(resp).await);
    }
    let etag = resp.headers().get("etag");
    let text = resp.text().await.map_err(|_| network_error())?;
    // An empty body (204) reads as `null`: `()` and `Option` accept it.
    let body = serde_json::from_str(if text.is_empty() { "null" } else { &text }).map_err(|_| network_error())?;
    Ok(Reply { body, etag })
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call(Method::Get, path, None, None).await.map(|r| r.body)
}

/// Percent-encodes a query value.
pub fn enc(v: &str) -> String {
    js_sys::encode_uri_component(v).into()
}
