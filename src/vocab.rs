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
    /// Other language tags that mean this vocabulary (`nb` and `nn` for `no`): a `lang`
    /// attribute is matched whole first ("zh-hant"), then by its primary subtag.
    #[serde(default)]
    pub aliases: Vec<String>,
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
    ("bg", include_str!("../rules/vocab/bg.toml")),
    ("hr", include_str!("../rules/vocab/hr.toml")),
    ("et", include_str!("../rules/vocab/et.toml")),
    ("el", include_str!("../rules/vocab/el.toml")),
    ("hu", include_str!("../rules/vocab/hu.toml")),
    ("ga", include_str!("../rules/vocab/ga.toml")),
    ("lv", include_str!("../rules/vocab/lv.toml")),
    ("lt", include_str!("../rules/vocab/lt.toml")),
    ("mt", include_str!("../rules/vocab/mt.toml")),
    ("ro", include_str!("../rules/vocab/ro.toml")),
    ("sk", include_str!("../rules/vocab/sk.toml")),
    ("sl", include_str!("../rules/vocab/sl.toml")),
    ("no", include_str!("../rules/vocab/no.toml")),
    ("is", include_str!("../rules/vocab/is.toml")),
    ("uk", include_str!("../rules/vocab/uk.toml")),
    ("tr", include_str!("../rules/vocab/tr.toml")),
    ("ja", include_str!("../rules/vocab/ja.toml")),
    ("ko", include_str!("../rules/vocab/ko.toml")),
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
    /// Lowercase language tags (codes and aliases) and the language they mean.
    tags: Vec<(String, u16)>,
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
        let mut tags: Vec<(String, u16)> = Vec::new();
        for file in files {
            let lang_idx = match langs.iter().position(|l| *l == file.language) {
                Some(i) => i,
                None => {
                    langs.push(Box::leak(file.language.clone().into_boxed_str()));
                    tags.push((file.language.to_ascii_lowercase(), (langs.len() - 1) as u16));
                    langs.len() - 1
                }
            };
            for a in &file.aliases {
                tags.push((a.to_ascii_lowercase().replace('_', "-"), lang_idx as u16));
            }
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
                    if body.contains('*') {
                        return Err(VocabError {
                            source_name: file.language.clone(),
                            message: format!(
                                "pattern {word:?} in `{key}` has a `*` inside: wildcards go only at its start or end"
                            ),
                        });
                    }
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
        Ok(Vocabulary { ac, info, langs, tags })
    }

    /// Every match in `text`, with ranges into `text`. Overlapping matches are all reported
    /// ("privacy" and "privacy policy"). Function words (yes, no, negations) are short and
    /// collide across languages (Finnish "et" is a negation, French "et" means "and"), so they
    /// are kept only for the language the text is written in: the one with the most matches.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        self.hits_in(text, None)
    }

    /// Like `hits`, with the language known (e.g. from a `lang` attribute). Function words count
    /// only in that language, and where its vocabulary matches a word, other languages'
    /// readings of the same word are dropped: Bulgarian "оферти" are offers, not the Russian
    /// "оферта" (terms of sale). Words the language does not know are still matched by every
    /// vocabulary, so a page marked `lang="en"` with German text keeps its German matches.
    pub fn hits_in(&self, text: &str, lang: Option<&str>) -> Vec<Hit> {
        let mut hits = self.all_hits(text);
        match lang.and_then(|l| self.lang_id(l)) {
            Some(l) => {
                let own: Vec<(usize, usize)> =
                    hits.iter().filter(|h| h.lang_id == l).map(|h| (h.start, h.end)).collect();
                hits.retain(|h| {
                    h.lang_id == l
                        || (!h.concept.is_function_word() && !own.iter().any(|&(s, e)| s < h.end && h.start < e))
                });
            }
            None if hits.iter().any(|h| h.concept.is_function_word()) => {
                let keep = dominant_languages(&hits);
                hits.retain(|h| !h.concept.is_function_word() || keep.contains(&h.lang_id));
            }
            None => {}
        }
        hits
    }

    /// The vocabulary a language tag (`lang="nb-NO"`, `xml:lang="zh-Hant"`) means: the whole
    /// tag, then its primary subtag, against each file's code and aliases.
    fn lang_id(&self, tag: &str) -> Option<u16> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let find = |t: &str| self.tags.iter().find(|(x, _)| x == t).map(|(_, i)| *i);
        find(&tag).or_else(|| find(tag.split('-').next().unwrap_or(&tag)))
    }

    /// The language code of the vocabulary a language tag means, if one is loaded.
    pub fn language_of_tag(&self, tag: &str) -> Option<&'static str> {
        self.lang_id(tag).map(|i| self.langs[i as usize])
    }

    /// Guess the language a text is written in from its matches (`hits_any_language`): the
    /// vocabulary that matches it most. Only
    /// words that a single language matches count ("Newsletter" is English, German, Dutch,
    /// ... and says nothing); function words are too short to tell. A language is named only
    /// with at least `MIN_DETECT_HITS` such words and twice as many as the runner-up.
    pub fn detect(&self, hits: &[Hit]) -> Detection {
        let mut keys: Vec<(usize, usize, u16)> = hits
            .iter()
            .filter(|h| !h.concept.is_function_word() && !h.concept.is_url())
            .map(|h| (h.start, h.end, h.lang_id))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let longest = keys.iter().map(|k| k.1 - k.0).max().unwrap_or(0);
        let mut counts: Vec<(u16, usize)> = Vec::new();
        for (i, &(start, end, lang)) in keys.iter().enumerate() {
            let overlaps = |&(s, e, l): &(usize, usize, u16)| l != lang && s < end && start < e;
            // Sorted by start: an overlapping span starts less than `longest` before this one.
            let shared = keys[..i].iter().rev().take_while(|k| k.0 + longest > start).any(overlaps)
                || keys[i + 1..].iter().take_while(|k| k.0 < end).any(overlaps);
            if shared {
                continue;
            }
            match counts.iter_mut().find(|(l, _)| *l == lang) {
                Some((_, n)) => *n += 1,
                None => counts.push((lang, 1)),
            }
        }
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let name = |(l, n): (u16, usize)| (self.langs[l as usize], n);
        let best = counts.first().copied().map(name);
        let runner_up = counts.get(1).copied().map(name);
        let clear = best.is_some_and(|(_, n)| n >= MIN_DETECT_HITS && runner_up.is_none_or(|(_, m)| n >= 2 * m));
        Detection { language: if clear { best.map(|(l, _)| l) } else { None }, best, runner_up }
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

/// Fewest words of one language only for `Vocabulary::detect` to name it.
pub const MIN_DETECT_HITS: usize = 3;

/// What `Vocabulary::detect` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detection {
    /// The language, when the evidence is clear.
    pub language: Option<&'static str>,
    /// The language with the most matches and their count.
    pub best: Option<(&'static str, usize)>,
    /// The next one.
    pub runner_up: Option<(&'static str, usize)>,
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
            // Greek final sigma is the same letter as σ.
            'ς' => Some("σ"),
            // Maltese ħ and Icelandic ð/þ have no decomposition; fold them like đ and æ.
            'ħ' | 'Ħ' => Some("h"),
            'ð' | 'Ð' => Some("d"),
            'þ' | 'Þ' => Some("th"),
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{00b4}' => Some("'"),
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' => Some("-"),
            '\u{00a0}' | '\u{202f}' => Some(" "),
            _ => None,
        };
        if let Some(f) = folded {
            push(f, &mut out, &mut map);
            continue;
        }
        // Hangul syllables stay whole: NFD would split them into jamo, and a wildcard could
        // then end inside a syllable.
        if ('\u{ac00}'..='\u{d7a3}').contains(&c) {
            let mut b = [0u8; 4];
            push(c.encode_utf8(&mut b), &mut out, &mut map);
            continue;
        }
        // Full-width Latin and half-width katakana (Japanese and Chinese text): their
        // compatibility forms ("ｍａｉｌ" → "mail", "ﾒｰﾙ" → "メール").
        if ('\u{ff01}'..='\u{ffee}').contains(&c) {
            for d in std::iter::once(c).nfkd() {
                if is_combining_mark(d) || d.is_whitespace() {
                    continue;
                }
                for l in d.to_lowercase() {
                    let mut b = [0u8; 4];
                    push(l.encode_utf8(&mut b), &mut out, &mut map);
                }
            }
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
            aliases: Vec::new(),
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
    fn letters_of_new_languages_fold() {
        let n = |s: &str| normalize(s).0;
        // Greek: accents go, final sigma is sigma.
        assert_eq!(n("Πολιτική Απορρήτου"), n("ΠΟΛΙΤΙΚΗ ΑΠΟΡΡΗΤΟΥ"));
        assert_eq!(n("όρους"), "ορουσ");
        assert_eq!(n("ΌΡΟΥΣ"), "ορουσ");
        // Turkish: İ, I, ı and i are one letter to the matcher.
        assert_eq!(n("İPTAL"), "iptal");
        assert_eq!(n("ABONELİKTEN ÇIK"), "abonelikten cik");
        assert_eq!(n("abonelikten çık"), "abonelikten cik");
        // Icelandic and Maltese letters without a decomposition.
        assert_eq!(n("Persónuvernd og þjónusta"), "personuvernd og thjonusta");
        assert_eq!(n("fréttabréf með"), "frettabref med");
        assert_eq!(n("Ħażna ġdida, żomm"), "hazna gdida, zomm");
        // Romanian: comma-below and the legacy cedilla forms are the same.
        assert_eq!(n("Dezabonează-te, înscrie-ți"), n("Dezaboneaza-te, înscrie-ţi"));
        assert_eq!(n("ȘTERGE ŞTERGE"), "sterge sterge");
        // Hangul syllables are kept whole; full-width and half-width forms fold.
        assert_eq!(n("수신거부"), "수신거부");
        assert_eq!(n("ＭＡＩＬ　ﾒｰﾙ"), "mail メール");
        let map = normalize("ｍａｉｌ x").1;
        assert_eq!(map.len(), "mail x".len() + 1);
    }

    #[test]
    fn korean_particles_need_a_wildcard() {
        let v = vocab(&[("marketing", &["뉴스레터*"]), ("unsubscribe", &["수신거부"])]);
        assert!(v.has("뉴스레터를 받겠습니다", Concept::Marketing));
        assert!(v.has("수신거부", Concept::Unsubscribe));
        assert!(!v.has("수신거부합니다", Concept::Unsubscribe));
    }

    #[test]
    fn language_tags_and_aliases() {
        let v = Vocabulary::builtin();
        assert_eq!(v.language_of_tag("nb-NO"), Some("no"));
        assert_eq!(v.language_of_tag("nn"), Some("no"));
        assert_eq!(v.language_of_tag("zh-Hant-TW"), Some("zh"));
        assert_eq!(v.language_of_tag("zh_TW"), Some("zh"));
        assert_eq!(v.language_of_tag("PT-br"), Some("pt"));
        assert_eq!(v.language_of_tag("ar"), None);
    }

    #[test]
    fn detection_needs_clear_evidence() {
        let v = Vocabulary::builtin();
        let detect = |t: &str| v.detect(&v.hits_any_language(t));
        let d = detect(
            "Abonnieren Sie unseren Newsletter mit Gutscheinen. Datenschutzerklärung. Keine Weitergabe an Dritte.",
        );
        assert_eq!(d.language, Some("de"), "{d:?}");
        // Shared words say nothing: "Newsletter", "E-Mail" and "Partner" are in many languages.
        assert_eq!(detect("Newsletter E-Mail Partner").language, None);
        assert_eq!(detect("").language, None);
        let d = detect("Prihláste sa na odber noviniek. Ochrana osobných údajov. Odhlásiť sa môžete kedykoľvek.");
        assert_eq!(d.language, Some("sk"), "{d:?}");
    }

    #[test]
    fn short_function_words_mean_what_their_language_says() {
        let v = Vocabulary::builtin();
        let says = |text: &str, lang: &str, c: Concept| v.concepts_in(text, Some(lang)).contains(c);
        // Norwegian and Icelandic "nei" is no; Italian "nei" is "in the".
        assert!(says("Nei", "nb", Concept::No) && says("Nei", "is", Concept::No));
        assert!(!says("nei", "it", Concept::No) && !says("nei", "it", Concept::Negation));
        // "da" is yes in Croatian, Slovenian, Romanian and Bulgarian (да); not in German or Italian.
        for l in ["hr", "sl", "ro"] {
            assert!(says("Da", l, Concept::Yes), "{l}");
        }
        assert!(says("Да", "bg", Concept::Yes));
        assert!(!says("da", "de", Concept::Yes) && !says("da", "it", Concept::Yes));
        // "ne" is no in Croatian, Slovenian, Lithuanian; "what" in Turkish.
        for l in ["hr", "sl", "lt"] {
            assert!(says("Ne", l, Concept::No), "{l}");
        }
        assert!(!says("ne", "tr", Concept::No) && !says("ne", "tr", Concept::Negation));
        // "nie" is no in Polish and Slovak.
        assert!(says("Nie", "pl", Concept::No) && says("Nie", "sk", Concept::No));
        // "ja" is yes in Norwegian, "and" in Estonian and Finnish.
        assert!(says("Ja", "no", Concept::Yes));
        assert!(!says("ja", "et", Concept::Yes) && !says("ja", "fi", Concept::Yes));
        // "no" is no in Spanish and Italian; Nynorsk "no" means now.
        assert!(says("No", "es", Concept::No) && says("No", "it", Concept::No));
        assert!(!says("no", "nn", Concept::No) && !says("no", "nn", Concept::Negation));
        // Japanese and Korean options.
        assert!(says("いいえ", "ja", Concept::No) && says("はい", "ja", Concept::Yes));
        assert!(says("아니요", "ko", Concept::No) && says("예", "ko", Concept::Yes));
    }

    #[test]
    fn the_known_language_reads_its_own_words() {
        let v = Vocabulary::builtin();
        // "оферти" is Bulgarian for offers; in Russian and Ukrainian "оферта" is a contract.
        let label = "Искам да получавам бюлетин с новини и специални оферти";
        let bg = v.concepts_in(label, Some("bg"));
        assert!(bg.contains(Concept::Marketing) && !bg.contains(Concept::Terms), "{bg:?}");
        let label = "Я приймаю умови публічної оферти";
        let uk = v.concepts_in(label, Some("uk"));
        assert!(uk.contains(Concept::Terms) && !uk.contains(Concept::Marketing), "{uk:?}");
        // Words the declared language lacks are still found in the others.
        let de = v.concepts_in("Ich möchte den Newsletter abonnieren", Some("en"));
        assert!(de.contains(Concept::Consent), "{de:?}");
    }

    #[test]
    fn apostrophes_fold() {
        let v = vocab(&[("no", &["don't"])]);
        assert!(v.has("I don’t want", Concept::No));
    }

    #[test]
    fn new_rule_lists_keep_to_their_language() {
        let v = Vocabulary::builtin();
        let says = |text: &str, lang: &str, c: Concept| v.concepts_in(text, Some(lang)).contains(c);
        // Short words of one language that are everyday words of another (with the page's
        // language known, and undecided).
        for (text, lang, c) in [
            ("Exemplu SRL", "ro", Concept::CatchAll),
            ("Déan teagmháil linn", "ga", Concept::PostalAddress),
            ("Ta ut 2 varor", "sv", Concept::Street),
            ("Kupite 2 ter prihranite", "sl", Concept::Street),
            ("Tere, Mari", "et", Concept::Street),
            ("Kirjoita tähän", "fi", Concept::VagueLabel),
            ("Oui ou non", "fr", Concept::SenderIdentity),
            ("Uw bestelling d.d. 12 maart", "nl", Concept::SenderIdentity),
            ("Internet 100 Mbs", "en", Concept::SenderIdentity),
        ] {
            assert!(!says(text, lang, c) && !v.concepts(text).contains(c), "{text}: {c}");
        }
        // Inflected and mutated forms that real labels and footers use.
        for (text, lang, c) in [
            ("Váci utca 5.", "hu", Concept::Street),
            ("ajánlatok kiválasztott partnereinktől", "hu", Concept::CatchAll),
            ("pakkumised valitud partneritelt", "et", Concept::CatchAll),
            ("tairiscintí ó chomhpháirtithe roghnaithe", "ga", Concept::CatchAll),
            ("Mura mian leat ár dtairiscintí a fháil", "ga", Concept::Marketing),
            ("Можете да се отпишете по всяко време", "bg", Concept::Withdrawal),
        ] {
            assert!(says(text, lang, c), "{text}: {c}");
        }
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
        let file = VocabFile {
            language: "xx".into(),
            name: "x".into(),
            aliases: Vec::new(),
            words: [("nope".to_string(), vec![])].into(),
        };
        let err = Vocabulary::build(&[file]).unwrap_err();
        assert!(err.message.contains("unknown list `nope`"));
    }

    #[test]
    fn wildcard_inside_a_pattern_is_an_error() {
        let file = VocabFile {
            language: "xx".into(),
            name: "x".into(),
            aliases: Vec::new(),
            words: [("marketing".to_string(), vec!["cielen* reklam*".to_string()])].into(),
        };
        let err = Vocabulary::build(&[file]).unwrap_err();
        assert!(err.message.contains("has a `*` inside"), "{}", err.message);
    }

    #[test]
    fn stems_do_not_reach_into_other_languages_words() {
        let v = Vocabulary::builtin();
        // Polish, Czech and Slovak "reklamacja/reklamace/reklamácia" is a complaint, not an ad.
        for (text, lang) in [
            ("Akceptuję regulamin i zasady reklamacji", "pl"),
            ("Souhlasím s reklamačním řádem", "cs"),
            ("Beolvastam a reklamációs szabályzatot", "hu"),
            ("Li o Livro de Reclamações", "pt"),
            ("Skontaktuj się z nami", "pl"),
        ] {
            assert!(!v.concepts_in(text, Some(lang)).contains(Concept::Marketing), "{text}");
        }
        // "interes*" would have made English "interested" profiling.
        assert!(!v.concepts_in("I am interested in your news", Some("en")).contains(Concept::Profiling));
        // Russian "угодно" (whatever) is not the Ukrainian "угода" (agreement).
        assert!(!v.concepts_in("Отписаться можно когда угодно", Some("ru")).contains(Concept::Terms));
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
