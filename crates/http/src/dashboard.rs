//! The dashboard's files, from a built `dist` directory or compiled into the binary.
//!
//! The build writes a brotli and a gzip copy beside each compressible file
//! (`app.wasm.br`, `app.wasm.gz`); the one the browser accepts is sent as is, so nothing
//! is compressed per request and slow links get the smallest form. Hashed names (trunk's
//! `name-<16 hex>.ext`) never change content, so browsers keep them a year without asking;
//! `index.html` is revalidated on every visit, so a new release is picked up at once once
//! the server serves it (a new binary, or a new `dist` directory and a restart: the
//! Content-Security-Policy allows the inline loader of the `index.html` read at startup).
//! Any other path is a client-side route and gets the page of the build that serves it
//! (`tashbeek_domain::dashboard::build_for`): `coordination.html` for `/partnerships…` and `/admin…`, `meetings.html` for `/meetings…`, `followup.html` for `/recommendations…`, `roadmap.html` for `/roadmap…`,
//! `public.html` (the public directory alone, a small first download) for `/` and
//! `/organizations/<uuid>` when the browser does not say it holds a session (cookie
//! `tashbeek_shell=full`, a hint the dashboard keeps, never a credential), `index.html`
//! (the main dashboard) otherwise.

use std::path::{Path, PathBuf};

use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

/// One file compiled into the binary (see the `embed-dashboard` feature of `tashbeek`).
#[derive(Debug)]
pub struct EmbeddedFile {
    /// Relative to `dist`, with `/` separators.
    pub path: &'static str,
    pub bytes: &'static [u8],
    /// A strong entity tag of the content, computed when it was embedded.
    pub etag: &'static str,
}

/// Where the dashboard's files come from.
#[derive(Debug, Clone)]
pub enum Dashboard {
    /// A built `dist` directory (`TASHBEEK_DASHBOARD_DIR`).
    Dir(PathBuf),
    /// Files compiled into the binary: one file to install, served from any directory.
    Embedded(&'static [EmbeddedFile]),
}

impl Dashboard {
    /// The directory, when it holds a built dashboard.
    pub fn dir(path: &Path) -> Option<Dashboard> {
        path.join("index.html").is_file().then(|| Dashboard::Dir(path.to_owned()))
    }

    /// The pages (`index.html`, then `public.html`, `coordination.html`, `meetings.html`, `followup.html` and `roadmap.html` when built), whose inline loaders the
    /// Content-Security-Policy allows by hash.
    pub fn index_html(&self) -> Option<String> {
        let read = |page: &str| match self {
            Dashboard::Dir(dir) => std::fs::read_to_string(dir.join(page)).ok(),
            Dashboard::Embedded(files) => find(files, page).and_then(|f| String::from_utf8(f.bytes.to_vec()).ok()),
        };
        let mut pages = read(INDEX)?;
        for other in [PUBLIC, COORDINATION, MEETINGS, FOLLOWUP, ROADMAP] {
            if let Some(p) = read(other) {
                pages = format!("{pages}\n{p}");
            }
        }
        Some(pages)
    }

    /// Where it is, for the startup log.
    pub fn describe(&self) -> String {
        match self {
            Dashboard::Dir(dir) => dir.display().to_string(),
            Dashboard::Embedded(files) => format!("embedded in the binary ({} files)", files.len()),
        }
    }
}

fn find(files: &'static [EmbeddedFile], path: &str) -> Option<&'static EmbeddedFile> {
    files.iter().find(|f| f.path == path)
}

/// Whether the request's `Accept-Encoding` lists `coding` (and not with `q=0`).
fn accepts(req: &HttpRequest, coding: &str) -> bool {
    req.headers().get_all(header::ACCEPT_ENCODING).filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|c| {
            let mut parts = c.split(';');
            parts.next().map(str::trim) == Some(coding)
                && !parts.any(|p| {
                    let p = p.trim().replace(' ', "");
                    p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0)
                })
        })
    })
}

