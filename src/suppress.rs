//! Inline directives in comments:
//!
//! ```html
//! <!-- consentlint-disable-next-line pre-ticked-consent, bundled-consent -- legacy form, removed in Q3 -->
//! <!-- consentlint-disable missing-privacy-link -- notice is in the modal -->
//! ...
//! <!-- consentlint-enable missing-privacy-link -->
//! <!-- consentlint-disable-file missing-unsubscribe -- footer is injected by the ESP -->
//! <!-- consentlint-kind marketing-email -->
//! ```
//!
//! The same directives work inside template comments: `{# #}` (Jinja, Twig, Nunjucks),
//! `{{!-- --}}`/`{{! }}` (Handlebars), `{% comment %}` (Liquid, Django), `<%# %>` (ERB),
//! `{{-- --}}` (Blade), `{{/* */}}` (Go), `<%-- --%>` (ASP), `<?php /* */ ?>` and `<?php // ?>` (PHP).
//!
//! `disable-next-line` covers findings on the next line; when that line starts a tag that
//! spans several lines, the whole tag. A directive with an unknown rule, one that suppresses
//! nothing, or (when reasons are required) one without a reason is itself reported as
//! `unused-suppression`; a directive without a required reason has no effect.

use std::ops::Range;

use crate::config::KindOverride;
use crate::finding::{Finding, Label, Severity};
use crate::html::Document;
use crate::source::SourceFile;
use crate::template::{RegionKind, Templates};

pub const UNUSED_RULE: &str = "unused-suppression";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    NextLine,
    Disable,
    Enable,
    File,
}

#[derive(Debug, Clone)]
pub struct Directive {
    pub action: Action,
    /// Rule names with their spans.
    pub rules: Vec<(String, Range<usize>)>,
    pub reason: Option<String>,
    /// The whole comment.
    pub span: Range<usize>,
    /// Where the directive text starts (for findings about it).
    pub text_span: Range<usize>,
}

/// All directives in a file and any document-kind marker.
#[derive(Debug, Default)]
pub struct Directives {
    pub list: Vec<Directive>,
    pub kind: Option<KindOverride>,
    /// Malformed directives: (span, message).
    pub malformed: Vec<(Range<usize>, String)>,
}

const PREFIX: &str = "consentlint-";

/// The body of each comment (HTML and template), with its offset in the text.
fn comment_bodies<'t>(text: &'t str, doc: &Document, templates: &Templates) -> Vec<(Range<usize>, usize, &'t str)> {
    let mut out = Vec::new();
    for c in &doc.comments {
        let raw = &text[c.clone()];
        let (open, close) = if raw.starts_with("<!--") { (4, raw.ends_with("-->") as usize * 3) } else { (0, 0) };
        if raw.len() >= open + close {
            out.push((c.clone(), c.start + open, &raw[open..raw.len() - close]));
        }
    }
    for r in templates.regions.iter().filter(|r| r.kind == RegionKind::Comment) {
        let raw = &text[r.range.clone()];
        let body = strip_template_comment(raw);
        let start = r.range.start + raw.find(body).unwrap_or(0);
        out.push((r.range.clone(), start, body));
    }
    out.sort_by_key(|(r, _, _)| r.start);
    out
}

fn strip_template_comment(raw: &str) -> &str {
    for (open, close) in [
        ("{{!--", "--}}"),
        ("{{--", "--}}"),
        ("{{!", "}}"),
        ("{{- /*", "*/ -}}"),
        ("{{/*", "*/}}"),
        ("{#", "#}"),
        ("<%--", "--%>"),
        ("<%#", "%>"),
    ] {
        if let Some(inner) = raw.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner;
        }
    }
    // <?php /* .. */ ?>, <?php // .. ?>, <?php # .. ?>
    if let Some(code) = raw.get(5..).filter(|_| raw.starts_with("<?")).and_then(|r| r.strip_suffix("?>")) {
        let code = code.trim();
        return code
            .strip_prefix("/*")
            .and_then(|c| c.strip_suffix("*/"))
            .or_else(|| code.strip_prefix("//"))
            .or_else(|| code.strip_prefix('#'))
            .unwrap_or(code);
    }
    // {% comment %} ... {% endcomment %}
    if raw.starts_with("{%") {
        let start = raw.find("%}").map_or(0, |i| i + 2);
        let end = raw.rfind("{%").unwrap_or(raw.len());
        if start <= end {
            return &raw[start..end];
        }
    }
    raw
}

