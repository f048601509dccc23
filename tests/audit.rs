//! `consentlint audit`: the crawler against a local HTTP server on 127.0.0.1 started by each
//! test (the example site, robots.txt, sitemaps, redirects, slow, failing and huge pages, a
//! redirect loop), directory audits, and the client reports (rendered in headless Chromium).

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use consentlint::audit::{self, Audit, AuditOptions, Event};
use consentlint::lint::Linter;

// ---- a tiny HTTP/1.1 server -------------------------------------------------------------

/// What the server answers for a path.
#[derive(Clone)]
enum Route {
    /// status, content type, body
    Static(u16, &'static str, Vec<u8>),
    Redirect(u16, String),
    /// Answer after sleeping this long.
    Slow(Duration, Vec<u8>),
    /// 500 for the first `n` requests, then 200 with the body.
    FailFirst(usize, Vec<u8>, Arc<AtomicUsize>),
    /// A body of this many bytes of HTML.
    Huge(usize),
}

#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    user_agent: String,
}

struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    fn start(routes: HashMap<String, Route>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (reqs, stopping) = (requests.clone(), stop.clone());
        let routes = Arc::new(routes);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (routes, reqs) = (routes.clone(), reqs.clone());
                std::thread::spawn(move || serve(stream, &routes, &reqs));
            }
        });
        Server { port, requests, stop }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    fn paths(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.path).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut stream: TcpStream, routes: &HashMap<String, Route>, reqs: &Mutex<Vec<Request>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut user_agent = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("user-agent")
        {
            user_agent = v.trim().to_string();
        }
    }
    reqs.lock().unwrap().push(Request { method, path: path.clone(), user_agent });
    let not_found = Route::Static(404, "text/html", b"<h1>Not found</h1>".to_vec());
    let route = routes.get(&path).cloned().unwrap_or(not_found);
    let (status, headers, body): (u16, Vec<(String, String)>, Vec<u8>) = match route {
        Route::Static(s, ct, b) => (s, vec![("Content-Type".into(), ct.into())], b),
        Route::Redirect(s, to) => (s, vec![("Location".into(), to)], Vec::new()),
        Route::Slow(d, b) => {
            std::thread::sleep(d);
            (200, vec![("Content-Type".into(), "text/html".into())], b)
        }
        Route::FailFirst(n, b, count) => {
            if count.fetch_add(1, Ordering::SeqCst) < n {
                (500, vec![("Content-Type".into(), "text/html".into())], b"oops".to_vec())
            } else {
                (200, vec![("Content-Type".into(), "text/html".into())], b)
            }
        }
        Route::Huge(n) => {
            let mut b =
                b"<!DOCTYPE html><form><label><input type=checkbox name=news checked> Send me news</label></form><p>"
                    .to_vec();
            b.resize(n, b'x');
            (200, vec![("Content-Type".into(), "text/html".into())], b)
        }
    };
    let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

/// Every file of examples/audit-site, served at its path (and `/` for index.html).
fn example_site() -> HashMap<String, Route> {
    let root = common::root().join("examples/audit-site");
    let mut routes = HashMap::new();
    for rel in common::files_under("examples/audit-site") {
        let path = common::root().join(&rel);
        let url_path = format!("/{}", path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"));
        let ct = match path.extension().and_then(|e| e.to_str()) {
            Some("html") => "text/html; charset=utf-8",
            Some("js") => "text/javascript",
            Some("xml") => "application/xml",
            _ => "text/plain",
        };
        routes.insert(url_path, Route::Static(200, ct, std::fs::read(&path).unwrap()));
    }
    let index = routes["/index.html"].clone();
    routes.insert("/".into(), index);
    routes.insert("/menu.pdf".into(), Route::Static(200, "application/pdf", b"%PDF-1.4".to_vec()));
    routes
}

fn html(s: &str) -> Route {
    Route::Static(200, "text/html", s.as_bytes().to_vec())
}

fn fast() -> AuditOptions {
    AuditOptions {
        delay: Duration::ZERO,
        timeout: Duration::from_secs(5),
        retries: 0,
        backoff: Duration::from_millis(20),
        ..AuditOptions::default()
    }
}

fn crawl(server: &Server, opts: &AuditOptions) -> Audit {
    audit::audit_url(&Linter::default(), &server.url("/"), opts, &|_: Event<'_>| {}).expect("audit")
}

fn locations(a: &Audit) -> Vec<String> {
    a.pages
        .iter()
        .map(|p| {
            p.location
                .trim_start_matches("http://127.0.0.1:")
                .split_once('/')
                .map_or(String::new(), |(_, p)| format!("/{p}"))
        })
        .collect()
}

/// (path, line, rule) of every finding.
fn found(a: &Audit) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for (file, loc) in a.result.files.iter().zip(locations(a)) {
        for f in &file.findings {
            out.push((loc.clone(), file.source.line_col(f.span.start).line, f.rule.to_string()));
        }
    }
    out.sort();
    out
}

fn skipped_reason<'a>(a: &'a Audit, suffix: &str) -> Option<&'a str> {
    a.skipped.iter().find(|(u, _)| u.ends_with(suffix)).map(|(_, r)| r.as_str())
}

