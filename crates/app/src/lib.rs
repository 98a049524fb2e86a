//! Tashbeek's operations, one function per use case, free of HTTP. HTTP handlers, the
//! CLI (admin, demo, seed), and later imports and background workers all call these.
//!
//! An operation takes a [`Ctx`]: the connection inside its transaction, the caller as
//! the database knows them now, the time from one clock, and the request id. It applies
//! the domain's rules, writes through `tashbeek_persistence`, and records one typed
//! [`Event`] per state change in the same transaction.

pub mod account;
pub mod audit;
pub mod authz;
pub mod calendar_token;
pub mod context;
pub mod document;
pub mod error;
pub mod event;
pub mod graph;
pub mod ics;
pub mod invitation;
pub mod mail;
pub mod meeting;
pub mod membership;
pub mod minutes;
pub mod names;
pub mod network;
pub mod notification;
pub mod office;
pub mod organization;
pub mod partnership;
pub mod recommendation;
pub mod reference;
pub mod report;
pub mod roadmap;
pub mod session;
pub mod sheet;
pub mod version;

pub use context::{read, write, Caller, Ctx, Env};
pub use error::{AppError, AppResult};
pub use event::Event;
pub use version::Expect;
