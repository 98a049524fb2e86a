//! The `tashbeek` binary's wiring, as a library so black-box tests start the very
//! same server.

pub mod admin;
pub mod config;
pub mod demo;
pub mod seed;

use std::sync::Arc;

use anyhow::Context;
use base64::Engine;
use rand::RngCore;
use tashbeek_http::auth::JwtKeys;
use tashbeek_http::{AppState, SystemClock};
use tashbeek_persistence::{secrets, to_db_time, DbPool};

pub use config::Config;

/// Connects, migrates, and assembles what handlers share.
pub fn build_state(cfg: &Config) -> anyhow::Result<AppState> {
    let pool = DbPool::connect(&cfg.database_url, &cfg.pool(), true).context("opening the database")?;
    let secret = match &cfg.jwt_secret {
        Some(s) => s.clone(),
        None => {
            let mut conn = pool.get()?;
            secrets::get_or_create(&mut conn, "jwt_hs256", to_db_time(chrono::Utc::now()), || {
                let mut b = [0u8; 48];
                rand::thread_rng().fill_bytes(&mut b);
                base64::engine::general_purpose::STANDARD.encode(b)
            })?
        }
    };
    Ok(AppState {
        pool,
        keys: Arc::new(JwtKeys::new(secret.as_bytes())),
        clock: Arc::new(SystemClock),
        settings: Arc::new(cfg.settings()),
    })
}
