//! `consentlint.toml`: discovery, schema, errors that point at the exact spot in the file, and
//! resolution into per-file settings.
//!
//! ```toml
//! [rules]
//! missing-unsubscribe = "warn"        # off | warn | error
//!
//! exclude = ["legacy/", "*.min.html"] # gitignore syntax, relative to this file
//! extend-include = ["templates/**/*.txt"]
//!
//! [[overrides]]
//! files = ["emails/transactional/**"]
//! kind = "transactional-email"        # email | marketing-email | transactional-email | page
//! rules = { missing-privacy-link = "off" }
//!
//! [suppressions]
//! require-reason = true
//!
//! [vocabulary.en]
//! privacy = ["legal notice"]
//! privacy_url = ["/legal/data"]
//!
//! [esp]
//! unsubscribe = ['\{\{\s*optout_link\s*\}\}']
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;
use crate::rules::RULES;
use crate::rules::forms::DataKind;
use crate::vocab::Concept;

/// File names searched for, in order, in each directory.
pub const CONFIG_NAMES: &[&str] = &["consentlint.toml", ".consentlint.toml"];

/// A rule level in the config or a profile, from least to most strict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Info,
    Warn,
    Error,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warn => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

impl From<Severity> for Level {
    fn from(s: Severity) -> Level {
        match s {
            Severity::Info => Level::Info,
            Severity::Warning => Level::Warn,
            Severity::Error => Level::Error,
        }
    }
}

/// A forced document kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum KindOverride {
    /// An email template; marketing or transactional decided from its content.
    Email,
    MarketingEmail,
    TransactionalEmail,
    /// A web page, never an email.
    Page,
}

impl KindOverride {
    pub fn parse(s: &str) -> Option<KindOverride> {
        match s {
            "email" => Some(KindOverride::Email),
            "marketing-email" => Some(KindOverride::MarketingEmail),
            "transactional-email" => Some(KindOverride::TransactionalEmail),
            "page" => Some(KindOverride::Page),
            _ => None,
        }
    }
}

/// `[vocabulary.LANG] list = ["word", ...]`, with spans for errors.
type RawVocabulary = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Vec<Spanned<String>>>>;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    /// Jurisdiction profile(s): "gdpr", "uk-pecr", "can-spam", "casl", "strict", or several
    /// separated by commas.
    #[serde(default)]
    profile: Option<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<Level>>,
    #[serde(default)]
    include: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    suppressions: RawSuppressions,
    #[serde(default)]
    vocabulary: RawVocabulary,
    #[serde(default)]
    esp: RawEsp,
    #[serde(default)]
    tracking: RawTracking,
    /// Files larger than this are skipped with a warning: bytes, or "20MB", "512KiB".
    #[serde(default)]
    max_file_size: Option<Spanned<toml::Value>>,
    #[serde(default)]
    rule_options: RawRuleOptions,
}

/// `[rule-options.RULE]`: settings of the rules that have any.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRuleOptions {
    #[serde(default)]
    excessive_data: Option<RawExcessiveData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawExcessiveData {
    #[serde(default)]
    flag: Option<Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    max_required: Option<Spanned<i64>>,
}

/// Options of the rules that have any (`[rule-options.RULE]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RuleOptions {
    pub excessive_data: ExcessiveDataOptions,
}

/// `[rule-options.excessive-data]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcessiveDataOptions {
    /// Kinds of data a newsletter or lead form must not make required.
    pub flag: Vec<DataKind>,
    /// More required personal-data fields than this is excessive whatever they are (None: no
    /// limit).
    pub max_required: Option<usize>,
}

