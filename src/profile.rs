//! Jurisdiction profiles from `rules/profiles.toml`: which rules run, at which level, under
//! which law. Profiles combine (`gdpr,can-spam`): for each rule the strictest level wins.
//! Explicit `[rules]` levels and `[[overrides]]` in the config still win over the profile.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::Level;

const BUILTIN: &str = include_str!("../rules/profiles.toml");

/// The profile used when none is chosen.
pub const DEFAULT: &str = "gdpr";

/// One rule's setting in a profile, and the law it comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub level: Level,
    /// The legal source of this setting (shown in the README and by `consentlint profiles`).
    pub basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    #[serde(skip)]
    pub name: String,
    /// One line: the jurisdiction and the laws it covers.
    pub summary: String,
    pub rules: BTreeMap<String, Setting>,
}

impl Profile {
    /// This profile's level for a rule; `None` when the profile does not list it.
    pub fn level(&self, rule: &str) -> Option<Level> {
        self.rules.get(rule).map(|s| s.level)
    }
}

/// The built-in profiles, in file order.
pub fn builtin() -> &'static [Profile] {
    static P: std::sync::OnceLock<Vec<Profile>> = std::sync::OnceLock::new();
    P.get_or_init(|| parse(BUILTIN).unwrap_or_else(|e| panic!("built-in rules/profiles.toml: {e}")))
}

fn parse(text: &str) -> Result<Vec<Profile>, String> {
    // toml keeps tables sorted; read the order from the text so `gdpr` (the default) comes first.
    let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut order: Vec<(usize, String)> =
        table.keys().map(|k| (text.find(&format!("[{k}]")).unwrap_or(usize::MAX), k.clone())).collect();
    order.sort();
    let mut out = Vec::new();
    for (_, name) in order {
        let value = table.get(&name).cloned().unwrap_or(toml::Value::Table(toml::Table::new()));
        let mut p: Profile = value.try_into().map_err(|e: toml::de::Error| format!("[{name}]: {e}"))?;
        p.name = name;
        out.push(p);
    }
    Ok(out)
}

pub fn find(name: &str) -> Option<&'static Profile> {
    builtin().iter().find(|p| p.name == name)
}

/// Names of the built-in profiles, comma-separated (for error messages).
pub fn names() -> String {
    builtin().iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Resolve profile names (each may itself be comma-separated: "gdpr,can-spam"). The error
/// names the first unknown profile.
pub fn resolve<S: AsRef<str>>(names: &[S]) -> Result<Vec<&'static Profile>, String> {
    let mut out: Vec<&'static Profile> = Vec::new();
    for n in names.iter().flat_map(|n| n.as_ref().split(',')).map(str::trim).filter(|n| !n.is_empty()) {
        let p = find(n).ok_or_else(|| format!("unknown profile `{n}`"))?;
        if !out.iter().any(|q| q.name == p.name) {
            out.push(p);
        }
    }
    if out.is_empty() {
        out.extend(find(DEFAULT));
    }
    Ok(out)
}

/// The level of a rule under several profiles: the strictest (off < info < warn < error).
/// A profile that does not list the rule gives the rule's own default severity (so a rule added
/// before its profile entries still runs; `tests/meta.rs` requires every rule in every profile).
pub fn level(profiles: &[&Profile], rule: &crate::rules::RuleMeta) -> Level {
    profiles
        .iter()
        .map(|p| p.level(rule.name).unwrap_or_else(|| Level::from(rule.severity)))
        .max()
        .unwrap_or_else(|| Level::from(rule.severity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses_in_file_order() {
        let names: Vec<&str> = builtin().iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names.first(), Some(&DEFAULT));
        for n in ["uk-pecr", "can-spam", "casl", "strict"] {
            assert!(names.contains(&n), "{n} missing from {names:?}");
        }
    }

    #[test]
    fn resolve_combines_and_rejects_unknown() {
        let ps = resolve(&["gdpr, can-spam", "gdpr"]).unwrap();
        assert_eq!(ps.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["gdpr", "can-spam"]);
        assert_eq!(resolve::<&str>(&[]).unwrap()[0].name, DEFAULT);
        assert_eq!(resolve(&["gdpr,ccpa"]).unwrap_err(), "unknown profile `ccpa`");
    }

    #[test]
    fn strictest_level_wins() {
        let meta = crate::rules::find("pre-ticked-consent").unwrap().meta();
        let can_spam = find("can-spam").unwrap();
        let gdpr = find("gdpr").unwrap();
        assert_eq!(can_spam.level(meta.name), Some(Level::Off));
        assert_eq!(level(&[can_spam], meta), Level::Off);
        assert_eq!(level(&[can_spam, gdpr], meta), Level::Error);
        assert_eq!(level(&[gdpr, can_spam], meta), Level::Error);
    }
}
