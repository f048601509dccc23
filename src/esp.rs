//! Email service provider merge tags from `rules/esp.toml`.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;

const BUILTIN: &str = include_str!("../rules/esp.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EspFile {
    esp: Vec<EspEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EspEntry {
    pub name: String,
    pub docs: String,
    pub marketing: bool,
    pub unsubscribe: Vec<String>,
    pub markers: Vec<String>,
}

/// A compiled pattern and the ESP it belongs to.
#[derive(Debug)]
struct Pattern {
    esp: usize,
    re: Regex,
}

/// All ESP patterns, compiled.
#[derive(Debug)]
pub struct EspTags {
    pub entries: Vec<EspEntry>,
    unsub_set: RegexSet,
    unsub: Vec<Pattern>,
    marker_set: RegexSet,
    markers: Vec<Pattern>,
}

/// A merge tag found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagHit<'a> {
    pub esp: &'a str,
    pub marketing: bool,
    pub start: usize,
    pub end: usize,
}

impl EspTags {
    pub fn builtin() -> &'static EspTags {
        static T: std::sync::OnceLock<EspTags> = std::sync::OnceLock::new();
        T.get_or_init(|| EspTags::parse(BUILTIN).unwrap_or_else(|e| panic!("built-in rules/esp.toml: {e}")))
    }

    /// The built-in entries plus one more (an in-house system from the config).
    pub fn builtin_with(extra: EspEntry) -> Result<EspTags, String> {
        let mut file: EspFile = toml::from_str(BUILTIN).map_err(|e| e.to_string())?;
        file.esp.push(extra);
        Self::from_entries(file.esp)
    }

    pub fn parse(text: &str) -> Result<EspTags, String> {
        let file: EspFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Self::from_entries(file.esp)
    }

    pub fn from_entries(entries: Vec<EspEntry>) -> Result<EspTags, String> {
        let compile = |pick: fn(&EspEntry) -> &Vec<String>| -> Result<(RegexSet, Vec<Pattern>), String> {
            let mut pats = Vec::new();
            let mut srcs = Vec::new();
            for (i, e) in entries.iter().enumerate() {
                for p in pick(e) {
                    // `\b` is a Unicode word boundary, which makes the regex crate fall back to
                    // its slowest engine on any non-ASCII text (~250x on a German email). Merge
                    // tags are ASCII, so an ASCII boundary means the same.
                    let p = &ascii_boundaries(p);
                    let re = RegexBuilder::new(p)
                        .case_insensitive(true)
                        .build()
                        .map_err(|err| format!("{}: bad pattern {p:?}: {err}", e.name))?;
                    pats.push(Pattern { esp: i, re });
                    srcs.push(p.to_string());
                }
            }
            let set = RegexSetBuilder::new(&srcs).case_insensitive(true).build().map_err(|e| e.to_string())?;
            Ok((set, pats))
        };
        let (unsub_set, unsub) = compile(|e| &e.unsubscribe)?;
        let (marker_set, markers) = compile(|e| &e.markers)?;
        Ok(EspTags { entries, unsub_set, unsub, marker_set, markers })
    }

    fn find<'a>(&'a self, set: &RegexSet, pats: &'a [Pattern], text: &str) -> Vec<TagHit<'a>> {
        let mut out = Vec::new();
        for idx in set.matches(text).iter() {
            let p = &pats[idx];
            let e = &self.entries[p.esp];
            for m in p.re.find_iter(text) {
                out.push(TagHit { esp: &e.name, marketing: e.marketing, start: m.start(), end: m.end() });
            }
        }
        out.sort_by_key(|h| (h.start, h.end));
        out
    }

    /// Unsubscribe merge tags in `text`.
    pub fn unsubscribe_tags<'a>(&'a self, text: &str) -> Vec<TagHit<'a>> {
        self.find(&self.unsub_set, &self.unsub, text)
    }

    /// ESP marker tags in `text` (any merge tag of a known ESP).
    pub fn markers<'a>(&'a self, text: &str) -> Vec<TagHit<'a>> {
        self.find(&self.marker_set, &self.markers, text)
    }
}

/// Replace `\b` (not `\\b`) with the ASCII word boundary `(?-u:\b)`.
pub(crate) fn ascii_boundaries(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 16);
    let mut chars = p.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('b') => out.push_str("(?-u:\\b)"),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_become_ascii() {
        assert_eq!(ascii_boundaries(r"\bmc:edit\b"), r"(?-u:\b)mc:edit(?-u:\b)");
        assert_eq!(ascii_boundaries(r"a\\b"), r"a\\b");
        assert_eq!(ascii_boundaries(r"\{\{"), r"\{\{");
    }

    #[test]
    fn non_ascii_text_still_matches() {
        let t = EspTags::builtin();
        let text = "Grüße, 你好 *|UNSUB|* und mc:edit=\"x\" {{ unsubscribe_link }}";
        assert!(!t.unsubscribe_tags(text).is_empty());
        assert!(!t.markers(text).is_empty());
    }
}
