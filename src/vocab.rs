//! The language data: per-language word lists from `rules/vocab/*.toml`, compiled into one
//! Aho-Corasick automaton over normalised text (lowercase, no diacritics, single spaces).
//!
//! Pattern syntax is documented at the top of `rules/vocab/en.toml`.

use std::collections::BTreeMap;
use std::fmt;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Declares the concepts: the enum, `Concept::ALL` and each concept's list key.
macro_rules! concepts {
    ($($(#[$doc:meta])* $name:ident => $key:literal,)*) => {
        /// The concepts the rules ask about. Each is a list in every vocabulary file.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum Concept {
            $($(#[$doc])* $name,)*
        }

        impl Concept {
            pub const ALL: &'static [Concept] = &[$(Concept::$name,)*];

            /// The key of this concept's list in a vocabulary file.
            pub fn key(self) -> &'static str {
                match self {
                    $(Concept::$name => $key,)*
                }
            }
        }
    };
}

// One line per concept; the set below is a u64, so at most 64.
concepts! {
    Marketing => "marketing",
    Sharing => "sharing",
    Profiling => "profiling",
    Consent => "consent",
    Terms => "terms",
    Privacy => "privacy",
    PrivacyUrl => "privacy_url",
    Unsubscribe => "unsubscribe",
    UnsubscribeUrl => "unsubscribe_url",
    Transactional => "transactional",
    MarketingEmail => "marketing_email",
    PersonalData => "personal_data",
    Search => "search",
    Yes => "yes",
    No => "no",
    Negation => "negation",
    NotConsent => "not_consent",
    Street => "street",
    PoBox => "po_box",
    /// An action said to stand for consent ("by signing up you agree...").
    ImpliedConsent => "implied_consent",
    /// An opt-out box ("tick here if you do NOT want offers").
    OptOut => "opt_out",
    /// Labels that state no purpose ("I agree", "OK").
    VagueLabel => "vague_label",
    /// Catch-all wording that names no one ("selected partners", "other purposes").
    CatchAll => "catch_all",
    /// Saying consent can be withdrawn ("unsubscribe at any time").
    Withdrawal => "withdrawal",
    /// Gated content a lead form offers ("download the e-book").
    Lead => "lead",
    /// Field kinds, for data minimisation.
    Email => "email",
    Phone => "phone",
    BirthDate => "birth_date",
    PostalAddress => "postal_address",
    Gender => "gender",
    SenderIdentity => "sender_identity",
    CopyrightNotice => "copyright_notice",
    PolicyTitle => "policy_title",
    PolicyController => "policy_controller",
    PolicyDpo => "policy_dpo",
    PolicyLegalBasis => "policy_legal_basis",
    PolicyRecipients => "policy_recipients",
    PolicyTransfers => "policy_transfers",
    PolicyRetention => "policy_retention",
    PolicyRights => "policy_rights",
    PolicyObjection => "policy_objection",
    PolicyWithdrawal => "policy_withdrawal",
    PolicyComplaint => "policy_complaint",
    PolicyAutomated => "policy_automated",
    ColdOutreach => "cold_outreach",
    OutreachSource => "outreach_source",
    OutreachPurpose => "outreach_purpose",
    OutreachObjection => "outreach_objection",
}

const _: () = assert!(Concept::ALL.len() <= 64);

impl Concept {
    pub fn from_key(key: &str) -> Option<Concept> {
        Concept::ALL.iter().copied().find(|c| c.key() == key)
    }

    /// Short words that mean different things in different languages.
    pub fn is_function_word(self) -> bool {
        matches!(self, Concept::Yes | Concept::No | Concept::Negation)
    }

    /// URL concepts match anywhere inside a URL, not as words.
    fn is_url(self) -> bool {
        matches!(self, Concept::PrivacyUrl | Concept::UnsubscribeUrl)
    }

    fn bit(self) -> u64 {
        1 << self as u8
    }
}

impl fmt::Display for Concept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// A set of concepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConceptSet(u64);

impl ConceptSet {
    pub fn contains(self, c: Concept) -> bool {
        self.0 & c.bit() != 0
    }
    pub fn insert(&mut self, c: Concept) {
        self.0 |= c.bit();
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn any(self, cs: &[Concept]) -> bool {
        cs.iter().any(|&c| self.contains(c))
    }
}

/// One vocabulary file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VocabFile {
    pub language: String,
    pub name: String,
    pub words: BTreeMap<String, Vec<String>>,
}

/// The vocabulary files compiled into the binary.
pub const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("../rules/vocab/en.toml")),
    ("de", include_str!("../rules/vocab/de.toml")),
    ("fr", include_str!("../rules/vocab/fr.toml")),
    ("es", include_str!("../rules/vocab/es.toml")),
    ("it", include_str!("../rules/vocab/it.toml")),
    ("nl", include_str!("../rules/vocab/nl.toml")),
    ("pt", include_str!("../rules/vocab/pt.toml")),
    ("pl", include_str!("../rules/vocab/pl.toml")),
    ("sv", include_str!("../rules/vocab/sv.toml")),
    ("da", include_str!("../rules/vocab/da.toml")),
    ("fi", include_str!("../rules/vocab/fi.toml")),
    ("cs", include_str!("../rules/vocab/cs.toml")),
    ("ru", include_str!("../rules/vocab/ru.toml")),
    ("zh", include_str!("../rules/vocab/zh.toml")),
];

