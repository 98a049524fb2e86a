//! `tashbeek`: one binary for the API, migrations and administration.

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tashbeek::{build_state, demo, Config};

#[derive(Parser)]
#[command(
    name = "tashbeek",
    version,
    about = "تشبيك — coordination between civil-society organizations and ministries"
)]
struct Cli {
    /// TOML configuration file (see README); environment variables override it.
    #[arg(long, global = true, env = "TASHBEEK_CONFIG")]
    config: Option<PathBuf>,
    /// Database: sqlite://PATH (default sqlite://data/tashbeek.db) or postgres://USER@HOST/DB.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the API (and the dashboard, when built) until SIGINT/SIGTERM.
    Serve {
        /// Address to listen on [env: TASHBEEK_BIND] [default: 127.0.0.1:8080].
        #[arg(long)]
        bind: Option<String>,
        /// Load Arabic demo data into an empty database (and a demo coordinator account).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administer accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Check or anchor the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Print the OpenAPI document (YAML) to standard output.
    Openapi,
    /// Export recommendations to a spreadsheet, or import one back (as an account).
    Recommendations {
        #[command(subcommand)]
        command: RecommendationsCommand,
    },
    /// Load realistic synthetic data (for benchmarks and trials) into an empty database.
    Seed {
        /// Number of organizations.
        #[arg(long, default_value_t = 1000)]
        scale: usize,
        /// Number of partnerships between them (default: three per organization).
        #[arg(long)]
        partnerships: Option<usize>,
        /// Number of meetings (default: one per two organizations).
        #[arg(long)]
        meetings: Option<usize>,
        /// Number of recommendations of those meetings (default: two per organization).
        #[arg(long)]
        recommendations: Option<usize>,
        /// Random seed; the same seed gives the same data.
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a platform administrator.
    Create {
        #[arg(long)]
        email: String,
        /// Display name (defaults to the email).
        #[arg(long, default_value = "")]
        name: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum RecommendationsCommand {
    /// Write the recommendations an account sees (of one meeting, or all) to a file.
    Export {
        /// The account whose view is exported (its e-mail).
        #[arg(long = "as")]
        account: String,
        /// Only this meeting's recommendations.
        #[arg(long)]
        meeting: Option<String>,
        /// `xlsx` or `csv` (default: from the file's extension).
        #[arg(long)]
        format: Option<String>,
        /// The file to write.
        file: std::path::PathBuf,
    },
    /// Read an exported, edited file back: by default a dry run that prints what would
    /// change and every bad row; `--apply` stores the changes (none when rows have errors,
    /// unless `--apply-valid`).
    Import {
        #[arg(long = "as")]
        account: String,
        #[arg(long)]
        apply: bool,
        #[arg(long)]
        apply_valid: bool,
        file: std::path::PathBuf,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Walk every hash chain and anchor; print the first broken link and exit with 1 if
    /// there is one.
    Verify,
    /// Anchor everything written so far and print the anchor's hash (to keep elsewhere).
    Anchor,
}

fn init_logging(cfg: &Config) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(&cfg.log).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if cfg.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("reading the password from standard input")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let p1 = rpassword::prompt_password("Password: ")?;
    let p2 = rpassword::prompt_password("Repeat password: ")?;
    anyhow::ensure!(p1 == p2, "the passwords differ");
    Ok(p1)
}

/// glibc raises its mmap threshold after large blocks are freed, and then keeps later
/// large blocks (argon2's 19 MiB per password check) in per-thread arenas for good: RSS
/// grows by gigabytes under a burst of logins. A fixed threshold hands them back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_allocator() {
    // SAFETY: mallopt only adjusts allocator parameters; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 4);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_allocator() {}

/// A hash as printed, or what its absence means.
fn or_none(h: &str) -> &str {
    if h.is_empty() {
        "(none: the first row of the chain)"
    } else {
        h
    }
}

fn main() -> anyhow::Result<()> {
    tune_allocator();
    let cli = Cli::parse();
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        cfg.database_url = url;
    }
    init_logging(&cfg);
    match cli.command {
        Command::Serve { bind, demo: with_demo } => {
            if let Some(b) = bind {
                cfg.bind = b;
            }
            let started = std::time::Instant::now();
            let _serving = tashbeek::lock_for_serving(&cfg)?;
            let state = build_state(&cfg)?;
            tashbeek::sweep_documents(&state)?;
            tashbeek::anchor_periodically(&state, &cfg);
            tashbeek::notify_periodically(&state, &cfg)?;
            if with_demo && demo::load(&state)? {
                tracing::info!("loaded demo data");
            }
            let listener = TcpListener::bind(&cfg.bind).with_context(|| format!("binding {}", cfg.bind))?;
            tracing::info!(
                address = %listener.local_addr()?,
                database = state.pool.backend().name(),
                startup_ms = started.elapsed().as_millis() as u64,
                "tashbeek listening; API at /api/v1, reference at /docs"
            );
            let opts = cfg.server();
            match (&opts.dashboard, &cfg.dashboard_dir) {
                (Some(d), _) => tracing::info!(from = %d.describe(), "serving the dashboard at /"),
                (None, Some(d)) if d.as_os_str().is_empty() => tracing::info!("serving the API only, as configured"),
                (None, Some(d)) => tracing::warn!(
                    dir = %d.display(),
                    "no built dashboard there (build it with scripts/build-dashboard.sh); serving the API only"
                ),
                (None, None) => tracing::warn!(
                    "this binary was built without the dashboard (feature embed-dashboard) and there is no \
                     frontend/dist here; serving the API only (set TASHBEEK_DASHBOARD_DIR to a built dashboard)"
                ),
            }
            actix_web::rt::System::new()
                .block_on(async move { tashbeek_http::server(state, listener, opts)?.await })?;
            tracing::info!("stopped");
        }
        Command::Migrate => {
            let mut conn = tashbeek_persistence::db::establish(&cfg.database_url)?;
            let n = conn.migrate()?;
            println!("applied {n} migration(s) on {}", conn.backend().name());
            let rebuilt = tashbeek_persistence::organization::rebuild_search(&mut conn)?;
            if rebuilt > 0 {
                println!("rebuilt the search index of {rebuilt} organization(s)");
            }
            let chained = tashbeek_persistence::chain::chain_existing(&mut conn)?;
            if chained > 0 {
                println!("chained {chained} audit row(s) written before the audit chain");
            }
        }
        Command::Admin { command: AdminCommand::Create { email, name, password_stdin } } => {
            let state = build_state(&cfg)?;
            let password = read_password(password_stdin)?;
            let (id, email) = tashbeek::admin::create_admin(&state, &email, &name, &password)?;
            println!("created platform administrator {email} ({id})");
        }
        Command::Recommendations { command } => {
            let state = build_state(&cfg)?;
            std::process::exit(tashbeek::sheets::run(&state, command.into())?);
        }
        Command::Audit { command } => {
            let mut conn = tashbeek_persistence::db::establish(&cfg.database_url)?;
            match command {
                AuditCommand::Verify => {
                    let v = tashbeek_persistence::chain::verify(&mut conn)?;
                    let summary = format!(
                        "{} rows of {} objects and {} anchor(s) checked in {} ms",
                        v.rows, v.objects, v.anchors, v.milliseconds
                    );
                    match v.broken {
                        None => println!("verified: {summary}"),
                        Some(b) => {
                            println!("NOT VERIFIED: {}", b.detail);
                            if let (Some(e), Some(f)) = (&b.expected, &b.found) {
                                println!("  expected {}\n  found    {}", or_none(e), or_none(f));
                            }
                            println!("  ({summary})");
                            std::process::exit(1);
                        }
                    }
                }
                AuditCommand::Anchor => {
                    let env = tashbeek_app::Env { caller: None, now: chrono::Utc::now(), request_id: None };
                    let made = tashbeek_app::write(&mut conn, env, |ctx| {
                        tashbeek_app::audit::anchor_if_due(ctx, chrono::Duration::zero())
                    })?;
                    match made.or(tashbeek_persistence::chain::latest_anchor(&mut conn)?) {
                        Some(a) => println!("anchor of {} rows at {}: {}", a.rows, a.at.to_rfc3339(), a.hash),
                        None => println!("the audit log is empty: nothing to anchor"),
                    }
                }
            }
        }
        Command::Openapi => print!("{}", tashbeek_http::openapi::yaml()),
        Command::Seed { scale, partnerships, meetings, recommendations, seed } => {
            let state = build_state(&cfg)?;
            let r = tashbeek::seed::run(
                &state,
                scale,
                partnerships.unwrap_or(3 * scale),
                meetings.unwrap_or(scale / 2),
                recommendations.unwrap_or(2 * scale),
                seed,
            )?;
            println!(
                "seeded {} organizations, {} partnerships, {} meetings, {} recommendations and {} accounts in {:.1} s (password of every account: {})",
                r.organizations,
                r.partnerships,
                r.meetings,
                r.recommendations,
                r.users,
                r.seconds,
                tashbeek::seed::SEED_PASSWORD
            );
        }
    }
    Ok(())
}

impl From<RecommendationsCommand> for tashbeek::sheets::Command {
    fn from(c: RecommendationsCommand) -> Self {
        match c {
            RecommendationsCommand::Export { account, meeting, format, file } => {
                tashbeek::sheets::Command::Export { account, meeting, format, file }
            }
            RecommendationsCommand::Import { account, apply, apply_valid, file } => {
                tashbeek::sheets::Command::Import { account, apply, apply_valid, file }
            }
        }
    }
}
