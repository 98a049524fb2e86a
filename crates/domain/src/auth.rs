//! Sign-in, token refresh and password change payloads.

use serde::{Deserialize, Serialize};

use crate::user::{validate_password, User};
use crate::validation::{ValidationErrors, Violation};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 254, pattern = r"\S"))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub password: String,
}

impl LoginRequest {
    pub fn validate(mut self) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        self.email = self.email.trim().to_lowercase();
        if self.email.is_empty() {
            e.add("email", Violation::Required);
        }
        if self.password.is_empty() {
            e.add("password", Violation::Required);
        }
        // Longer inputs are never valid passwords; refusing them early bounds hashing work.
        if self.password.chars().count() > crate::user::MAX_PASSWORD || self.email.len() > 254 {
            e.add("password", Violation::TooLong { max: crate::user::MAX_PASSWORD });
        }
        e.into_result().map(|_| self)
    }
}

/// A refresh token traded for new tokens, or revoked on logout.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub current_password: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 200))]
    pub new_password: String,
}

impl PasswordChange {
    /// Checks the change for the account with this e-mail and display name.
    pub fn validate(self, email: &str, display_name: &str) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        if self.current_password.is_empty() {
            e.add("current_password", Violation::Required);
        }
        validate_password("new_password", &self.new_password, email, display_name, &mut e);
        if self.current_password.chars().count() > crate::user::MAX_PASSWORD {
            e.add("current_password", Violation::TooLong { max: crate::user::MAX_PASSWORD });
        }
        e.into_result().map(|_| self)
    }
}

/// Tokens issued at sign-in and on refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenPair {
    /// Short-lived JWT for `Authorization: Bearer …`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single-use token to obtain the next pair; reusing one revokes the session.
    pub refresh_token: String,
    pub user: User,
}
