//! Human output: one miette graphical report per finding, with the exact span underlined.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

use super::{RunResult, display_path, summary_line};
use crate::finding::{Finding, Severity};
use crate::legal::Legal;

pub struct Options {
    pub color: bool,
    pub width: usize,
}

struct Report<'a> {
    finding: &'a Finding,
    source: &'a NamedSource<String>,
    help: String,
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
        let source = NamedSource::new(display_path(&file.source.path), file.source.text.clone()).with_language("html");
        for finding in &file.findings {
            let basis = legal.short_basis(finding.rule);
            let help =
                format!("{}\nlegal basis: {basis}\nrun `consentlint rule {}` for details", finding.help, finding.rule);
            let report = Report { finding, source: &source, help };
            let mut s = String::new();
            if handler.render_report(&mut s, &report).is_err() {
                s = format!("{}: {} [{}]\n", display_path(&file.source.path), finding.message, finding.rule);
            }
            out.push_str(&s);
            out.push('\n');
        }
    }
    out
}

/// `--verbose`: one line per file with its document kind and why.
pub fn verbose_lines(result: &RunResult) -> String {
    let mut out = String::new();
    for f in &result.files {
        let why = if f.kind.reasons.is_empty() { "no signals".to_string() } else { f.kind.reasons.join("; ") };
        out.push_str(&format!("{}: {} ({why})\n", display_path(&f.source.path), f.kind));
    }
    out
}
