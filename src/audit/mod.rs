//! `consentlint audit`: lint a live site (crawled) or a downloaded site / source tree, for an
//! agency's report. Pages are linted by the same engine as `check` ([`Linter::check`]), so the
//! findings are the same; what is added is fetching, the score, and the client report.
//!
//! Safe by default: GET only (robots.txt, sitemaps, pages), no form is ever submitted, redirects
//! to other origins are not followed unless allowed, bodies are cut at a size limit, non-HTML is
//! skipped, requests are paced and bounded.

pub mod crawl;
pub mod render;
pub mod report_html;
pub mod report_md;
pub mod robots;
pub mod score;
pub mod summary;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use scraper::{Html, Selector};
use url::Url;

use crate::lint::Linter;
use crate::report::{CheckedFile, RunResult};
use crate::source::SourceFile;
use crate::walk;

/// Progress of a long run, for a progress bar in the front end.
pub enum Event<'a> {
    /// How many items there are, as far as known.
    Length(usize),
    /// One item is done.
    Done(&'a str),
}

pub type Progress<'a> = dyn Fn(Event<'_>) + Sync + 'a;

/// Everything `audit` can be told.
#[derive(Debug, Clone)]
pub struct AuditOptions {
    pub max_pages: usize,
    /// Links away from the start page (sitemap entries are at depth 1).
    pub max_depth: usize,
    /// At most one request starts per `delay`.
    pub delay: Duration,
    pub concurrency: usize,
    /// For one request, body included.
    pub timeout: Duration,
    /// Extra tries after a network error, 429 or 5xx.
    pub retries: u32,
    /// First wait before a retry; doubled each time.
    pub backoff: Duration,
    /// Bodies are cut after this many bytes.
    pub max_size: u64,
    /// Other origins (`https://shop.example.com`) whose pages may be crawled and redirected to.
    pub allow_origins: Vec<String>,
    /// Seed the crawl from robots.txt's sitemaps or /sitemap.xml.
    pub sitemap: bool,
    pub user_agent: String,
    /// `--render`: lint the DOM a headless Chromium produced.
    pub renderer: Option<render::Renderer>,
}

impl Default for AuditOptions {
    fn default() -> Self {
        AuditOptions {
            max_pages: 100,
            max_depth: 5,
            delay: Duration::from_millis(500),
            concurrency: 2,
            timeout: Duration::from_secs(15),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_size: 5 * 1024 * 1024,
            allow_origins: Vec::new(),
            sitemap: true,
            user_agent: default_user_agent(),
            renderer: None,
        }
    }
}

/// A clear User-Agent: who we are and that we do not submit anything.
pub fn default_user_agent() -> String {
    format!("consentlint/{} (GDPR consent audit; read-only, never submits forms)", env!("CARGO_PKG_VERSION"))
}

/// What the audit knows about one linted page beyond its findings.
#[derive(Debug, Clone, Default)]
pub struct PageInfo {
    /// The URL (crawl) or path (directory) as shown in the report.
    pub location: String,
    /// Links from the start page (0 in directory mode).
    pub depth: usize,
    /// Cut at --max-size.
    pub truncated: bool,
    /// Linted from Chromium's rendered DOM.
    pub rendered: bool,
    /// Why the page looks like its forms are rendered by JavaScript (when not rendered).
    pub script_rendered: Option<String>,
    /// The page asked not to be followed (links not crawled).
    pub nofollow: bool,
}

/// The result of an audit: the run (same shape as `check`), page facts in the same order as
/// `result.files`, and the URLs skipped on purpose.
pub struct Audit {
    /// The URL or directory audited.
    pub target: String,
    pub result: RunResult,
    pub pages: Vec<PageInfo>,
    /// (url or path, reason): robots.txt, non-HTML, off-origin redirects, limits.
    pub skipped: Vec<(String, String)>,
    pub rendered: bool,
}

/// Is `target` a URL to crawl (rather than a directory)?
pub fn is_url(target: &str) -> bool {
    target.starts_with("http://") || target.starts_with("https://")
}

