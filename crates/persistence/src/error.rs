use thiserror::Error;

/// What can go wrong below the HTTP layer, in terms the HTTP layer can answer.
#[derive(Debug, Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write (e.g. an email already registered).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The database cannot be reached or the pool is exhausted: try again later.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Query(diesel::result::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<diesel::result::Error> for DbError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as E};
        match e {
            E::NotFound => DbError::NotFound,
            E::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => DbError::Conflict(info.message().to_owned()),
            E::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                DbError::Unavailable(info.message().to_owned())
            }
            other => DbError::Query(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for DbError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        DbError::Unavailable(e.to_string())
    }
}

impl From<serde_json::Error> for DbError {
    fn from(e: serde_json::Error) -> Self {
        DbError::Corrupt(e.to_string())
    }
}

pub type DbResult<T> = Result<T, DbError>;
