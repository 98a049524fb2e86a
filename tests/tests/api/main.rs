//! The black-box HTTP suite: one module per feature, one test binary. Every test runs
//! on SQLite and on PostgreSQL against a real server with its own database.

mod audit;
mod auth;
mod certificates;
mod contract;
mod coordination;
mod directory;
mod documents;
mod hardening;
mod instances;
mod meetings;
mod members;
mod network;
mod organizations;
mod partnerships;
mod recommendations;
mod reference;
mod roadmap;
mod users;