#[derive(Debug, Clone)]
struct PatternInfo {
    concept: Concept,
    lang: u16,
    /// Boundary required before the match.
    word_start: bool,
    /// Boundary required after the match.
    word_end: bool,
    /// Written in a script without spaces between words.
    unspaced: bool,
}

/// A match of a vocabulary pattern in some text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub concept: Concept,
    /// Language code of the vocabulary file the pattern came from.
    pub lang: &'static str,
    /// Index of that language (cheap to compare).
    lang_id: u16,
    /// Byte range in the text that was searched (not the normalised text).
    pub start: usize,
    pub end: usize,
}

/// All vocabularies compiled into one automaton.
pub struct Vocabulary {
    ac: AhoCorasick,
    info: Vec<PatternInfo>,
    langs: Vec<&'static str>,
}

impl fmt::Debug for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Vocabulary({} patterns, {:?})", self.info.len(), self.langs)
    }
}

/// An error in a vocabulary file.
#[derive(Debug)]
pub struct VocabError {
    pub source_name: String,
    pub message: String,
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.message)
    }
}

impl std::error::Error for VocabError {}

impl Vocabulary {
    /// The built-in vocabularies.
    pub fn builtin() -> &'static Vocabulary {
        static V: std::sync::OnceLock<Vocabulary> = std::sync::OnceLock::new();
        V.get_or_init(|| {
            let files = BUILTIN
                .iter()
                .map(|(name, text)| parse_file(name, text).unwrap_or_else(|e| panic!("built-in vocabulary {e}")))
                .collect::<Vec<_>>();
            Vocabulary::build(&files).unwrap_or_else(|e| panic!("built-in vocabulary {e}"))
        })
    }

    /// Compile vocabulary files (built-in ones plus any extensions) into one matcher.
    pub fn build(files: &[VocabFile]) -> Result<Vocabulary, VocabError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut info = Vec::new();
        let mut langs: Vec<&'static str> = Vec::new();
        for file in files {
            let lang_idx = match langs.iter().position(|l| *l == file.language) {
                Some(i) => i,
                None => {
                    langs.push(Box::leak(file.language.clone().into_boxed_str()));
                    langs.len() - 1
                }
            };
            for (key, words) in &file.words {
                let Some(concept) = Concept::from_key(key) else {
                    return Err(VocabError {
                        source_name: file.language.clone(),
                        message: format!(
                            "unknown list `{key}` (expected one of: {})",
                            Concept::ALL.iter().map(|c| c.key()).collect::<Vec<_>>().join(", ")
                        ),
                    });
                };
                for word in words {
                    let (body, lead, trail) = parse_pattern(word);
                    let norm = normalize(body).0;
                    let norm = norm.trim();
                    if norm.is_empty() {
                        return Err(VocabError {
                            source_name: file.language.clone(),
                            message: format!("empty pattern {word:?} in `{key}`"),
                        });
                    }
                    let unspaced = norm.chars().any(is_unspaced_script);
                    let url = concept.is_url();
                    let first_is_word = norm.chars().next().is_some_and(is_word_char);
                    let last_is_word = norm.chars().last().is_some_and(is_word_char);
                    info.push(PatternInfo {
                        concept,
                        lang: lang_idx as u16,
                        word_start: !lead && !unspaced && !url && first_is_word,
                        word_end: !trail && !unspaced && !url && last_is_word,
                        unspaced: unspaced || url,
                    });
                    patterns.push(norm.to_string());
                }
            }
        }
        // The builder picks a contiguous NFA for this many patterns. A full DFA was tried and
        // lost on every count (perf, 4,000-file bench corpus): building it took 3% of a cold
        // run, scanning went from 6% to 10% (its table does not stay in cache) and the peak
        // memory grew by 14 MB.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| VocabError { source_name: "vocabulary".into(), message: e.to_string() })?;
        Ok(Vocabulary { ac, info, langs })
    }

    /// Every match in `text`, with ranges into `text`. Overlapping matches are all reported
    /// ("privacy" and "privacy policy"). Function words (yes, no, negations) are short and
    /// collide across languages (Finnish "et" is a negation, French "et" means "and"), so they
    /// are kept only for the language the text is written in: the one with the most matches.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        self.hits_in(text, None)
    }

    /// Like `hits`, with the language known (e.g. from a `lang` attribute).
    pub fn hits_in(&self, text: &str, lang: Option<&str>) -> Vec<Hit> {
        let mut hits = self.all_hits(text);
        if !hits.iter().any(|h| h.concept.is_function_word()) {
            return hits;
        }
        let known = lang.and_then(|l| {
            let primary = l.split(['-', '_']).next().unwrap_or(l).to_ascii_lowercase();
            self.langs.iter().position(|x| *x == primary).map(|i| i as u16)
        });
        let keep: Vec<u16> = match known {
            Some(l) => vec![l],
            None => dominant_languages(&hits),
        };
        hits.retain(|h| !h.concept.is_function_word() || keep.contains(&h.lang_id));
        hits
    }

    /// Every match, including function words of every language: for questions that do not
    /// involve yes/no/negation (cheaper on long texts).
    pub fn hits_any_language(&self, text: &str) -> Vec<Hit> {
        self.all_hits(text)
    }

    fn all_hits(&self, text: &str) -> Vec<Hit> {
        let (norm, map) = normalize(text);
        let mut out = Vec::new();
        for m in self.ac.find_overlapping_iter(&norm) {
            let info = &self.info[m.pattern().as_usize()];
            if info.word_start && norm[..m.start()].chars().next_back().is_some_and(is_word_char) {
                continue;
            }
            if info.word_end && norm[m.end()..].chars().next().is_some_and(is_word_char) {
                continue;
            }
            let (mut start, mut end) = (map[m.start()] as usize, map[m.end()] as usize);
            // Report whole words: a wildcard match ("partner*") covers the word it matched in.
            if !info.word_start && !info.unspaced {
                start = text[..start]
                    .char_indices()
                    .rev()
                    .take_while(|(_, c)| is_word_char(*c))
                    .last()
                    .map_or(start, |(i, _)| i);
            }
            if !info.word_end && !info.unspaced {
                end += text[end..].chars().take_while(|c| is_word_char(*c)).map(char::len_utf8).sum::<usize>();
            }
            out.push(Hit {
                concept: info.concept,
                lang: self.langs[info.lang as usize],
                lang_id: info.lang,
                start,
                end,
            });
        }
        out
    }

    /// Where the URL words of `c` (`privacy_url`, `unsubscribe_url`) occur in `text`, exactly
    /// as matched (not widened to whole words): byte ranges into `text`.
    pub fn url_fragments(&self, text: &str, c: Concept) -> Vec<std::ops::Range<usize>> {
        if !c.is_url() {
            return Vec::new();
        }
        let (norm, map) = normalize(text);
        self.ac
            .find_overlapping_iter(&norm)
            .filter(|m| self.info[m.pattern().as_usize()].concept == c)
            .map(|m| map[m.start()] as usize..map[m.end()] as usize)
            .collect()
    }

    /// The set of concepts mentioned in `text`.
    pub fn concepts(&self, text: &str) -> ConceptSet {
        let mut set = ConceptSet::default();
        for h in self.hits(text) {
            set.insert(h.concept);
        }
        set
    }

    pub fn concepts_in(&self, text: &str, lang: Option<&str>) -> ConceptSet {
        let mut set = ConceptSet::default();
        for h in self.hits_in(text, lang) {
            set.insert(h.concept);
        }
        set
    }

    pub fn has(&self, text: &str, concept: Concept) -> bool {
        self.concepts(text).contains(concept)
    }

    /// Languages loaded, in load order.
    pub fn languages(&self) -> &[&'static str] {
        &self.langs
    }
}

