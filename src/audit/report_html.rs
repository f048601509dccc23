//! `--report report.html`: one self-contained HTML file for the client. No scripts, no fonts,
//! no images from elsewhere: styles are inline, charts are CSS bars and an inline SVG. Prints
//! well (a print stylesheet) and reads on a phone (one column under 700px).
//!
//! Layout: score and grade; counts by severity and by rule (bar charts); pages worst first;
//! for each page with findings, each finding with its source excerpt (the fault highlighted),
//! the plain-language explanation, the legal basis and the fix; then, once per rule found, the
//! rule's full "Why it matters" and "How to fix" and its legal references; then what was
//! skipped and how the score is computed. Every text from a page or a rule is escaped.

use std::fmt::Write as _;

use pulldown_cmark::{Event, Parser};

use super::summary::{self, Summary};
use super::{Audit, score, source_file_name};
use crate::finding::{Finding, Severity};
use crate::legal::Legal;

/// Escape for text and attribute values (the XML escaping of the machine formats, which is
/// also right for HTML).
pub fn esc(s: &str) -> String {
    crate::report::text::xml_escape(s)
}

/// Our own rule documentation as HTML; raw HTML in it is shown as text, links stay links only
/// when they are http(s).
fn markdown(md: &str) -> String {
    let events = Parser::new(md).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        e => e,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

fn severity_class(s: Severity) -> &'static str {
    if s == Severity::Error {
        "error"
    } else if s == Severity::Warning {
        "warning"
    } else {
        "other"
    }
}

fn grade_color(grade: char) -> &'static str {
    match grade {
        'A' => "#1a7f37",
        'B' => "#4d8c1f",
        'C' => "#b7791f",
        'D' => "#c2410c",
        _ => "#b42318",
    }
}