fn error_reason(a: &Audit, suffix: &str) -> Option<String> {
    a.result.errors.iter().find(|(u, _)| u.to_string_lossy().ends_with(suffix)).map(|(_, r)| r.clone())
}

// ---- the example site ---------------------------------------------------------------------

#[test]
fn crawls_the_example_site_like_check_lints_its_files() {
    let server = Server::start(example_site());
    let a = crawl(&server, &fast());
    let pages = locations(&a);
    for p in ["/", "/about.html", "/contact.html", "/signup.html", "/app.html", "/privacy.html", "/newsletter.html"] {
        assert!(pages.contains(&p.to_string()), "{p} not crawled: {pages:?}");
    }
    // /index.html (from the sitemap) is the same page as /: fetched, linted once.
    assert!(skipped_reason(&a, "/index.html").is_some_and(|r| r.contains("same content as")), "{:?}", a.skipped);
    assert!(!pages.iter().any(|p| p.starts_with("/private/")), "robots.txt excluded /private/: {pages:?}");
    assert!(!server.paths().iter().any(|p| p.starts_with("/private/")), "a disallowed URL was requested");
    assert!(skipped_reason(&a, "/private/staff.html").is_some_and(|r| r.contains("robots.txt")));
    assert!(skipped_reason(&a, "/menu.pdf").is_none(), "a .pdf link is not even requested");
    assert!(!server.paths().contains(&"/menu.pdf".to_string()));
    assert!(!server.paths().iter().any(|p| p == "/subscribe" || p == "/contact"), "form actions never requested");

    // Same findings as `check` on the same files, line for line.
    let linter = Linter::default();
    for (file, loc) in a.result.files.iter().zip(locations(&a)) {
        let rel = if loc == "/" { "index.html".to_string() } else { loc.trim_start_matches('/').to_string() };
        let checked = common::lint_file(&linter, &Path::new("examples/audit-site").join(&rel));
        let want: Vec<_> = checked.findings.iter().map(|f| (f.rule, f.span.clone(), f.message.clone())).collect();
        let got: Vec<_> = file.findings.iter().map(|f| (f.rule, f.span.clone(), f.message.clone())).collect();
        assert_eq!(got, want, "{loc}");
    }
    let rules: Vec<String> = found(&a).into_iter().filter(|(p, ..)| p == "/").map(|(.., r)| r).collect();
    for r in ["missing-privacy-link", "pre-ticked-consent"] {
        assert!(rules.iter().any(|x| x == r), "{r} not in {rules:?}");
    }
    // The app page builds its form with JavaScript: said, not linted as clean silently.
    let app = a.pages.iter().find(|p| p.location.ends_with("/app.html")).unwrap();
    assert!(app.script_rendered.as_deref().is_some_and(|w| w.contains("#root")), "{:?}", app.script_rendered);

    // Only GET, with a clear User-Agent; robots.txt fetched once.
    let reqs = server.requests();
    assert!(reqs.iter().all(|r| r.method == "GET"), "{reqs:?}");
    assert!(reqs.iter().all(|r| r.user_agent.starts_with("consentlint/")), "{reqs:?}");
    assert_eq!(reqs.iter().filter(|r| r.path == "/robots.txt").count(), 1);
    // Each page once.
    let mut paths = server.paths();
    paths.sort();
    let before = paths.len();
    paths.dedup();
    assert_eq!(before, paths.len(), "a URL was requested twice");
}

