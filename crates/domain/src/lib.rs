//! Tashbeek's domain: what an organization, a user or an audit entry *is*, and the
//! rules they obey. No I/O here, so the dashboard (wasm) shares these types and
//! validation messages with the server.

pub mod audit;
pub mod auth;
pub mod id;
pub mod invitation;
pub mod network;
pub mod organization;
pub mod page;
pub mod reference;
pub mod text;
pub mod user;
pub mod validation;

pub use id::{AuditEntryId, InvitationId, NetworkId, OrganizationId, UserId, VerificationEventId};
pub use validation::{FieldError, Lang, ValidationErrors};
