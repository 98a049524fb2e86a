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

    /// The message for list field `name` or any of its items (`organizers[0]`), shown
    /// beside the list.
    pub fn list_field(&self, name: &str) -> Option<String> {
        let matches = |f: &str| f == name || f.strip_prefix(name).is_some_and(|rest| rest.starts_with('['));
        self.fields.iter().find(|f| matches(&f.field)).map(|f| f.message.clone())
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

/// What a request carries: JSON, or a file's bytes as they are (uploads).
#[derive(Clone, Copy)]
enum Payload<'a> {
    Json(&'a serde_json::Value),
    File(&'a web_sys::File),
}

async fn send(
    method: Method,
    path: &str,
    body: Option<Payload<'_>>,
    token: Option<&str>,
    if_match: Option<&str>,
) -> Result<Response, ApiError> {
    let b = builder(method, path, token, if_match);
    let req = match body {
        Some(Payload::Json(v)) => b.json(v).map_err(|_| network_error())?,
        Some(Payload::File(f)) => {
            let kind = f.type_();
            b.header("Content-Type", if kind.is_empty() { "application/octet-stream" } else { &kind })
                .body(wasm_bindgen::JsValue::from(f.clone()))
                .map_err(|_| network_error())?
        }
        None => b.build().map_err(|_| network_error())?,
    };
    req.send().await.map_err(|_| network_error())
}

type Refreshing = futures_util::future::Shared<futures_util::future::LocalBoxFuture<'static, bool>>;

thread_local! {
    /// The refresh under way: requests that meet an expired token at the same time share
    /// it, since the server takes a refresh token used twice for a stolen one.
    static REFRESHING: RefCell<Option<Refreshing>> = const { RefCell::new(None) };
}

/// Trades the refresh token for a new pair (once, however many requests ask at once);
/// signs out when that fails.
async fn refresh(session: Session) -> bool {
    use futures_util::FutureExt;
    let shared = REFRESHING.with(|r| r.borrow().clone()).unwrap_or_else(|| {
        let f = async move {
            let ok = refresh_once(session).await;
            REFRESHING.with(|r| *r.borrow_mut() = None);
            ok
        }
        .boxed_local()
        .shared();
        REFRESHING.with(|r| *r.borrow_mut() = Some(f.clone()));
        f
    });
    shared.await
}

async fn refresh_once(session: Session) -> bool {
    let Some(current) = leptos::prelude::GetUntracked::get_untracked(&session.0) else { return false };
    let body = serde_json::to_value(RefreshRequest { refresh_token: current.refresh_token }).unwrap_or_default();
    match send(Method::Post, "/api/v1/auth/refresh", Some(Payload::Json(&body)), None, None).await {
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

/// Sends with the session's token; on 401 it refreshes the token once and retries.
/// Any answer but a success becomes an `ApiError`.
async fn exchange(
    method: Method,
    path: &str,
    body: Option<Payload<'_>>,
    if_match: Option<&str>,
) -> Result<Response, ApiError> {
    let session = ctx(|c| c.session);
    let token =
        || leptos::prelude::WithUntracked::with_untracked(&session.0, |s| s.as_ref().map(|s| s.access_token.clone()));
    let first = token();
    let mut resp = send(method, path, body, first.as_deref(), if_match).await?;
    if resp.status() == 401 && first.is_some() && refresh(session).await {
        resp = send(method, path, body, token().as_deref(), if_match).await?;
    }
    if !resp.ok() {
        return Err(problem(resp).await);
    }
    Ok(resp)
}

/// Calls the API with a JSON body (or none).
pub async fn call<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
    if_match: Option<&str>,
) -> Result<Reply<T>, ApiError> {
    let resp = exchange(method, path, body.as_ref().map(Payload::Json), if_match).await?;
    let etag = resp.headers().get("etag");
    let text = resp.text().await.map_err(|_| network_error())?;
    // An empty body (204) reads as `null`: `()` and `Option` accept it.
    let body = serde_json::from_str(if text.is_empty() { "null" } else { &text }).map_err(|_| network_error())?;
    Ok(Reply { body, etag })
}

/// Posts a file's bytes as the body, with its type as `Content-Type`.
pub async fn upload<T: DeserializeOwned>(path: &str, file: &web_sys::File) -> Result<T, ApiError> {
    let resp = exchange(Method::Post, path, Some(Payload::File(file)), None).await?;
    resp.json().await.map_err(|_| network_error())
}

/// Downloads bytes the session may read, as a blob of their type (an `<a href>` would
/// not carry the session's token).
pub async fn blob(path: &str) -> Result<web_sys::Blob, ApiError> {
    let resp = exchange(Method::Get, path, None, None).await?;
    let kind = resp.headers().get("content-type").unwrap_or_default();
    let bytes = resp.binary().await.map_err(|_| network_error())?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(&bytes[..]));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&kind);
    web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(|_| network_error())
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    call(Method::Get, path, None, None).await.map(|r| r.body)
}

/// Percent-encodes a query value.
pub fn enc(v: &str) -> String {
    js_sys::encode_uri_component(v).into()
}