/// The languages with the most matches (each language counted once per matched span).
fn dominant_languages(hits: &[Hit]) -> Vec<u16> {
    let mut keys: Vec<(u16, usize, usize)> = hits.iter().map(|h| (h.lang_id, h.start, h.end)).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut counts: Vec<(u16, usize)> = Vec::new();
    for (lang, _, _) in keys {
        match counts.last_mut() {
            Some((l, n)) if *l == lang => *n += 1,
            _ => counts.push((lang, 1)),
        }
    }
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts.into_iter().filter(|(_, n)| *n == max).map(|(l, _)| l).collect()
}

pub fn parse_file(name: &str, text: &str) -> Result<VocabFile, VocabError> {
    toml::from_str(text).map_err(|e| VocabError { source_name: name.to_string(), message: e.to_string() })
}

fn parse_pattern(p: &str) -> (&str, bool, bool) {
    let lead = p.starts_with('*');
    let trail = p.len() > 1 && p.ends_with('*');
    let body = p.strip_prefix('*').unwrap_or(p);
    let body = if trail { body.strip_suffix('*').unwrap_or(body) } else { body };
    (body, lead, trail)
}

/// Letters and digits, in any script, are word characters.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Scripts written without spaces between words: patterns match as substrings.
fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x0E00..=0x0E7F)
}

