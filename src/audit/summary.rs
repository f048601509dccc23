//! What both client reports (HTML and Markdown) show, computed once: score, counts by rule and
//! severity, pages worst first, source excerpts, and the rule documentation's sections.

use std::ops::Range;

use super::Audit;
use super::score;
use crate::finding::{Finding, Severity};
use crate::rules::RULES;
use crate::source::SourceFile;

pub struct RuleCount {
    pub rule: &'static str,
    pub errors: usize,
    pub warnings: usize,
    /// Findings of any other severity.
    pub other: usize,
}

impl RuleCount {
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.other
    }
}

pub struct Summary {
    pub score: u32,
    pub grade: char,
    pub pages: usize,
    /// Pages with forms or emails (what the score is the average of, with pages with findings).
    pub judged: usize,
    pub pages_with_findings: usize,
    pub errors: usize,
    pub warnings: usize,
    pub other: usize,
    /// Rules with findings: `RULES` order, then any other rule names in order of appearance.
    pub by_rule: Vec<RuleCount>,
    /// Indexes into `audit.pages`, worst page first (lowest score, then most findings, then
    /// location).
    pub worst_first: Vec<usize>,
}

impl Summary {
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.other
    }
}

pub fn summarise(audit: &Audit) -> Summary {
    let files = &audit.result.files;
    let (score, grade) = score::site_score(files.iter().map(|f| (f.findings.as_slice(), judged(f))));
    let all = || files.iter().flat_map(|f| &f.findings);
    let is = |f: &Finding, s: Severity| f.severity == s;
    let errors = all().filter(|f| is(f, Severity::Error)).count();
    let warnings = all().filter(|f| is(f, Severity::Warning)).count();
    let other = all().count() - errors - warnings;
    let mut names: Vec<&'static str> = RULES.iter().map(|r| r.meta().name).collect();
    for f in all() {
        if !names.contains(&f.rule) {
            names.push(f.rule);
        }
    }
    let by_rule = names
        .into_iter()
        .map(|rule| {
            let of = |s: Severity| all().filter(|f| f.rule == rule && is(f, s)).count();
            let total = all().filter(|f| f.rule == rule).count();
            let (errors, warnings) = (of(Severity::Error), of(Severity::Warning));
            RuleCount { rule, errors, warnings, other: total - errors - warnings }
        })
        .filter(|c| c.total() > 0)
        .collect();
    let mut worst_first: Vec<usize> = (0..files.len()).collect();
    worst_first.sort_by(|&a, &b| {
        let key = |i: usize| (score::page_score(&files[i].findings), std::cmp::Reverse(files[i].findings.len()));
        key(a).cmp(&key(b)).then_with(|| audit.pages[a].location.cmp(&audit.pages[b].location))
    });
    Summary {
        score,
        grade,
        pages: files.len(),
        judged: files.iter().filter(|f| judged(f) || !f.findings.is_empty()).count(),
        pages_with_findings: files.iter().filter(|f| !f.findings.is_empty()).count(),
        errors,
        warnings,
        other,
        by_rule,
        worst_first,
    }
}

/// A page's location as shown in a report: the path alone when it is on the audited origin.
pub fn short_location<'a>(audit: &Audit, location: &'a str) -> &'a str {
    let Some(origin) =
        url::Url::parse(&audit.target).ok().filter(|u| u.has_host()).map(|u| u.origin().ascii_serialization())
    else {
        return location;
    };
    match location.strip_prefix(origin.as_str()) {
        Some(path) if path.starts_with('/') => path,
        _ => location,
    }
}

/// Short notes on how a page was audited, for the pages table.
pub fn page_notes(info: &super::PageInfo) -> Vec<String> {
    let mut notes = Vec::new();
    if info.rendered {
        notes.push("rendered".to_string());
    }
    if let Some(why) = info.script_rendered.as_ref().filter(|_| !info.rendered) {
        notes.push(format!("looks script-rendered: {why}"));
    }
    if info.truncated {
        notes.push("cut at the size limit".into());
    }
    if info.nofollow {
        notes.push("nofollow: links not followed".into());
    }
    notes
}

/// Whether a page has something the rules judge: a form or an email.
pub fn judged(f: &crate::report::CheckedFile) -> bool {
    f.kind.page || f.kind.email.is_some()
}

/// A section of a rule's Markdown documentation (`## Heading` up to the next `## `).
pub fn doc_section(rule: &str, heading: &str) -> Option<&'static str> {
    let docs = crate::rules::find(rule)?.meta().docs;
    let marker = format!("\n## {heading}\n");
    let start = docs.find(&marker)? + marker.len();
    let end = docs[start..].find("\n## ").map_or(docs.len(), |e| start + e);
    Some(docs[start..end].trim())
}

