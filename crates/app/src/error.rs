//! What an operation can fail with. The HTTP layer turns each variant into one status
//! and problem code; the CLI prints it.

use tashbeek_domain::ValidationErrors;
use tashbeek_persistence::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Absent, or not visible to the caller (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// No caller, or one whose account or session ended.
    #[error("not signed in")]
    Unauthorized,
    /// The caller may see this but not do that.
    #[error("forbidden")]
    Forbidden,
    /// Someone changed the record since the caller read it.
    #[error("version mismatch")]
    VersionMismatch,
    /// A change of a shared record without the version it was made on.
    #[error("precondition required")]
    PreconditionRequired,
    /// Refused for a reason of the operation's own, with an HTTP-style `status` (409 for
    /// a conflict with the record's state, …), a stable `code` and texts saying why.
    #[error("rejected: {code}")]
    Rejected { status: u16, code: &'static str, ar: String, en: String },
    /// Invalid input, field by field.
    #[error("invalid input")]
    Invalid(ValidationErrors),
    /// An invalid query parameter (a filter naming something that does not exist).
    #[error("invalid parameter")]
    InvalidParameter(ValidationErrors),
    /// Too many attempts; try again after this many seconds.
    #[error("too many attempts")]
    TooManyAttempts(u64),
    #[error(transparent)]
    Db(DbError),
}

/// A row that does not exist is `NotFound`, like one the caller may not see.
impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            other => AppError::Db(other),
        }
    }
}

impl AppError {
    /// The change conflicts with the record's state (409).
    pub fn conflict(code: &'static str, ar: impl Into<String>, en: impl Into<String>) -> AppError {
        Self::rejected(409, code, ar, en)
    }

    /// A throttle refused the attempt: retry once `free_at` has passed (429, `Retry-After`).
    pub fn retry_after(free_at: chrono::NaiveDateTime, now: chrono::NaiveDateTime) -> AppError {
        AppError::TooManyAttempts((free_at - now).num_seconds().max(1) as u64)
    }

    pub fn rejected(status: u16, code: &'static str, ar: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Rejected { status, code, ar: ar.into(), en: en.into() }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(e: ValidationErrors) -> Self {
        AppError::Invalid(e)
    }
}

pub type AppResult<T> = Result<T, AppError>;
