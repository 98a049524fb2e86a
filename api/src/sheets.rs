//! `tashbeek recommendations export|import`: the spreadsheet round trip from the command
//! line, through the same operations as the API, as the account named by `--as`.

use std::path::PathBuf;

use anyhow::{bail, Context};
use tashbeek_app::recommendation::ListQuery;
use tashbeek_app::sheet::{self, Format};
use tashbeek_app::{Caller, Env};
use tashbeek_http::AppState;
use tashbeek_persistence::user as users;

/// What the command line asked for.
pub enum Command {
    Export { account: String, meeting: Option<String>, format: Option<String>, file: PathBuf },
    Import { account: String, apply: bool, apply_valid: bool, file: PathBuf },
}

fn format_of(format: Option<&str>, file: &std::path::Path) -> anyhow::Result<Format> {
    let name = format.map(str::to_owned).or_else(|| file.extension().map(|e| e.to_string_lossy().to_lowercase()));
    name.as_deref().and_then(Format::parse).context("the format is xlsx or csv (--format, or the file's extension)")
}

/// Runs the command; the process's exit code (1 when an import has bad rows).
pub fn run(state: &AppState, command: Command) -> anyhow::Result<i32> {
    let mut conn = state.pool.get()?;
    let account = match &command {
        Command::Export { account, .. } | Command::Import { account, .. } => account.clone(),
    };
    let user = users::find_by_email(&mut conn, &account.to_lowercase())?
        .with_context(|| format!("no account with the e-mail {account}"))?;
    if user.disabled {
        bail!("the account {account} is disabled");
    }
    let env = Env { caller: Some(Caller { id: user.id, role: user.role }), now: state.now(), request_id: None };
    match command {
        Command::Export { meeting, format, file, .. } => {
            let format = format_of(format.as_deref(), &file)?;
            let meeting = match meeting {
                Some(m) => Some(tashbeek_domain::MeetingId::parse(&m).context("--meeting is a meeting's id (UUID)")?),
                None => None,
            };
            let q = ListQuery { meeting, limit: 200, ..Default::default() };
            let bytes = tashbeek_app::read(&mut conn, env, |ctx| sheet::export(ctx, &q, format))?;
            std::fs::write(&file, bytes).with_context(|| format!("writing {}", file.display()))?;
            println!("wrote {}", file.display());
            Ok(0)
        }
        Command::Import { apply, apply_valid, file, .. } => {
            let format = format_of(None, &file)?;
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let run = |ctx: &mut tashbeek_app::Ctx<'_>| sheet::import(ctx, &bytes, format, !apply, apply_valid);
            let report = if apply {
                tashbeek_app::write(&mut conn, env, run)?
            } else {
                tashbeek_app::read(&mut conn, env, run)?
            };
            for c in &report.changes {
                println!("row {}: {} {}: {} → {}", c.row, c.code, c.field, c.from, c.to);
            }
            for e in &report.errors {
                println!("row {}, {}: {}", e.row, e.column, e.message);
            }
            println!(
                "{} row(s): {} change(s), {} unchanged, {} error(s); {}",
                report.rows,
                report.changes.len(),
                report.unchanged,
                report.errors.len(),
                if report.applied { "applied" } else { "nothing stored" }
            );
            Ok(if report.errors.is_empty() { 0 } else { 1 })
        }
    }
}