/// Crawl a live site.
pub fn audit_url(linter: &Linter, start: &str, opts: &AuditOptions, progress: &Progress<'_>) -> Result<Audit, String> {
    let began = Instant::now();
    let start_url = Url::parse(start).map_err(|e| format!("{start}: not a URL: {e}"))?;
    if !matches!(start_url.scheme(), "http" | "https") {
        return Err(format!("{start}: only http and https URLs can be audited"));
    }
    let crawler = crawl::Crawler::new(opts, &start_url)?;
    let mut entries: Vec<(CheckedFile, PageInfo)> = Vec::new();
    let mut skipped = Vec::new();
    // Body hash → first URL: `/` and `/index.html` are one page, linted once.
    let mut bodies: std::collections::HashMap<u64, String> = std::collections::HashMap::new();
    let notes = crawler.crawl(&start_url, progress, |page| {
        let location = page.url.to_string();
        let hash = xxhash_rust::xxh3::xxh3_64(&page.body);
        if let Some(first) = bodies.get(&hash) {
            skipped.push((location, format!("the same content as {first}")));
            return Vec::new();
        }
        bodies.insert(hash, location.clone());
        let mut source = SourceFile::decode_with_charset(PathBuf::from(&location), page.body, page.charset.as_deref());
        let doc = Html::parse_document(&source.text);
        let (mut links, nofollow) = crawl::links(&doc, &page.url);
        let nofollow = nofollow || page.header_nofollow;
        if nofollow {
            links.clear();
        }
        let mut info = PageInfo {
            location: location.clone(),
            depth: page.depth,
            truncated: page.truncated,
            nofollow,
            ..PageInfo::default()
        };
        info.script_rendered = script_rendered(&doc);
        if let Some(renderer) = &opts.renderer {
            match renderer.dump_dom(&location) {
                Ok(dom) => {
                    source = SourceFile::from_text(PathBuf::from(&location), dom);
                    if !nofollow {
                        links.extend(crawl::links(&Html::parse_document(&source.text), &page.url).0);
                    }
                    info.rendered = true;
                }
                Err(e) => skipped.push((location.clone(), format!("not rendered, linted as fetched: {e}"))),
            }
        }
        let report = lint_guarded(linter, &source);
        match report {
            Ok(r) => entries.push((CheckedFile { source, findings: r.findings, kind: r.kind }, info)),
            Err(e) => skipped.push((location, e)),
        }
        links
    });
    let mut errors = Vec::new();
    for (url, reason, failed) in notes {
        if failed {
            errors.push((PathBuf::from(url), reason));
        } else {
            skipped.push((url, reason));
        }
    }
    Ok(finish(start.to_string(), entries, errors, skipped, opts.renderer.is_some(), began))
}

/// Audit a downloaded site or a source tree: every file `check` would check.
pub fn audit_dir(linter: &Linter, dir: &Path, opts: &AuditOptions, progress: &Progress<'_>) -> Audit {
    let began = Instant::now();
    let walked = walk::collect(&[dir.to_path_buf()], &linter.config, false);
    progress(Event::Length(walked.files.len()));
    let outcomes: Vec<DirOutcome> = walked
        .files
        .par_iter()
        .map(|c| {
            let out = audit_file(linter, c, opts);
            progress(Event::Done(&c.path.to_string_lossy()));
            out
        })
        .collect();
    let mut entries = Vec::new();
    let mut errors: Vec<(PathBuf, String)> = walked.errors;
    let mut skipped = Vec::new();
    for o in outcomes {
        match o {
            DirOutcome::Page(f, info) => entries.push((*f, info)),
            DirOutcome::Skipped(p, r) => skipped.push((crate::report::display_path(&p), r)),
            DirOutcome::NotHtml => {}
            DirOutcome::Failed(p, r) => errors.push((p, r)),
        }
    }
    finish(dir.display().to_string(), entries, errors, skipped, opts.renderer.is_some(), began)
}

enum DirOutcome {
    Page(Box<CheckedFile>, PageInfo),
    Skipped(PathBuf, String),
    NotHtml,
    Failed(PathBuf, String),
}