impl Default for ExcessiveDataOptions {
    fn default() -> Self {
        ExcessiveDataOptions {
            flag: vec![DataKind::Phone, DataKind::BirthDate, DataKind::Address, DataKind::Gender],
            max_required: None,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    files: Vec<Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<Level>>,
    #[serde(default)]
    kind: Option<KindOverride>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSuppressions {
    #[serde(default = "yes")]
    require_reason: bool,
}

impl Default for RawSuppressions {
    fn default() -> Self {
        RawSuppressions { require_reason: true }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawEsp {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    unsubscribe: Vec<Spanned<String>>,
    #[serde(default)]
    preferences: Vec<Spanned<String>>,
    #[serde(default)]
    address: Vec<Spanned<String>>,
    #[serde(default)]
    markers: Vec<Spanned<String>>,
    #[serde(default)]
    marketing: bool,
}

/// The `[esp]` table as an ESP entry; `None` when it lists no pattern.
fn esp_entry(raw: RawEsp) -> Option<crate::esp::EspEntry> {
    let list = |v: Vec<Spanned<String>>| v.into_iter().map(Spanned::into_inner).collect::<Vec<_>>();
    let e = crate::esp::EspEntry {
        name: raw.name.unwrap_or_else(|| "consentlint.toml".into()),
        syntax: "custom".into(),
        docs: String::new(),
        marketing: raw.marketing,
        unsubscribe: list(raw.unsubscribe),
        preferences: list(raw.preferences),
        address: list(raw.address),
        sender: Vec::new(),
        markers: list(raw.markers),
    };
    let empty = crate::esp::TagKind::ALL.iter().all(|k| e.patterns(*k).is_empty());
    (!empty).then_some(e)
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawTracking {
    /// Extra tracking hosts (`host` or `host/path-prefix`) for tracking-pixel.
    #[serde(default)]
    hosts: Vec<Spanned<String>>,
}

/// A path as the user would write it: relative to the current directory when it is below it.
fn shown(path: &Path) -> String {
    let rel = std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    crate::report::display_path(rel.as_deref().unwrap_or(path))
}

/// A configuration error, pointing at the spot in the file.
#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
    pub help: Option<String>,
    // Boxed: the source text is only needed when the error is shown, and keeps the error small.
    src: Option<Box<NamedSource<String>>>,
    span: Option<SourceSpan>,
}

impl ConfigError {
    fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Self {
        ConfigError {
            path: path.to_path_buf(),
            message: message.into(),
            help,
            src: Some(Box::new(NamedSource::new(shown(path), text.to_string()).with_language("toml"))),
            span: span.map(|r| SourceSpan::from(r.start..r.end.max(r.start))),
        }
    }

    fn io(path: &Path, message: impl Into<String>) -> Self {
        ConfigError { path: path.to_path_buf(), message: message.into(), help: None, src: None, span: None }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid configuration in {}: {}", shown(&self.path), self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("config"))
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.src.as_deref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span?;
        Some(Box::new(std::iter::once(miette::LabeledSpan::new_with_span(Some(self.message.clone()), span))))
    }
}

/// Per-path rule levels and kind.
#[derive(Debug)]
struct Override {
    files: GlobSet,
    rules: Vec<(&'static str, Level)>,
    kind: Option<KindOverride>,
}

/// A loaded, validated configuration.
#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (None: defaults).
    pub path: Option<PathBuf>,
    /// The directory globs are relative to.
    pub root: PathBuf,
    /// The profiles in force (empty: the default profile).
    pub profiles: Vec<&'static crate::profile::Profile>,
    rules: Vec<(&'static str, Level)>,
    include: Option<GlobSet>,
    extend_include: Option<GlobSet>,
    exclude: Option<std::sync::Arc<Gitignore>>,
    overrides: Vec<Override>,
    pub require_reason: bool,
    /// Vocabulary extensions: (language, concept key, words).
    pub vocabulary: Vec<(String, String, Vec<String>)>,
    /// An in-house email system's merge tags (`[esp]`), added to the built-in ESPs.
    pub esp: Option<crate::esp::EspEntry>,
    /// Extra tracking hosts for tracking-pixel (`[tracking] hosts`).
    pub tracking_hosts: Vec<String>,
    /// Files larger than this many bytes are skipped with a warning.
    pub max_file_size: u64,
    /// Options of the rules that have any.
    pub rule_options: RuleOptions,
    /// The raw text, hashed into the cache key.
    pub text: String,
}

/// The default per-file size limit: 20 MiB (real templates are well under 1 MiB).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 20 * 1024 * 1024;

/// "20MB", "512KiB", "1GB", "1048576" → bytes.
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" => 1000,
        "kib" | "k" => 1024,
        "mb" => 1000 * 1000,
        "mib" | "m" => 1024 * 1024,
        "gb" => 1000 * 1000 * 1000,
        "gib" | "g" => 1024 * 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// The `exclude` patterns with the directory they are relative to.
#[derive(Debug, Clone)]
pub struct Excluder {
    root: PathBuf,
    exclude: Option<std::sync::Arc<Gitignore>>,
}

impl Excluder {
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        let Some(ex) = &self.exclude else { return false };
        let Some(rel) =
            std::path::absolute(path).ok().and_then(|a| a.strip_prefix(&self.root).ok().map(Path::to_path_buf))
        else {
            return false;
        };
        ex.matched_path_or_any_parents(&rel, is_dir).is_ignore()
    }
}

/// Settings for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSettings {
    /// Enabled rules with their severity.
    pub rules: Vec<(&'static str, Severity)>,
    pub kind: Option<KindOverride>,
}

impl Config {
    /// Defaults: every rule at its default severity, reasons required.
    pub fn defaults(root: PathBuf) -> Config {
        Config { root, require_reason: true, max_file_size: DEFAULT_MAX_FILE_SIZE, ..Default::default() }
    }

    /// Find the config for `start` (a file or directory): the nearest `consentlint.toml` or
    /// `.consentlint.toml` going up, stopping at the repository root (a directory with `.git`).
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(start).ok()?;
        let mut dir = if abs.is_dir() { abs.as_path() } else { abs.parent()? };
        loop {
            for name in CONFIG_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            if dir.join(".git").exists() {
                return None;
            }
            dir = dir.parent()?;
        }
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::io(path, format!("cannot read: {}", crate::walk::io_reason(&e))))?;
        Self::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_string();
            ConfigError::at(path, text, e.span(), msg, Some("see `consentlint init` for a commented example".into()))
        })?;
        let root = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| PathBuf::from("."));
        let err =
            |span: Range<usize>, msg: String, help: Option<String>| ConfigError::at(path, text, Some(span), msg, help);

        let rule_levels =
            |map: &BTreeMap<Spanned<String>, Spanned<Level>>| -> Result<Vec<(&'static str, Level)>, ConfigError> {
                let mut out = Vec::new();
                for (name, level) in map {
                    let Some(rule) = RULES.iter().find(|r| r.meta().name == name.get_ref()) else {
                        let names: Vec<&str> = RULES.iter().map(|r| r.meta().name).collect();
                        return Err(err(
                            name.span(),
                            format!("unknown rule `{}`", name.get_ref()),
                            Some(format!("rules are: {}", names.join(", "))),
                        ));
                    };
                    out.push((rule.meta().name, *level.get_ref()));
                }
                Ok(out)
            };
        let globset = |pats: &[Spanned<String>]| -> Result<Option<GlobSet>, ConfigError> {
            if pats.is_empty() {
                return Ok(None);
            }
            let mut b = GlobSetBuilder::new();
            for p in pats {
                let g =
                    Glob::new(p.get_ref()).map_err(|e| err(p.span(), format!("invalid glob: {}", e.kind()), None))?;
                b.add(g);
                // "emails" also means everything under it.
                if !p.get_ref().ends_with("**")
                    && !p.get_ref().contains('*')
                    && let Ok(g) = Glob::new(&format!("{}/**", p.get_ref().trim_end_matches('/')))
                {
                    b.add(g);
                }
            }
            b.build().map(Some).map_err(|e| err(pats[0].span(), format!("invalid glob: {e}"), None))
        };

        let profiles = match &raw.profile {
            None => Vec::new(),
            Some(p) => crate::profile::resolve(&[p.get_ref()]).map_err(|e| {
                err(p.span(), e, Some(format!("profiles are: {} (combine them with commas)", crate::profile::names())))
            })?,
        };
        let rules = rule_levels(&raw.rules)?;
        let include = match &raw.include {
            Some(p) if p.is_empty() => {
                return Err(err(0..0, "`include` is empty: nothing would be checked".into(), None));
            }
            Some(p) => globset(p)?,
            None => None,
        };
        let extend_include = globset(&raw.extend_include)?;
        let exclude = if raw.exclude.is_empty() {
            None
        } else {
            let mut b = GitignoreBuilder::new(&root);
            for p in &raw.exclude {
                b.add_line(None, p.get_ref())
                    .map_err(|e| err(p.span(), format!("invalid exclude pattern: {e}"), None))?;
            }
            Some(std::sync::Arc::new(
                b.build().map_err(|e| err(raw.exclude[0].span(), format!("invalid exclude pattern: {e}"), None))?,
            ))
        };
        let mut overrides = Vec::new();
        for o in &raw.overrides {
            if o.files.is_empty() {
                return Err(err(0..0, "an [[overrides]] entry has an empty `files` list".into(), None));
            }
            overrides.push(Override {
                files: globset(&o.files)?.unwrap_or_else(GlobSet::empty),
                rules: rule_levels(&o.rules)?,
                kind: o.kind,
            });
        }
        let mut vocabulary = Vec::new();
        for (lang, lists) in &raw.vocabulary {
            let code = lang.get_ref();
            if code.is_empty() || !code.chars().all(|c| c.is_ascii_lowercase() || c == '-') {
                return Err(err(
                    lang.span(),
                    format!("`{code}` is not a language code"),
                    Some("use a code like en, de, pt-br".into()),
                ));
            }
            for (concept, words) in lists {
                if Concept::from_key(concept.get_ref()).is_none() {
                    return Err(err(
                        concept.span(),
                        format!("unknown vocabulary list `{}`", concept.get_ref()),
                        Some(format!(
                            "lists are: {}",
                            Concept::ALL.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ")
                        )),
                    ));
                }
                for w in words {
                    if w.get_ref().trim_matches('*').trim().is_empty() {
                        return Err(err(w.span(), "empty word".into(), None));
                    }
                }
                vocabulary.push((
                    code.clone(),
                    concept.get_ref().clone(),
                    words.iter().map(|w| w.get_ref().clone()).collect(),
                ));
            }
        }
        let e = &raw.esp;
        for p in e.unsubscribe.iter().chain(&e.preferences).chain(&e.address).chain(&e.markers) {
            if let Err(e) = regex::Regex::new(p.get_ref()) {
                return Err(err(p.span(), "invalid regular expression".into(), Some(e.to_string())));
            }
        }
        for h in &raw.tracking.hosts {
            let v = h.get_ref();
            if v.trim().is_empty() || v.contains("://") || v.contains(char::is_whitespace) {
                return Err(err(
                    h.span(),
                    "invalid tracking host".into(),
                    Some("a host, optionally with a path prefix, like \"open.example.com/o\"".into()),
                ));
            }
        }
        let max_file_size = match &raw.max_file_size {
            None => DEFAULT_MAX_FILE_SIZE,
            Some(v) => {
                let parsed = match v.get_ref() {
                    toml::Value::Integer(i) => u64::try_from(*i).ok().filter(|n| *n > 0),
                    toml::Value::String(s) => parse_size(s).filter(|n| *n > 0),
                    _ => None,
                };
                parsed.ok_or_else(|| {
                    err(
                        v.span(),
                        "invalid size".into(),
                        Some("a number of bytes, or a string like \"20MB\" or \"512KiB\"".into()),
                    )
                })?
            }
        };
        let mut rule_options = RuleOptions::default();
        if let Some(ed) = &raw.rule_options.excessive_data {
            if let Some(flag) = &ed.flag {
                let mut kinds = Vec::new();
                for k in flag.get_ref() {
                    let choices = || {
                        let names: Vec<&str> =
                            DataKind::ALL.iter().filter(|k| **k != DataKind::Email).map(|k| k.key()).collect();
                        format!("kinds are: {}", names.join(", "))
                    };
                    match DataKind::from_key(k.get_ref()) {
                        Some(DataKind::Email) => {
                            return Err(err(
                                k.span(),
                                "`email` cannot be excessive: a sign-up form needs an address to send to".into(),
                                Some(choices()),
                            ));
                        }
                        Some(kind) => kinds.push(kind),
                        None => {
                            return Err(err(
                                k.span(),
                                format!("unknown kind of data `{}`", k.get_ref()),
                                Some(choices()),
                            ));
                        }
                    }
                }
                rule_options.excessive_data.flag = kinds;
            }
            if let Some(m) = &ed.max_required {
                let n = usize::try_from(*m.get_ref()).ok().filter(|n| *n >= 1).ok_or_else(|| {
                    err(
                        m.span(),
                        "`max-required` must be 1 or more".into(),
                        Some("the number of required personal-data fields a sign-up form may have".into()),
                    )
                })?;
                rule_options.excessive_data.max_required = Some(n);
            }
        }
        Ok(Config {
            rule_options,
            path: Some(path.to_path_buf()),
            max_file_size,
            root,
            profiles,
            rules,
            include,
            extend_include,
            exclude,
            overrides,
            require_reason: raw.suppressions.require_reason,
            vocabulary,
            esp: esp_entry(raw.esp),
            tracking_hosts: raw.tracking.hosts.iter().map(|s| s.get_ref().clone()).collect(),
            text: text.to_string(),
        })
    }

