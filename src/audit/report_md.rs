//! `--report report.md`: the client report in Markdown (for a ticket, a wiki or a mail). Same
//! content as the HTML report: score and grade, counts by rule, pages worst first, each
//! finding with its excerpt (the fault underlined with `^`), explanation, legal basis and fix,
//! then the rules explained once, what was skipped, and how the score is computed.

use std::fmt::Write as _;

use super::summary::{self, Summary};
use super::{Audit, score, source_file_name};
use crate::legal::Legal;
use crate::report::markdown::{code, text};
use crate::report::{display_path, locate};

pub fn render(audit: &Audit, sources: Option<&str>) -> String {
    let s = summary::summarise(audit);
    let mut o = String::new();
    let _ = writeln!(o, "# Consent audit: {}\n", text(&audit.target));
    let _ = writeln!(o, "Generated {} by consentlint {}.\n", summary::utc_now(), env!("CARGO_PKG_VERSION"));
    let _ = writeln!(o, "**Score: {} / 100 · Grade {}**\n", s.score, s.grade);
    let _ = writeln!(
        o,
        "| Pages audited | With forms or emails | With problems | Errors | Warnings | Could not be fetched |\n|---:|---:|---:|---:|---:|---:|\n| {} | {} | {} | {} | {} | {} |\n",
        s.pages,
        s.judged,
        s.pages_with_findings,
        s.errors,
        s.warnings,
        audit.result.errors.len()
    );
    let script = audit.pages.iter().filter(|p| p.script_rendered.is_some() && !p.rendered).count();
    if script > 0 {
        let _ = writeln!(
            o,
            "> {script} page(s) look rendered by JavaScript: their forms may not be in the HTML that was checked. Run the audit again with `--render`.\n"
        );
    }
    by_rule(&mut o, &s);
    pages(&mut o, audit, &s);
    findings(&mut o, audit, &s, sources);
    rules(&mut o, &s);
    if !audit.result.errors.is_empty() || !audit.skipped.is_empty() {
        o.push_str("## Not checked\n\n");
        for (p, r) in &audit.result.errors {
            let _ = writeln!(o, "- {} (could not be fetched): {}", code(&display_path(p), false), text(r));
        }
        for (u, r) in &audit.skipped {
            let _ = writeln!(o, "- {}: {}", code(u, false), text(r));
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "## How the score is computed\n\nEach finding costs its page points: {} for an error, {} for a warning. A page scores 100 minus its points (never below 0); the site scores the average of the pages with forms or emails (pages with nothing to judge, such as a blog post, do not count; a page with findings always does). Grades: A 90 and above, B 80–89, C 70–79, D 60–69, F below 60; a site with any error gets at most a B. The findings come from automated checks of the page markup: they point at likely problems for a person to confirm, and are not legal advice.",
        score::ERROR_POINTS,
        score::WARNING_POINTS
    );
    o
}

fn by_rule(o: &mut String, s: &Summary) {
    if s.by_rule.is_empty() {
        o.push_str("No problems were found on the audited pages.\n\n");
        return;
    }
    o.push_str("## Findings by rule\n\n| Rule | What it finds | Errors | Warnings |\n|---|---|---:|---:|\n");
    for r in &s.by_rule {
        let summary = crate::rules::find(r.rule).map_or("", |x| x.meta().summary);
        let _ = writeln!(o, "| {} | {} | {} | {} |", code(r.rule, true), text(summary), r.errors, r.warnings);
    }
    o.push('\n');
}

fn pages(o: &mut String, audit: &Audit, s: &Summary) {
    o.push_str("## Pages, worst first\n\n| Page | Score | Findings | Notes |\n|---|---:|---:|---|\n");
    for &i in &s.worst_first {
        let (file, info) = (&audit.result.files[i], &audit.pages[i]);
        let notes = summary::page_notes(info);
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} |",
            code(summary::short_location(audit, &info.location), true),
            score::page_score(&file.findings),
            file.findings.len(),
            text(&notes.join("; "))
        );
    }
    o.push('\n');
}

fn findings(o: &mut String, audit: &Audit, s: &Summary, sources: Option<&str>) {
    if s.total() == 0 {
        return;
    }
    o.push_str("## Findings, page by page\n\n");
    let legal = Legal::builtin();
    for &i in &s.worst_first {
        let (file, info) = (&audit.result.files[i], &audit.pages[i]);
        if file.findings.is_empty() {
            continue;
        }
        let _ = writeln!(o, "### {}\n", code(summary::short_location(audit, &info.location), false));
        if let Some(dir) = sources {
            let _ = writeln!(
                o,
                "Source checked: {}\n",
                code(&format!("{dir}/{}", source_file_name(i, &info.location)), false)
            );
        }
        for f in &file.findings {
            let at = locate(&file.source, &f.span).start;
            let _ = writeln!(
                o,
                "#### {} ({}, line {}, column {})\n\n{}\n",
                code(f.rule, false),
                f.severity,
                at.line,
                at.column,
                text(&super::report_html::capitalise(&f.message))
            );
            let lines = summary::excerpt(&file.source, &f.span);
            if !lines.is_empty() {
                let mut block = String::new();
                let width = lines.iter().map(|l| l.number.to_string().len()).max().unwrap_or(1);
                for l in &lines {
                    let start = if l.clipped_start { "…" } else { "" };
                    let end = if l.clipped_end { "…" } else { "" };
                    let _ = writeln!(block, "{:>width$} | {start}{}{}{}{end}", l.number, l.before, l.marked, l.after);
                    if !l.marked.is_empty() {
                        let pad = l.before.chars().count() + start.chars().count();
                        let _ = writeln!(
                            block,
                            "{:>width$} | {}{}",
                            "",
                            " ".repeat(pad),
                            "^".repeat(l.marked.chars().count().max(1))
                        );
                    }
                }
                let fence = "`".repeat(longest_backtick_run(&block).max(2) + 1);
                let _ = writeln!(o, "{fence}html\n{block}{fence}\n");
            }
            if let Some(why) = summary::doc_section(f.rule, "Why it matters") {
                let _ = writeln!(o, "**Why it matters:** {}\n", summary::first_paragraph(why).replace('\n', " "));
            }
            let basis = legal.short_basis(f.rule);
            if !basis.is_empty() {
                let _ = writeln!(o, "**Legal basis:** {}\n", text(&basis));
            }
            let _ = writeln!(o, "**How to fix:** {}\n", text(&super::report_html::capitalise(&f.help)));
        }
    }
}

fn rules(o: &mut String, s: &Summary) {
    if s.by_rule.is_empty() {
        return;
    }
    o.push_str("## The problems explained\n\n");
    let legal = Legal::builtin();
    for r in &s.by_rule {
        let _ = writeln!(o, "### {}\n", code(r.rule, false));
        for heading in ["Why it matters", "How to fix"] {
            if let Some(section) = summary::doc_section(r.rule, heading) {
                // Our own documentation, already Markdown: headings shifted below ours.
                let _ = writeln!(o, "#### {heading}\n\n{}\n", section.replace("\n### ", "\n##### "));
            }
        }
        let refs = legal.for_rule(r.rule);
        if !refs.is_empty() {
            o.push_str("#### Legal basis\n\n");
            for x in refs {
                let _ = writeln!(o, "- [{}](<{}>): {}", text(&x.title), x.url, text(&x.summary));
            }
            o.push('\n');
        }
    }
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}
