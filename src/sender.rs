//! Merge tags that print the sender's name or address, from `rules/sender.toml`.

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;

const BUILTIN: &str = include_str!("../rules/sender.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SenderFile {
    tag: Vec<SenderTag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SenderTag {
    esp: String,
    patterns: Vec<String>,
}

/// The compiled sender-tag patterns.
#[derive(Debug)]
pub struct SenderTags {
    set: RegexSet,
    /// Each pattern with its ESP (or "template variable").
    patterns: Vec<(Regex, String)>,
}

impl SenderTags {
    pub fn builtin() -> &'static SenderTags {
        static T: std::sync::OnceLock<SenderTags> = std::sync::OnceLock::new();
        T.get_or_init(|| SenderTags::parse(BUILTIN).unwrap_or_else(|e| panic!("built-in rules/sender.toml: {e}")))
    }

    fn parse(text: &str) -> Result<SenderTags, String> {
        let file: SenderFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut srcs = Vec::new();
        let mut patterns = Vec::new();
        for t in &file.tag {
            for p in &t.patterns {
                let p = crate::esp::ascii_boundaries(p);
                let re = RegexBuilder::new(&p).case_insensitive(true).build().map_err(|e| e.to_string())?;
                srcs.push(p);
                patterns.push((re, t.esp.clone()));
            }
        }
        let set = RegexSetBuilder::new(&srcs).case_insensitive(true).build().map_err(|e| e.to_string())?;
        Ok(SenderTags { set, patterns })
    }

    /// The owner of the first pattern that matches `text`, if any.
    pub fn find(&self, text: &str) -> Option<&str> {
        self.find_where(text, |_| true)
    }

    /// The owner of the first match whose start offset passes `keep` (e.g. live markup).
    pub fn find_where(&self, text: &str, keep: impl Fn(usize) -> bool) -> Option<&str> {
        // One pass over the text for all patterns; positions only for those that matched.
        self.set.matches(text).iter().find_map(|i| {
            let (re, owner) = &self.patterns[i];
            re.find_iter(text).any(|m| keep(m.start())).then_some(owner.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags() {
        let t = SenderTags::builtin();
        assert_eq!(t.find("<p>*|LIST:COMPANY|*</p>"), Some("Mailchimp"));
        assert_eq!(t.find("{{ site_settings.company_name }}"), Some("HubSpot"));
        assert_eq!(t.find("{{ organization.name }}"), Some("Klaviyo"));
        assert_eq!(t.find("{{ shop.name }}"), Some("template variable"));
        assert_eq!(t.find("<%= @company.address %>"), Some("template variable"));
        assert_eq!(t.find("{{ first_name }}"), None);
        assert_eq!(t.find("company name"), None);
    }
}