    /// `path` relative to the config root, with forward slashes, if it is under it.
    fn relative(&self, path: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(path).ok()?;
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// Is this path excluded (gitignore semantics; a directory excludes everything below it)?
    pub fn is_excluded(&self, path: &Path, is_dir: bool) -> bool {
        self.excluder().is_excluded(path, is_dir)
    }

    /// The exclude matcher on its own (cheap to clone into a walker's filter).
    pub fn excluder(&self) -> Excluder {
        Excluder { root: self.root.clone(), exclude: self.exclude.clone() }
    }

    /// Should a file found while walking be checked? `None` leaves it to the built-in
    /// extension list.
    pub fn includes(&self, path: &Path) -> Option<bool> {
        let rel = self.relative(path)?;
        if let Some(inc) = &self.include {
            return Some(inc.is_match(&rel));
        }
        if let Some(ext) = &self.extend_include
            && ext.is_match(&rel)
        {
            return Some(true);
        }
        None
    }

    /// The profiles in force: the configured ones, or the default.
    pub fn effective_profiles(&self) -> Vec<&'static crate::profile::Profile> {
        if self.profiles.is_empty() {
            crate::profile::resolve::<&str>(&[]).unwrap_or_default()
        } else {
            self.profiles.clone()
        }
    }

    /// Set explicit levels, as `[rules]` would (they win over the profile).
    pub fn set_rule_levels(&mut self, levels: &[(&'static str, Level)]) {
        self.rules.extend_from_slice(levels);
    }

    /// The rules and kind for one file: the profile(s), then `[rules]`, then each matching
    /// override in order.
    pub fn for_file(&self, path: &Path) -> FileSettings {
        let profiles = self.effective_profiles();
        let mut levels: Vec<(&'static str, Option<Severity>)> =
            RULES.iter().map(|r| (r.meta().name, crate::profile::level(&profiles, r.meta()).severity())).collect();
        let mut set = |name: &str, level: Level| {
            if let Some(e) = levels.iter_mut().find(|(n, _)| *n == name) {
                e.1 = level.severity();
            }
        };
        for (name, level) in &self.rules {
            set(name, *level);
        }
        let mut kind = None;
        let rel = self.relative(path);
        for o in &self.overrides {
            if rel.as_ref().is_some_and(|r| o.files.is_match(r)) {
                for (name, level) in &o.rules {
                    set(name, *level);
                }
                if o.kind.is_some() {
                    kind = o.kind;
                }
            }
        }
        FileSettings { rules: levels.into_iter().filter_map(|(n, s)| s.map(|s| (n, s))).collect(), kind }
    }
}

/// The commented starter config written by `consentlint init`.
pub const STARTER: &str = r#"# consentlint configuration. Docs: `consentlint rules`, `consentlint rule NAME`.
# Paths and globs are relative to this file.

# Jurisdiction profile: which rules run and how strictly. "gdpr" (the default), "uk-pecr",
# "can-spam", "casl", or "strict" (everything on); combine with commas ("gdpr,can-spam": for
# each rule the strictest level wins). `consentlint rules` shows the levels a profile gives.
# profile = "gdpr"

# Rule levels: "off", "info", "warn" or "error"; they win over the profile.
[rules]
# pre-ticked-consent = "error"
# bundled-consent = "error"
# missing-privacy-link = "error"
# missing-unsubscribe = "error"
# implied-consent = "error"
# forced-consent = "error"
# vague-consent = "warn"
# excessive-data = "warn"
# insecure-form-action = "error"
# missing-withdrawal-info = "warn"
# hidden-unsubscribe = "error"
# missing-sender-identity = "warn"
# missing-data-source-notice = "warn"
# tracking-pixel = "info"
# incomplete-privacy-policy = "warn"
# unused-suppression = "warn"

# Files larger than this are skipped with a warning (bytes, or "20MB", "512KiB").
# max-file-size = "20MB"

# Files to skip, in .gitignore syntax (a directory skips everything below it).
# exclude = ["legacy/", "vendor-themes/", "*.min.html"]

# Check these files too, besides the built-in template extensions.
# extend-include = ["templates/**/*.txt"]

# Per-path settings. `kind` forces how files are treated:
# "email", "marketing-email", "transactional-email" or "page".
# [[overrides]]
# files = ["emails/transactional/**"]
# kind = "transactional-email"
#
# [[overrides]]
# files = ["emails/partials/**"]
# rules = { missing-unsubscribe = "off" }

[suppressions]
# Inline `consentlint-disable...` comments must say why: `-- reason`.
require-reason = true

# Extra words, per language, for the lists in rules/vocab/*.toml
# (marketing, sharing, profiling, consent, terms, privacy, privacy_url, unsubscribe,
# unsubscribe_url, transactional, marketing_email, personal_data, search, yes, no,
# negation, not_consent, street, po_box, implied_consent, opt_out, vague_label, catch_all,
# withdrawal, lead, email, phone, birth_date, postal_address, gender, sender_identity,
# copyright_notice, policy_*, cold_outreach, outreach_source, outreach_purpose,
# outreach_objection: see rules/vocab/en.toml).
# [vocabulary.en]
# privacy = ["legal notice"]
# privacy_url = ["/legal/data"]
# unsubscribe = ["leave this list"]

# Extra tracking hosts for tracking-pixel (host, optionally with a path prefix).
# [tracking]
# hosts = ["open.example.com/o"]

# Options of the rules that have any.
# [rule-options.excessive-data]
# Kinds of data a newsletter or lead form must not make required
# ("phone", "birth-date", "address", "gender", "other").
# flag = ["phone", "birth-date", "address", "gender"]
# More required personal-data fields than this is excessive whatever they are (default: no limit).
# max-required = 3


# Merge tags of an in-house email system (regular expressions, case-insensitive), added to the
# built-in ESPs of `consentlint esps`: unsubscribe links, preference-centre links, tags that print
# the postal address, and markers that make a file count as an email template for it.
# [esp]
# name = "Acme CRM"
# marketing = true
# unsubscribe = ['\{\{\s*optout_link\s*\}\}']
# preferences = ['\{\{\s*prefs_link\s*\}\}']
# address = ['\{\{\s*company\.postal_address\s*\}\}']
# markers = ['\{\{\s*crm\.[a-z_]+\s*\}\}']
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("consentlint.toml"), text)
    }

