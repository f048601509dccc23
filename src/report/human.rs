//! Human output: one miette graphical report per finding, with the exact span underlined.

use std::fmt;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, SourceCode, SourceSpan, SpanContents,
};

use super::{RunResult, display_path, summary_line};
use crate::finding::{Finding, Severity};
use crate::legal::Legal;
use crate::source::SourceFile;

pub struct Options {
    pub color: bool,
    pub width: usize,
}

struct Report<'a> {
    finding: &'a Finding,
    source: &'a Named<'a>,
    help: String,
}

/// A checked file as miette source code, under its display name: works on whole texts and on
/// texts reduced to the lines around findings.
struct Named<'a> {
    name: String,
    file: &'a SourceFile,
}

impl SourceCode for Named<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        Ok(Box::new(self.file.span_contents(&self.name, span, before, after)?))
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report").field("rule", &self.finding.rule).finish()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.finding;
        let primary = LabeledSpan::new_primary_with_span(Some(f.label.clone()), f.span.clone());
        let secondary = f.secondary.iter().map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), l.span.clone()));
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

/// The reports, then the summary line.
pub fn render(result: &RunResult, opts: &Options) -> String {
    let mut out = render_findings(result, opts);
    out.push_str(&summary_line(result));
    out.push('\n');
    out
}

/// The reports only (`--quiet`).
pub fn render_findings(result: &RunResult, opts: &Options) -> String {
    let theme = if opts.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(opts.width).with_links(false);
    let legal = Legal::builtin();
    let mut out = String::new();
    for file in &result.files {
        if file.findings.is_empty() {
            continue;
        }
        let source = Named { name: display_path(&file.source.path), file: &file.source };
        for finding in &file.findings {
            let basis = legal.short_basis(finding.rule);
            let help =
                format!("{}\nlegal basis: {basis}\nrun `consentlint rule {}` for details", finding.help, finding.rule);
            let report = Report { finding, source: &source, help };
            let mut s = String::new();
            // miette cannot lay out very long lines (minified pages, generated files) and
            // panics on some; show a compact excerpt for those instead.
            let rendered = !has_long_line(&file.source, finding)
                && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler.render_report(&mut s, &report)))
                    .is_ok_and(|r| r.is_ok());
            if !rendered {
                s = compact(&file.source, finding, &report.help);
            }
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

/// Longest line miette is asked to draw.
const MAX_LINE: usize = 1_000;

fn has_long_line(source: &SourceFile, f: &Finding) -> bool {
    std::iter::once(&f.span).chain(f.secondary.iter().map(|l| &l.span)).any(|span| {
        let (a, b) = (source.line_col(span.start).line, source.line_col(span.end).line);
        (a..=b).any(|line| source.line_text(line).len() > MAX_LINE)
    })
}

/// A report for a finding on a very long line: location, message, an excerpt of at most 120
/// characters around the span with a caret line, help.
fn compact(source: &SourceFile, f: &Finding, help: &str) -> String {
    let at = source.line_col(f.span.start);
    // The span's own line(s), cut to 40 bytes either side: `slice` keeps to the kept text and
    // to character boundaries.
    let line_start = source.line_start(at.line).unwrap_or(0);
    let before = source.slice(f.span.start.saturating_sub(40).max(line_start)..f.span.start);
    let start = f.span.start - before.len();
    let after_end = f.span.end.max(f.span.start) + 40;
    let window = source.slice(start..after_end);
    let excerpt: String = window.chars().map(|c| if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c }).collect();
    let excerpt: String = excerpt.chars().take(120).collect();
    let pad = before.chars().count();
    let width = source
        .slice(f.span.start..f.span.end.min(start + window.len()))
        .chars()
        .count()
        .clamp(1, 120usize.saturating_sub(pad).max(1));
    format!(
        "{rule}\n\n  × {msg}\n   ╭─[{path}:{line}:{col}]\n   │ …{excerpt}…\n   │  {spaces}{carets} {label}\n   ╰────\n  help: {help}\n",
        rule = f.rule,
        msg = f.message,
        path = display_path(&source.path),
        line = at.line,
        col = at.column,
        spaces = " ".repeat(pad),
        carets = "^".repeat(width),
        label = f.label,
        help = help.replace('\n', "\n        "),
    )
}

/// `--verbose`: one line per file with its document kind and why.
pub fn verbose_lines(result: &RunResult) -> String {
    let mut out = String::new();
    for f in &result.files {
        let why = if f.kind.reasons.is_empty() { "no signals".to_string() } else { f.kind.reasons.join("; ") };
        out.push_str(&format!("{}: {} ({why}); {}\n", display_path(&f.source.path), f.kind, f.kind.language));
    }
    out
}