/// How long browsers may keep `name` without asking. Trunk names its outputs
/// `name-<hash>.ext`, the hash a 64-bit value in hex without leading zeros (so up to 16
/// digits; 10 or more are asked for, which a word in a plain name hardly is).
fn cache_control(name: &str) -> &'static str {
    let hashed = name.split('.').next().is_some_and(|stem| {
        stem.rsplit(['-', '_'])
            .any(|part| (10..=16).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if [INDEX, PUBLIC, COORDINATION, MEETINGS, FOLLOWUP, ROADMAP].contains(&name) {
        "no-cache"
    } else if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    }
}

const INDEX: &str = "index.html";
const PUBLIC: &str = "public.html";
const COORDINATION: &str = "coordination.html";
const MEETINGS: &str = "meetings.html";
const FOLLOWUP: &str = "followup.html";
const ROADMAP: &str = "roadmap.html";

/// Whether the request is for the public build: a public address, from a browser that
/// does not say it holds a session.
/// The page of the build that serves this address (`tashbeek_domain::dashboard`).
fn page_for(req: &HttpRequest) -> &'static str {
    let signed_in = req
        .headers()
        .get_all(header::COOKIE)
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(';').any(|c| c.trim() == "tashbeek_shell=full"));
    tashbeek_domain::dashboard::build_for(req.path(), signed_in).page()
}

/// The file for `path`: itself when it exists, else the page of its build (`index.html`
/// when that build was not built).
fn relative(path: &str, page: &str, exists: impl Fn(&str) -> bool) -> String {
    let rel = path.trim_start_matches('/');
    let safe = !rel.split('/').any(|seg| seg == ".." || seg.starts_with('.') || seg.contains('\\'));
    if !rel.is_empty() && safe && exists(rel) {
        return rel.to_owned();
    }
    if exists(page) {
        page.into()
    } else {
        INDEX.into()
    }
}

const VARIANTS: [(&str, &str, ContentEncoding); 2] =
    [("br", "br", ContentEncoding::Brotli), ("gzip", "gz", ContentEncoding::Gzip)];

/// Serves one request for a dashboard file.
pub async fn serve(req: HttpRequest, dashboard: web::Data<Dashboard>) -> actix_web::Result<HttpResponse> {
    let mut res = match dashboard.get_ref() {
        Dashboard::Dir(dir) => from_dir(&req, dir).await?,
        Dashboard::Embedded(files) => from_binary(&req, files),
    };
    // Pages depend on the cookie too; hashed files must not (a sign-in would refetch them).
    let page = res.headers().get(header::CACHE_CONTROL).is_some_and(|v| v == "no-cache");
    let vary = if page { "Accept-Encoding, Cookie" } else { "Accept-Encoding" };
    res.headers_mut().insert(header::VARY, HeaderValue::from_static(vary));
    Ok(res)
}

async fn from_dir(req: &HttpRequest, dir: &Path) -> actix_web::Result<HttpResponse> {
    // Which file answers is decided off the executor: it reads the file system.
    let ranged = req.headers().contains_key(header::RANGE);
    let accepted: Vec<_> =
        VARIANTS.iter().filter(|(coding, _, _)| !ranged && accepts(req, coding)).map(|v| (v.1, v.2)).collect();
    let (path, page, dir) = (req.path().to_owned(), page_for(req), dir.to_owned());
    let (plain, chosen) = web::block(move || {
        let plain = dir.join(relative(&path, page, |rel| dir.join(rel).is_file()));
        // A copy older than its file is left from an earlier build: not served. A range of
        // a compressed copy would be labelled `identity` by actix-files: ranges get the
        // plain file (`accepted` is empty then).
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        let name = plain.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let chosen = accepted.into_iter().find_map(|(suffix, encoding)| {
            let copy = plain.with_file_name(format!("{name}.{suffix}"));
            (copy.is_file() && modified(&copy) >= modified(&plain)).then_some((copy, encoding))
        });
        (plain, chosen)
    })
    .await?;
    let file = match chosen {
        Some((copy, encoding)) => actix_files::NamedFile::open_async(&copy).await?.set_content_encoding(encoding),
        None => actix_files::NamedFile::open_async(&plain).await?,
    };
    let name = plain.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mime = actix_files::file_extension_to_mime(plain.extension().and_then(|e| e.to_str()).unwrap_or_default());
    let mut res = file.set_content_type(mime).disable_content_disposition().into_response(req);
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(name)));
    Ok(res)
}