#[test]
fn limits_pages_and_depth() {
    let server = Server::start(example_site());
    let a = crawl(&server, &AuditOptions { max_pages: 2, sitemap: false, ..fast() });
    assert_eq!(a.pages.len(), 2, "{:?}", locations(&a));
    assert!(a.skipped.iter().any(|(_, r)| r.contains("--max-pages 2")), "{:?}", a.skipped);
    let a = crawl(&server, &AuditOptions { max_depth: 0, ..fast() });
    assert_eq!(locations(&a), vec!["/"], "depth 0 is the start page only, no sitemap");
}

#[test]
fn paces_requests() {
    let server = Server::start(example_site());
    let t = Instant::now();
    let a = crawl(&server, &AuditOptions { max_pages: 3, sitemap: false, delay: Duration::from_millis(150), ..fast() });
    assert_eq!(a.pages.len(), 3);
    // robots.txt + 3 pages = 4 request starts, 150ms apart at least.
    assert!(t.elapsed() >= Duration::from_millis(450), "{:?}", t.elapsed());
}

// ---- the awkward cases --------------------------------------------------------------------

fn awkward_site(slow: Duration) -> HashMap<String, Route> {
    let links = [
        "/redirect", "/offsite", "/loop-a", "/slow", "/fail", "/flaky", "/huge", "/image", "/nofollow.html",
        "/disallowed-redirect", "/latin1",
    ];
    let index: String = links.iter().map(|l| format!("<a href=\"{l}\">{l}</a>\n")).collect();
    let mut r = HashMap::new();
    r.insert(
        "/".into(),
        html(&format!(
            "<!DOCTYPE html><title>Home</title><p>Plenty of words here to look like a real page with text.</p>{index}"
        )),
    );
    r.insert("/robots.txt".into(), Route::Static(200, "text/plain", b"User-agent: *\nDisallow: /secret\n".to_vec()));
    r.insert("/redirect".into(), Route::Redirect(301, "/target.html".into()));
    r.insert(
        "/target.html".into(),
        html(r#"<form><label><input type="checkbox" name="news" checked> Send me news</label><a href="/privacy">Privacy</a></form>"#),
    );
    r.insert("/offsite".into(), Route::Redirect(302, "http://127.0.0.2:9/elsewhere".into()));
    r.insert("/loop-a".into(), Route::Redirect(302, "/loop-b".into()));
    r.insert("/loop-b".into(), Route::Redirect(302, "/loop-a".into()));
    r.insert("/slow".into(), Route::Slow(slow, b"<p>late</p>".to_vec()));
    r.insert("/fail".into(), Route::Static(503, "text/html", b"down".to_vec()));
    r.insert("/flaky".into(), Route::FailFirst(1, b"<p>back again</p>".to_vec(), Arc::new(AtomicUsize::new(0))));
    r.insert("/huge".into(), Route::Huge(3 * 1024 * 1024));
    r.insert("/image".into(), Route::Static(200, "image/png", vec![0x89, b'P', b'N', b'G']));
    r.insert(
        "/nofollow.html".into(),
        html(r#"<meta name="robots" content="noindex, nofollow"><p>x</p><a href="/never-followed">x</a>"#),
    );
    r.insert("/never-followed".into(), html("<p>x</p>"));
    r.insert("/disallowed-redirect".into(), Route::Redirect(302, "/secret/page".into()));
    r.insert("/secret/page".into(), html("<p>secret</p>"));
    r.insert(
        "/latin1".into(),
        Route::Static(
            200,
            "text/html; charset=ISO-8859-1",
            b"<form><label><input type=checkbox name=n checked> Envoyez-moi des offres par e-mail</label><a href=/privacy>Confidentialit\xe9</a></form>".to_vec(),
        ),
    );
    r
}

#[test]
fn redirects_loops_failures_slow_huge_and_non_html() {
    let server = Server::start(awkward_site(Duration::from_secs(3)));
    let opts = AuditOptions { timeout: Duration::from_secs(1), retries: 1, max_size: 1024 * 1024, ..fast() };
    let a = crawl(&server, &opts);
    let pages = locations(&a);

    // A same-origin redirect is followed and the page is known by its final URL.
    assert!(pages.contains(&"/target.html".to_string()), "{pages:?}");
    assert!(found(&a).contains(&("/target.html".into(), 1, "pre-ticked-consent".into())), "{:?}", found(&a));
    // Off-origin: not followed.
    assert!(skipped_reason(&a, "/offsite").is_some_and(|r| r.contains("another origin")), "{:?}", a.skipped);
    assert!(!server.paths().contains(&"/elsewhere".to_string()));
    // A loop is an error naming the chain, and terminates.
    let lp = error_reason(&a, "/loop-a").expect("loop reported");
    assert!(lp.contains("redirect loop") && lp.contains("/loop-b"), "{lp}");
    // Slow: a timeout, retried once, then reported.
    let slow = error_reason(&a, "/slow").expect("slow page reported");
    assert!(slow.to_lowercase().contains("timeout") || slow.to_lowercase().contains("timed out"), "{slow}");
    assert_eq!(server.paths().iter().filter(|p| *p == "/slow").count(), 2, "one retry");
    // Failing: 503 retried then reported; flaky: the retry succeeds.
    assert!(error_reason(&a, "/fail").is_some_and(|r| r.contains("503")), "{:?}", a.result.errors);
    assert_eq!(server.paths().iter().filter(|p| *p == "/fail").count(), 2);
    assert!(pages.contains(&"/flaky".to_string()), "{pages:?}");
    // Huge: cut at the limit, still linted.
    let huge = a.pages.iter().position(|p| p.location.ends_with("/huge")).expect("huge page linted");
    assert!(a.pages[huge].truncated);
    assert_eq!(a.result.files[huge].source.text.len(), 1024 * 1024);
    assert!(a.result.files[huge].findings.iter().any(|f| f.rule == "pre-ticked-consent"));
    // Non-HTML: skipped by its Content-Type.
    assert!(skipped_reason(&a, "/image").is_some_and(|r| r.contains("image/png")), "{:?}", a.skipped);
    // nofollow: linted, its links not followed.
    assert!(pages.contains(&"/nofollow.html".to_string()));
    assert!(!server.paths().contains(&"/never-followed".to_string()));
    // A redirect into a disallowed path is not followed.
    assert!(skipped_reason(&a, "/disallowed-redirect").is_some_and(|r| r.contains("robots.txt")), "{:?}", a.skipped);
    assert!(!server.paths().contains(&"/secret/page".to_string()));
    // The HTTP charset decodes the page: é, not a replacement character.
    let latin = a.pages.iter().position(|p| p.location.ends_with("/latin1")).unwrap();
    assert!(a.result.files[latin].source.text.contains("Confidentialité"));
    assert!(a.result.files[latin].findings.iter().any(|f| f.rule == "pre-ticked-consent"));
}

#[test]
fn unreachable_start_is_an_error_and_robots_5xx_disallows_all() {
    // Nothing listens on this port once the listener is dropped.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let opts = AuditOptions { retries: 0, ..fast() };
    let a = audit::audit_url(&Linter::default(), &format!("http://127.0.0.1:{port}/"), &opts, &|_: Event<'_>| {})
        .expect("the audit itself runs");
    assert!(a.pages.is_empty());
    assert_eq!(a.result.errors.len(), 1, "{:?}", a.result.errors);

    let mut routes = HashMap::new();
    routes.insert("/".into(), html("<p>home</p>"));
    routes.insert("/robots.txt".into(), Route::Static(503, "text/plain", b"".to_vec()));
    let server = Server::start(routes);
    let a = crawl(&server, &fast());
    assert!(a.pages.is_empty());
    assert!(skipped_reason(&a, "/").is_some_and(|r| r.contains("robots.txt")), "{:?}", a.skipped);
    assert_eq!(server.paths(), vec!["/robots.txt"]);
}

#[test]
fn sitemap_index_seeds_the_crawl() {
    let mut routes = HashMap::new();
    routes.insert("/".into(), html("<p>home, no links</p>"));
    routes.insert("/robots.txt".into(), Route::Static(200, "text/plain", b"Sitemap: /sitemap-index.xml\n".to_vec()));
    routes.insert(
        "/sitemap-index.xml".into(),
        Route::Static(
            200,
            "application/xml",
            br#"<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>/pages.xml</loc></sitemap></sitemapindex>"#.to_vec(),
        ),
    );
    routes.insert(
        "/pages.xml".into(),
        Route::Static(
            200,
            "application/xml",
            br#"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/orphan.html</loc></url><url><loc>http://other.test/x</loc></url></urlset>"#.to_vec(),
        ),
    );
    routes.insert("/orphan.html".into(), html("<p>only in the sitemap</p>"));
    let server = Server::start(routes);
    let a = crawl(&server, &fast());
    assert_eq!(locations(&a), vec!["/", "/orphan.html"]);
    let a = crawl(&server, &AuditOptions { sitemap: false, ..fast() });
    assert_eq!(locations(&a), vec!["/"]);
}

// ---- directory audits ---------------------------------------------------------------------

#[test]
fn directory_audit_lints_every_file_check_would() {
    let linter = Linter::default();
    let a = audit::audit_dir(&linter, &common::root().join("examples/audit-site"), &fast(), &|_: Event<'_>| {});
    let names: Vec<String> =
        a.pages.iter().map(|p| p.location.rsplit("audit-site/").next().unwrap().to_string()).collect();
    for n in ["index.html", "private/staff.html", "emails/spring-offers.html", "app.html"] {
        assert!(names.contains(&n.to_string()), "{n} missing from {names:?}");
    }
    let email = a.pages.iter().position(|p| p.location.ends_with("spring-offers.html")).unwrap();
    let rules: Vec<&str> = a.result.files[email].findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"missing-unsubscribe"), "{rules:?}");
}

// ---- the binary and the reports -----------------------------------------------------------

fn bin() -> Command {
    Command::cargo_bin("consentlint").expect("binary")
}

#[test]
fn cli_writes_html_and_markdown_reports_with_sources() {
    let server = Server::start(example_site());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("out/report.html");
    let out = bin()
        .args(["audit", &server.url("/"), "--delay", "0", "--format", "concise", "--report"])
        .arg(&report)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "errors found → exit 1\n{stdout}\n{stderr}");
    assert!(stdout.contains("/:29:48: pre-ticked-consent"), "{stdout}");
    assert!(stderr.contains("Audited 7 pages"), "{stderr}");
    // The numbers the report shows are the summary of the same crawl.
    let crawled = crawl(&server, &fast());
    let want = audit::summary::summarise(&crawled);
    let want_files = &crawled.result.files;
    let (score, grade) = (want.score, want.grade);
    assert!(want.errors > 0 && score < 100, "the example site has seeded problems");
    assert!(stderr.contains(&format!("score {score}/100, grade {grade}")), "{stderr}");
    assert!(stderr.contains("app.html looks rendered by JavaScript"), "{stderr}");
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "no progress bar when stderr is not a terminal: {stderr:?}"
    );

    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains(&format!(r#"id="score">{score}<"#)), "score in the report");
    assert!(html.contains(&format!(r#"id="grade">{grade}<"#)));
    assert!(!html.contains("<script"), "no scripts in the report");
    for needle in ["http://", "https://"] {
        // Every URL in the report is in an href or text, never loaded: no src= attributes.
        assert!(!html.contains(&format!("src=\"{needle}")), "external resource");
    }
    assert!(html.contains("<mark>checked</mark>"), "the fault is highlighted");
    assert!(html.contains("GDPR Article 7"), "legal basis");
    assert!(html.contains("How to fix"));
    let sources = dir.path().join("out/report-sources");
    let saved: Vec<PathBuf> = std::fs::read_dir(&sources).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(saved.len(), 7, "{saved:?}");
    assert!(html.contains("report-sources/"), "the report links the saved sources");

    let md = dir.path().join("report.md");
    let out = bin().args(["audit", &server.url("/"), "--delay", "0", "-q", "--report"]).arg(&md).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains(&format!("**Score: {score} / 100 · Grade {grade}**")), "{md}");
    assert!(md.contains("| `pre-ticked-consent` |"), "{md}");
    let worst = want.worst_first[0];
    let row = format!(
        "| `/newsletter.html` | {} | {} |",
        consentlint::audit::score::page_score(&want_files[worst].findings),
        want_files[worst].findings.len()
    );
    let first_row = md.lines().find(|l| l.starts_with("| `/")).unwrap_or("");
    assert!(first_row.starts_with(&row), "pages by path, worst first: {first_row:?}, want {row:?}\n{md}");
}

#[test]
fn cli_json_output_is_valid_and_bad_flags_are_usage_errors() {
    let server = Server::start(example_site());
    let out = bin().args(["audit", &server.url("/"), "--delay", "0", "--format", "json", "-q"]).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert!(v.to_string().contains("pre-ticked-consent"));
    for bad in [&["--max-size", "lots"][..], &["--delay", "-1"], &["--report", "x.pdf"]] {
        let out = bin().args(["audit", &server.url("/")]).args(bad).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
    let out = bin().args(["audit", "/no/such/dir"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

// ---- Chromium -----------------------------------------------------------------------------

/// Chromium, or None (locally: skip with a reason; in CI, CI=true: fail).
#[allow(clippy::print_stderr)]
fn chromium() -> Option<PathBuf> {
    match audit::render::find_chromium() {
        Some(p) => Some(p),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("Chromium is required in CI (install the chromium package; .ci/run does)")
        }
        None => {
            eprintln!("skipped: Chromium is not installed (apt-get install chromium)");
            None
        }
    }
}

#[test]
fn render_finds_the_form_built_by_javascript() {
    let Some(program) = chromium() else { return };
    let server = Server::start(example_site());
    let renderer =
        audit::render::Renderer { program, timeout: Duration::from_secs(60), user_agent: audit::default_user_agent() };
    let opts = AuditOptions { renderer: Some(renderer), max_pages: 1, max_depth: 0, ..fast() };
    let a = audit::audit_url(&Linter::default(), &server.url("/app.html"), &opts, &|_: Event<'_>| {}).unwrap();
    assert_eq!(a.pages.len(), 1, "{:?} {:?}", a.skipped, a.result.errors);
    assert!(a.pages[0].rendered, "{:?}", a.skipped);
    let rules: Vec<&str> = a.result.files[0].findings.iter().map(|f| f.rule).collect();
    assert!(rules.contains(&"pre-ticked-consent"), "{rules:?} in {}", a.result.files[0].source.text);
    // Chromium fetched the script itself, with our User-Agent.
    let js = server.requests().into_iter().find(|r| r.path == "/app.js").expect("app.js loaded by Chromium");
    assert!(js.user_agent.starts_with("consentlint/"), "{}", js.user_agent);
}

#[test]
fn report_renders_in_chromium_with_the_key_numbers() {
    let Some(program) = chromium() else { return };
    let server = Server::start(example_site());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    let out = bin().args(["audit", &server.url("/"), "--delay", "0", "-q", "--report"]).arg(&report).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let renderer = audit::render::Renderer { program, timeout: Duration::from_secs(60), user_agent: "test".into() };
    let url = url::Url::from_file_path(&report).unwrap();
    let dom = renderer.dump_dom(url.as_str()).expect("Chromium renders the report");
    // What a person sees: the score, the grade, the counts, the worst page first, as the
    // summary of the same crawl has them.
    let want = audit::summary::summarise(&crawl(&server, &fast()));
    assert!(dom.contains(&format!(r#"id="score">{}</text>"#, want.score)), "score {}", want.score);
    assert!(dom.contains(&format!(r#"<span id="grade">{}</span>"#, want.grade)), "grade");
    assert!(dom.contains(&format!("<b>{}</b>pages audited", want.pages)), "pages");
    assert!(dom.contains(&format!("<b>{}</b>errors", want.errors)), "errors");
    let first_row = dom.split("id=\"pages-table\"").nth(1).and_then(|t| t.split("</tr>").nth(1)).unwrap_or("");
    assert!(first_row.contains("newsletter.html"), "worst page first: {first_row}");
    let png = dir.path().join("report.png");
    renderer.screenshot(url.as_str(), &png, 1000, 1400).expect("screenshot");
    let size = std::fs::metadata(&png).unwrap().len();
    assert!(size > 10_000, "a real picture, {size} bytes");
}
