//! Uploading, downloading and removing documents (evidence on a partnership's reports).
//!
//! An upload is the file's bytes as the request body, its type in `Content-Type` and its
//! name in `?name=`. The body streams to disk (bounded, hashed) and never sits whole in
//! memory; the bytes must be the declared type. Downloads carry the stored type,
//! `Content-Disposition` (inline for images, an attachment otherwise) and the API's
//! `Content-Security-Policy: default-src 'none'`, so nothing uploaded runs as a page.

use actix_files::NamedFile;
use actix_web::http::header::{self, Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue};
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::Deserialize;
use tashbeek_app::document::{self, NewDocument};
use tashbeek_app::{self as app, AppError};
use tashbeek_domain::document::{accepted_type, clean_name, shown_inline, Document, ACCEPTED_TYPES};
use tashbeek_domain::validation::Violation;
use tashbeek_domain::{DocumentId, PartnershipId, ReportId, ValidationErrors};
use tashbeek_persistence::document as documents;
use tashbeek_persistence::files::{FileStore, UploadError};
use tashbeek_persistence::DbError;
use utoipa::IntoParams;

use crate::auth::{Auth, MaybeAuth};
use crate::error::responses::*;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::QueryParams;
use crate::state::AppState;

/// A file's bytes, sent or received as they are (OpenAPI: a binary string).
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {
    fn name() -> std::borrow::Cow<'static, str> {
        "FileBytes".into()
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadParams {
    /// The file's name (its last path segment is kept, at most 200 characters).
    #[param(max_length = 1000)]
    pub name: String,
}

fn store_failed(e: std::io::Error) -> ApiError {
    tracing::error!(error = %e, "document store");
    ApiError::unavailable()
}

pub(crate) fn too_large(max: u64) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
        "document_too_large",
        format!("حجم المستند يتجاوز الحد المسموح ({} كيلوبايت).", max / 1024),
        format!("The document is larger than the limit of {} KB.", max / 1024),
    )
}

fn unaccepted_type() -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_document_type",
        "نوع المستند غير مقبول: أرسل PDF أو صورة أو مستند مكتب، مع نوعه في Content-Type.",
        format!("This type of document is not accepted. Send one of: {}.", ACCEPTED_TYPES.join(", ")),
    )
}

fn type_mismatch(declared: &str, found: Option<&str>) -> ApiError {
    let found = found.unwrap_or("unknown");
    ApiError::new(
        actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "type_mismatch",
        format!("محتوى الملف ليس من النوع المعلن ({declared})؛ وجدنا: {found}."),
        format!("The file's content is not the declared type ({declared}); it is: {found}."),
    )
}

