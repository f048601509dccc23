//! The crawler: breadth-first over one origin (plus any allowed ones), GET only, paced,
//! with robots.txt, sitemaps, retries with backoff, manual redirects and a size cap.

use std::collections::{HashMap, HashSet, VecDeque};
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use scraper::{Html, Selector};
use url::Url;

use super::robots::Robots;
use super::{AuditOptions, Event, Progress};

/// How many redirects one fetch follows.
const MAX_REDIRECTS: usize = 10;
/// The longest wait before a retry.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Bounds on what sitemaps can add.
const MAX_SITEMAP_FILES: usize = 20;
const MAX_SITEMAP_URLS: usize = 50_000;

/// A fetched HTML page.
#[derive(Debug)]
pub struct Fetched {
    /// Where the page finally came from (after same-origin redirects).
    pub url: Url,
    pub depth: usize,
    pub status: u16,
    pub charset: Option<String>,
    pub body: Vec<u8>,
    /// The body was cut at the size limit.
    pub truncated: bool,
    /// `X-Robots-Tag` said nofollow.
    pub header_nofollow: bool,
}

/// What happened to one URL of the crawl.
#[derive(Debug)]
pub enum Outcome {
    Page(Fetched),
    /// Not linted, on purpose (robots.txt, not HTML, off-origin redirect): (url, reason).
    Skipped(String, String),
    /// Could not be fetched (network error, HTTP error, redirect loop): (url, reason).
    Failed(String, String),
}

/// One request start every `delay` across all threads.
struct Pacer {
    /// (when the next request may start, the delay)
    state: Mutex<(Instant, Duration)>,
}

/// The longest robots.txt Crawl-delay honoured (a larger one would stall the audit).
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(30);

impl Pacer {
    /// Raise the delay to at least `d` (robots.txt Crawl-delay).
    fn at_least(&self, d: Duration) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = s.1.max(d.min(MAX_CRAWL_DELAY));
        }
    }

    fn wait(&self) {
        let start = {
            let Ok(mut state) = self.state.lock() else { return };
            let now = Instant::now();
            let start = state.0.max(now);
            state.0 = start + state.1;
            start
        };
        let now = Instant::now();
        if start > now {
            std::thread::sleep(start - now);
        }
    }
}

pub struct Crawler<'a> {
    opts: &'a AuditOptions,
    agent: ureq::Agent,
    pacer: Pacer,
    origins: Vec<url::Origin>,
    robots: Mutex<HashMap<String, Robots>>,
}

/// Whether a Content-Type is HTML; `None` (no header) is decided by sniffing.
pub fn is_html_type(content_type: &str) -> bool {
    let mime = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime == "text/html" || mime == "application/xhtml+xml"
}

fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("charset")).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// File extensions that are never HTML pages: not worth a request.
fn obviously_not_html(url: &Url) -> bool {
    const EXT: &[&str] = &[
        "pdf", "jpg", "jpeg", "png", "gif", "svg", "webp", "avif", "ico", "css", "js", "mjs", "json", "xml", "zip",
        "gz", "tgz", "rar", "7z", "mp3", "mp4", "m4a", "webm", "mov", "avi", "woff", "woff2", "ttf", "otf", "eot",
        "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "txt", "rss", "atom", "exe", "dmg", "apk",
    ];
    let path = url.path();
    let last = path.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.').is_some_and(|(_, ext)| EXT.contains(&ext.to_ascii_lowercase().as_str()))
}

/// The URL as a crawl key: without its fragment.
pub fn normalise(mut url: Url) -> Url {
    url.set_fragment(None);
    url
}

