//! Known tracking hosts from `rules/trackers.toml`, plus any from the config.

use serde::Deserialize;

const BUILTIN: &str = include_str!("../rules/trackers.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TrackerFile {
    tracker: Vec<Tracker>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tracker {
    pub name: String,
    /// `host` or `host/path-prefix`, lowercase.
    pub patterns: Vec<String>,
}

#[derive(Debug)]
pub struct Trackers {
    pub trackers: Vec<Tracker>,
}

impl Trackers {
    pub fn builtin() -> &'static Trackers {
        static T: std::sync::OnceLock<Trackers> = std::sync::OnceLock::new();
        T.get_or_init(|| Trackers::with_extra(&[]))
    }

    /// The built-in trackers plus host patterns from the config.
    pub fn with_extra(extra: &[String]) -> Trackers {
        let file: TrackerFile = toml::from_str(BUILTIN).unwrap_or_else(|e| panic!("built-in rules/trackers.toml: {e}"));
        let mut trackers = file.tracker;
        if !extra.is_empty() {
            trackers.push(Tracker {
                name: "a tracker listed in consentlint.toml".into(),
                patterns: extra.iter().map(|p| p.to_ascii_lowercase()).collect(),
            });
        }
        Trackers { trackers }
    }

    /// The tracker a URL loads from, if any. Only absolute (`https://`, `http://`) and
    /// protocol-relative (`//`) URLs have a host.
    pub fn find(&self, url: &str) -> Option<&Tracker> {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        let rest = lower
            .strip_prefix("https://")
            .or_else(|| lower.strip_prefix("http://"))
            .or_else(|| lower.strip_prefix("//"))?;
        let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let host = rest[..host_end].rsplit('@').next().unwrap_or("").split(':').next().unwrap_or("");
        let path = &rest[host_end..];
        self.trackers.iter().find(|t| {
            t.patterns.iter().any(|p| {
                let (ph, pp) = p.split_once('/').map_or((p.as_str(), ""), |(h, rest)| (h, rest));
                let host_ok = host == ph || host.strip_suffix(ph).is_some_and(|s| s.ends_with('.'));
                host_ok && (pp.is_empty() || path.strip_prefix('/').is_some_and(|x| x.starts_with(pp)))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_paths() {
        let t = Trackers::builtin();
        assert_eq!(
            t.find("https://www.facebook.com/tr?id=1&ev=PageView").map(|t| t.name.as_str()),
            Some("Meta (Facebook) Pixel")
        );
        assert!(t.find("https://www.facebook.com/acme").is_none());
        assert!(t.find("https://notfacebook.com/tr").is_none());
        assert!(t.find("//r.eu-west-1.awstrack.me/I0/abc").is_some());
        assert!(t.find("/images/logo.png").is_none());
        let extra = Trackers::with_extra(&["Open.Example.com/o".into()]);
        assert!(extra.find("https://open.example.com/o/123.gif").is_some());
        assert!(extra.find("https://open.example.com/img/logo.png").is_none());
    }
}