#[utoipa::path(
    tag = "partnerships", operation_id = "add_report_document",
    params(
        ("id" = String, Path, description = "Partnership id (UUID)"),
        ("report_id" = String, Path, description = "Report id (UUID)"),
        UploadParams,
    ),
    security(("bearer" = [])),
    request_body(
        description = "The file's bytes, with its type in `Content-Type`: PDF, JPEG, PNG, GIF, WebP, Word, Excel, PowerPoint (97–2003 or Open XML) or OpenDocument. The bytes must be of that type. At most the server's upload limit (10 MB unless configured).",
        content(
            (FileBytes = "application/pdf"),
            (FileBytes = "image/jpeg"),
            (FileBytes = "image/png"),
            (FileBytes = "image/gif"),
            (FileBytes = "image/webp"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
            (FileBytes = "application/vnd.oasis.opendocument.text"),
            (FileBytes = "application/vnd.oasis.opendocument.spreadsheet"),
            (FileBytes = "application/vnd.oasis.opendocument.presentation"),
            (FileBytes = "application/msword"),
            (FileBytes = "application/vnd.ms-excel"),
            (FileBytes = "application/vnd.ms-powerpoint"),
        ),
    ),
    responses(
        (status = 201, description = "Attached to the report. Every endorsement given so far is withdrawn: the other parties review the report again with its new evidence", body = Document),
        (status = 400, description = "A missing or invalid `name`", body = Problem, content_type = "application/problem+json"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only members of the reporting organization add its evidence (not even a platform administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partnership or report, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The report already holds 10 documents", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A type that is not accepted, or bytes that are not of the declared type (`type_mismatch`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An empty file (`errors` names `file`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many uploads at once, or the document store failed: retry after `Retry-After` seconds", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/partnerships/{id}/reports/{report_id}/documents")]
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    path: web::Path<(PartnershipId, ReportId)>,
    QueryParams(p): QueryParams<UploadParams>,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    let (id, report_id) = path.into_inner();
    let ids = (id.clone(), report_id.clone());
    let created = receive(
        &state,
        &req,
        actor,
        &p.name,
        body,
        move |ctx| document::may_attach(ctx, &ids.0, &ids.1),
        move |ctx, doc| document::add_to_report(ctx, &id, &report_id, doc),
    )
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Receives an upload: refuses early what the caller may not attach (`check`), streams
/// the bytes to the store (bounded, hashed, the type checked against them), then
/// records the document with `attach` in the transaction that places the bytes.
pub(crate) async fn receive<T: Send + 'static>(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    actor: crate::auth::Actor,
    name: &str,
    mut body: web::Payload,
    check: impl FnOnce(&mut tashbeek_app::Ctx<'_>) -> app::AppResult<()> + Send + 'static,
    attach: impl FnOnce(&mut tashbeek_app::Ctx<'_>, &NewDocument) -> app::AppResult<T> + Send + 'static,
) -> ApiResult<T> {
    let name = clean_name(name).map_err(ApiError::bad_parameter)?;
    let declared = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(accepted_type)
        .ok_or_else(unaccepted_type)?;
    let files = state.files.clone();
    let max = files.max_bytes();
    let announced = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if announced.is_some_and(|n| n > max) {
        return Err(too_large(max));
    }
    // Who may not attach here is told so before a byte is received.
    let env = state.env(Some(actor), req);
    let probe = env.clone();
    state.db(move |conn| Ok(app::read(conn, probe, check)?)).await?;
    let mut incoming = files.begin().map_err(refused)?;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| {
            tracing::info!(error = %e, "upload interrupted");
            ApiError::new(
                actix_web::http::StatusCode::BAD_REQUEST,
                "upload_interrupted",
                "انقطع رفع الملف قبل اكتماله.",
                "The upload ended before the whole file arrived.",
            )
        })?;
        incoming.write(&chunk).map_err(refused)?;
    }
    let received =
        web::block(move || incoming.finish()).await.map_err(|_| ApiError::internal())?.map_err(store_failed)?;
    if received.size == 0 {
        return Err(ApiError::validation(ValidationErrors::single("file", Violation::Required)));
    }
    if received.sniffed != Some(declared) {
        return Err(type_mismatch(declared, received.sniffed));
    }
    let doc = NewDocument { name, content_type: declared, size: received.size as i64, sha256: received.sha256.clone() };
    // The store lock is waited for without holding a database connection.
    let lock = locked(&files).await?;
    state
        .db(move |conn| {
            let mut received = Some(received);
            let result = app::write(conn, env, |ctx| {
                let d = attach(ctx, &doc)?;
                if let Some(r) = received.take() {
                    files
                        .place(&lock, r)
                        .map_err(|e| AppError::Db(DbError::Unavailable(format!("document store: {e}"))))?;
                }
                Ok(d)
            });
            if result.is_err() {
                // Placed but not committed (or never placed): drop the bytes no row names.
                forget_unnamed(conn, &files, &lock, &doc.sha256);
            }
            Ok(result?)
        })
        .await
}

fn refused(e: UploadError) -> ApiError {
    match e {
        UploadError::TooLarge(m) => too_large(m),
        UploadError::Busy => ApiError::unavailable(),
        UploadError::Io(e) => store_failed(e),
    }
}

/// Waits for the store lock on the blocking pool.
async fn locked(files: &std::sync::Arc<FileStore>) -> ApiResult<tashbeek_persistence::files::StoreLock> {
    let files = files.clone();
    web::block(move || files.lock()).await.map_err(|_| ApiError::internal())?.map_err(store_failed)
}

/// Deletes the stored bytes of `sha256` when no document names them (holding the lock).
fn forget_unnamed(
    conn: &mut tashbeek_persistence::DbConn,
    files: &FileStore,
    lock: &tashbeek_persistence::files::StoreLock,
    sha256: &str,
) {
    match documents::is_named(conn, sha256) {
        Ok(false) => {
            if let Err(e) = files.remove(lock, sha256) {
                tracing::warn!(error = %e, "could not delete an unnamed document file; the next start removes it");
            }
        }
        Ok(true) => {}
        Err(e) => tracing::warn!(error = %e, "could not check a document file; the next start removes it if unnamed"),
    }
}

#[utoipa::path(
    tag = "partnerships", operation_id = "download_document",
    params(("id" = String, Path, description = "Document id (UUID)")),
    security((), ("bearer" = [])),
    responses(
        (status = 200, description = "The bytes as uploaded, with their type; `Content-Disposition` is `inline` for images and `attachment` otherwise. The `ETag` is the SHA-256 of the bytes",
            content(
                (FileBytes = "application/pdf"),
                (FileBytes = "image/jpeg"),
                (FileBytes = "image/png"),
                (FileBytes = "image/gif"),
                (FileBytes = "image/webp"),
                (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
                (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (FileBytes = "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
                (FileBytes = "application/vnd.oasis.opendocument.text"),
                (FileBytes = "application/vnd.oasis.opendocument.spreadsheet"),
                (FileBytes = "application/vnd.oasis.opendocument.presentation"),
                (FileBytes = "application/msword"),
                (FileBytes = "application/vnd.ms-excel"),
                (FileBytes = "application/vnd.ms-powerpoint"),
            ),
        ),
        (status = 304, description = "Unchanged since the ETag sent in `If-None-Match`"),
        (status = 401, response = InvalidToken),
        (status = 404, description = "No such document, or its record is not visible to you (a report every other party has not endorsed, outside the parties)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}")]
pub async fn download(
    state: web::Data<AppState>,
    req: HttpRequest,
    MaybeAuth(viewer): MaybeAuth,
    id: web::Path<DocumentId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(viewer, &req);
    let row = state.db(move |conn| Ok(app::read(conn, env, |ctx| document::get(ctx, &id))?)).await?;
    let etag = format!("\"{}\"", row.sha256);
    let private = [(header::CACHE_CONTROL, "private, no-cache"), (header::VARY, "Authorization")];
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|v| v == etag) {
        let mut r = HttpResponse::NotModified();
        for h in private {
            r.insert_header(h);
        }
        return Ok(r.insert_header((header::ETAG, etag)).finish());
    }
    let files = state.files.clone();
    let sha = row.sha256.clone();
    let (file, path) =
        web::block(move || files.open_file(&sha)).await.map_err(|_| ApiError::internal())?.map_err(|e| {
            // Removed since the row was read: gone, as the row is now.
            if e.kind() == std::io::ErrorKind::NotFound {
                return ApiError::not_found();
            }
            tracing::error!(error = %e, document = %row.id, "a document's file cannot be read");
            ApiError::internal()
        })?;
    let mime: mime::Mime = row.content_type.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    let ascii: String =
        row.name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: if shown_inline(&row.content_type) {
            DispositionType::Inline
        } else {
            DispositionType::Attachment
        },
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: row.name.clone().into_bytes(),
            }),
        ],
    };
    let named = NamedFile::from_file(file, path)
        .map_err(store_failed)?
        .set_content_type(mime)
        .set_content_disposition(disposition)
        .use_etag(false)
        .use_last_modified(false)
        .prefer_utf8(false);
    let mut res = named.into_response(&req);
    let h = res.headers_mut();
    h.insert(header::ETAG, header::HeaderValue::from_str(&etag).map_err(|_| ApiError::internal())?);
    for (k, v) in private {
        h.insert(k, header::HeaderValue::from_static(v));
    }
    Ok(res)
}

#[utoipa::path(
    tag = "partnerships", operation_id = "remove_document",
    params(("id" = String, Path, description = "Document id (UUID)")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed; the report's endorsements are withdrawn (its evidence changed)"),
        (status = 401, response = NotSignedIn),
        (status = 403, description = "Only members of the organization that reported remove its evidence", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document, or not visible to you", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/documents/{id}")]
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    Auth(actor): Auth,
    id: web::Path<DocumentId>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let env = state.env(Some(actor), &req);
    let files = state.files.clone();
    let lock = locked(&files).await?;
    state
        .db(move |conn| {
            let row = app::write(conn, env, |ctx| document::remove(ctx, &id))?;
            forget_unnamed(conn, &files, &lock, &row.sha256);
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract spells the accepted types out twice (utoipa's attributes take
    /// literals); both lists must stay the types the server accepts.
    #[test]
    fn the_contract_lists_exactly_the_accepted_types() {
        use utoipa::openapi::RefOr;
        let mut accepted = ACCEPTED_TYPES.to_vec();
        accepted.sort();
        let paths = &crate::openapi::document().paths.paths;
        for path in
            ["/api/v1/partnerships/{id}/reports/{report_id}/documents", "/api/v1/meetings/{id}/agenda/{item_id}/papers"]
        {
            let adding = paths[path].post.as_ref().unwrap();
            let mut sent: Vec<&str> =
                adding.request_body.as_ref().unwrap().content.keys().map(String::as_str).collect();
            sent.sort();
            assert_eq!(sent, accepted, "{path}");
        }
        let fetching = paths["/api/v1/documents/{id}"].get.as_ref().unwrap();
        let RefOr::T(ok) = &fetching.responses.responses["200"] else { panic!("an inline 200 response") };
        let mut served: Vec<&str> = ok.content.keys().map(String::as_str).collect();
        served.sort();
        assert_eq!(served, accepted);
    }
}
