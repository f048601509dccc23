//! Pathological inputs: a clear message, no crash, no hang, and the other files still checked.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const BAD: &str =
    "<form><label><input type=checkbox name=newsletter checked> Newsletter (unsubscribe at any time)</label></form>\n";

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::cargo_bin("consentlint").unwrap().current_dir(dir).args(args).arg("--no-cache").output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn giant_files_are_skipped_with_a_warning_and_the_limit_is_configurable() {
    let d = tempfile::tempdir().unwrap();
    // 50 MB on a single line.
    let mut big = Vec::with_capacity(50 * 1024 * 1024 + 100);
    big.extend_from_slice(b"<p>");
    big.resize(50 * 1024 * 1024, b'x');
    fs::write(d.path().join("big.html"), &big).unwrap();
    fs::write(d.path().join("bad.html"), BAD).unwrap();
    let (code, out, err) = run(d.path(), &["check"]);
    assert_eq!(code, 1, "the other file is still checked: {out}");
    assert!(err.contains("big.html: 52428800 bytes is over the 20971520-byte limit (max-file-size), skipped"), "{err}");
    assert!(out.contains("bad.html"));
    fs::write(d.path().join("consentlint.toml"), "max-file-size = \"60MB\"\n").unwrap();
    fs::write(d.path().join(".git"), "").unwrap();
    let (code, _, err) = run(d.path(), &["check", "big.html"]);
    assert_eq!(code, 0, "a 50 MB one-line file parses when allowed: {err}");
    fs::write(d.path().join("consentlint.toml"), "max-file-size = 10\n").unwrap();
    let (code, _, err) = run(d.path(), &["check", "bad.html"]);
    assert_eq!(code, 0);
    assert!(err.contains("over the 10-byte limit"), "{err}");
}

#[test]
fn a_finding_on_a_very_long_line_is_shown_compactly() {
    let d = tempfile::tempdir().unwrap();
    let long = format!("{}{}{}", "<span>x</span>".repeat(20_000), BAD.trim_end(), "<i>y</i>".repeat(20_000));
    fs::write(d.path().join("min.html"), &long).unwrap();
    let (code, out, err) = run(d.path(), &["check", "min.html"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("min.html:1:280") && out.contains("^^^^^^^ `checked` makes this the default"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() < 400), "no line of the report is huge");
}

#[test]
fn deep_nesting_and_huge_attribute_counts_are_refused_quickly() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("deep.html"), format!("{}{BAD}", "<div>".repeat(100_000))).unwrap();
    let attrs: String = (0..1_000_000).map(|i| format!(" a{i}=1")).collect();
    fs::write(d.path().join("attrs.html"), format!("<input{attrs}>")).unwrap();
    // Deep but real: 2,000 levels are still linted.
    fs::write(d.path().join("ok.html"), format!("{}{BAD}{}", "<div>".repeat(2_000), "</div>".repeat(2_000))).unwrap();
    let start = std::time::Instant::now();
    let (code, out, err) = run(d.path(), &["check"]);
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("deep.html: elements nested more than 5000 deep"), "{err}");
    assert!(err.contains("attrs.html: a tag with more than 10000 attributes"), "{err}");
    assert!(out.contains("ok.html"), "{out}");
}

#[test]
fn binary_empty_and_odd_paths() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("image.html"), [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0xfe]).unwrap();
    fs::write(d.path().join("empty.html"), "").unwrap();
    fs::create_dir(d.path().join("folder.html")).unwrap();
    fs::write(d.path().join("folder.html/inner.html"), BAD).unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.path(), d.path().join("loop")).unwrap();
        std::os::unix::fs::symlink(d.path().join("gone.html"), d.path().join("dangling.html")).unwrap();
    }
    let (code, out, err) = run(d.path(), &["check", "--format", "json"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("image.html: binary file (contains NUL bytes), skipped"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let paths: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|x| x["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["folder.html/inner.html"], "symlinks are not followed (no loop), the directory is walked");
    // Named explicitly: the directory is walked, the dangling link is an error naming it.
    #[cfg(unix)]
    {
        let (code, _, err) = run(d.path(), &["check", "folder.html", "dangling.html"]);
        assert_eq!(code, 2);
        assert!(err.contains("dangling.html: no such file or directory"), "{err}");
    }
    let (code, out, _) = run(d.path(), &["check", "empty.html"]);
    assert_eq!(code, 0);
    assert!(out.contains("No problems found in 1 file"));
}