pub fn parse(text: &str, doc: &Document, templates: &Templates) -> Directives {
    let mut out = Directives::default();
    if !text.contains(PREFIX) {
        return out;
    }
    for (span, body_start, body) in comment_bodies(text, doc, templates) {
        let trimmed = body.trim_start();
        let Some(rest) = trimmed.strip_prefix(PREFIX) else { continue };
        let text_start = body_start + (body.len() - trimmed.len());
        let text_span = text_start..body_start + body.trim_end().len();
        let word_end = rest.find(|c: char| c.is_whitespace() || c == ':').unwrap_or(rest.len());
        let verb = &rest[..word_end];
        let after = rest[word_end..].trim_start_matches(':');
        let after_offset = text_start + PREFIX.len() + word_end + (rest[word_end..].len() - after.len());
        let action = match verb {
            "disable-next-line" => Action::NextLine,
            "disable" => Action::Disable,
            "enable" => Action::Enable,
            "disable-file" => Action::File,
            "kind" => {
                let k = after.trim();
                match KindOverride::parse(k) {
                    Some(kind) => out.kind = Some(kind),
                    None => out.malformed.push((
                        text_span.clone(),
                        format!(
                            "unknown document kind `{k}` (expected email, marketing-email, transactional-email or page)"
                        ),
                    )),
                }
                continue;
            }
            other => {
                out.malformed.push((text_span.clone(), format!("unknown directive `consentlint-{other}`")));
                continue;
            }
        };
        // "RULE, RULE -- reason"
        let (rules_part, reason) = match after.find("--") {
            Some(i) => (&after[..i], Some(after[i + 2..].trim().to_string()).filter(|r| !r.is_empty())),
            None => (after, None),
        };
        let mut rules = Vec::new();
        let mut pos = 0;
        for piece in rules_part.split(',') {
            let name = piece.trim();
            if !name.is_empty() {
                let lead = piece.len() - piece.trim_start().len();
                let s = after_offset + pos + lead;
                rules.push((name.to_string(), s..s + name.len()));
            }
            pos += piece.len() + 1;
        }
        if rules.is_empty() && action != Action::Enable {
            out.malformed
                .push((text_span.clone(), format!("`consentlint-{verb}` names no rule (list the rules it is for)")));
            continue;
        }
        out.list.push(Directive { action, rules, reason, span, text_span });
    }
    out
}

/// Apply directives to findings. Returns the kept findings and the directives' own findings.
pub fn apply(
    findings: Vec<Finding>,
    directives: &Directives,
    source: &SourceFile,
    doc: &Document,
    require_reason: bool,
    known_rule: impl Fn(&str) -> bool,
) -> (Vec<Finding>, Vec<Finding>) {
    let mut problems: Vec<Finding> = Vec::new();
    let mut used = vec![false; directives.list.len()];
    let valid: Vec<bool> =
        directives.list.iter().map(|d| !(require_reason && d.reason.is_none() && d.action != Action::Enable)).collect();

    // Next-line targets: the line after the comment, and the lines of a tag that starts there.
    let next_line = |d: &Directive| source.line_col(d.span.end).line + 1;
    let kept: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            let line = source.line_col(f.span.start).line;
            let tag_line = doc.tag_containing(f.span.start).map(|t| source.line_col(t.start).line);
            let mut suppressed = false;
            // Block state per rule: the last disable/enable before the finding wins.
            for (i, d) in directives.list.iter().enumerate() {
                if !valid[i] || !d.rules.iter().any(|(r, _)| r == f.rule) {
                    continue;
                }
                let hit = match d.action {
                    Action::File => true,
                    Action::NextLine => next_line(d) == line || tag_line == Some(next_line(d)),
                    Action::Disable => {
                        d.span.end <= f.span.start
                            && !directives.list.iter().any(|e| {
                                e.action == Action::Enable
                                    && e.span.start >= d.span.end
                                    && e.span.start <= f.span.start
                                    && (e.rules.is_empty() || e.rules.iter().any(|(r, _)| r == f.rule))
                            })
                    }
                    Action::Enable => false,
                };
                if hit {
                    used[i] = true;
                    suppressed = true;
                }
            }
            !suppressed
        })
        .collect();

    let problem = |span: Range<usize>, message: String, help: &str| Finding {
        rule: UNUSED_RULE,
        severity: Severity::Warning,
        message,
        span,
        label: "this directive".into(),
        secondary: Vec::new(),
        help: help.to_string(),
        fix: None,
        fingerprint: 0,
    };
    for (span, msg) in &directives.malformed {
        problems.push(problem(span.clone(), msg.clone(), "fix or remove the directive"));
    }
    for (i, d) in directives.list.iter().enumerate() {
        for (name, span) in &d.rules {
            if !known_rule(name) {
                problems.push(problem(
                    span.clone(),
                    format!("suppression names unknown rule `{name}`"),
                    "check the rule name with `consentlint rules`",
                ));
            }
        }
        if !valid[i] {
            let mut f = problem(
                d.text_span.clone(),
                "suppression has no reason, so it has no effect".into(),
                "say why after `--`, e.g. `consentlint-disable-next-line pre-ticked-consent -- reflects the saved choice`",
            );
            f.label = "add `-- reason`".into();
            problems.push(f);
            continue;
        }
        if d.action != Action::Enable && !used[i] && d.rules.iter().all(|(n, _)| known_rule(n)) {
            let mut f = problem(
                d.text_span.clone(),
                format!(
                    "suppression of {} matches no finding",
                    d.rules.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
                "remove the directive: the problem it silenced is gone",
            );
            if d.action == Action::NextLine {
                let line = next_line(d);
                f.secondary.push(Label { span: line_span(source, line), message: "nothing reported here".into() });
            }
            problems.push(f);
        }
    }
    (kept, problems)
}

