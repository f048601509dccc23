//! The command line: argument parsing, running a check, printing, exit codes.
#![allow(clippy::print_stderr)]

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::cache::Cache;
use crate::config::{Config, ConfigError};
use crate::document::DocumentKind;
use crate::finding::{Finding, Severity};
use crate::lint::Linter;
use crate::report::{self, CheckedFile, Format, RunResult};
use crate::rules::RULES;
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
    Check(Box<CheckArgs>),
    /// List every rule with its level under the profile(s) in force and a one-line summary.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Show levels under these profiles (default: the configuration's, else gdpr).
        #[arg(long, value_delimiter = ',', value_name = "PROFILE")]
        profile: Vec<String>,
    },
    /// List the jurisdiction profiles, or one profile's rule levels and their legal basis.
    Profiles {
        /// A profile's name, e.g. can-spam.
        name: Option<String>,
    },
    /// Print a rule's full documentation.
    Rule {
        /// The rule's name, e.g. pre-ticked-consent.
        name: String,
    },
    /// List the email service providers whose merge tags are recognised, with the number of
    /// tag patterns per category (unsubscribe, preferences, address, markers).
    Esps {
        /// Output format (json: every pattern).
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Audit a live site (crawled) or a downloaded site / source tree, with a client report.
    Audit(Box<AuditArgs>),
    /// Write a commented starter consentlint.toml in the current directory.
    Init {
        /// Overwrite an existing consentlint.toml.
        #[arg(long)]
        force: bool,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    /// Exit 1 when there is an error-level finding (default).
    Error,
    /// Exit 1 when there is any finding.
    Warning,
    /// Exit 0 whatever was found (2 still means the run itself failed).
    Never,
}

/// Which rules run and how: shared by `check` and `audit`.
#[derive(Debug, Args)]
struct RuleArgs {
    /// Jurisdiction profile(s): gdpr (default), uk-pecr, can-spam, casl, strict; comma-separated
    /// profiles combine, the strictest level winning. Overrides the configuration's `profile`.
    #[arg(long, value_delimiter = ',', value_name = "PROFILE")]
    profile: Vec<String>,
    /// Only run these rules (comma-separated names).
    #[arg(long, value_delimiter = ',', value_name = "RULE")]
    select: Vec<String>,
    /// Use this configuration file instead of discovering consentlint.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any configuration file.
    #[arg(long)]
    no_config: bool,
    /// When to exit with status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Files or directories to check [default: .]; `-` reads one file from stdin.
    paths: Vec<PathBuf>,
    /// Output format; repeat to produce several (send all but one to files with --output-file).
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Vec<Format>,
    /// Write a format to a file instead of stdout: `FORMAT=PATH`, or just `PATH` when one
    /// --format is given. Repeatable.
    #[arg(long, value_name = "[FORMAT=]PATH")]
    output_file: Vec<String>,
    #[command(flatten)]
    rules: RuleArgs,
    /// Print findings only: no summary line, no notes.
    #[arg(short, long, conflicts_with = "verbose")]
    quiet: bool,
    /// Print a count of findings per rule instead of each finding (human and concise output).
    #[arg(long)]
    statistics: bool,
    /// Print the files that would be checked, then exit.
    #[arg(long)]
    show_files: bool,
    /// The path to report for a file read from stdin (`-`); config and excludes apply to it.
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
    /// Apply the configuration's `exclude` to files named on the command line too (for
    /// pre-commit, which passes every changed file).
    #[arg(long)]
    force_exclude: bool,
    /// Report only findings that are not in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file, then exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Add a `consentlint-disable-next-line` comment (with a reason placeholder) above every
    /// current finding, then exit 0. Files are rewritten atomically.
    #[arg(long)]
    add_suppressions: bool,
    /// Apply safe fixes (remove `checked` from pre-ticked consent boxes, move `selected` off an
    /// opt-in option), writing files atomically, then report what remains.
    #[arg(long, conflicts_with_all = ["diff", "add_suppressions"])]
    fix: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 if there are any.
    #[arg(long, conflicts_with = "add_suppressions")]
    diff: bool,
    /// Do not read or write the results cache (.consentlint_cache/).
    #[arg(long)]
    no_cache: bool,
    /// When to use colour (auto: only on a terminal and when NO_COLOR is unset).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    /// Print each file's document kind (page / marketing or transactional email) and why.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Debug, Args)]
struct AuditArgs {
    /// A URL to crawl (http:// or https://) or a directory (a downloaded site or a source tree).
    target: String,
    /// Write the client report here: `.html` (one self-contained file) or `.md`. The linted
    /// page sources are saved next to it, in `<report name>-sources/`.
    #[arg(long, value_name = "PATH")]
    report: Option<PathBuf>,
    /// Output format for the findings on stdout (the same formats as `check`).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Stop after requesting this many pages.
    #[arg(long, default_value_t = 100, value_name = "N")]
    max_pages: usize,
    /// Follow links at most this many steps from the start page (sitemap pages are 1 step).
    #[arg(long, default_value_t = 5, value_name = "N")]
    max_depth: usize,
    /// Seconds between the starts of two requests (raised to robots.txt's Crawl-delay).
    #[arg(long, default_value_t = 0.5, value_name = "SECONDS")]
    delay: f64,
    /// Requests in flight at once (1 to 16).
    #[arg(long, default_value_t = 2, value_name = "N")]
    concurrency: usize,
    /// Seconds one request (or one page render) may take.
    #[arg(long, default_value_t = 15.0, value_name = "SECONDS")]
    timeout: f64,
    /// Extra tries after a network error, HTTP 429 or 5xx, waiting 0.5s, 1s, 2s, ... between.
    #[arg(long, default_value_t = 2, value_name = "N")]
    retries: u32,
    /// Cut responses (and skip files) larger than this, e.g. 5MB.
    #[arg(long, default_value = "5MB", value_name = "SIZE")]
    max_size: String,
    /// Also crawl, and follow redirects to, this origin (e.g. https://shop.example.com).
    /// Repeatable.
    #[arg(long, value_name = "ORIGIN")]
    allow_origin: Vec<String>,
    /// Do not seed the crawl from sitemap.xml.
    #[arg(long)]
    no_sitemap: bool,
    /// The User-Agent header to send.
    #[arg(long, value_name = "TEXT")]
    user_agent: Option<String>,
    /// Lint the DOM after JavaScript ran, as a real headless Chromium renders it.
    #[arg(long)]
    render: bool,
    /// The Chromium to run for --render [default: $CONSENTLINT_CHROMIUM, else chromium on PATH].
    #[arg(long, value_name = "PATH")]
    chromium: Option<PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
    /// No progress bar and no summary on stderr.
    #[arg(short, long)]
    quiet: bool,
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check(args)) => check(*args),
        None => check(cli.check),
        Some(Command::Rules { format, profile }) => list_rules(format, &profile),
        Some(Command::Profiles { name }) => list_profiles(name.as_deref()),
        Some(Command::Rule { name }) => show_rule(&name),
        Some(Command::Init { force }) => init(force),
        Some(Command::Esps { format }) => list_esps(format),
        Some(Command::Audit(args)) => audit(*args),
    }
}

