//! robots.txt (RFC 9309): the group for our user agent (else `*`), Allow/Disallow with `*` and
//! `$` patterns where the longest match wins and Allow wins a tie, `Crawl-delay`, `Sitemap`.

/// One group: its user agents, its (allow, pattern) rules, its crawl-delay.
type Group = (Vec<String>, Vec<(bool, String)>, Option<f64>);

/// The rules of one robots.txt that apply to us.
#[derive(Debug, Default, Clone)]
pub struct Robots {
    /// (allow, pattern) for our group.
    rules: Vec<(bool, String)>,
    /// `Crawl-delay` of our group, in seconds.
    pub crawl_delay: Option<f64>,
    /// `Sitemap:` lines (they apply to every group).
    pub sitemaps: Vec<String>,
}

impl Robots {
    /// Everything allowed (no robots.txt, or a 4xx for it, as RFC 9309 says).
    pub fn allow_all() -> Robots {
        Robots::default()
    }

    /// Nothing allowed (robots.txt unreachable with a 5xx: RFC 9309 says assume complete
    /// disallow).
    pub fn disallow_all() -> Robots {
        Robots { rules: vec![(false, "/".into())], ..Robots::default() }
    }

    /// Parse robots.txt for `agent` (the product token, e.g. "consentlint"; matched
    /// case-insensitively against each `User-agent` line). Groups naming our agent win over `*`;
    /// several groups for the same agent are merged.
    pub fn parse(text: &str, agent: &str) -> Robots {
        let agent = agent.to_ascii_lowercase();
        let mut sitemaps = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut in_agents = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else { continue };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if !in_agents {
                        groups.push((Vec::new(), Vec::new(), None));
                    }
                    in_agents = true;
                    if let Some(g) = groups.last_mut() {
                        g.0.push(value.to_ascii_lowercase());
                    }
                }
                "allow" | "disallow" => {
                    in_agents = false;
                    // An empty Disallow allows everything: it adds no rule.
                    if let Some(g) = groups.last_mut()
                        && !value.is_empty()
                    {
                        g.1.push((key == "allow", value.to_string()));
                    }
                }
                "crawl-delay" => {
                    in_agents = false;
                    if let Some(g) = groups.last_mut() {
                        g.2 = value.parse::<f64>().ok().filter(|d| d.is_finite() && *d >= 0.0);
                    }
                }
                "sitemap" => sitemaps.push(value.to_string()),
                _ => {}
            }
        }
        let matches_us = |a: &String| a != "*" && !a.is_empty() && agent.starts_with(a.as_str());
        let mine: Vec<_> = groups.iter().filter(|g| g.0.iter().any(matches_us)).collect();
        let chosen =
            if mine.is_empty() { groups.iter().filter(|g| g.0.iter().any(|a| a == "*")).collect() } else { mine };
        let mut robots = Robots { sitemaps, ..Robots::default() };
        for g in chosen {
            robots.rules.extend(g.1.iter().cloned());
            robots.crawl_delay = robots.crawl_delay.or(g.2);
        }
        robots
    }

    /// Whether `path` (path plus query, starting with `/`) may be fetched.
    pub fn allowed(&self, path: &str) -> bool {
        if path == "/robots.txt" {
            return true;
        }
        let mut best: Option<(usize, bool)> = None;
        for (allow, pattern) in &self.rules {
            if pattern_matches(pattern, path) {
                let len = pattern.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// A robots.txt path pattern: a prefix match where `*` matches any run of characters and a
/// trailing `$` anchors the end. Percent-encoding is compared as written.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let (pattern, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if !path.starts_with(part) {
                return false;
            }
            pos = part.len();
        } else if i == parts.len() - 1 && anchored {
            // The last part must end the path, at or after `pos`.
            return path.len() >= pos + part.len() && path.ends_with(part);
        } else {
            match path[pos..].find(part) {
                Some(at) => pos += at + part.len(),
                None => return false,
            }
        }
    }
    !anchored || pos == path.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TXT: &str = "\
# comment
User-agent: *
Disallow: /private/
Allow: /private/public.html
Disallow: /*.pdf$
Crawl-delay: 2

User-agent: consentlint
User-agent: other
Disallow: /no-lint/
Disallow: /search?q=*

Sitemap: https://example.com/sitemap.xml
";

    #[test]
    fn our_group_wins_over_star() {
        let r = Robots::parse(TXT, "consentlint");
        assert!(!r.allowed("/no-lint/x.html"));
        assert!(r.allowed("/private/x.html"), "the * group does not apply to us");
        assert!(!r.allowed("/search?q=consent"));
        assert!(r.allowed("/search"));
        assert_eq!(r.crawl_delay, None);
        assert_eq!(r.sitemaps, vec!["https://example.com/sitemap.xml".to_string()]);
    }

    #[test]
    fn star_group_longest_match_and_anchors() {
        let r = Robots::parse(TXT, "somebot");
        assert!(!r.allowed("/private/x.html"));
        assert!(r.allowed("/private/public.html"), "the longer Allow wins");
        assert!(!r.allowed("/files/a.pdf"));
        assert!(r.allowed("/files/a.pdf.html"), "$ anchors the end");
        assert!(r.allowed("/"));
        assert_eq!(r.crawl_delay, Some(2.0));
    }

    #[test]
    fn empty_disallow_tie_and_robots_txt_itself() {
        let r = Robots::parse("User-agent: *\nDisallow:\n", "consentlint");
        assert!(r.allowed("/anything"));
        let r = Robots::parse("User-agent: *\nDisallow: /a\nAllow: /a\n", "consentlint");
        assert!(r.allowed("/a/b"), "Allow wins a tie");
        assert!(Robots::disallow_all().allowed("/robots.txt"));
        assert!(!Robots::disallow_all().allowed("/"));
        assert!(Robots::allow_all().allowed("/x"));
    }

    #[test]
    fn patterns() {
        assert!(pattern_matches("/a*b", "/a/x/b/c"));
        assert!(!pattern_matches("/a*b$", "/a/x/b/c"));
        assert!(pattern_matches("/a*b$", "/a/x/b"));
        assert!(pattern_matches("*", "/"));
        assert!(pattern_matches("/$", "/"));
        assert!(!pattern_matches("/$", "/x"));
        assert!(!pattern_matches("/x*y*z", "/x-z-y"));
    }

    #[test]
    fn garbage_does_not_panic() {
        let r = Robots::parse("\u{0}\u{feff}Disallow: /\nUser-agent\n:::\nCrawl-delay: nan\n", "consentlint");
        assert!(r.allowed("/"), "a rule before any User-agent belongs to no group");
    }
}