/// The placeholder `--add-suppressions` writes; a person replaces it with the real reason.
pub const REASON_PLACEHOLDER: &str = "TODO: say why this is acceptable";

/// `--add-suppressions`: the file's original bytes with a `disable-next-line` comment above
/// every line that has findings (the line where the offending tag starts), indented like it,
/// with the file's own line endings. `None` when there is nothing to add. Writing these
/// bytes and running again adds nothing (the findings are suppressed).
pub fn add_directives(source: &SourceFile, original: &[u8], findings: &[Finding]) -> Option<Vec<u8>> {
    let (_, masked) = crate::template::scan(&source.text);
    let doc = Document::parse(masked.as_deref().unwrap_or(&source.text));
    // line -> rules
    let mut by_line: std::collections::BTreeMap<usize, Vec<&str>> = Default::default();
    for f in findings.iter().filter(|f| f.rule != UNUSED_RULE) {
        let at = doc.tag_containing(f.span.start).map_or(f.span.start, |t| t.start);
        let rules = by_line.entry(source.line_col(at).line).or_default();
        if !rules.contains(&f.rule) {
            rules.push(f.rule);
        }
    }
    if by_line.is_empty() {
        return None;
    }
    let newline = source.newline();
    let mut out = Vec::with_capacity(original.len() + by_line.len() * 100);
    let mut copied = 0usize;
    for (line, rules) in by_line {
        let Some(text_start) = source.line_start(line) else { continue };
        let file_start = source.file_offset(text_start);
        let indent: String = source.line_text(line).chars().take_while(|c| *c == ' ' || *c == '\t').collect();
        out.extend_from_slice(&original[copied..file_start]);
        let comment = format!(
            "{indent}<!-- consentlint-disable-next-line {} -- {REASON_PLACEHOLDER} -->{newline}",
            rules.join(", ")
        );
        out.extend_from_slice(comment.as_bytes());
        copied = file_start;
    }
    out.extend_from_slice(&original[copied..]);
    Some(out)
}

