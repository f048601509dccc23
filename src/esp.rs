//! Email service provider merge tags from `rules/esp.toml`.

use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use regex_automata::{Input, PatternSet};
use serde::Deserialize;

pub(crate) const BUILTIN: &str = include_str!("../rules/esp.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EspFile {
    esp: Vec<EspEntry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EspEntry {
    pub name: String,
    /// The merge-tag family ("pipe", "handlebars", "ampscript %%...%%", ...).
    pub syntax: String,
    pub docs: String,
    pub marketing: bool,
    pub unsubscribe: Vec<String>,
    pub preferences: Vec<String>,
    pub address: Vec<String>,
    /// Tags that print the sender's name or address (missing-sender-identity).
    #[serde(default)]
    pub sender: Vec<String>,
    pub markers: Vec<String>,
}

/// The kinds of merge tag an entry lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    Unsubscribe,
    Preferences,
    Address,
    Marker,
    Sender,
}

impl TagKind {
    pub const ALL: [TagKind; 5] =
        [TagKind::Unsubscribe, TagKind::Preferences, TagKind::Address, TagKind::Marker, TagKind::Sender];

    pub fn name(self) -> &'static str {
        match self {
            TagKind::Unsubscribe => "unsubscribe",
            TagKind::Preferences => "preferences",
            TagKind::Address => "address",
            TagKind::Marker => "markers",
            TagKind::Sender => "sender",
        }
    }
}

impl EspEntry {
    pub fn patterns(&self, kind: TagKind) -> &[String] {
        match kind {
            TagKind::Unsubscribe => &self.unsubscribe,
            TagKind::Preferences => &self.preferences,
            TagKind::Address => &self.address,
            TagKind::Marker => &self.markers,
            TagKind::Sender => &self.sender,
        }
    }
}

/// What a tag is for, as the rules ask: a way to opt out (unsubscribe or preference centre),
/// the postal address, or a marker of the ESP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Use {
    OptOut = 0,
    Address = 1,
    Marker = 2,
    Sender = 3,
}

/// A compiled pattern, the ESP it belongs to and what it is for.
#[derive(Debug)]
struct Pattern {
    esp: usize,
    used: Use,
    re: Regex,
}

/// Every pattern of every entry behind one set automaton (`set_of`): a text is scanned once
/// for all of them.
#[derive(Debug)]
struct Compiled {
    set: meta::Regex,
    pats: Vec<Pattern>,
}

/// All ESP patterns, compiled.
#[derive(Debug)]
pub struct EspTags {
    pub entries: Vec<EspEntry>,
    all: Compiled,
}

/// The merge tags of one text, found in a single scan the first time any is asked for, and
/// shared by the classifier and every rule.
pub struct Tags<'a> {
    esp: &'a EspTags,
    text: &'a str,
    // Positions without borrowed names, so that `Tags` (and a `Context` holding it) stays
    // covariant in `'a`.
    found: std::cell::OnceCell<[Vec<Found>; 4]>,
}

/// A tag found: entry index and byte range.
#[derive(Debug, Clone, Copy)]
struct Found {
    esp: usize,
    start: usize,
    end: usize,
}