fn audit_file(linter: &Linter, c: &walk::Candidate, opts: &AuditOptions) -> DirOutcome {
    let bytes = match std::fs::read(&c.path) {
        Ok(b) => b,
        Err(e) => return DirOutcome::Failed(c.path.clone(), walk::io_reason(&e)),
    };
    if c.sniff && !walk::looks_like_html(&bytes) {
        return DirOutcome::NotHtml;
    }
    if bytes.len() as u64 > opts.max_size {
        return DirOutcome::Skipped(c.path.clone(), format!("over the {}-byte limit (--max-size)", opts.max_size));
    }
    if let Some(reason) = walk::unlintable(&bytes) {
        return DirOutcome::Skipped(c.path.clone(), reason);
    }
    let location = crate::report::display_path(&c.path);
    let mut source = SourceFile::decode(c.path.clone(), bytes);
    let mut info = PageInfo { location, ..PageInfo::default() };
    info.script_rendered = script_rendered(&Html::parse_document(&source.text));
    if let Some(renderer) = &opts.renderer {
        let url = std::fs::canonicalize(&c.path).ok().and_then(|p| Url::from_file_path(p).ok());
        let Some(url) = url else {
            return DirOutcome::Failed(c.path.clone(), "cannot make a file:// URL to render".into());
        };
        match renderer.dump_dom(url.as_str()) {
            Ok(dom) => {
                source = SourceFile::from_text(c.path.clone(), dom);
                info.rendered = true;
            }
            Err(e) => return DirOutcome::Failed(c.path.clone(), format!("rendering: {e}")),
        }
    }
    match lint_guarded(linter, &source) {
        Ok(r) => DirOutcome::Page(Box::new(CheckedFile { source, findings: r.findings, kind: r.kind }), info),
        Err(e) => DirOutcome::Failed(c.path.clone(), e),
    }
}

/// Lint, turning a panic in a rule into an error for this page only.
fn lint_guarded(linter: &Linter, source: &SourceFile) -> Result<crate::lint::FileReport, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| linter.check(source)))
        .map_err(|_| "internal error while checking this page (a bug in consentlint)".to_string())
}

fn finish(
    target: String,
    mut entries: Vec<(CheckedFile, PageInfo)>,
    mut errors: Vec<(PathBuf, String)>,
    mut skipped: Vec<(String, String)>,
    rendered: bool,
    began: Instant,
) -> Audit {
    entries.sort_by(|a, b| a.1.location.cmp(&b.1.location));
    errors.sort();
    skipped.sort();
    let (files, pages) = entries.into_iter().unzip();
    Audit { target, result: RunResult { files, errors, elapsed: began.elapsed() }, pages, skipped, rendered }
}

/// Scripts and markup of form widgets that build their form in the browser.
const FORM_WIDGETS: &[(&str, &str)] = &[
    ("hbspt.forms.create", "HubSpot form"),
    ("hsforms.net", "HubSpot form"),
    ("embed.typeform.com", "Typeform"),
    ("data-tf-widget", "Typeform"),
    ("jotform", "Jotform"),
    ("mktoforms2", "Marketo form"),
    ("chimpstatic.com", "Mailchimp signup form"),
    ("klaviyo", "Klaviyo signup form"),
    ("sibforms.com", "Brevo signup form"),
    ("cognitoforms.com", "Cognito Forms"),
    ("formstack", "Formstack"),
    ("wufoo", "Wufoo form"),
    ("tally.so", "Tally form"),
    ("paperform", "Paperform"),
    ("gform_", "Gravity Forms (AJAX)"),
];