fn out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`consentlint | head`) is not an error worth a panic.
    let _ = stdout.write_all(s.as_bytes());
    let _ = stdout.flush();
}

fn usage_error(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn rule_names() -> String {
    RULES.iter().map(|r| r.meta().name).collect::<Vec<_>>().join(", ")
}

fn list_rules(format: ListFormat, profile: &[String]) -> ExitCode {
    let profiles = if profile.is_empty() {
        // The configuration of the current directory, if any, says which profile is in force.
        let from_config = std::env::current_dir()
            .ok()
            .and_then(|d| Config::discover(&d))
            .and_then(|p| Config::load(&p).ok())
            .map(|c| c.effective_profiles());
        from_config.unwrap_or_else(|| crate::profile::resolve::<&str>(&[]).unwrap_or_default())
    } else {
        match crate::profile::resolve(profile) {
            Ok(p) => p,
            Err(e) => return usage_error(format!("{e}; profiles are: {}", crate::profile::names())),
        }
    };
    let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
    let level = |m: &crate::rules::RuleMeta| crate::profile::level(&profiles, m);
    match format {
        ListFormat::Text => {
            let width = RULES.iter().map(|r| r.meta().name.len()).max().unwrap_or(0);
            let mut s = format!("levels under profile {}\n", names.join(","));
            for r in RULES {
                let m = r.meta();
                s.push_str(&format!("{:width$}  {:5}  {}\n", m.name, level(m).as_str(), m.summary));
            }
            out(&s);
        }
        ListFormat::Json => {
            let rules: Vec<_> = RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "name": m.name, "summary": m.summary, "severity": m.severity, "confidence": m.confidence,
                        "level": level(m).as_str(), "profile": names.join(","),
                    })
                })
                .collect();
            out(&format!("{}\n", serde_json::to_string_pretty(&rules).unwrap_or_default()));
        }
    }
    ExitCode::SUCCESS
}