fn from_binary(req: &HttpRequest, files: &'static [EmbeddedFile]) -> HttpResponse {
    let rel = relative(req.path(), page_for(req), |rel| find(files, rel).is_some());
    let Some(plain) = find(files, &rel) else { return HttpResponse::NotFound().finish() };
    let name = rel.rsplit('/').next().unwrap_or(&rel);
    let mime = actix_files::file_extension_to_mime(name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default());
    let (file, encoding) = VARIANTS
        .iter()
        .filter(|(coding, _, _)| accepts(req, coding))
        .find_map(|(_, suffix, encoding)| find(files, &format!("{rel}.{suffix}")).map(|f| (f, Some(*encoding))))
        .unwrap_or((plain, None));
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == file.etag));
    let mut res = if matches { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::CACHE_CONTROL, cache_control(name)))
        .insert_header((header::ETAG, file.etag))
        .insert_header((header::CONTENT_TYPE, mime.to_string()));
    if let Some(encoding) = encoding {
        res.insert_header((header::CONTENT_ENCODING, encoding.as_str()));
    }
    if matches {
        return res.finish();
    }
    // actix sends no body for HEAD, but keeps its length.
    res.body(file.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    static FILES: &[EmbeddedFile] = &[
        EmbeddedFile { path: "index.html", bytes: b"<html>dashboard</html>", etag: "\"i1\"" },
        EmbeddedFile { path: "public.html", bytes: b"<html>directory</html>", etag: "\"p1\"" },
        EmbeddedFile { path: "coordination.html", bytes: b"<html>coordination</html>", etag: "\"c1\"" },
        EmbeddedFile { path: "app-0123456789abcdef.js", bytes: b"console.log(1)", etag: "\"j1\"" },
        EmbeddedFile { path: "app-0123456789abcdef.js.br", bytes: b"BR", etag: "\"j2\"" },
        EmbeddedFile { path: "fonts/naskh.woff2", bytes: b"font", etag: "\"f1\"" },
        EmbeddedFile { path: "tashbeek-frontend-da72b2a389fee64_bg.wasm", bytes: b"wasm", etag: "\"w1\"" },
    ];

    async fn get(path: &str, accept: &str, etag: Option<&str>) -> HttpResponse {
        get_with(path, accept, etag, None).await
    }

    async fn get_with(path: &str, accept: &str, etag: Option<&str>, cookie: Option<&str>) -> HttpResponse {
        let mut req = TestRequest::get().uri(path).insert_header((header::ACCEPT_ENCODING, accept));
        if let Some(c) = cookie {
            req = req.insert_header((header::COOKIE, c));
        }
        if let Some(t) = etag {
            req = req.insert_header((header::IF_NONE_MATCH, t));
        }
        serve(req.to_http_request(), web::Data::new(Dashboard::Embedded(FILES))).await.unwrap()
    }

    fn h(res: &HttpResponse, name: header::HeaderName) -> Option<&str> {
        res.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[actix_web::test]
    async fn embedded_files_are_served_like_a_directory() {
        let res = get("/app-0123456789abcdef.js", "gzip, br", None).await;
        assert_eq!(h(&res, header::CONTENT_ENCODING), Some("br"));
        assert_eq!(h(&res, header::CACHE_CONTROL), Some("public, max-age=31536000, immutable"));
        assert_eq!(h(&res, header::ETAG), Some("\"j2\""));
        // No gzip copy was embedded: the plain file.
        let res = get("/app-0123456789abcdef.js", "gzip", None).await;
        assert_eq!((h(&res, header::CONTENT_ENCODING), h(&res, header::ETAG)), (None, Some("\"j1\"")));
        assert!(h(&res, header::CONTENT_TYPE).is_some_and(|t| t.contains("javascript")));
        // Revalidation, client-side routes, hidden paths.
        assert_eq!(get("/app-0123456789abcdef.js", "br", Some("\"j2\"")).await.status(), 304);
        for route in ["/login", "/organizations/x", "/../Cargo.toml", "/.env"] {
            let res = get(route, "", None).await;
            assert_eq!((res.status().as_u16(), h(&res, header::CACHE_CONTROL)), (200, Some("no-cache")), "{route}");
            assert_eq!(h(&res, header::ETAG), Some("\"i1\""));
        }
        assert_eq!(
            h(&get("/fonts/naskh.woff2", "br", None).await, header::CACHE_CONTROL),
            Some("public, max-age=3600")
        );
        // Trunk's hashes drop leading zeros: 15 digits here.
        let wasm = get("/tashbeek-frontend-da72b2a389fee64_bg.wasm", "", None).await;
        assert_eq!(h(&wasm, header::CACHE_CONTROL), Some("public, max-age=31536000, immutable"));
        assert_eq!(h(&wasm, header::CONTENT_TYPE), Some("application/wasm"));
        assert_eq!(
            Dashboard::Embedded(FILES).index_html().as_deref(),
            Some("<html>dashboard</html>\n<html>directory</html>\n<html>coordination</html>")
        );
    }

    #[actix_web::test]
    async fn each_address_gets_its_build() {
        let org = "/organizations/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6";
        let page = |res: &HttpResponse| h(res, header::ETAG).map(str::to_owned);
        for route in ["/", org] {
            let res = get(route, "br", None).await;
            assert_eq!(page(&res).as_deref(), Some("\"p1\""), "{route}");
            assert_eq!(h(&res, header::VARY), Some("Accept-Encoding, Cookie"));
            assert_eq!(h(&res, header::CACHE_CONTROL), Some("no-cache"));
            // Signed in (other cookies beside it): the whole dashboard.
            let res = get_with(route, "br", None, Some("lang=ar; tashbeek_shell=full")).await;
            assert_eq!(page(&res).as_deref(), Some("\"i1\""), "{route}");
            let res = get_with(route, "br", None, Some("tashbeek_shell=")).await;
            assert_eq!(page(&res).as_deref(), Some("\"p1\""), "{route}");
        }
        for route in ["/login", "/organizations/new", &format!("{org}/edit"), "/networks", "/administration", "/x/"] {
            assert_eq!(page(&get(route, "br", None).await).as_deref(), Some("\"i1\""), "{route}");
        }
        // The coordination screens are their own build, signed in or not.
        for route in
            ["/partnerships", "/partnerships/new", "/partnerships/0190c1a2-3b4c-7d5e-8f60-718293a4b5c6", "/admin/audit"]
        {
            assert_eq!(page(&get(route, "br", None).await).as_deref(), Some("\"c1\""), "{route}");
            let res = get_with(route, "br", None, Some("tashbeek_shell=full")).await;
            assert_eq!(page(&res).as_deref(), Some("\"c1\""), "{route}");
        }
        // Hashed files do not vary with the cookie.
        let res = get_with("/app-0123456789abcdef.js", "br", None, Some("tashbeek_shell=full")).await;
        assert_eq!(h(&res, header::VARY), Some("Accept-Encoding"));
        // Without a public build, everything gets the whole dashboard.
        let only: &'static [EmbeddedFile] = &FILES[..1];
        let req = TestRequest::get().uri("/").to_http_request();
        let res = serve(req, web::Data::new(Dashboard::Embedded(only))).await.unwrap();
        assert_eq!(page(&res).as_deref(), Some("\"i1\""));
    }

    #[test]
    fn accept_encoding_with_zero_quality_is_refused() {
        let req = TestRequest::get().insert_header((header::ACCEPT_ENCODING, "br;q=0, gzip;q=0.5")).to_http_request();
        assert!(!accepts(&req, "br"));
        assert!(accepts(&req, "gzip"));
    }
}
