//! The command line: argument parsing, running a check, printing, exit codes.
#![allow(clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::finding::Severity;
use crate::lint::Linter;
use crate::report::{self, CheckedFile, Format, RunResult};
use crate::rules::{RULES, Rule};
use crate::source::SourceFile;
use crate::walk;

/// Find GDPR/ePrivacy consent problems in web forms and email templates.
#[derive(Debug, Parser)]
#[command(name = "consentlint", version, about, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no subcommand, `consentlint [PATH]...` is `consentlint check [PATH]...`.
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check files and directories (the default command).
    Check(CheckArgs),
    /// List every rule with a one-line summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print a rule's full documentation.
    Rule {
        /// The rule's name, e.g. pre-ticked-consent.
        name: String,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or directories to check [default: .]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Only run these rules (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// When to use colour (auto: only on a terminal and when NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print each file's document kind (page / marketing or transactional email) and why.
    #[arg(short, long)]
    verbose: bool,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(args),
        None => check(cli.check),
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Rule { name }) => show_rule(&name),
    }
}

fn out(s: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`consentlint | head`) is not an error worth a panic.
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
    ExitCode::SUCCESS
}

fn list_rules(format: ListFormat) -> ExitCode {
    match format {
        ListFormat::Text => {
            let width = RULES.iter().map(|r| r.meta().name.len()).max().unwrap_or(0);
            let mut s = String::new();
            for r in RULES {
                let m = r.meta();
                s.push_str(&format!("{:width$}  {:7}  {}\n", m.name, m.severity.to_string(), m.summary));
            }
            out(&s)
        }
        ListFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "name": m.name, "summary": m.summary, "severity": m.severity, "confidence": m.confidence,
                    })
                })
                .collect();
            out(&format!("{}\n", serde_json::to_string_pretty(&rules).unwrap_or_default()))
        }
    }
}

fn show_rule(name: &str) -> ExitCode {
    match crate::rules::find(name) {
        Some(rule) => {
            let m = rule.meta();
            let mut s = m.docs.trim_end().to_string();
            s.push_str("\n\n## References\n");
            for r in crate::legal::Legal::builtin().for_rule(m.name) {
                s.push_str(&format!("- {}: {}\n  {}\n", r.title, r.summary, r.url));
            }
            out(&s)
        }
        None => {
            let names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
            eprintln!("error: unknown rule `{name}`; rules are: {}", names.join(", "));
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let start = Instant::now();
    let mut linter = Linter::default();
    if !args.select.is_empty() {
        for name in &args.select {
            if crate::rules::find(name).is_none() {
                let names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
                eprintln!("error: unknown rule `{name}` in --select; rules are: {}", names.join(", "));
                return ExitCode::from(2);
            }
        }
        linter.rules.retain(|(r, _): &(&dyn Rule, Severity)| args.select.iter().any(|s| s == r.meta().name));
    }
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let walked = walk::collect(&paths);
    let mut errors = walked.errors;

    // Check in parallel; collect in path order so output is deterministic.
    let outcomes: Vec<Outcome> = walked.files.par_iter().map(|c| check_one(&linter, c)).collect();
    let mut files = Vec::new();
    for o in outcomes {
        match o {
            Outcome::Checked(f) => files.push(f),
            Outcome::Skipped => {}
            Outcome::Failed(path, reason) => errors.push((path, reason)),
        }
    }
    errors.sort();
    let result = RunResult { files, errors, elapsed: start.elapsed() };

    for (path, reason) in &result.errors {
        eprintln!("error: {}: {reason}", report::display_path(path));
    }
    if args.verbose {
        eprint!("{}", report::human::verbose_lines(&result));
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let text = report::render(args.format, &result, &report::human::Options { color, width: 100 });
    out(&text);

    if !result.errors.is_empty() {
        ExitCode::from(2)
    } else if result.count(Severity::Error) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

enum Outcome {
    Checked(CheckedFile),
    Skipped,
    Failed(PathBuf, String),
}

fn check_one(linter: &Linter, c: &walk::Candidate) -> Outcome {
    let bytes = match read(&c.path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(c.path.clone(), walk::io_reason(&e)),
    };
    if c.sniff && !c.explicit && !walk::looks_like_html(&bytes) {
        return Outcome::Skipped;
    }
    if bytes.len() > u32::MAX as usize / 2 {
        return Outcome::Failed(c.path.clone(), "file too large (over 2 GiB)".into());
    }
    let source = SourceFile::decode(c.path.clone(), bytes);
    // A bug in a rule must not stop the other files from being checked.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| linter.check(&source))) {
        Ok(report) => Outcome::Checked(CheckedFile { source, findings: report.findings, kind: report.kind }),
        Err(panic) => {
            let msg = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Outcome::Failed(
                c.path.clone(),
                format!("internal error while checking this file (a bug in consentlint): {msg}"),
            )
        }
    }
}

fn read(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}