fn list_profiles(name: Option<&str>) -> ExitCode {
    let mut s = String::new();
    match name {
        None => {
            let width = crate::profile::builtin().iter().map(|p| p.name.len()).max().unwrap_or(0);
            for p in crate::profile::builtin() {
                s.push_str(&format!("{:width$}  {}\n", p.name, p.summary));
            }
        }
        Some(n) => {
            let Some(p) = crate::profile::find(n) else {
                return usage_error(format!("unknown profile `{n}`; profiles are: {}", crate::profile::names()));
            };
            s.push_str(&format!("{}: {}\n\n", p.name, p.summary));
            let width = RULES.iter().map(|r| r.meta().name.len()).max().unwrap_or(0);
            for r in RULES {
                let m = r.meta();
                let (level, basis) = p.rules.get(m.name).map_or_else(
                    || (crate::config::Level::from(m.severity), "not listed: the rule's default"),
                    |st| (st.level, st.basis.as_str()),
                );
                s.push_str(&format!("{:width$}  {:5}  {basis}\n", m.name, level.as_str()));
            }
        }
    }
    out(&s);
    ExitCode::SUCCESS
}

fn show_rule(name: &str) -> ExitCode {
    let Some(rule) = crate::rules::find(name) else {
        return usage_error(format!("unknown rule `{name}`; rules are: {}", rule_names()));
    };
    let m = rule.meta();
    let mut s = m.docs.trim_end().to_string();
    s.push_str("\n\n## References\n");
    for r in crate::legal::Legal::builtin().for_rule(m.name) {
        s.push_str(&format!("- {}: {}\n  {}\n", r.title, r.summary, r.url));
    }
    out(&s);
    ExitCode::SUCCESS
}

fn list_esps(format: ListFormat) -> ExitCode {
    use crate::esp::TagKind;
    let esp = crate::esp::EspTags::builtin();
    match format {
        ListFormat::Text => {
            let width = esp.entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
            let syntax = esp.entries.iter().map(|e| e.syntax.len()).max().unwrap_or(0);
            let mut s = String::new();
            for e in &esp.entries {
                let counts: Vec<String> =
                    TagKind::ALL.iter().map(|k| format!("{} {}", e.patterns(*k).len(), k.name())).collect();
                s.push_str(&format!(
                    "{:width$}  {:syntax$}  {:9}  {}  {}\n",
                    e.name,
                    e.syntax,
                    if e.marketing { "marketing" } else { "other" },
                    counts.join(", "),
                    e.docs
                ));
            }
            out(&s);
        }
        ListFormat::Json => {
            let list: Vec<_> = esp
                .entries
                .iter()
                .map(|e| {
                    let mut o = serde_json::json!({
                        "name": e.name, "syntax": e.syntax, "marketing": e.marketing, "docs": e.docs,
                    });
                    for k in TagKind::ALL {
                        o[k.name()] = serde_json::json!(e.patterns(k));
                    }
                    o
                })
                .collect();
            out(&format!("{}\n", serde_json::to_string_pretty(&list).unwrap_or_default()));
        }
    }
    ExitCode::SUCCESS
}

fn init(force: bool) -> ExitCode {
    let path = Path::new(crate::config::CONFIG_NAMES[0]);
    if path.exists() && !force {
        return usage_error("consentlint.toml already exists (use --force to overwrite)");
    }
    if let Err(e) = crate::fsutil::write_atomic(path, crate::config::STARTER.as_bytes()) {
        return usage_error(format!("cannot write consentlint.toml: {}", walk::io_reason(&e)));
    }
    eprintln!("wrote consentlint.toml");
    ExitCode::SUCCESS
}

fn render_config_error(e: &ConfigError) {
    let handler = miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .with_links(false);
    let mut s = String::new();
    if handler.render_report(&mut s, e).is_err() {
        s = format!("error: {e}\n");
    }
    eprint!("{s}");
}

/// The linter the rule options ask for (configuration found from `start`, profiles, selected
/// rules), and the text that keys the results cache.
fn linter_for(args: &RuleArgs, start: Option<PathBuf>) -> Result<(Linter, String), ExitCode> {
    for name in &args.select {
        if crate::rules::find(name).is_none() {
            return Err(usage_error(format!("unknown rule `{name}` in --select; rules are: {}", rule_names())));
        }
    }
    let mut config = load_config_at(args.no_config, args.config.as_ref(), start)?;
    if !args.profile.is_empty() {
        match crate::profile::resolve(&args.profile) {
            Ok(p) => config.profiles = p,
            Err(e) => {
                return Err(usage_error(format!("{e} in --profile; profiles are: {}", crate::profile::names())));
            }
        }
    }
    let profile_names: Vec<&str> = config.profiles.iter().map(|p| p.name.as_str()).collect();
    let cache_key = format!("{}\n{:?}\n{:?}\n{}", config.text, args.select, profile_names, config.root.display());
    let mut linter = Linter::new(config).map_err(|e| usage_error(format!("configuration: {e}")))?;
    if !args.select.is_empty() {
        linter.select = Some(args.select.clone());
    }
    Ok((linter, cache_key))
}