fn pct(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { (part as f64 * 100.0 / whole as f64 * 10.0).round() / 10.0 }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

const CSS: &str = r#"
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--error:#b42318;--warning:#b7791f;--other:#3b6fb6;--mark:#ffe08a}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
main{max-width:1000px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.3rem;margin:40px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:1.1rem;margin:28px 0 8px;word-break:break-all}h4{margin:16px 0 4px;font-size:1rem}
.muted{color:var(--muted)}a{color:#0b5cad}
.hero{display:flex;gap:28px;align-items:center;flex-wrap:wrap;margin:20px 0;padding:20px;border:1px solid var(--line);border-radius:12px;background:var(--bg)}
.gauge{flex:0 0 auto;text-align:center}.gauge svg{display:block}
.grade{font-size:1.1rem;font-weight:700}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:12px;flex:1 1 300px}
.stat{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.stat b{display:block;font-size:1.6rem;line-height:1.2}
.stat.error b{color:var(--error)}.stat.warning b{color:var(--warning)}
.bar{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#e6eaef;min-width:40px}
.bar span{display:block;height:100%}
.bar .error{background:var(--error)}.bar .warning{background:var(--warning)}.bar .other{background:var(--other)}.bar .ok{background:#1a7f37}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:middle}
th{font-weight:600;background:var(--bg)}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.url{word-break:break-all}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8rem;font-weight:600;color:#fff;vertical-align:middle}
.badge.error{background:var(--error)}.badge.warning{background:var(--warning)}.badge.other{background:var(--other)}
.finding{border:1px solid var(--line);border-left:5px solid var(--error);border-radius:8px;padding:12px 16px;margin:14px 0;break-inside:avoid}
.finding.warning{border-left-color:var(--warning)}.finding.other{border-left-color:var(--other)}
.finding .msg{font-weight:600;margin:4px 0}
pre.src{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:8px 0;overflow-x:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:8px 0}
pre.src .ln{display:inline-block;min-width:3.5em;padding:0 10px;color:var(--muted);text-align:right;user-select:none}
pre.src mark{background:var(--mark);outline:2px solid #e0a800;border-radius:2px}
pre.src .hit{background:#fff4d6;display:block}
dl{margin:8px 0}dt{font-weight:600;margin-top:8px}dd{margin:2px 0 0 0}
.note{background:#fff8e6;border:1px solid #f0d9a6;border-radius:8px;padding:8px 12px;margin:8px 0}
.rule{border-top:1px solid var(--line);padding-top:8px}
.rule pre{background:var(--bg);padding:8px;overflow-x:auto;border-radius:6px;font-size:13px}
footer{margin-top:48px;color:var(--muted);font-size:.9rem}
@media (max-width:700px){body{font-size:15px}main{padding:16px 12px}.hero{padding:14px;gap:16px}.hide-sm{display:none}h1{font-size:1.4rem}}
@media print{body{font-size:11pt}main{max-width:none;padding:0}a{color:inherit;text-decoration:none}
 .hero,.stat,.finding,pre.src{break-inside:avoid}h2,h3{break-after:avoid}
 *{-webkit-print-color-adjust:exact;print-color-adjust:exact}pre.src{white-space:pre-wrap;word-break:break-all}
 .page-break{break-before:page}}
"#;

/// The whole report. `sources` is the directory (relative to the report) where the page
/// sources were saved, if they were.
pub fn render(audit: &Audit, sources: Option<&str>) -> String {
    let s = summary::summarise(audit);
    let mut o = String::new();
    let title = format!("Consent audit: {}", audit.target);
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n",
        esc(&title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        o,
        "<p class=\"muted\">GDPR / ePrivacy consent audit of marketing forms and emails · generated {} by consentlint {}{}</p>",
        summary::utc_now(),
        env!("CARGO_PKG_VERSION"),
        if audit.rendered { " · pages rendered in headless Chromium" } else { "" }
    );
    hero(&mut o, audit, &s);
    charts(&mut o, &s);
    pages_table(&mut o, audit, &s);
    findings(&mut o, audit, &s, sources);
    rules_appendix(&mut o, &s);
    skipped(&mut o, audit);
    let _ = writeln!(
        o,
        "<h2 id=\"method\">How the score is computed</h2>\n<p>Each finding costs its page points: {} for an error, {} for a warning. \
         A page scores 100 minus its points (never below 0); the site scores the average of the pages with forms or emails (pages with nothing to judge, such as a blog post, do not count; a page with findings always does). \
         Grades: A 90 and above, B 80–89, C 70–79, D 60–69, F below 60; a site with any error gets at most a B. \
         The findings come from automated checks of the page markup: they point at likely problems for a person to confirm, and are not legal advice.</p>",
        score::ERROR_POINTS,
        score::WARNING_POINTS
    );
    o.push_str("<footer>Made with consentlint. This report is one self-contained file: it loads nothing from the network.</footer>\n</main>\n</body>\n</html>\n");
    o
}

fn hero(o: &mut String, audit: &Audit, s: &Summary) {
    let color = grade_color(s.grade);
    // A ring whose filled part is the score.
    let circumference = 2.0 * std::f64::consts::PI * 52.0;
    let filled = circumference * f64::from(s.score) / 100.0;
    let _ = write!(
        o,
        "<section class=\"hero\" aria-label=\"Overall result\">\n<div class=\"gauge\">\
         <svg width=\"140\" height=\"140\" viewBox=\"0 0 140 140\" role=\"img\" aria-label=\"Score {score} of 100, grade {grade}\">\
         <circle cx=\"70\" cy=\"70\" r=\"52\" fill=\"none\" stroke=\"#e6eaef\" stroke-width=\"14\"/>\
         <circle cx=\"70\" cy=\"70\" r=\"52\" fill=\"none\" stroke=\"{color}\" stroke-width=\"14\" stroke-linecap=\"round\" \
         stroke-dasharray=\"{filled:.1} {circumference:.1}\" transform=\"rotate(-90 70 70)\"/>\
         <text x=\"70\" y=\"70\" text-anchor=\"middle\" font-size=\"38\" font-weight=\"700\" fill=\"{color}\" id=\"score\">{score}</text>\
         <text x=\"70\" y=\"96\" text-anchor=\"middle\" font-size=\"14\" fill=\"#59636e\">of 100</text></svg>\
         <div class=\"grade\" style=\"color:{color}\">Grade <span id=\"grade\">{grade}</span></div></div>\n<div class=\"stats\">\n",
        score = s.score,
        grade = s.grade,
    );
    let mut stat = |class: &str, n: usize, label: &str| {
        let _ = writeln!(o, "<div class=\"stat {class}\"><b>{n}</b>{}</div>", esc(label));
    };
    stat("", s.pages, if s.pages == 1 { "page audited" } else { "pages audited" });
    stat("", s.judged, "with forms or emails");
    stat("", s.pages_with_findings, "with problems");
    stat("error", s.errors, if s.errors == 1 { "error" } else { "errors" });
    stat("warning", s.warnings, if s.warnings == 1 { "warning" } else { "warnings" });
    if s.other > 0 {
        stat("", s.other, "notes");
    }
    if !audit.result.errors.is_empty() {
        stat("", audit.result.errors.len(), "could not be fetched");
    }
    o.push_str("</div>\n</section>\n");
    let script: Vec<_> = audit.pages.iter().filter(|p| p.script_rendered.is_some() && !p.rendered).collect();
    if !script.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"note\"><b>{} look{} rendered by JavaScript</b>: their forms may not be in the HTML that was checked. \
             Run the audit again with <code>--render</code> to check them as a browser shows them (see “Pages” below).</p>",
            plural(script.len(), "page"),
            if script.len() == 1 { "s" } else { "" }
        );
    }
}

fn charts(o: &mut String, s: &Summary) {
    o.push_str("<h2 id=\"overview\">Findings at a glance</h2>\n");
    if s.total() == 0 {
        o.push_str("<p>No problems were found on the audited pages.</p>\n");
        return;
    }
    let _ = writeln!(
        o,
        "<h4>By severity</h4>\n<div class=\"bar\" role=\"img\" aria-label=\"{e} errors, {w} warnings\">\
         <span class=\"error\" style=\"width:{pe}%\"></span><span class=\"warning\" style=\"width:{pw}%\"></span><span class=\"other\" style=\"width:{po}%\"></span></div>\n\
         <p class=\"legend\"><span><i style=\"background:var(--error)\"></i>{e} error{es}</span><span><i style=\"background:var(--warning)\"></i>{w} warning{ws}</span>{other}</p>",
        e = s.errors,
        w = s.warnings,
        es = if s.errors == 1 { "" } else { "s" },
        ws = if s.warnings == 1 { "" } else { "s" },
        pe = pct(s.errors, s.total()),
        pw = pct(s.warnings, s.total()),
        po = pct(s.other, s.total()),
        other = if s.other > 0 {
            format!("<span><i style=\"background:var(--other)\"></i>{} other</span>", s.other)
        } else {
            String::new()
        }
    );
    let max = s.by_rule.iter().map(|r| r.total()).max().unwrap_or(1);
    o.push_str("<h4>By rule</h4>\n<table id=\"by-rule\">\n<thead><tr><th>Rule</th><th class=\"hide-sm\">What it finds</th><th>Errors</th><th>Warnings</th><th style=\"width:30%\" class=\"hide-sm\"></th></tr></thead>\n<tbody>\n");
    for r in &s.by_rule {
        let summary = crate::rules::find(r.rule).map_or("", |x| x.meta().summary);
        let _ = writeln!(
            o,
            "<tr><td><a href=\"#rule-{rule}\"><code>{rule}</code></a></td><td class=\"hide-sm\">{summary}</td><td class=\"n\">{e}</td><td class=\"n\">{w}</td>\
             <td class=\"hide-sm\"><div class=\"bar\" style=\"width:{width}%\"><span class=\"error\" style=\"width:{pe}%\"></span><span class=\"warning\" style=\"width:{pw}%\"></span><span class=\"other\" style=\"width:{po}%\"></span></div></td></tr>",
            rule = esc(r.rule),
            summary = esc(summary),
            e = r.errors,
            w = r.warnings,
            width = pct(r.total(), max).max(4.0),
            pe = pct(r.errors, r.total()),
            pw = pct(r.warnings, r.total()),
            po = pct(r.other, r.total()),
        );
    }
    o.push_str("</tbody>\n</table>\n");
}

fn pages_table(o: &mut String, audit: &Audit, s: &Summary) {
    let _ = writeln!(
        o,
        "<h2 id=\"pages\">Pages, worst first</h2>\n<table id=\"pages-table\">\n<thead><tr><th>Page</th><th>Score</th><th>Errors</th><th>Warnings</th><th class=\"hide-sm\">Notes</th></tr></thead>\n<tbody>"
    );
    for &i in &s.worst_first {
        let (file, info) = (&audit.result.files[i], &audit.pages[i]);
        let ps = score::page_score(&file.findings);
        let count = |sev| file.findings.iter().filter(|f| f.severity == sev).count();
        let notes = summary::page_notes(info);
        let name = if file.findings.is_empty() {
            esc(summary::short_location(audit, &info.location))
        } else {
            format!("<a href=\"#page-{i}\">{}</a>", esc(summary::short_location(audit, &info.location)))
        };
        let _ = writeln!(
            o,
            "<tr><td class=\"url\">{name}</td><td class=\"n\"><div class=\"bar\" style=\"width:70px;display:inline-flex;vertical-align:middle\"><span class=\"{}\" style=\"width:{ps}%\"></span></div> {ps}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"hide-sm\">{}</td></tr>",
            if ps >= 90 {
                "ok"
            } else if ps >= 60 {
                "warning"
            } else {
                "error"
            },
            count(Severity::Error),
            count(Severity::Warning),
            esc(&notes.join("; "))
        );
    }
    o.push_str("</tbody>\n</table>\n");
}

fn findings(o: &mut String, audit: &Audit, s: &Summary, sources: Option<&str>) {
    if s.total() == 0 {
        return;
    }
    o.push_str("<h2 id=\"findings\" class=\"page-break\">Findings, page by page</h2>\n");
    let legal = Legal::builtin();
    for &i in &s.worst_first {
        let (file, info) = (&audit.result.files[i], &audit.pages[i]);
        if file.findings.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h3 id=\"page-{i}\">{} <span class=\"muted\">· {} · score {}</span></h3>",
            esc(summary::short_location(audit, &info.location)),
            plural(file.findings.len(), "finding"),
            score::page_score(&file.findings)
        );
        if let Some(dir) = sources {
            let _ = writeln!(
                o,
                "<p class=\"muted\">Source checked{}: <a href=\"{}\">{}</a></p>",
                if info.rendered { " (rendered DOM)" } else { "" },
                esc(&format!("{dir}/{}", source_file_name(i, &info.location))),
                esc(&format!("{dir}/{}", source_file_name(i, &info.location)))
            );
        }
        for f in &file.findings {
            finding(o, file, f, legal);
        }
    }
}

fn finding(o: &mut String, file: &crate::report::CheckedFile, f: &Finding, legal: &Legal) {
    let class = severity_class(f.severity);
    let at = crate::report::locate(&file.source, &f.span).start;
    let _ = writeln!(
        o,
        "<div class=\"finding {class}\"><div><span class=\"badge {class}\">{}</span> <code>{}</code> <span class=\"muted\">line {}, column {}</span></div>\n<p class=\"msg\">{}</p>",
        f.severity,
        esc(f.rule),
        at.line,
        at.column,
        esc(&capitalise(&f.message))
    );
    let lines = summary::excerpt(&file.source, &f.span);
    if !lines.is_empty() {
        o.push_str("<pre class=\"src\">");
        for l in &lines {
            let hit = !l.marked.is_empty();
            let _ = write!(
                o,
                "<span class=\"{}\"><span class=\"ln\">{}</span>{}{}{}{}{}</span>",
                if hit { "hit" } else { "line" },
                l.number,
                if l.clipped_start { "…" } else { "" },
                esc(&l.before),
                if hit { format!("<mark>{}</mark>", esc(&l.marked)) } else { String::new() },
                esc(&l.after),
                if l.clipped_end { "…" } else { "" },
            );
            if !hit {
                o.push('\n');
            }
        }
        o.push_str("</pre>\n");
    }
    o.push_str("<dl>");
    if let Some(why) = summary::doc_section(f.rule, "Why it matters") {
        let _ = write!(o, "<dt>Why it matters</dt><dd>{}</dd>", markdown(summary::first_paragraph(why)));
    }
    let refs = legal.for_rule(f.rule);
    if !refs.is_empty() {
        let links: Vec<String> = refs
            .iter()
            .map(|r| format!("<a href=\"{}\" title=\"{}\">{}</a>", esc(&r.url), esc(&r.summary), esc(&r.title)))
            .collect();
        let _ = write!(o, "<dt>Legal basis</dt><dd>{}</dd>", links.join("; "));
    }
    let _ = write!(
        o,
        "<dt>How to fix</dt><dd>{}{}</dd>",
        esc(&capitalise(&f.help)),
        if summary::doc_section(f.rule, "How to fix").is_some() {
            format!(" <a href=\"#rule-{}\">More on fixing this</a>.", esc(f.rule))
        } else {
            String::new()
        }
    );
    o.push_str("</dl></div>\n");
}

fn rules_appendix(o: &mut String, s: &Summary) {
    if s.by_rule.is_empty() {
        return;
    }
    o.push_str("<h2 id=\"rules\" class=\"page-break\">The problems explained</h2>\n");
    let legal = Legal::builtin();
    for r in &s.by_rule {
        let summary = crate::rules::find(r.rule).map_or("", |x| x.meta().summary);
        let _ = writeln!(
            o,
            "<section class=\"rule\" id=\"rule-{name}\"><h3><code>{name}</code>: {}</h3>",
            esc(&capitalise(summary)),
            name = esc(r.rule)
        );
        for heading in ["Why it matters", "How to fix"] {
            if let Some(section) = summary::doc_section(r.rule, heading) {
                let _ = writeln!(o, "<h4>{heading}</h4>\n{}", markdown(section));
            }
        }
        let refs = legal.for_rule(r.rule);
        if !refs.is_empty() {
            o.push_str("<h4>Legal basis</h4>\n<ul>\n");
            for x in refs {
                let _ = writeln!(o, "<li><a href=\"{}\">{}</a>: {}</li>", esc(&x.url), esc(&x.title), esc(&x.summary));
            }
            o.push_str("</ul>\n");
        }
        o.push_str("</section>\n");
    }
}

fn skipped(o: &mut String, audit: &Audit) {
    if audit.skipped.is_empty() && audit.result.errors.is_empty() {
        return;
    }
    o.push_str("<h2 id=\"not-checked\">Not checked</h2>\n");
    if !audit.result.errors.is_empty() {
        o.push_str("<h4>Could not be fetched or read</h4>\n<ul id=\"failed\">\n");
        for (path, reason) in &audit.result.errors {
            let _ = writeln!(o, "<li><code>{}</code>: {}</li>", esc(&crate::report::display_path(path)), esc(reason));
        }
        o.push_str("</ul>\n");
    }
    if !audit.skipped.is_empty() {
        o.push_str("<h4>Skipped on purpose</h4>\n<ul id=\"skipped\">\n");
        for (url, reason) in &audit.skipped {
            let _ = writeln!(o, "<li><code>{}</code>: {}</li>", esc(url), esc(reason));
        }
        o.push_str("</ul>\n");
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_markdown() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;");
        let html = markdown("Use `<input checked>` and <script>alert(1)</script>");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("<code>&lt;input checked&gt;</code>"), "{html}");
        assert_eq!(capitalise("consent box"), "Consent box");
    }

    #[test]
    fn page_content_is_escaped_and_nothing_is_loaded() {
        let text = "<script>alert(1)</script>\n<form><label><input type=checkbox name=news checked> Send me news</label></form>\n<img src=\"https://tracker.test/x.gif\">\n";
        let source = crate::source::SourceFile::from_text("http://a.test/<u>", text);
        let report = crate::lint::Linter::default().check(&source);
        assert!(!report.findings.is_empty());
        let kind = report.kind;
        let audit = Audit {
            target: "http://a.test/".into(),
            result: crate::report::RunResult {
                files: vec![crate::report::CheckedFile { source, findings: report.findings, kind }],
                errors: vec![("http://a.test/\"><script>".into(), "HTTP 500 <marquee>".into())],
                elapsed: std::time::Duration::ZERO,
            },
            pages: vec![super::super::PageInfo { location: "http://a.test/<u>".into(), ..Default::default() }],
            skipped: vec![("http://a.test/<x>".into(), "not HTML (<blink>)".into())],
            rendered: false,
        };
        let html = render(&audit, Some("report-sources"));
        assert!(!html.contains("<script"), "page text must be escaped");
        assert!(!html.contains("<u>"), "locations are escaped");
        assert!(!html.contains("<marquee") && !html.contains("<x>") && !html.contains("<blink"), "reasons are escaped");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the excerpt shows the script as text");
        assert!(!html.contains("src=\"http"), "nothing is loaded from elsewhere");
    }
}
