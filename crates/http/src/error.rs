//! Every error leaves the API as RFC 9457 `application/problem+json` with a stable
//! `code`, a human `detail` in the client's language and, for validation, one entry
//! per field. The language and request id are filled in by [`crate::middleware`].

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};
use tashbeek_domain::{FieldError, Lang, ValidationErrors};
use tashbeek_persistence::DbError;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:tashbeek:problem:validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "code": "validation_failed",
    "detail": "بعض الحقول غير صالحة.",
    "errors": [{"field": "name_ar", "code": "one_of_required", "message": "يجب تعبئة هذا الحقل أو الحقل name_en."}],
    "request_id": "0193a1c2-7d3e-7f00-8a1b-2c3d4e5f6a7b"
}))]
pub struct Problem {
    /// `urn:tashbeek:problem:<code>`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable reason, e.g. `validation_failed`, `not_found`, `version_mismatch`.
    pub code: String,
    pub detail: String,
    /// One entry per invalid field (validation problems only; otherwise empty).
    pub errors: Vec<FieldError>,
    pub request_id: Option<String>,
}

#[derive(Debug, Clone)]
struct Text {
    ar: String,
    en: String,
}

/// An error the API answers with; rendered per request language by the middleware.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    detail: Text,
    pub errors: ValidationErrors,
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, ar: impl Into<String>, en: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: Text { ar: ar.into(), en: en.into() },
            errors: ValidationErrors::default(),
            retry_after: None,
        }
    }

    pub fn validation(errors: ValidationErrors) -> Self {
        ApiError {
            errors,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation_failed",
                "بعض الحقول غير صالحة.",
                "Some fields are invalid.",
            )
        }
    }

    /// Well-formed input that conflicts with what is stored (see
    /// `ValidationErrors::is_conflict`); `errors` name the fields as for 422.
    pub fn state_conflict(errors: ValidationErrors) -> Self {
        ApiError {
            errors,
            ..Self::new(
                StatusCode::CONFLICT,
                "conflict",
                "يتعارض الطلب مع بيانات محفوظة.",
                "The request conflicts with stored data.",
            )
        }
    }

    /// A query-string parameter is malformed.
    pub fn bad_parameter(errors: ValidationErrors) -> Self {
        ApiError {
            errors,
            ..Self::new(
                StatusCode::BAD_REQUEST,
                "invalid_parameter",
                "معامل غير صالح في الطلب.",
                "A request parameter is invalid.",
            )
        }
    }

    pub fn malformed_json(why: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            format!("نص JSON غير صالح: {why}"),
            format!("The body is not valid JSON: {why}"),
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "العنصر المطلوب غير موجود.", "The requested item does not exist.")
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "يلزم تسجيل الدخول، أو انتهت صلاحية الجلسة.",
            "Sign-in is required, or the session has expired.",
        )
    }

    pub fn invalid_credentials() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "البريد الإلكتروني أو كلمة المرور غير صحيحة.",
            "Wrong email or password.",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "ليست لديك صلاحية لهذا الإجراء.", "You are not allowed to do this.")
    }

    pub fn conflict(code: &'static str, ar: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, ar, en)
    }

    pub fn version_mismatch() -> Self {
        Self::new(
            StatusCode::PRECONDITION_FAILED,
            "version_mismatch",
            "عدّل شخص آخر هذا السجل منذ أن فتحته. أعد تحميله ثم طبّق تعديلاتك.",
            "Someone else changed this record since you loaded it. Reload it and apply your changes again.",
        )
    }

    pub fn precondition_required() -> Self {
        Self::new(
            StatusCode::PRECONDITION_REQUIRED,
            "if_match_required",
            "أرسل ترويسة If-Match بقيمة ETag التي قرأتها، حتى لا تُلغى تعديلات غيرك.",
            "Send an If-Match header with the ETag you read, so no one else's edit is overwritten.",
        )
    }

    pub fn too_many_attempts(retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "محاولات كثيرة جدًا. انتظر قليلًا ثم أعد المحاولة.",
                "Too many attempts. Wait a while and try again.",
            )
        }
    }

    pub fn payload_too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!("حجم الطلب يتجاوز الحد المسموح ({limit} بايت)."),
            format!("The request body exceeds the limit of {limit} bytes."),
        )
    }

    pub fn unsupported_media_type() -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "أرسل الطلب بصيغة JSON مع الترويسة Content-Type: application/json.",
            "Send JSON with Content-Type: application/json.",
        )
    }

    pub fn unavailable() -> Self {
        ApiError {
            retry_after: Some(5),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "الخدمة غير متاحة مؤقتًا. أعد المحاولة بعد قليل.",
                "The service is temporarily unavailable. Try again shortly.",
            )
        }
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "حدث خطأ غير متوقع. أُبلغ عنه في سجل الخادم.",
            "An unexpected error happened; it was recorded in the server log.",
        )
    }

    /// Renders the problem for a client speaking `lang`.
    pub fn problem(&self, lang: Lang, request_id: Option<&str>) -> Problem {
        Problem {
            type_: format!("urn:tashbeek:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            code: self.code.to_owned(),
            detail: match lang {
                Lang::Ar => self.detail.ar.clone(),
                Lang::En => self.detail.en.clone(),
            },
            errors: self.errors.render(lang),
            request_id: request_id.map(str::to_owned),
        }
    }

    pub fn respond(&self, lang: Lang, request_id: Option<&str>) -> HttpResponse {
        let mut b = HttpResponse::build(self.status);
        b.content_type("application/problem+json");
        if let Some(s) = self.retry_after {
            b.insert_header((header::RETRY_AFTER, s.to_string()));
        }
        b.json(self.problem(lang, request_id))
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }
    fn error_response(&self) -> HttpResponse {
        self.respond(Lang::Ar, None)
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => ApiError::not_found(),
            DbError::Conflict(msg) => {
                tracing::info!(%msg, "unique constraint");
                ApiError::conflict("conflict", "يتعارض هذا مع سجل موجود.", "This conflicts with an existing record.")
            }
            DbError::Unavailable(msg) => {
                tracing::error!(%msg, "database unavailable");
                ApiError::unavailable()
            }
            DbError::Query(err) => {
                tracing::error!(error = %err, "database query failed");
                ApiError::internal()
            }
            DbError::Corrupt(msg) => {
                tracing::error!(%msg, "stored data is corrupt");
                ApiError::internal()
            }
        }
    }
}