/// `--no-config`, `--config PATH`, or the configuration found going up from `start` (else
/// from the current directory).
fn load_config_at(no_config: bool, config: Option<&PathBuf>, start: Option<PathBuf>) -> Result<Config, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let found = if no_config {
        None
    } else if let Some(p) = config {
        if !p.is_file() {
            return Err(usage_error(format!("{}: no such configuration file", p.display())));
        }
        Some(p.clone())
    } else {
        let start = start.unwrap_or_else(|| cwd.clone());
        Config::discover(&start).or_else(|| Config::discover(&cwd))
    };
    match found {
        None => Ok(Config::defaults(cwd)),
        Some(p) => Config::load(&p).map_err(|e| {
            render_config_error(&e);
            ExitCode::from(2)
        }),
    }
}

/// Where each format goes: (format, None = stdout | Some(path)).
fn outputs(args: &CheckArgs) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    let mut formats: Vec<Format> = args.format.clone();
    let mut files: Vec<(Format, PathBuf)> = Vec::new();
    for spec in &args.output_file {
        let parsed = spec.split_once('=').and_then(|(f, p)| Format::from_str(f, true).ok().map(|f| (f, p)));
        match parsed {
            Some((f, p)) => files.push((f, PathBuf::from(p))),
            None if formats.len() == 1 => files.push((formats[0], PathBuf::from(spec))),
            None => {
                return Err(format!(
                    "--output-file {spec:?}: say which format goes there as FORMAT=PATH (e.g. sarif=results.sarif)"
                ));
            }
        }
    }
    for (f, _) in &files {
        if !formats.contains(f) {
            formats.push(*f);
        }
    }
    if formats.is_empty() {
        formats.push(Format::Human);
    }
    let mut result = Vec::new();
    for f in formats {
        let targets: Vec<&PathBuf> = files.iter().filter(|(g, _)| *g == f).map(|(_, p)| p).collect();
        if targets.is_empty() {
            result.push((f, None));
        }
        for p in targets {
            result.push((f, Some(p.clone())));
        }
    }
    let to_stdout = result.iter().filter(|(_, p)| p.is_none()).count();
    if to_stdout > 1 {
        return Err("only one format can go to stdout; send the others to files with --output-file FORMAT=PATH".into());
    }
    Ok(result)
}

