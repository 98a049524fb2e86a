//! With the `embed-dashboard` feature, writes `$OUT_DIR/dashboard.rs`: every file of the
//! built dashboard (its brotli and gzip copies included) as `include_bytes!`, with a
//! strong entity tag of each file's content.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read the dashboard").flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits: enough to tell two versions of one file apart in an ETag.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn main() {
    println!("cargo:rerun-if-env-changed=TASHBEEK_DASHBOARD_DIST");
    if std::env::var_os("CARGO_FEATURE_EMBED_DASHBOARD").is_none() {
        return;
    }
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let dist = std::env::var_os("TASHBEEK_DASHBOARD_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../frontend/dist"));
    let dist = dist.canonicalize().unwrap_or(dist);
    println!("cargo:rerun-if-changed={}", dist.display());
    assert!(
        dist.join("index.html").is_file(),
        "embed-dashboard: no built dashboard at {} (run scripts/build-dashboard.sh first)",
        dist.display()
    );
    let mut all = Vec::new();
    files(&dist, &mut all);
    let mut code = String::from("pub static FILES: &[tashbeek_http::dashboard::EmbeddedFile] = &[\n");
    for path in all {
        let rel = path.strip_prefix(&dist).expect("inside dist").to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(&path).expect("read a dashboard file");
        writeln!(
            code,
            "    tashbeek_http::dashboard::EmbeddedFile {{ path: {rel:?}, bytes: include_bytes!({:?}), etag: \"\\\"{:016x}\\\"\" }},",
            path.display().to_string(),
            fnv(&bytes)
        )
        .expect("write");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("dashboard.rs");
    std::fs::write(out, code).expect("write dashboard.rs");
}