impl<'a> Tags<'a> {
    pub fn new(esp: &'a EspTags, text: &'a str) -> Tags<'a> {
        Tags { esp, text, found: std::cell::OnceCell::new() }
    }

    fn get(&self, used: Use) -> impl Iterator<Item = TagHit<'a>> + '_ {
        let esp = self.esp;
        self.found.get_or_init(|| esp.scan(self.text))[used as usize].iter().map(move |f| {
            let e = &esp.entries[f.esp];
            TagHit { esp: &e.name, marketing: e.marketing, start: f.start, end: f.end }
        })
    }

    /// Unsubscribe and preference-centre merge tags, in order: any way to opt out.
    pub fn opt_out(&self) -> impl Iterator<Item = TagHit<'a>> + '_ {
        self.get(Use::OptOut)
    }

    /// Merge tags that print the sender's postal address, in order.
    pub fn address(&self) -> impl Iterator<Item = TagHit<'a>> + '_ {
        self.get(Use::Address)
    }

    /// ESP marker tags (any merge tag of a known ESP), in order.
    pub fn markers(&self) -> impl Iterator<Item = TagHit<'a>> + '_ {
        self.get(Use::Marker)
    }

    /// Tags that print the sender's name or address, in order.
    pub fn sender(&self) -> impl Iterator<Item = TagHit<'a>> + '_ {
        self.get(Use::Sender)
    }
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
        let all = compile(
            &entries,
            &[
                (TagKind::Unsubscribe, Use::OptOut),
                (TagKind::Preferences, Use::OptOut),
                (TagKind::Address, Use::Address),
                (TagKind::Marker, Use::Marker),
                (TagKind::Sender, Use::Sender),
            ],
        )?;
        Ok(EspTags { entries, all })
    }

    /// Every tag in `text`, by use, each list in order of position.
    fn scan(&self, text: &str) -> [Vec<Found>; 4] {
        let mut out: [Vec<Found>; 4] = Default::default();
        let mut matched = PatternSet::new(self.all.set.pattern_len());
        self.all.set.which_overlapping_matches(&Input::new(text), &mut matched);
        for idx in matched.iter() {
            let p = &self.all.pats[idx.as_usize()];
            for m in p.re.find_iter(text) {
                out[p.used as usize].push(Found { esp: p.esp, start: m.start(), end: m.end() });
            }
        }
        for list in &mut out {
            list.sort_by_key(|h| (h.start, h.end));
        }
        out
    }

    /// Unsubscribe and preference-centre merge tags in `text`: any way to opt out. (Rules ask
    /// a shared [`Tags`] instead, which scans once for all uses.)
    pub fn unsubscribe_tags<'a>(&'a self, text: &'a str) -> Vec<TagHit<'a>> {
        Tags::new(self, text).opt_out().collect()
    }

    /// Merge tags that print the sender's postal address.
    pub fn address_tags<'a>(&'a self, text: &'a str) -> Vec<TagHit<'a>> {
        Tags::new(self, text).address().collect()
    }

    /// ESP marker tags in `text` (any merge tag of a known ESP).
    pub fn markers<'a>(&'a self, text: &'a str) -> Vec<TagHit<'a>> {
        Tags::new(self, text).markers().collect()
    }
}

/// Compile the patterns of `kinds` of every entry, each tagged with its use.
fn compile(entries: &[EspEntry], kinds: &[(TagKind, Use)]) -> Result<Compiled, String> {
    let mut pats = Vec::new();
    let mut srcs = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        for (p, used) in kinds.iter().flat_map(|(k, u)| e.patterns(*k).iter().map(move |p| (p, *u))) {
            // `\b` is a Unicode word boundary, which makes the regex crate fall back to its
            // slowest engine on any non-ASCII text (~250x on a German email). Merge tags are
            // ASCII, so an ASCII boundary means the same.
            let p = &ascii_boundaries(p);
            let re = RegexBuilder::new(p)
                .case_insensitive(true)
                .build()
                .map_err(|err| format!("{}: bad pattern {p:?}: {err}", e.name))?;
            pats.push(Pattern { esp: i, used, re });
            srcs.push(p.to_string());
        }
    }
    let set = set_of(&srcs)?;
    Ok(Compiled { set, pats })
}