fn check(args: CheckArgs) -> ExitCode {
    let start = Instant::now();
    let outputs = match outputs(&args) {
        Ok(o) => o,
        Err(e) => return usage_error(e),
    };
    let stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        return usage_error("`-` (stdin) cannot be combined with other paths");
    }
    if args.stdin_filename.is_some() && !stdin {
        return usage_error("--stdin-filename needs `-` as the path");
    }
    if stdin && (args.add_suppressions || args.write_baseline.is_some() || args.fix) {
        return usage_error("--fix, --add-suppressions and --write-baseline need files, not stdin");
    }
    let config_start = match args.paths.first() {
        Some(p) if p.as_os_str() != "-" => Some(p.clone()),
        _ => args.stdin_filename.clone(),
    };
    let (linter, config_text) = match linter_for(&args.rules, config_start) {
        Ok(l) => l,
        Err(code) => return code,
    };

    // ---- which files ----
    let mut errors: Vec<(PathBuf, String)> = Vec::new();
    let candidates: Vec<walk::Candidate> = if stdin {
        Vec::new()
    } else {
        let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
        let walked = walk::collect(&paths, &linter.config, args.force_exclude);
        errors.extend(walked.errors);
        walked.files
    };
    if args.show_files {
        let mut s = String::new();
        for c in &candidates {
            s.push_str(&report::display_path(&c.path));
            s.push('\n');
        }
        out(&s);
        for (path, reason) in &errors {
            eprintln!("error: {}: {reason}", report::display_path(path));
        }
        return if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) };
    }

    // ---- check ----
    let use_cache = !args.no_cache && !stdin;
    let cache = use_cache.then(|| Cache::open(&linter.config.root, &config_text));
    let mut files = Vec::new();
    if stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            return usage_error(format!("cannot read stdin: {}", walk::io_reason(&e)));
        }
        let path = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("<stdin>"));
        let excluded = args.stdin_filename.is_some() && args.force_exclude && linter.config.is_excluded(&path, false);
        if !excluded {
            let source = SourceFile::decode(path, bytes);
            let report = linter.check(&source);
            files.push(CheckedFile { source, findings: report.findings, kind: report.kind });
        }
    } else {
        // Rewriting files needs their whole text; reporting needs only the lines around findings.
        let keep = if args.fix || args.diff || args.add_suppressions { Keep::Text } else { Keep::FindingLines };
        // Large files go one after another on this thread, after the rest: their parse trees
        // then reuse one allocator arena, and the peak memory is bounded by the largest file
        // rather than by how many large files the worker threads happen to meet.
        let large = |c: &walk::Candidate| std::fs::metadata(&c.path).is_ok_and(|m| m.len() > LARGE_FILE as u64);
        let (big, small): (Vec<usize>, Vec<usize>) = (0..candidates.len()).partition(|&i| large(&candidates[i]));
        let mut outcomes: Vec<(usize, Outcome)> =
            small.par_iter().map(|&i| (i, check_one(&linter, cache.as_ref(), &candidates[i], keep))).collect();
        outcomes.extend(big.iter().map(|&i| (i, check_one(&linter, cache.as_ref(), &candidates[i], keep))));
        outcomes.sort_by_key(|(i, _)| *i);
        let outcomes = outcomes.into_iter().map(|(_, o)| o);
        for o in outcomes {
            match o {
                Outcome::Checked(f) => files.push(*f),
                Outcome::Skipped => {}
                Outcome::SkippedWithWarning(path, reason) => {
                    if !args.quiet {
                        eprintln!("warning: {}: {reason}", report::display_path(&path));
                    }
                }
                Outcome::Failed(path, reason) => errors.push((path, reason)),
            }
        }
    }
    errors.sort();
    let cache_hits = cache.as_ref().map_or(0, Cache::hits);
    if let Some(cache) = cache
        && let Err(e) = cache.save()
        && args.verbose
    {
        eprintln!("note: could not write the cache: {}", walk::io_reason(&e));
    }

    // ---- workflow actions that rewrite or record, then stop ----
    if let Some(path) = &args.write_baseline {
        return match crate::baseline::write(path, &files) {
            Ok(n) => {
                eprintln!("wrote {n} finding{} to the baseline {}", plural(n), path.display());
                report_errors(&errors)
            }
            Err(e) => usage_error(format!("cannot write {}: {}", path.display(), walk::io_reason(&e))),
        };
    }
    let mut fixed = Vec::new();
    if let Some(path) = &args.baseline {
        match crate::baseline::read(path) {
            Ok(b) => fixed = crate::baseline::filter(&mut files, &b),
            Err(e) => return usage_error(format!("{}: {e}", path.display())),
        }
    }
    if args.add_suppressions {
        return add_suppressions(&files, &errors);
    }
    if args.diff {
        return show_fixes(&files, &errors, stdin);
    }
    if args.fix {
        let fixed = apply_fixes(&linter, &mut files, &mut errors);
        if !args.quiet {
            eprintln!("fixed {fixed} finding{}", plural(fixed));
        }
    }

    let result = RunResult { files, errors, elapsed: start.elapsed() };
    for (path, reason) in &result.errors {
        eprintln!("error: {}: {reason}", report::display_path(path));
    }
    if args.verbose {
        eprint!("{}", report::human::verbose_lines(&result));
        if use_cache {
            eprintln!("cache: {cache_hits} of {} files reused unchanged results", result.files.len());
        }
    }
    if !fixed.is_empty() && !args.quiet {
        eprintln!(
            "note: {} baseline entr{} no longer found (fixed); run with --write-baseline to prune:",
            fixed.len(),
            if fixed.len() == 1 { "y is" } else { "ies are" }
        );
        for e in fixed.iter().take(20) {
            eprintln!("  {}:{}: {} {}", e.path, e.line, e.rule, e.message);
        }
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let opts = report::human::Options { color, width: 100 };
    for (format, target) in &outputs {
        let text = if args.statistics && target.is_none() && matches!(format, Format::Human) {
            report::statistics(&result)
        } else if args.quiet && matches!(format, Format::Human) {
            report::human::render_findings(&result, &opts)
        } else {
            report::render(*format, &result, &opts)
        };
        match target {
            None => out(&text),
            Some(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    let _ = std::fs::create_dir_all(dir);
                }
                if let Err(e) = crate::fsutil::write_atomic(path, text.as_bytes()) {
                    return usage_error(format!("cannot write {}: {}", path.display(), walk::io_reason(&e)));
                }
            }
        }
    }

    let errors = result.count(Severity::Error);
    let warnings = result.count(Severity::Warning);
    if !result.errors.is_empty() {
        ExitCode::from(2)
    } else if match args.rules.fail_on {
        FailOn::Error => errors > 0,
        FailOn::Warning => errors + warnings > 0,
        FailOn::Never => false,
    } {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn report_errors(errors: &[(PathBuf, String)]) -> ExitCode {
    for (path, reason) in errors {
        eprintln!("error: {}: {reason}", report::display_path(path));
    }
    if errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) }
}