/// Path plus query, as robots.txt rules see it.
fn robots_path(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

impl<'a> Crawler<'a> {
    pub fn new(opts: &'a AuditOptions, start: &Url) -> Result<Crawler<'a>, String> {
        let mut origins = vec![start.origin()];
        for o in &opts.allow_origins {
            let u = Url::parse(o).map_err(|e| format!("--allow-origin {o}: {e}"))?;
            origins.push(u.origin());
        }
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(opts.timeout))
            .user_agent(opts.user_agent.as_str())
            .build();
        Ok(Crawler {
            opts,
            agent: config.into(),
            pacer: Pacer { state: Mutex::new((Instant::now(), opts.delay)) },
            origins,
            robots: Mutex::new(HashMap::new()),
        })
    }

    fn allowed_origin(&self, url: &Url) -> bool {
        matches!(url.scheme(), "http" | "https") && self.origins.contains(&url.origin())
    }

    /// One GET with retries and exponential backoff on network errors, 429 and 5xx.
    fn get(&self, url: &Url) -> Result<ureq::http::Response<ureq::Body>, String> {
        let mut attempt = 0;
        loop {
            self.pacer.wait();
            let result =
                self.agent.get(url.as_str()).header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1").call();
            let retryable = match &result {
                Ok(r) => r.status().as_u16() == 429 || r.status().is_server_error(),
                Err(ureq::Error::StatusCode(_) | ureq::Error::BadUri(_) | ureq::Error::TooManyRedirects) => false,
                Err(_) => true,
            };
            if retryable && attempt < self.opts.retries {
                std::thread::sleep((self.opts.backoff * 2u32.saturating_pow(attempt)).min(MAX_BACKOFF));
                attempt += 1;
                continue;
            }
            return result.map_err(|e| {
                let tries = if attempt > 0 { format!(" (after {} tries)", attempt + 1) } else { String::new() };
                format!("{e}{tries}")
            });
        }
    }

    /// robots.txt for the URL's origin, fetched once.
    pub fn robots_for(&self, url: &Url) -> Robots {
        let key = url.origin().ascii_serialization();
        if let Ok(map) = self.robots.lock()
            && let Some(r) = map.get(&key)
        {
            return r.clone();
        }
        let robots = match url.join("/robots.txt") {
            Err(_) => Robots::allow_all(),
            Ok(robots_url) => match self.get(&robots_url) {
                Ok(mut resp) if resp.status().is_success() => {
                    let mut text = String::new();
                    let limit = 512 * 1024;
                    let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader().take(limit);
                    let mut bytes = Vec::new();
                    let _ = reader.read_to_end(&mut bytes);
                    text.push_str(&String::from_utf8_lossy(&bytes));
                    Robots::parse(&text, &product_token(&self.opts.user_agent))
                }
                Ok(resp) if resp.status().is_server_error() => Robots::disallow_all(),
                // 4xx, redirects elsewhere, unreachable: no rules.
                _ => Robots::allow_all(),
            },
        };
        if let Some(d) = robots.crawl_delay {
            self.pacer.at_least(Duration::from_secs_f64(d.min(MAX_CRAWL_DELAY.as_secs_f64())));
        }
        if let Ok(mut map) = self.robots.lock() {
            map.insert(key, robots.clone());
        }
        robots
    }

    /// Page URLs listed by the site's sitemaps: those robots.txt names, else /sitemap.xml;
    /// sitemap indexes are followed (bounded).
    pub fn sitemap_urls(&self, start: &Url) -> Vec<Url> {
        let robots = self.robots_for(start);
        let mut queue: VecDeque<Url> = robots.sitemaps.iter().filter_map(|s| start.join(s).ok()).collect();
        if queue.is_empty()
            && let Ok(u) = start.join("/sitemap.xml")
        {
            queue.push_back(u);
        }
        let mut seen = HashSet::new();
        let mut pages = Vec::new();
        let mut fetched = 0;
        while let Some(sitemap) = queue.pop_front() {
            if fetched >= MAX_SITEMAP_FILES || !seen.insert(sitemap.clone()) || !self.allowed_origin(&sitemap) {
                continue;
            }
            if !self.robots_for(&sitemap).allowed(&robots_path(&sitemap)) {
                continue;
            }
            fetched += 1;
            let Ok(mut resp) = self.get(&sitemap) else { continue };
            if !resp.status().is_success() {
                continue;
            }
            let mut bytes = Vec::new();
            let mut reader = resp.body_mut().with_config().limit(u64::MAX).reader().take(self.opts.max_size);
            if reader.read_to_end(&mut bytes).is_err() {
                continue;
            }
            let (locs, is_index) = parse_sitemap(&String::from_utf8_lossy(&bytes));
            for loc in locs {
                let Ok(u) = sitemap.join(&loc) else { continue };
                if is_index {
                    queue.push_back(u);
                } else if pages.len() < MAX_SITEMAP_URLS && self.allowed_origin(&u) {
                    pages.push(normalise(u));
                }
            }
        }
        pages
    }

    /// Fetch one page, following redirects that stay on allowed origins and robots.txt.
    pub fn fetch(&self, url: &Url, depth: usize) -> Outcome {
        let mut current = url.clone();
        let mut chain = vec![url.to_string()];
        for _ in 0..=MAX_REDIRECTS {
            let mut resp = match self.get(&current) {
                Ok(r) => r,
                Err(e) => return Outcome::Failed(current.to_string(), e),
            };
            let status = resp.status();
            if status.is_redirection() {
                let Some(location) = resp.headers().get("location").and_then(|v| v.to_str().ok()) else {
                    return Outcome::Failed(current.to_string(), format!("HTTP {status} without a Location"));
                };
                let next = match current.join(location) {
                    Ok(u) => normalise(u),
                    Err(e) => return Outcome::Failed(current.to_string(), format!("bad redirect {location:?}: {e}")),
                };
                if chain.contains(&next.to_string()) {
                    chain.push(next.to_string());
                    return Outcome::Failed(url.to_string(), format!("redirect loop: {}", chain.join(" → ")));
                }
                if !self.allowed_origin(&next) {
                    return Outcome::Skipped(
                        url.to_string(),
                        format!("redirects to {next}, another origin (not followed; allow it with --allow-origin)"),
                    );
                }
                if !self.robots_for(&next).allowed(&robots_path(&next)) {
                    return Outcome::Skipped(url.to_string(), format!("redirects to {next}, disallowed by robots.txt"));
                }
                chain.push(next.to_string());
                current = next;
                continue;
            }
            if !status.is_success() {
                return Outcome::Failed(current.to_string(), format!("HTTP {status}"));
            }
            let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            let content_type = header("content-type");
            if let Some(ct) = &content_type
                && !is_html_type(ct)
            {
                return Outcome::Skipped(current.to_string(), format!("not HTML ({ct})"));
            }
            let header_nofollow = header("x-robots-tag").is_some_and(|v| has_directive(&v, &["nofollow", "none"]));
            let limit = self.opts.max_size;
            let mut body = Vec::new();
            let read = resp.body_mut().with_config().limit(u64::MAX).reader().take(limit + 1).read_to_end(&mut body);
            if let Err(e) = read {
                return Outcome::Failed(current.to_string(), format!("reading the body: {e}"));
            }
            let truncated = body.len() as u64 > limit;
            body.truncate(limit as usize);
            if content_type.is_none() && !crate::walk::looks_like_html(&body) {
                return Outcome::Skipped(
                    current.to_string(),
                    "not HTML (no Content-Type, does not look like HTML)".into(),
                );
            }
            let charset = content_type.as_deref().and_then(charset_of);
            return Outcome::Page(Fetched {
                url: current,
                depth,
                status: status.as_u16(),
                charset,
                body,
                truncated,
                header_nofollow,
            });
        }
        Outcome::Failed(url.to_string(), format!("more than {MAX_REDIRECTS} redirects: {}", chain.join(" → ")))
    }

    /// The crawl: breadth-first from `start` (and the sitemap), `concurrency` fetches at a
    /// time, up to `max_pages` requested pages and `max_depth` links away from the start.
    /// `links` extracts the links to follow from a fetched page (None: nofollow).
    pub fn crawl(
        &self,
        start: &Url,
        progress: &Progress<'_>,
        mut on_page: impl FnMut(Fetched) -> Vec<Url>,
    ) -> Vec<(String, String, bool)> {
        let start = normalise(start.clone());
        let mut seen: HashSet<String> = HashSet::new();
        let mut queue: VecDeque<(Url, usize)> = VecDeque::new();
        seen.insert(start.to_string());
        queue.push_back((start.clone(), 0));
        if self.opts.sitemap && self.opts.max_depth > 0 {
            for u in self.sitemap_urls(&start) {
                if seen.insert(u.to_string()) && !obviously_not_html(&u) {
                    queue.push_back((u, 1));
                }
            }
        }
        // (url, reason, failed)
        let mut notes: Vec<(String, String, bool)> = Vec::new();
        let mut requested = 0usize;
        while !queue.is_empty() && requested < self.opts.max_pages {
            let mut batch = Vec::new();
            while batch.len() < self.opts.concurrency.max(1) && requested < self.opts.max_pages {
                let Some((url, depth)) = queue.pop_front() else { break };
                if !self.robots_for(&url).allowed(&robots_path(&url)) {
                    notes.push((url.to_string(), "disallowed by robots.txt".into(), false));
                    continue;
                }
                requested += 1;
                batch.push((url, depth));
            }
            progress(Event::Length((requested + queue.len()).min(self.opts.max_pages)));
            let outcomes: Vec<Outcome> = std::thread::scope(|s| {
                let handles: Vec<_> = batch.iter().map(|(u, d)| s.spawn(move || self.fetch(u, *d))).collect();
                handles
                    .into_iter()
                    .zip(&batch)
                    .map(|(h, (u, _))| {
                        h.join().unwrap_or_else(|_| Outcome::Failed(u.to_string(), "internal error (a bug)".into()))
                    })
                    .collect()
            });
            for outcome in outcomes {
                match outcome {
                    Outcome::Page(page) => {
                        let depth = page.depth;
                        // A redirect target is the page's identity from now on.
                        seen.insert(page.url.to_string());
                        progress(Event::Done(page.url.as_str()));
                        for link in on_page(page) {
                            let link = normalise(link);
                            if depth < self.opts.max_depth
                                && self.allowed_origin(&link)
                                && !obviously_not_html(&link)
                                && seen.insert(link.to_string())
                            {
                                queue.push_back((link, depth + 1));
                            }
                        }
                    }
                    Outcome::Skipped(u, r) => {
                        progress(Event::Done(&u));
                        notes.push((u, r, false));
                    }
                    Outcome::Failed(u, r) => {
                        progress(Event::Done(&u));
                        notes.push((u, r, true));
                    }
                }
            }
        }
        progress(Event::Length(requested));
        if !queue.is_empty() {
            notes.push((
                start.to_string(),
                format!("stopped at --max-pages {}; {} more URLs were not visited", self.opts.max_pages, queue.len()),
                false,
            ));
        }
        notes
    }
}

/// "consentlint/0.1.0 (...)" → "consentlint": the token robots.txt groups are matched with.
fn product_token(user_agent: &str) -> String {
    user_agent.split(['/', ' ']).next().unwrap_or("").to_string()
}

/// A comma-separated robots directive list contains one of `names`.
pub fn has_directive(value: &str, names: &[&str]) -> bool {
    value.split(',').any(|d| names.iter().any(|n| d.trim().eq_ignore_ascii_case(n)))
}

/// `<loc>` values of a sitemap and whether it is a sitemap index. A document that is not XML
/// gives nothing.
pub fn parse_sitemap(text: &str) -> (Vec<String>, bool) {
    let Ok(doc) = roxmltree::Document::parse(text) else { return (Vec::new(), false) };
    let root = doc.root_element();
    let is_index = root.tag_name().name() == "sitemapindex";
    let locs = root
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    (locs, is_index)
}

/// Links to follow from a parsed page (after `<base href>`), and whether the page said
/// nofollow in `<meta name="robots">` (then no links are returned).
pub fn links(doc: &Html, page: &Url) -> (Vec<Url>, bool) {
    let sel = |s: &str| Selector::parse(s).ok();
    let mut nofollow = false;
    if let Some(meta) = sel("meta[name]") {
        for m in doc.select(&meta) {
            let name = m.value().attr("name").unwrap_or("").to_ascii_lowercase();
            let content = m.value().attr("content").unwrap_or("");
            if (name == "robots" || name == "consentlint") && has_directive(content, &["nofollow", "none"]) {
                nofollow = true;
            }
        }
    }
    if nofollow {
        return (Vec::new(), true);
    }
    let base = sel("base[href]")
        .and_then(|s| doc.select(&s).next())
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| page.join(h.trim()).ok())
        .unwrap_or_else(|| page.clone());
    let mut out = Vec::new();
    for (selector, attr) in [("a[href], area[href]", "href"), ("iframe[src], frame[src]", "src")] {
        let Some(s) = sel(selector) else { continue };
        for el in doc.select(&s) {
            let rel = el.value().attr("rel").unwrap_or("");
            if has_directive(&rel.replace(' ', ","), &["nofollow"]) {
                continue;
            }
            if let Some(u) = el.value().attr(attr).and_then(|h| base.join(h.trim()).ok())
                && matches!(u.scheme(), "http" | "https")
            {
                out.push(normalise(u));
            }
        }
    }
    (out, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_and_index() {
        let (locs, index) = parse_sitemap(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc> https://a.test/x </loc></url><url><loc>/y</loc></url></urlset>"#,
        );
        assert_eq!(locs, vec!["https://a.test/x", "/y"]);
        assert!(!index);
        let (locs, index) = parse_sitemap(
            r#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://a.test/s1.xml</loc></sitemap></sitemapindex>"#,
        );
        assert_eq!(locs, vec!["https://a.test/s1.xml"]);
        assert!(index);
        assert_eq!(parse_sitemap("<html>not xml").0.len(), 0);
    }

    #[test]
    fn links_base_nofollow_and_schemes() {
        let page = Url::parse("https://a.test/dir/page.html").unwrap();
        let doc = Html::parse_document(
            r#"<base href="/root/"><a href="x.html#top">x</a><a href="mailto:a@b">m</a>
            <a rel="nofollow" href="/skip">s</a><iframe src="https://a.test/form"></iframe>"#,
        );
        let (l, nf) = links(&doc, &page);
        assert!(!nf);
        let l: Vec<String> = l.iter().map(Url::to_string).collect();
        assert_eq!(l, vec!["https://a.test/root/x.html", "https://a.test/form"]);
        let doc = Html::parse_document(r#"<meta name="ROBOTS" content="noindex, NoFollow"><a href="/x">x</a>"#);
        assert_eq!(links(&doc, &page), (Vec::new(), true));
    }

    #[test]
    fn content_types_and_extensions() {
        assert!(is_html_type("text/html; charset=utf-8"));
        assert!(is_html_type("application/xhtml+xml"));
        assert!(!is_html_type("application/pdf"));
        assert_eq!(charset_of("text/html; Charset=\"ISO-8859-1\"").as_deref(), Some("ISO-8859-1"));
        assert!(obviously_not_html(&Url::parse("https://a.test/f/x.PDF").unwrap()));
        assert!(!obviously_not_html(&Url::parse("https://a.test/v1.2/").unwrap()));
        assert_eq!(product_token("consentlint/0.1.0 (+audit)"), "consentlint");
    }
}
