//! `--render`: a real headless Chromium loads the page, runs its scripts, and prints the DOM
//! (`--dump-dom`), which is then linted. One short-lived browser per page: no extra crate, no
//! DevTools session to keep alive, and a fresh profile each time (nothing carries over between
//! pages). The flags keep it off the network except for the page itself.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The Chromium to run and how long a page may take.
#[derive(Debug, Clone)]
pub struct Renderer {
    pub program: PathBuf,
    pub timeout: Duration,
    pub user_agent: String,
}

/// Flags without which Chromium hangs or phones home in a closed network (and as root).
pub const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--hide-scrollbars",
];

/// Find a Chromium: `$CONSENTLINT_CHROMIUM`, then `chromium`, `chromium-browser`,
/// `google-chrome` on PATH.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CONSENTLINT_CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

impl Renderer {
    /// Run Chromium with `extra` arguments and a fresh profile; stdout on success.
    pub fn run(&self, extra: &[&str]) -> Result<Vec<u8>, String> {
        let profile = tempfile::tempdir().map_err(|e| format!("cannot make a browser profile directory: {e}"))?;
        let mut cmd = Command::new(&self.program);
        cmd.args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--user-agent={}", self.user_agent))
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", self.program.display()))?;
        // Read stdout on a thread so a large DOM cannot fill the pipe and stall the browser.
        let mut stdout = child.stdout.take();
        let reader = std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(out) = stdout.as_mut() {
                let _ = out.read_to_end(&mut buf);
            }
            buf
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if start.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("Chromium did not finish within {}s", self.timeout.as_secs_f64()));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(format!("waiting for Chromium: {e}")),
            }
        };
        let out = reader.join().unwrap_or_default();
        if !status.success() {
            return Err(format!("Chromium failed ({status})"));
        }
        Ok(out)
    }

    /// The DOM after scripts ran, serialised as HTML.
    pub fn dump_dom(&self, url: &str) -> Result<String, String> {
        // A virtual time budget lets timers and fetches settle before the DOM is printed.
        let out = self.run(&["--virtual-time-budget=5000", "--dump-dom", url])?;
        if out.is_empty() {
            return Err("Chromium printed no DOM".into());
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// A PNG screenshot of `url` (for the README and the report test).
    pub fn screenshot(&self, url: &str, png: &Path, width: u32, height: u32) -> Result<(), String> {
        self.run(&[
            &format!("--screenshot={}", png.display()),
            &format!("--window-size={width},{height}"),
            "--virtual-time-budget=2000",
            url,
        ])?;
        if png.is_file() { Ok(()) } else { Err(format!("Chromium wrote no {}", png.display())) }
    }
}