/// Original bytes of a checked file (stdin: its decoded text).
fn original_bytes(f: &CheckedFile, stdin: bool) -> std::io::Result<Vec<u8>> {
    if stdin { Ok(f.source.text.clone().into_bytes()) } else { std::fs::read(&f.source.path) }
}

/// `--diff`: the fixes as a unified diff; exit 1 when there is anything to fix.
fn show_fixes(files: &[CheckedFile], errors: &[(PathBuf, String)], stdin: bool) -> ExitCode {
    let mut text = String::new();
    let mut count = 0;
    let mut failed = Vec::from(errors);
    for f in files.iter().filter(|f| f.findings.iter().any(|x| x.fix.is_some())) {
        let original = match original_bytes(f, stdin) {
            Ok(b) => b,
            Err(e) => {
                failed.push((f.source.path.clone(), walk::io_reason(&e)));
                continue;
            }
        };
        if let Some((updated, n)) = crate::fix::apply(&f.source, &original, &f.findings) {
            count += n;
            text.push_str(&crate::fix::unified_diff(&report::display_path(&f.source.path), &original, &updated));
        }
    }
    out(&text);
    eprintln!("{count} fixable finding{}", plural(count));
    if !failed.is_empty() {
        return report_errors(&failed);
    }
    if count > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// `--fix`: write the fixes (atomically) and re-check the fixed files. Returns how many
/// findings were fixed.
fn apply_fixes(linter: &Linter, files: &mut [CheckedFile], errors: &mut Vec<(PathBuf, String)>) -> usize {
    let mut fixed = 0;
    for f in files.iter_mut().filter(|f| f.findings.iter().any(|x| x.fix.is_some())) {
        let original = match std::fs::read(&f.source.path) {
            Ok(b) => b,
            Err(e) => {
                errors.push((f.source.path.clone(), walk::io_reason(&e)));
                continue;
            }
        };
        if f.source.encoding == encoding_rs::UTF_16LE || f.source.encoding == encoding_rs::UTF_16BE {
            errors.push((f.source.path.clone(), "cannot fix a UTF-16 file".into()));
            continue;
        }
        let Some((updated, n)) = crate::fix::apply(&f.source, &original, &f.findings) else { continue };
        if let Err(e) = crate::fsutil::write_atomic(&f.source.path, &updated) {
            errors.push((f.source.path.clone(), format!("cannot write: {}", walk::io_reason(&e))));
            continue;
        }
        fixed += n;
        let source = SourceFile::decode(f.source.path.clone(), updated);
        let report = linter.check(&source);
        *f = CheckedFile { source, findings: report.findings, kind: report.kind };
    }
    fixed
}

fn add_suppressions(files: &[CheckedFile], errors: &[(PathBuf, String)]) -> ExitCode {
    let mut added_files = 0;
    let mut failed = Vec::from(errors);
    for f in files.iter().filter(|f| !f.findings.is_empty()) {
        let original = match std::fs::read(&f.source.path) {
            Ok(b) => b,
            Err(e) => {
                failed.push((f.source.path.clone(), walk::io_reason(&e)));
                continue;
            }
        };
        if f.source.encoding == encoding_rs::UTF_16LE || f.source.encoding == encoding_rs::UTF_16BE {
            failed.push((f.source.path.clone(), "cannot add comments to a UTF-16 file".into()));
            continue;
        }
        if crate::mime::is_message_path(&f.source.path) {
            // A comment line would land in a header block or an encoded body.
            failed.push((
                f.source.path.clone(),
                "cannot add comments to an email message (.eml): use a baseline or the config".into(),
            ));
            continue;
        }
        let Some(updated) = crate::suppress::add_directives(&f.source, &original, &f.findings) else { continue };
        match crate::fsutil::write_atomic(&f.source.path, &updated) {
            Ok(()) => added_files += 1,
            Err(e) => failed.push((f.source.path.clone(), format!("cannot write: {}", walk::io_reason(&e)))),
        }
    }
    eprintln!(
        "added suppressions in {added_files} file{}; replace \"{}\" with the real reasons",
        plural(added_files),
        crate::suppress::REASON_PLACEHOLDER
    );
    report_errors(&failed)
}

enum Outcome {
    Checked(Box<CheckedFile>),
    Skipped,
    /// Not linted, with a warning (too large, binary, pathological).
    SkippedWithWarning(PathBuf, String),
    Failed(PathBuf, String),
}

/// What to keep of a checked file's text for after the run.
#[derive(Clone, Copy)]
enum Keep {
    /// All of it (the file is about to be rewritten).
    Text,
    /// The lines around its findings: memory stays flat however many files report.
    FindingLines,
}

fn retain(source: SourceFile, findings: Vec<Finding>, kind: DocumentKind, keep: Keep) -> Outcome {
    let mut file = CheckedFile { source, findings, kind };
    match keep {
        Keep::FindingLines => file.keep_finding_lines(),
        Keep::Text if file.findings.is_empty() => file.source.release_text(),
        Keep::Text => {}
    }
    Outcome::Checked(Box::new(file))
}

/// Files larger than this are checked one at a time, on one thread (see `check`): a parse tree
/// and its working copies take about ten times the file's size.
const LARGE_FILE: usize = 1 << 20;

fn check_one(linter: &Linter, cache: Option<&Cache>, c: &walk::Candidate, keep: Keep) -> Outcome {
    let limit = linter.config.max_file_size.min(u32::MAX as u64 / 2);
    match std::fs::metadata(&c.path) {
        Ok(m) if m.is_dir() => return Outcome::Failed(c.path.clone(), "is a directory".into()),
        Ok(m) if m.len() > limit => {
            return Outcome::SkippedWithWarning(
                c.path.clone(),
                format!("{} bytes is over the {limit}-byte limit (max-file-size), skipped", m.len()),
            );
        }
        Ok(_) => {}
        Err(e) => return Outcome::Failed(c.path.clone(), walk::io_reason(&e)),
    }
    let bytes = match std::fs::read(&c.path) {
        Ok(b) => b,
        Err(e) => return Outcome::Failed(c.path.clone(), walk::io_reason(&e)),
    };
    if c.sniff && !c.explicit && !walk::looks_like_html(&bytes) {
        return Outcome::Skipped;
    }
    if bytes.len() as u64 > limit {
        return Outcome::SkippedWithWarning(
            c.path.clone(),
            format!("over the {limit}-byte limit (max-file-size), skipped"),
        );
    }
    let content = cache.map(|_| crate::cache::content_key(&c.path, &bytes));
    if let (Some(cache), Some(key)) = (cache, &content)
        && let Some((findings, kind)) = cache.get(&c.path, key)
    {
        let source = if findings.is_empty() {
            SourceFile::without_text(c.path.clone())
        } else {
            SourceFile::decode(c.path.clone(), bytes)
        };
        return retain(source, findings, kind, keep);
    }
    // Only files that were checked are in the cache, so the pre-scan for hostile input runs
    // after the lookup: a warm run does not pay for it.
    if let Some(reason) = walk::unlintable(&bytes) {
        return Outcome::SkippedWithWarning(c.path.clone(), reason);
    }
    let source = SourceFile::decode(c.path.clone(), bytes);
    // A bug in a rule must not stop the other files from being checked.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| linter.check(&source))) {
        Ok(report) => {
            if let (Some(cache), Some(key)) = (cache, content) {
                cache.put(&c.path, key, &report.findings, &report.kind);
            }
            retain(source, report.findings, report.kind, keep)
        }
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

/// `consentlint audit URL|DIR`.
fn audit(args: AuditArgs) -> ExitCode {
    use crate::audit::{self, AuditOptions, Event};
    let Some(max_size) = crate::config::parse_size(&args.max_size) else {
        return usage_error(format!("--max-size {:?}: expected a size like 500KB or 5MB", args.max_size));
    };
    let seconds = |name: &str, v: f64| {
        if v.is_finite() && (0.0..=86_400.0).contains(&v) {
            Ok(std::time::Duration::from_secs_f64(v))
        } else {
            Err(usage_error(format!("{name} {v}: expected seconds between 0 and 86400")))
        }
    };
    let (delay, timeout) = match (seconds("--delay", args.delay), seconds("--timeout", args.timeout)) {
        (Ok(d), Ok(t)) => (d, t),
        (Err(code), _) | (_, Err(code)) => return code,
    };
    let report_kind = match &args.report {
        None => None,
        Some(p) => match p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("html" | "htm") => Some(true),
            Some("md" | "markdown") => Some(false),
            _ => return usage_error(format!("--report {}: name it .html or .md", p.display())),
        },
    };
    let user_agent = args.user_agent.clone().unwrap_or_else(audit::default_user_agent);
    let renderer = if args.render {
        let Some(program) = args.chromium.clone().or_else(audit::render::find_chromium) else {
            return usage_error(
                "--render needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) or name it with --chromium PATH",
            );
        };
        Some(audit::render::Renderer {
            program,
            timeout: timeout.max(std::time::Duration::from_secs(30)),
            user_agent: user_agent.clone(),
        })
    } else {
        None
    };
    let opts = AuditOptions {
        max_pages: args.max_pages,
        max_depth: args.max_depth,
        delay,
        concurrency: args.concurrency.clamp(1, 16),
        timeout,
        retries: args.retries,
        max_size,
        allow_origins: args.allow_origin.clone(),
        sitemap: !args.no_sitemap,
        user_agent,
        renderer,
        ..AuditOptions::default()
    };
    let is_url = audit::is_url(&args.target);
    let start = (!is_url).then(|| PathBuf::from(&args.target));
    let (linter, _) = match linter_for(&args.rules, start) {
        Ok(l) => l,
        Err(code) => return code,
    };

    // A progress bar on stderr, only on a terminal.
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let progress = |e: Event<'_>| match e {
        Event::Length(n) => bar.set_length(n as u64),
        Event::Done(what) => {
            bar.inc(1);
            bar.set_message(what.to_string());
        }
    };
    let result = if is_url {
        audit::audit_url(&linter, &args.target, &opts, &progress)
    } else {
        let dir = PathBuf::from(&args.target);
        if dir.is_dir() {
            Ok(audit::audit_dir(&linter, &dir, &opts, &progress))
        } else {
            Err(format!("{}: not a directory or an http(s) URL", args.target))
        }
    };
    bar.finish_and_clear();
    let audit = match result {
        Ok(a) => a,
        Err(e) => return usage_error(e),
    };

    if let (Some(path), Some(html)) = (&args.report, report_kind) {
        let stem = path.file_stem().map_or_else(|| "report".into(), |s| s.to_string_lossy().into_owned());
        let sources_name = format!("{stem}-sources");
        let sources_dir = path.with_file_name(&sources_name);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            return usage_error(format!("cannot create {}: {}", dir.display(), walk::io_reason(&e)));
        }
        if let Err(e) = audit::save_sources(&audit, &sources_dir) {
            return usage_error(e);
        }
        let text = if html {
            audit::report_html::render(&audit, Some(&sources_name))
        } else {
            audit::report_md::render(&audit, Some(&sources_name))
        };
        if let Err(e) = crate::fsutil::write_atomic(path, text.as_bytes()) {
            return usage_error(format!("cannot write {}: {}", path.display(), walk::io_reason(&e)));
        }
    }

    let summary = audit::summary::summarise(&audit);
    let opts = report::human::Options { color: false, width: 100 };
    let text = if matches!(args.format, Format::Human) {
        report::human::render_findings(&audit.result, &opts)
    } else {
        report::render(args.format, &audit.result, &opts)
    };
    out(&text);
    if !args.quiet {
        for (path, reason) in &audit.result.errors {
            eprintln!("error: {}: {reason}", report::display_path(path));
        }
        for (what, reason) in &audit.skipped {
            eprintln!("skipped: {what}: {reason}");
        }
        for p in audit.pages.iter().filter(|p| !p.rendered) {
            if let Some(why) = &p.script_rendered {
                eprintln!("note: {} looks rendered by JavaScript ({why}); try --render", p.location);
            }
        }
        eprintln!(
            "Audited {} page{} in {:.1}s: {} error{}, {} warning{}; score {}/100, grade {}{}",
            summary.pages,
            plural(summary.pages),
            audit.result.elapsed.as_secs_f64(),
            summary.errors,
            plural(summary.errors),
            summary.warnings,
            plural(summary.warnings),
            summary.score,
            summary.grade,
            args.report.as_ref().map_or_else(String::new, |p| format!("; report: {}", p.display()))
        );
    }
    // The run failed when nothing could be audited at all (e.g. the start URL is down).
    if audit.result.files.is_empty() && !audit.result.errors.is_empty() {
        return ExitCode::from(2);
    }
    let fail = match args.rules.fail_on {
        FailOn::Error => summary.errors > 0,
        FailOn::Warning => summary.errors + summary.warnings > 0,
        FailOn::Never => false,
    };
    if fail { ExitCode::from(1) } else { ExitCode::SUCCESS }
}