/// Why the static HTML looks like its forms are built by JavaScript, or None. Pages with form
/// controls in the HTML are not flagged.
pub fn script_rendered(doc: &Html) -> Option<String> {
    let select = |s: &str| Selector::parse(s).ok();
    let count = |s: &str| select(s).map_or(0, |sel| doc.select(&sel).count());
    if count("form, input, select, textarea") > 0 {
        return None;
    }
    let scripts: Vec<String> = select("script").map_or_else(Vec::new, |sel| {
        doc.select(&sel)
            .map(|s| {
                format!("{} {}", s.value().attr("src").unwrap_or(""), s.text().collect::<String>()).to_ascii_lowercase()
            })
            .collect()
    });
    if scripts.is_empty() {
        return None;
    }
    let markup = doc.root_element().html().to_ascii_lowercase();
    for (needle, what) in FORM_WIDGETS {
        if scripts.iter().any(|s| s.contains(needle)) || markup.contains(needle) {
            return Some(format!("loads a {what} ({needle}) that is built by JavaScript"));
        }
    }
    if let Some(sel) = select("#root, #app, #__next, #__nuxt, #svelte, [data-reactroot], [ng-app], app-root") {
        for el in doc.select(&sel) {
            if el.children().all(|c| c.value().as_element().is_none()) {
                let id = el.value().attr("id").map_or_else(|| el.value().name().to_string(), |i| format!("#{i}"));
                return Some(format!("an empty {id} that a JavaScript app fills in"));
            }
        }
    }
    let body_text: usize = select("body")
        .and_then(|sel| doc.select(&sel).next())
        .map_or(0, |b| b.text().map(|t| t.chars().filter(|c| !c.is_whitespace()).count()).sum::<usize>());
    let inline_script_text: usize = scripts.iter().map(String::len).sum();
    if body_text.saturating_sub(inline_script_text) < 80 {
        return Some("almost no content without JavaScript".into());
    }
    None
}

/// File name (inside the sources directory) for page `index`: a readable slug of its URL or
/// path, unique by the index.
pub fn source_file_name(index: usize, location: &str) -> String {
    let rest = location.split_once("://").map_or(location, |(_, r)| r);
    let mut slug: String = rest
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '.' { c.to_ascii_lowercase() } else { '_' })
        .collect();
    slug.truncate(80);
    let slug = slug.trim_matches(['_', '.']);
    let slug = slug.strip_suffix(".html").or_else(|| slug.strip_suffix(".htm")).unwrap_or(slug);
    format!("{:03}-{}.html.txt", index + 1, if slug.is_empty() { "page" } else { slug })
}

/// Save each page's linted text (what the spans point into) to `dir`, named by
/// [`source_file_name`].
pub fn save_sources(audit: &Audit, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {}", dir.display(), walk::io_reason(&e)))?;
    for (i, (file, info)) in audit.result.files.iter().zip(&audit.pages).enumerate() {
        let path = dir.join(source_file_name(i, &info.location));
        crate::fsutil::write_atomic(&path, file.source.text.as_bytes())
            .map_err(|e| format!("cannot write {}: {}", path.display(), walk::io_reason(&e)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_rendered_signals() {
        let doc = |s: &str| Html::parse_document(s);
        let long = "Lorem ipsum dolor sit amet. ".repeat(10);
        assert!(script_rendered(&doc(r#"<div id="root"></div><script src="/app.js"></script>"#)).is_some());
        let hub = format!(r#"<p>{long}</p><script>hbspt.forms.create({{portalId: 1}})</script>"#);
        assert!(script_rendered(&doc(&hub)).unwrap().contains("HubSpot"));
        let static_form = r#"<form><input name=email></form><script src="/app.js"></script>"#;
        assert_eq!(script_rendered(&doc(static_form)), None);
        let plain = format!("<p>{long}</p><script>console.log(1)</script>");
        assert_eq!(script_rendered(&doc(&plain)), None);
        assert_eq!(script_rendered(&doc("<p>short</p>")), None, "no scripts: not script-rendered");
        assert!(script_rendered(&doc("<p>short</p><script src=a.js></script>")).is_some());
    }

    #[test]
    fn source_names() {
        assert_eq!(source_file_name(0, "http://127.0.0.1:8080/a/b?x=1"), "001-127.0.0.1_8080_a_b_x_1.html.txt");
        assert_eq!(source_file_name(9, "https://x.test/"), "010-x.test.html.txt");
        assert_eq!(source_file_name(1, "///"), "002-page.html.txt");
        assert!(source_file_name(2, &"a".repeat(500)).len() < 100);
        assert_eq!(source_file_name(3, "http://x.test/about.html"), "004-x.test_about.html.txt");
    }
}