/// Lowercase, strip diacritics, fold a few letters NFD does not decompose, unify apostrophes
/// and dashes, and collapse whitespace runs to one space. Returns the normalised text and, for
/// each of its byte offsets plus the end, the byte offset in the input.
pub fn normalize(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 1);
    let mut last_space = false;
    for (i, c) in text.char_indices() {
        let i = i as u32;
        let push = |s: &str, out: &mut String, map: &mut Vec<u32>| {
            for _ in 0..s.len() {
                map.push(i);
            }
            out.push_str(s);
        };
        if c.is_whitespace() || c == '\u{200b}' {
            if !last_space {
                push(" ", &mut out, &mut map);
                last_space = true;
            }
            continue;
        }
        last_space = false;
        if c.is_ascii() {
            let l = c.to_ascii_lowercase();
            let mut b = [0u8; 4];
            push(l.encode_utf8(&mut b), &mut out, &mut map);
            continue;
        }
        let folded: Option<&str> = match c {
            'ß' | 'ẞ' => Some("ss"),
            'ł' | 'Ł' => Some("l"),
            'ø' | 'Ø' => Some("o"),
            'æ' | 'Æ' => Some("ae"),
            'œ' | 'Œ' => Some("oe"),
            'đ' | 'Đ' => Some("d"),
            'ı' => Some("i"),
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{00b4}' => Some("'"),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' => Some("-"),
            '\u{00a0}' | '\u{202f}' => Some(" "),
            _ => None,
        };
        if let Some(f) = folded {
            push(f, &mut out, &mut map);
            continue;
        }
        for l in c.to_lowercase() {
            for d in std::iter::once(l).nfd() {
                if is_combining_mark(d) {
                    continue;
                }
                let mut b = [0u8; 4];
                push(d.encode_utf8(&mut b), &mut out, &mut map);
            }
        }
    }
    map.push(text.len() as u32);
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[(&str, &[&str])]) -> Vocabulary {
        let file = VocabFile {
            language: "xx".into(),
            name: "Test".into(),
            words: words.iter().map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect())).collect(),
        };
        Vocabulary::build(&[file]).unwrap()
    }

    #[test]
    fn whole_words_and_wildcards() {
        let v = vocab(&[("marketing", &["offers", "newsletter*", "*werbung", "sms"])]);
        assert!(v.has("Special OFFERS!", Concept::Marketing));
        assert!(!v.has("offerstore", Concept::Marketing));
        assert!(v.has("our newsletters", Concept::Marketing));
        assert!(v.has("Produktwerbung per E-Mail", Concept::Marketing));
        assert!(!v.has("werbungen", Concept::Marketing));
        assert!(!v.has("smsgateway", Concept::Marketing));
    }

    #[test]
    fn accents_case_and_spacing() {
        let v = vocab(&[("privacy", &["politique de confidentialité", "datenschutzerklärung"])]);
        assert!(v.has("la Politique  de\nconfidentialite", Concept::Privacy));
        assert!(!v.has("DATENSCHUTZERKLAERUNG", Concept::Privacy));
        assert!(v.has("Datenschutzerklarung", Concept::Privacy));
    }

    #[test]
    fn cjk_matches_as_substring_and_ranges_map_back() {
        let v = vocab(&[("unsubscribe", &["退订"]), ("sharing", &["partner*"])]);
        let text = "如需退订请点击";
        let hits = v.hits(text);
        assert_eq!(hits.len(), 1);
        assert_eq!(&text[hits[0].start..hits[0].end], "退订");
        let text = "Ünsere   Partner";
        let hits = v.hits(text);
        assert_eq!(&text[hits[0].start..hits[0].end], "Partner");
        let text = "unsere Partnerfirmen";
        let hits = v.hits(text);
        assert_eq!(&text[hits[0].start..hits[0].end], "Partnerfirmen");
    }

    #[test]
    fn url_concepts_are_substrings() {
        let v = vocab(&[("privacy_url", &["datenschutz"])]);
        assert!(v.has("https://example.de/rechtliches/datenschutzerklaerung.html", Concept::PrivacyUrl));
    }

    #[test]
    fn apostrophes_fold() {
        let v = vocab(&[("no", &["don't"])]);
        assert!(v.has("I don’t want", Concept::No));
    }

    #[test]
    fn function_words_follow_the_dominant_language() {
        let v = Vocabulary::builtin();
        let text = "J'accepte les CGU et de recevoir la newsletter";
        assert!(!v.hits(text).iter().any(|h| h.concept == Concept::Negation), "{:?}", v.hits(text));
        let text = "Subscribe to our newsletter. We will never share your data.";
        assert!(v.hits(text).iter().any(|h| h.concept == Concept::Negation && h.lang == "en"));
        assert!(v.hits_in("et", Some("fi-FI")).iter().any(|h| h.concept == Concept::Negation));
        assert!(!v.hits_in("et", Some("fr")).iter().any(|h| h.concept == Concept::Negation));
    }

    #[test]
    fn unknown_list_is_an_error() {
        let file = VocabFile { language: "xx".into(), name: "x".into(), words: [("nope".to_string(), vec![])].into() };
        let err = Vocabulary::build(&[file]).unwrap_err();
        assert!(err.message.contains("unknown list `nope`"));
    }

    #[test]
    fn builtin_files_have_every_list() {
        for (name, text) in BUILTIN {
            let f = parse_file(name, text).unwrap();
            assert_eq!(f.language, *name);
            for c in Concept::ALL {
                assert!(f.words.get(c.key()).is_some_and(|w| !w.is_empty()), "{name} lacks {c}");
            }
            assert_eq!(f.words.len(), Concept::ALL.len(), "{name} has extra lists");
        }
        let v = Vocabulary::builtin();
        assert_eq!(v.languages().len(), BUILTIN.len());
    }
}