/// The span of a line's text; an empty span at the end for a line past the end of the file
/// (a `disable-next-line` on the last line).
fn line_span(source: &SourceFile, line: usize) -> Range<usize> {
    match source.line_start(line) {
        Some(s) => s..s + source.line_text(line).len(),
        None => source.text.len()..source.text.len(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::Linter;
    use crate::source::SourceFile;

    fn rules_at(src: &str) -> Vec<(usize, String)> {
        let file = SourceFile::from_text("t.html", src);
        let r = Linter::default().check(&file);
        r.findings.iter().map(|f| (file.line_col(f.span.start).line, f.rule.to_string())).collect()
    }

    const BOX: &str = r#"<label><input type=checkbox name=newsletter checked> Newsletter</label>"#;

    #[test]
    fn next_line_with_reason() {
        let src = format!("<!-- consentlint-disable-next-line pre-ticked-consent -- saved choice -->\n{BOX}\n{BOX}\n");
        assert_eq!(rules_at(&src), [(3, "pre-ticked-consent".to_string())]);
    }

    #[test]
    fn next_line_covers_a_multiline_tag() {
        let src = "<!-- consentlint-disable-next-line pre-ticked-consent -- why -->\n<input type=checkbox\n  name=newsletter\n  checked>\n";
        assert_eq!(rules_at(src), []);
    }

    #[test]
    fn missing_reason_has_no_effect_and_is_reported() {
        let src = format!("<!-- consentlint-disable-next-line pre-ticked-consent -->\n{BOX}\n");
        assert_eq!(rules_at(&src), [(1, "unused-suppression".to_string()), (2, "pre-ticked-consent".to_string())]);
    }

    #[test]
    fn blocks_file_and_template_comments() {
        let src = format!(
            "<!-- consentlint-disable pre-ticked-consent -- legacy -->\n{BOX}\n<!-- consentlint-enable pre-ticked-consent -->\n{BOX}\n"
        );
        assert_eq!(rules_at(&src), [(4, "pre-ticked-consent".to_string())]);
        for c in [
            "{# consentlint-disable-file pre-ticked-consent -- legacy #}",
            "{{!-- consentlint-disable-file pre-ticked-consent -- legacy --}}",
            "{% comment %}consentlint-disable-file pre-ticked-consent -- legacy{% endcomment %}",
            "<%# consentlint-disable-file pre-ticked-consent -- legacy %>",
            "{{-- consentlint-disable-file pre-ticked-consent -- legacy --}}",
            "{{/* consentlint-disable-file pre-ticked-consent -- legacy */}}",
            "{{- /* consentlint-disable-file pre-ticked-consent -- legacy */ -}}",
            "<%-- consentlint-disable-file pre-ticked-consent -- legacy --%>",
            "<?php /* consentlint-disable-file pre-ticked-consent -- legacy */ ?>",
            "<?php // consentlint-disable-file pre-ticked-consent -- legacy ?>",
        ] {
            let src = format!("{c}\n{BOX}\n{BOX}\n");
            assert_eq!(rules_at(&src), [], "{c}");
        }
    }

    #[test]
    fn unknown_and_unused_are_reported() {
        let src = format!("<!-- consentlint-disable-next-line pre-tickd-consent -- typo -->\n{BOX}\n");
        assert_eq!(rules_at(&src), [(1, "unused-suppression".to_string()), (2, "pre-ticked-consent".to_string())]);
        let src = "<!-- consentlint-disable-next-line bundled-consent -- gone -->\n<p>fine</p>\n";
        assert_eq!(rules_at(src), [(1, "unused-suppression".to_string())]);
        let src = "<!-- consentlint-frobnicate x -->\n";
        assert_eq!(rules_at(src), [(1, "unused-suppression".to_string())]);
    }

    #[test]
    fn add_directives_then_nothing_more() {
        let src = "<form>\r\n  <label><input type=checkbox name=newsletter\r\n    checked> News (unsubscribe at any time)</label>\r\n</form>\r\n";
        let file = SourceFile::from_text("t.html", src);
        let report = Linter::default().check(&file);
        assert!(!report.findings.is_empty());
        let out = super::add_directives(&file, src.as_bytes(), &report.findings).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(
            out.contains("\r\n  <!-- consentlint-disable-next-line pre-ticked-consent -- TODO: say why this is acceptable -->\r\n  <label>"),
            "{out}"
        );
        let again = SourceFile::from_text("t.html", out.as_str());
        let report = Linter::default().check(&again);
        assert_eq!(report.findings, vec![], "{out}");
        assert!(super::add_directives(&again, out.as_bytes(), &report.findings).is_none());
    }

    #[test]
    fn next_line_directive_on_the_last_line() {
        // Found by fuzzing: the "next line" is past the end of the file.
        let src = "<p>x</p>\n<!-- consentlint-disable-next-line pre-ticked-consent -- why -->";
        assert_eq!(rules_at(src), [(2, "unused-suppression".to_string())]);
        let src = "<!-- consentlint-disable-next-line pre-ticked-consent -- why -->\n";
        assert_eq!(rules_at(src), [(1, "unused-suppression".to_string())]);
    }

    #[test]
    fn kind_marker() {
        // Forced to a marketing email, so the marketing-email rules apply.
        let src = "<!-- consentlint-kind marketing-email --><html><body><p>Hello</p></body></html>";
        assert_eq!(rules_at(src), [(1, "missing-sender-identity".to_string()), (1, "missing-unsubscribe".to_string())]);
    }
}