    #[test]
    fn starter_parses() {
        let c = parse(STARTER).unwrap();
        assert!(c.require_reason);
    }

    #[test]
    fn errors_point_at_the_spot() {
        let text = "[rules]\npre-ticked-consent = \"warning\"\n";
        let e = parse(text).unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "\"warning\"");
        assert!(e.message.contains("unknown variant `warning`"), "{}", e.message);

        let text = "[rules]\nno-such-rule = \"off\"\n";
        let e = parse(text).unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "no-such-rule");

        let text = "[[overrides]]\nfiles = [\"ok/**\", \"[bad\"]\n";
        let e = parse(text).unwrap_err();
        assert!(e.message.contains("invalid glob"), "{}", e.message);
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "\"[bad\"");

        let text = "colour = true\n";
        let e = parse(text).unwrap_err();
        assert!(e.message.contains("unknown field `colour`"), "{}", e.message);

        let text = "[vocabulary.en]\nprivacyy = [\"x\"]\n";
        let e = parse(text).unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "privacyy");

        let text = "[esp]\nunsubscribe = ['(unclosed']\n";
        let e = parse(text).unwrap_err();
        assert!(e.message.contains("invalid regular expression"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("20MB"), Some(20_000_000));
        assert_eq!(parse_size("512KiB"), Some(524_288));
        assert_eq!(parse_size("100"), Some(100));
        assert_eq!(parse_size("1 GiB"), Some(1 << 30));
        assert_eq!(parse_size("lots"), None);
        assert_eq!(parse("max-file-size = \"5MB\"\n").unwrap().max_file_size, 5_000_000);
        let text = "max-file-size = -3\n";
        let e = parse(text).unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(&text[span.offset()..span.offset() + span.len()], "-3");
        assert_eq!(parse("").unwrap().max_file_size, DEFAULT_MAX_FILE_SIZE);
    }

    #[test]
    fn rule_options() {
        let c = parse("").unwrap();
        assert_eq!(c.rule_options.excessive_data, ExcessiveDataOptions::default());
        let c = parse("[rule-options.excessive-data]\nflag = [\"phone\", \"other\"]\nmax-required = 3\n").unwrap();
        assert_eq!(c.rule_options.excessive_data.flag, vec![DataKind::Phone, DataKind::Other]);
        assert_eq!(c.rule_options.excessive_data.max_required, Some(3));

        let at = |text: &str| {
            let e = parse(text).unwrap_err();
            let span = e.span.unwrap();
            (e.message.clone(), text[span.offset()..span.offset() + span.len()].to_string())
        };
        let (msg, spot) = at("[rule-options.excessive-data]\nflag = [\"phone\", \"shoe-size\"]\n");
        assert!(msg.contains("unknown kind of data `shoe-size`"), "{msg}");
        assert_eq!(spot, "\"shoe-size\"");
        let (msg, spot) = at("[rule-options.excessive-data]\nflag = [\"email\"]\n");
        assert!(msg.contains("`email` cannot be excessive"), "{msg}");
        assert_eq!(spot, "\"email\"");
        let (msg, spot) = at("[rule-options.excessive-data]\nmax-required = 0\n");
        assert!(msg.contains("must be 1 or more"), "{msg}");
        assert_eq!(spot, "0");
        let (msg, spot) = at("[rule-options.excessive-data]\nmax-required = \"lots\"\n");
        assert!(msg.contains("invalid type"), "{msg}");
        assert_eq!(spot, "\"lots\"");
        let (msg, spot) = at("[rule-options.excessive-data]\nthreshold = 2\n");
        assert!(msg.contains("unknown field `threshold`"), "{msg}");
        assert_eq!(spot, "threshold");
        let (msg, spot) = at("[rule-options.pre-ticked-consent]\nx = 1\n");
        assert!(msg.contains("unknown field `pre-ticked-consent`"), "{msg}");
        assert_eq!(spot, "pre-ticked-consent");
    }

    #[test]
    fn overrides_apply_in_order() {
        let c = parse(
            "[rules]\nmissing-unsubscribe = \"warn\"\n[[overrides]]\nfiles = [\"emails/**\"]\nkind = \"marketing-email\"\nrules = { missing-privacy-link = \"off\" }\n",
        )
        .unwrap();
        let s = c.for_file(&c.root.join("emails/a.html"));
        assert_eq!(s.kind, Some(KindOverride::MarketingEmail));
        assert!(!s.rules.iter().any(|(n, _)| *n == "missing-privacy-link"));
        assert!(s.rules.contains(&("missing-unsubscribe", Severity::Warning)));
        let s = c.for_file(&c.root.join("pages/a.html"));
        assert_eq!(s.kind, None);
        assert!(s.rules.iter().any(|(n, _)| *n == "missing-privacy-link"));
    }

    #[test]
    fn exclude_has_gitignore_semantics() {
        let c = parse("exclude = [\"legacy/\", \"*.min.html\", \"/top.html\"]\n").unwrap();
        assert!(c.is_excluded(&c.root.join("legacy"), true));
        assert!(c.is_excluded(&c.root.join("legacy/deep/a.html"), false));
        assert!(c.is_excluded(&c.root.join("x/y.min.html"), false));
        assert!(c.is_excluded(&c.root.join("top.html"), false));
        assert!(!c.is_excluded(&c.root.join("sub/top.html"), false));
        assert!(!c.is_excluded(&c.root.join("legacy.html"), false));
    }
}