/// The one place an operation's failure becomes an HTTP status and problem code.
impl From<tashbeek_app::AppError> for ApiError {
    fn from(e: tashbeek_app::AppError) -> Self {
        use tashbeek_app::AppError as E;
        match e {
            E::NotFound => ApiError::not_found(),
            E::Unauthorized => ApiError::unauthorized(),
            E::Forbidden => ApiError::forbidden(),
            E::VersionMismatch => ApiError::version_mismatch(),
            E::PreconditionRequired => ApiError::precondition_required(),
            E::Rejected { status, code, ar, en } => {
                ApiError::new(StatusCode::from_u16(status).unwrap_or(StatusCode::CONFLICT), code, ar, en)
            }
            E::Invalid(errors) if errors.is_conflict() => ApiError::state_conflict(errors),
            E::Invalid(errors) => ApiError::validation(errors),
            E::InvalidParameter(errors) => ApiError::bad_parameter(errors),
            E::TooManyAttempts(wait) => ApiError::too_many_attempts(wait),
            E::Db(db) => db.into(),
        }
    }
}

impl From<ValidationErrors> for ApiError {
    fn from(e: ValidationErrors) -> Self {
        if e.is_conflict() {
            ApiError::state_conflict(e)
        } else {
            ApiError::validation(e)
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Problem answers that many operations share, declared once in the document's
/// `components/responses` and referenced by each operation.
pub mod responses {
    use super::Problem;

    macro_rules! problem_response {
        ($($name:ident => $description:literal),+ $(,)?) => {$(
            #[derive(utoipa::ToResponse)]
            #[response(description = $description, content_type = "application/problem+json")]
            pub struct $name(#[allow(dead_code)] Problem);
        )+};
    }

    problem_response! {
        MalformedJson => "Malformed JSON (or a malformed If-Match)",
        BadPage => "A bad limit or cursor",
        NotSignedIn => "Not signed in, or the session ended",
        InvalidToken => "An access token that is invalid, or whose session ended",
        InvalidFeedToken => "An access token that is invalid or whose session ended, or a private calendar address withdrawn or replaced (`invalid_calendar_address`)",
        AdminsOnly => "Platform administrators only",
        OrganizationNotFound => "No such organization, or not visible to you",
        TooLarge => "The body is too large",
        NotJson => "Not JSON (send Content-Type: application/json)",
        InvalidFields => "Invalid fields, each named in `errors`",
        IfMatchMissing => "If-Match missing: send the ETag you read",
        NetworkNotFound => "No such network",
        PartnershipNotFound => "No such partnership, or not visible to you",
        MissingFields => "Missing fields, each named in `errors`",
        Stale => "Changed by someone else since the ETag you sent",
        OrgAdminsOnly => "Only this organization's administrators and platform administrators",
        MalformedJsonOrIfMatch => "Malformed JSON or If-Match",
        EmailTaken => "The email is taken (`errors` names `email`)",
        InvalidLink => "Unknown, expired, withdrawn or used link",
        AccountNotFound => "No such account",
        ReadersOnly => "Platform administrators and observers only",
        NotOrgAdmin => "Not an administrator of this organization",
        CoordinatorsOnly => "The network's coordinators and platform administrators only",
        MalformedIfMatch => "Malformed If-Match",
        MeetingNotFound => "No such meeting, or not visible to you",
        MeetingManagersOnly => "Platform administrators, coordinators of the network that holds it, and administrators of an organizing organization only",
        RecommendationNotFound => "No such recommendation, or not visible to you",
        RecommendationManagersOnly => "Platform administrators, coordinators of its network, and the managers of the meeting that produced it only",
        RoadmapNotFound => "No such network, goal or task, or you do not follow the network (its coordinators, its member organizations' people and task owners' people do)",
    }
}