/// The first paragraph of a section: the plain-language gist.
pub fn first_paragraph(section: &str) -> &str {
    section.split("\n\n").next().unwrap_or(section).trim()
}

/// One line of an excerpt: its number and its text cut into before / marked / after, with
/// `…` where a long (minified) line was shortened.
pub struct ExcerptLine {
    pub number: usize,
    pub clipped_start: bool,
    pub before: String,
    pub marked: String,
    pub after: String,
    pub clipped_end: bool,
}

/// Lines shown around a finding.
const CONTEXT: usize = 2;
/// Longest marked run shown, and context either side of it on a long line (bytes).
const MARK_MAX: usize = 240;
const SIDE: usize = 100;

/// The lines around `span` (two either side, at most 8 marked lines), long lines windowed
/// around the mark.
pub fn excerpt(source: &SourceFile, span: &Range<usize>) -> Vec<ExcerptLine> {
    let text = &source.text;
    if text.is_empty() {
        return Vec::new();
    }
    let span = span.start.min(text.len())..span.end.min(text.len()).max(span.start.min(text.len()));
    let first = source.line_col(span.start).line;
    let last = source.line_col(span.end.saturating_sub(1).max(span.start)).line.min(first + 7);
    let mut out = Vec::new();
    for n in first.saturating_sub(CONTEXT).max(1)..=last + CONTEXT {
        let Some(ls) = source.line_start(n) else { break };
        let line = source.line_text(n);
        let le = ls + line.len();
        let (ms, me) = (span.start.clamp(ls, le), span.end.clamp(ls, le));
        let has_mark = ms < me || (ms == me && span.start == span.end && (ls..=le).contains(&span.start) && n == first);
        let (mut from, mut to) = (ls, le);
        if has_mark {
            let me_shown = me.min(ms + MARK_MAX);
            from = ms.saturating_sub(SIDE).max(ls);
            to = (me_shown + SIDE).min(le);
            let (me_shown, from, to) = (floor(text, me_shown), floor(text, from), floor(text, to));
            out.push(ExcerptLine {
                number: n,
                clipped_start: from > ls,
                before: text[from..ms].to_string(),
                marked: text[ms..me_shown].to_string(),
                after: text[me_shown.max(ms)..to.max(me_shown)].to_string(),
                clipped_end: to < le,
            });
        } else {
            if le - ls > 2 * SIDE {
                to = floor(text, ls + 2 * SIDE);
            }
            from = floor(text, from);
            out.push(ExcerptLine {
                number: n,
                clipped_start: false,
                before: text[from..to].to_string(),
                marked: String::new(),
                after: String::new(),
                clipped_end: to < le,
            });
        }
    }
    out
}

fn floor(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// "2026-11-22 14:05 UTC" for now.
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02} {h:02}:{m:02} UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_marks_the_span_and_windows_long_lines() {
        let src = SourceFile::from_text("x.html", "a\nb\n<input checked>\nc\nd\ne\n");
        let start = src.text.find("checked").unwrap();
        let ex = excerpt(&src, &(start..start + 7));
        let numbers: Vec<usize> = ex.iter().map(|l| l.number).collect();
        assert_eq!(numbers, vec![1, 2, 3, 4, 5]);
        assert_eq!((ex[2].before.as_str(), ex[2].marked.as_str(), ex[2].after.as_str()), ("<input ", "checked", ">"));

        let long = format!("{}<input checked>{}", "x".repeat(5000), "é".repeat(5000));
        let src = SourceFile::from_text("min.html", long);
        let start = src.text.find("checked").unwrap();
        let ex = excerpt(&src, &(start..start + 7));
        assert_eq!(ex.len(), 1);
        assert!(ex[0].clipped_start && ex[0].clipped_end);
        assert_eq!(ex[0].marked, "checked");
        assert!(ex[0].before.len() <= SIDE && ex[0].after.len() <= SIDE);
    }

    #[test]
    fn sections_of_every_rule() {
        for r in RULES {
            let name = r.meta().name;
            assert!(doc_section(name, "Why it matters").is_some_and(|s| !s.is_empty()), "{name}");
            assert!(doc_section(name, "How to fix").is_some_and(|s| !s.is_empty()), "{name}");
        }
        assert_eq!(first_paragraph("one\ntwo\n\nthree"), "one\ntwo");
    }

    #[test]
    fn date() {
        let d = utc_now();
        assert_eq!(d.len(), "2026-11-22 14:05 UTC".len(), "{d}");
        assert!(d.starts_with("20"));
    }
}