/// One automaton answering which of `patterns` occur anywhere in a text. The literal prefilter
/// the regex crate would pick for ~100 case-insensitive patterns is an Aho-Corasick NFA over
/// hundreds of case variants that fires on every `{{`; scanning with the lazy DFA alone is
/// several times faster (perf: the prefilter was 12% of a cold run, the DFA 2%).
fn set_of(patterns: &[String]) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(meta::Config::new().auto_prefilter(false).match_kind(regex_automata::MatchKind::All))
        .syntax(regex_automata::util::syntax::Config::new().case_insensitive(true))
        .build_many(patterns)
        .map_err(|e| e.to_string())
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

    /// Tags that print the sender's name or address (missing-sender-identity), by ESP.
    #[test]
    fn sender_tags() {
        let t = EspTags::builtin();
        let owners = |text: &'static str| Tags::new(t, text).sender().map(|h| h.esp.to_string()).collect::<Vec<_>>();
        let by = |text: &'static str, esp: &str| {
            assert!(owners(text).iter().any(|o| o == esp), "{text}: {:?}", owners(text))
        };
        by("<p>*|LIST:COMPANY|*</p>", "Mailchimp");
        by("{{ site_settings.company_name }}", "HubSpot");
        by("{{ organization.name }}", "Klaviyo");
        by("{{ shop.name }}", "Generic template variable");
        by("<%= @company.address %>", "Generic template variable");
        assert!(owners("{{ first_name }}").is_empty());
        assert!(owners("company name").is_empty());
    }

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

    #[test]
    fn every_entry_is_complete() {
        let t = EspTags::builtin();
        for e in &t.entries {
            assert!(!e.syntax.is_empty() && !e.docs.is_empty(), "{}", e.name);
            assert!(!e.unsubscribe.is_empty(), "{} has no unsubscribe tag", e.name);
        }
        for name in [
            "Mailchimp",
            "SendGrid Marketing Campaigns",
            "SendGrid (legacy)",
            "HubSpot",
            "Klaviyo",
            "Brevo (Sendinblue)",
            "Mailjet",
            "Campaign Monitor",
            "ActiveCampaign",
            "Marketo",
            "Salesforce Marketing Cloud AMPscript",
            "Customer.io",
            "Postmark",
            "Iterable",
            "Braze",
            "Mautic",
            "listmonk",
            "Mailgun",
            "Resend",
            "MailUp",
            "Sender",
        ] {
            assert!(t.entries.iter().any(|e| e.name == name), "{name} missing");
        }
    }

    /// One sample per category and ESP: each is found in its category and names its ESP.
    #[test]
    fn tags_per_category() {
        let t = EspTags::builtin();
        let cases: &[(&str, &str, TagKind)] = &[
            ("Mailchimp", "*|UNSUB|*", TagKind::Unsubscribe),
            ("Mailchimp", "*|UPDATE_PROFILE|*", TagKind::Preferences),
            ("Mailchimp", "*|LIST:ADDRESSLINE|*", TagKind::Address),
            ("Mailchimp", "*|HTML:LIST_ADDRESS_HTML|*", TagKind::Address),
            ("SendGrid Marketing Campaigns", "{{{unsubscribe_preferences}}}", TagKind::Preferences),
            ("SendGrid Marketing Campaigns", "{{Sender_Address}}", TagKind::Address),
            ("SendGrid (legacy)", "<%asm_group_unsubscribe_raw_url%>", TagKind::Unsubscribe),
            ("SendGrid (legacy)", "<%asm_preferences_raw_url%>", TagKind::Preferences),
            ("HubSpot", "{{ unsubscribe_link_all }}", TagKind::Unsubscribe),
            ("HubSpot", "{{ site_settings.company_street_address_1 }}", TagKind::Address),
            ("Klaviyo", "{% manage_preferences %}", TagKind::Preferences),
            ("Klaviyo", "{{ organization.full_address }}", TagKind::Address),
            ("Mailjet", "[[UNSUB_LINK_FR]]", TagKind::Unsubscribe),
            ("Mailjet", "[[UNSUB_LINK_PT_BR]]", TagKind::Unsubscribe),
            ("Campaign Monitor", "<preferences>", TagKind::Preferences),
            ("Brevo (Sendinblue)", "{{ update_profile }}", TagKind::Preferences),
            ("ActiveCampaign", "%UPDATELINK%", TagKind::Preferences),
            ("ActiveCampaign", "%SENDER-INFO-SINGLELINE%", TagKind::Address),
            ("Marketo", "{{system.unsubscribeLink}}", TagKind::Unsubscribe),
            ("Salesforce Marketing Cloud", "%%profile_center_url%%", TagKind::Preferences),
            ("Salesforce Marketing Cloud", "%%Member_Addr%%", TagKind::Address),
            ("Customer.io", "{% manage_subscription_preferences_url %}", TagKind::Preferences),
            ("Postmark", "{{{ pm:unsubscribe }}}", TagKind::Unsubscribe),
            ("Iterable", "{{hostedUnsubscribeUrl}}", TagKind::Unsubscribe),
            ("Braze", "${preference_center_url}", TagKind::Preferences),
            ("Mautic", "{unsubscribe_url}", TagKind::Unsubscribe),
            ("listmonk", "{{ ManageURL }}", TagKind::Preferences),
            ("Mailgun", "%unsubscribe_url%", TagKind::Unsubscribe),
            ("Resend", "{{{RESEND_UNSUBSCRIBE_URL}}}", TagKind::Unsubscribe),
            ("MailUp", "http://[unsubscribe]/", TagKind::Unsubscribe),
            ("Sender", "{{unsubscribe_link}}", TagKind::Unsubscribe),
        ];
        for (esp, tag, kind) in cases {
            let hits = match kind {
                TagKind::Unsubscribe | TagKind::Preferences => t.unsubscribe_tags(tag),
                TagKind::Address => t.address_tags(tag),
                TagKind::Marker => t.markers(tag),
                TagKind::Sender => Tags::new(t, tag).sender().collect(),
            };
            assert!(
                hits.iter().any(|h| h.esp == *esp && h.end - h.start == tag.len()),
                "{esp} {tag} as {kind:?}: {hits:?}"
            );
            let e = t.entries.iter().find(|e| e.name == *esp).unwrap();
            assert!(
                e.patterns(*kind).iter().any(|p| regex::RegexBuilder::new(&ascii_boundaries(p))
                    .case_insensitive(true)
                    .build()
                    .unwrap()
                    .is_match(tag)),
                "{esp}: {tag} not in its {} list",
                kind.name()
            );
        }
        // Addresses are not opt-outs, and ordinary text is neither.
        assert!(t.unsubscribe_tags("*|LIST:ADDRESS|*").is_empty());
        assert!(t.address_tags("Call 555 1234, order 12345").is_empty());
    }
}
