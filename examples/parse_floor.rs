//! The parse-only floor for `scripts/bench.sh`: find the files exactly as `consentlint check`
//! does (same walker, same ignore rules and extensions; named files always), then read each one
//! and parse it with `scraper::Html::parse_document` (html5ever), in parallel with rayon on the
//! same thread pool settings as consentlint. Nothing else: no decoding beyond UTF-8, no template
//! masking, no spans, no rules, no report. Each document is dropped as soon as it is parsed.
//!
//! Build: `cargo build --release --examples`
//! Run:   `target/release/examples/parse_floor [PATH...]` (default: `.`); prints one line:
//!        `parse_floor: FILES files, BYTES bytes, ELEMENTS elements`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use consentlint::config::Config;
use rayon::prelude::*;

fn main() -> ExitCode {
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let walked = consentlint::walk::collect(&paths, &Config::defaults(cwd), false);
    for (path, reason) in &walked.errors {
        eprintln!("error: {}: {reason}", path.display());
    }
    let (files, bytes, elements, failed) = walked
        .files
        .par_iter()
        .map(|c| match std::fs::read(&c.path) {
            Ok(b) => {
                if c.sniff && !c.explicit && !consentlint::walk::looks_like_html(&b) {
                    return (0u64, 0u64, 0u64, 0u64);
                }
                let text = String::from_utf8_lossy(&b);
                let doc = scraper::Html::parse_document(&text);
                // Touch the tree so the parse cannot be optimised away.
                let elements = doc.tree.nodes().filter(|n| n.value().is_element()).count() as u64;
                (1, b.len() as u64, elements, 0)
            }
            Err(e) => {
                eprintln!("error: {}: {e}", c.path.display());
                (0, 0, 0, 1)
            }
        })
        .reduce(|| (0, 0, 0, 0), |a, b| (a.0 + b.0, a.1 + b.1, a.2 + b.2, a.3 + b.3));
    println!("parse_floor: {files} files, {bytes} bytes, {elements} elements");
    if failed > 0 || !walked.errors.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS }
}
