//! Config, suppressions, baseline, cache, stdin and the workflow options, through the binary.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const PRETICKED: &str = "<form>\n  <label><input type=\"checkbox\" name=\"newsletter\" checked> Send me the newsletter (unsubscribe at any time)</label>\n</form>\n";
const CONTACT: &str = "<form action=\"/contact\" method=\"post\">\n  <input type=\"email\" name=\"email\">\n  <a href=\"/legal/data\">How we handle your data</a>\n</form>\n";

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("consentlint").expect("binary");
    c.current_dir(dir).env_remove("NO_COLOR");
    c
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn run(c: &mut Command) -> (i32, String, String) {
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn rules_reported(stdout: &str) -> Vec<(String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir(d.path().join(".git")).unwrap();
    d
}

#[test]
fn config_is_discovered_upwards_and_stops_at_the_repository_root() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "consentlint.toml", "[rules]\npre-ticked-consent = \"off\"\n");
    let d = outer.path().join("repo");
    fs::create_dir_all(d.join(".git")).unwrap();
    write(&d, "site/pages/a.html", PRETICKED);
    // The config above the repository root is not used.
    let (code, _, _) = run(bin(&d).args(["check", "site", "--no-cache"]));
    assert_eq!(code, 1);
    write(&d, "site/.consentlint.toml", "[rules]\npre-ticked-consent = \"off\"\n");
    let (code, out, _) = run(bin(&d).args(["check", "site/pages", "--no-cache"]));
    assert_eq!(code, 0, "{out}");
    // --no-config ignores it; --config picks another.
    let (code, _, _) = run(bin(&d).args(["check", "site/pages", "--no-config", "--no-cache"]));
    assert_eq!(code, 1);
    write(&d, "strict.toml", "[rules]\npre-ticked-consent = \"warn\"\n");
    let (code, out, _) = run(bin(&d).args(["check", "site/pages", "--config", "strict.toml", "--no-cache"]));
    assert_eq!(code, 0);
    assert!(out.contains("Found 1 warning"), "{out}");
    let (code, _, _) =
        run(bin(&d).args(["check", "site/pages", "--config", "strict.toml", "--fail-on", "warning", "--no-cache"]));
    assert_eq!(code, 1);
    let (code, _, err) = run(bin(&d).args(["check", "--config", "missing.toml"]));
    assert_eq!(code, 2);
    assert!(err.contains("missing.toml"), "{err}");
}

#[test]
fn bad_config_points_at_the_spot() {
    let d = repo();
    write(d.path(), "consentlint.toml", "[rules]\npre-ticked-consent = \"warning\"\n");
    write(d.path(), "a.html", PRETICKED);
    let (code, out, err) = run(bin(d.path()).args(["check", "a.html"]));
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("consentlint.toml:2:22"), "{err}");
    assert!(err.contains("unknown variant `warning`, expected one of `off`, `info`, `warn`, `error`"), "{err}");
    write(d.path(), "consentlint.toml", "[rules]\npre-ticked-consnet = \"off\"\n");
    let (code, _, err) = run(bin(d.path()).args(["check", "a.html"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `pre-ticked-consnet`") && err.contains("consentlint.toml:2:1"), "{err}");
    write(d.path(), "consentlint.toml", "includes = [\"x\"]\n");
    let (code, _, err) = run(bin(d.path()).args(["check", "a.html"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown field `includes`"), "{err}");
}

#[test]
fn exclude_include_overrides_and_kinds() {
    let d = repo();
    write(
        d.path(),
        "consentlint.toml",
        r#"exclude = ["legacy/", "*.min.html"]
extend-include = ["templates/**/*.txt"]

[[overrides]]
files = ["emails/**"]
kind = "marketing-email"
rules = { missing-privacy-link = "off" }
"#,
    );
    write(d.path(), "legacy/old.html", PRETICKED);
    write(d.path(), "x.min.html", PRETICKED);
    write(d.path(), "templates/snippet.txt", PRETICKED);
    write(d.path(), "emails/plain.html", "<p>Hello</p>\n");
    let (_, out, _) = run(bin(d.path()).args(["check", "--format", "json", "--no-cache"]));
    let got = rules_reported(&out);
    assert_eq!(
        got,
        [
            ("emails/plain.html".to_string(), "missing-sender-identity".to_string(), 1),
            ("emails/plain.html".to_string(), "missing-unsubscribe".to_string(), 1),
            ("templates/snippet.txt".to_string(), "pre-ticked-consent".to_string(), 2),
        ]
    );
    // --show-files lists the same set.
    let (code, out, _) = run(bin(d.path()).args(["check", "--show-files"]));
    assert_eq!(code, 0);
    assert_eq!(out, "emails/plain.html\ntemplates/snippet.txt\n");
    // Named explicitly, an excluded file is checked, unless --force-exclude.
    let (code, _, _) = run(bin(d.path()).args(["check", "legacy/old.html", "--no-cache"]));
    assert_eq!(code, 1);
    let (code, out, _) = run(bin(d.path()).args(["check", "legacy/old.html", "--force-exclude", "--no-cache"]));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn in_file_kind_marker_vocabulary_and_esp_extensions() {
    let d = repo();
    write(
        d.path(),
        "promo.html",
        "{# consentlint-kind marketing-email #}\n<body>\n<p>Hello {{ crm.first_name }}</p>\n</body>\n",
    );
    write(d.path(), "contact.html", CONTACT);
    let (_, out, _) = run(bin(d.path()).args(["check", "--format", "json", "--no-cache"]));
    let rules: Vec<String> = rules_reported(&out).into_iter().map(|(p, r, _)| format!("{p} {r}")).collect();
    assert_eq!(
        rules,
        ["contact.html missing-privacy-link", "promo.html missing-sender-identity", "promo.html missing-unsubscribe"]
    );
    write(
        d.path(),
        "consentlint.toml",
        "[vocabulary.en]\nprivacy_url = [\"/legal/data\"]\n\n[esp]\nunsubscribe = ['\\{\\{\\s*crm\\.optout_url\\s*\\}\\}']\naddress = ['\\{\\{\\s*crm\\.address\\s*\\}\\}']\n",
    );
    write(
        d.path(),
        "promo.html",
        "{# consentlint-kind marketing-email #}\n<body>\n<a href=\"{{ crm.optout_url }}\">x</a>\n<p>{{ crm.address }}</p>\n</body>\n",
    );
    let (code, out, _) = run(bin(d.path()).args(["check", "--format", "json", "--no-cache"]));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn suppressions_from_the_command_line_and_add_suppressions_is_idempotent() {
    let d = repo();
    write(d.path(), "a.html", &PRETICKED.replace('\n', "\r\n"));
    write(d.path(), "b.html", CONTACT);
    let before_b = fs::read(d.path().join("b.html")).unwrap();
    let (code, _, err) = run(bin(d.path()).args(["check", "--add-suppressions", "--no-cache"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("added suppressions in 2 files"), "{err}");
    let a = fs::read_to_string(d.path().join("a.html")).unwrap();
    assert!(
        a.contains("<form>\r\n  <!-- consentlint-disable-next-line pre-ticked-consent -- TODO: say why this is acceptable -->\r\n  <label>"),
        "{a:?}"
    );
    let (code, out, _) = run(bin(d.path()).args(["check", "--no-cache"]));
    assert_eq!(code, 0, "{out}");
    let snapshot: Vec<Vec<u8>> = ["a.html", "b.html"].iter().map(|f| fs::read(d.path().join(f)).unwrap()).collect();
    let (code, _, _) = run(bin(d.path()).args(["check", "--add-suppressions", "--no-cache"]));
    assert_eq!(code, 0);
    let again: Vec<Vec<u8>> = ["a.html", "b.html"].iter().map(|f| fs::read(d.path().join(f)).unwrap()).collect();
    assert_eq!(snapshot, again, "a second --add-suppressions changes nothing");
    assert_ne!(before_b, again[1]);
    // No temporary files left behind.
    let names: Vec<String> =
        fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".consentlint-")), "{names:?}");
}

#[test]
fn baseline_reports_only_new_findings_and_survives_moved_lines() {
    let d = repo();
    write(d.path(), "a.html", PRETICKED);
    write(d.path(), "b.html", CONTACT.replace("/legal/data", "/about").as_str());
    let (code, _, err) = run(bin(d.path()).args(["check", "--write-baseline", "baseline.json", "--no-cache"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 2 findings to the baseline"), "{err}");
    let (code, out, _) = run(bin(d.path()).args(["check", "--baseline", "baseline.json", "--no-cache"]));
    assert_eq!(code, 0, "{out}");
    // Lines move: still known.
    write(
        d.path(),
        "a.html",
        &format!("<!doctype html>\n\n\n<main>\n{}</main>\n", PRETICKED.replace("  <label>", "        <label>")),
    );
    let (code, out, _) = run(bin(d.path()).args(["check", "--baseline", "baseline.json", "--no-cache"]));
    assert_eq!(code, 0, "{out}");
    // A new finding is reported; a fixed one is listed as removable.
    write(d.path(), "c.html", PRETICKED);
    write(d.path(), "b.html", CONTACT.replace("/legal/data", "/privacy").as_str());
    let (code, out, err) =
        run(bin(d.path()).args(["check", "--baseline", "baseline.json", "--format", "json", "--no-cache"]));
    assert_eq!(code, 1);
    assert_eq!(rules_reported(&out), [("c.html".to_string(), "pre-ticked-consent".to_string(), 2)]);
    assert!(
        err.contains("1 baseline entry is no longer found (fixed)") && err.contains("b.html:1: missing-privacy-link"),
        "{err}"
    );
    write(d.path(), "bad.json", "{\"version\": 7, \"findings\": []}");
    let (code, _, err) = run(bin(d.path()).args(["check", "--baseline", "bad.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("baseline version 7 is not supported"), "{err}");
}

#[test]
fn stdin_with_a_filename() {
    let d = repo();
    write(d.path(), "consentlint.toml", "[[overrides]]\nfiles = [\"emails/**\"]\nkind = \"marketing-email\"\n");
    let (code, out, _) = run(bin(d.path())
        .args(["check", "-", "--stdin-filename", "emails/welcome.html", "--format", "json"])
        .write_stdin("<body><p>Hi</p></body>"));
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        rules_reported(&out),
        [
            ("emails/welcome.html".to_string(), "missing-sender-identity".to_string(), 1),
            ("emails/welcome.html".to_string(), "missing-unsubscribe".to_string(), 1)
        ]
    );
    let (code, out, _) = run(bin(d.path()).args(["check", "-", "--format", "json"]).write_stdin(PRETICKED));
    assert_eq!(code, 1);
    assert_eq!(rules_reported(&out)[0].0, "<stdin>");
    let (code, _, err) = run(bin(d.path()).args(["check", "-", "a.html"]).write_stdin(""));
    assert_eq!(code, 2);
    assert!(err.contains("cannot be combined"), "{err}");
}

#[test]
fn quiet_statistics_and_several_formats() {
    let d = repo();
    write(d.path(), "a.html", PRETICKED);
    write(d.path(), "b.html", PRETICKED);
    let (_, out, _) = run(bin(d.path()).args(["check", "--quiet", "--no-cache"]));
    assert!(out.contains("pre-ticked-consent") && !out.contains("Found"), "{out}");
    let (code, out, _) = run(bin(d.path()).args(["check", "--statistics", "--no-cache"]));
    assert_eq!(code, 1);
    assert!(out.starts_with("     2  pre-ticked-consent  error\n"), "{out}");
    let (code, out, _) =
        run(bin(d.path()).args(["check", "--format", "human", "--output-file", "json=out/report.json", "--no-cache"]));
    assert_eq!(code, 1);
    assert!(out.contains("Found 2 errors"));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.path().join("out/report.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["errors"], 2);
    let (code, _, err) = run(bin(d.path()).args(["check", "--format", "human", "--format", "json"]));
    assert_eq!(code, 2);
    assert!(err.contains("only one format can go to stdout"), "{err}");
}

#[test]
fn second_run_uses_the_cache() {
    let d = repo();
    for i in 0..5 {
        write(d.path(), &format!("p{i}.html"), PRETICKED);
    }
    let (code1, out1, err) = run(bin(d.path()).args(["check", "-v", "--format", "json"]));
    assert!(err.contains("cache: 0 of 5 files reused"), "{err}");
    assert!(d.path().join(".consentlint_cache/.gitignore").is_file());
    let cache_file = d.path().join(".consentlint_cache/results-v1.json");
    let written = fs::read(&cache_file).unwrap();
    fs::write(&cache_file, [written.as_slice(), b" "].concat()).unwrap();
    let (code2, out2, err) = run(bin(d.path()).args(["check", "-v", "--format", "json"]));
    assert!(err.contains("cache: 5 of 5 files reused"), "{err}");
    assert_eq!((code1, &out1), (code2, &out2), "cached results are the same results");
    // A run that only reused results leaves the cache file alone (the trailing space stays).
    assert_eq!(fs::read(&cache_file).unwrap(), [written.as_slice(), b" "].concat(), "a warm run rewrote the cache");
    write(d.path(), "p0.html", "<p>fixed</p>");
    let (_, _, err) = run(bin(d.path()).args(["check", "-v"]));
    assert!(err.contains("cache: 4 of 5 files reused"), "{err}");
    // A deleted file's entry goes with the next write; the others stay.
    fs::remove_file(d.path().join("p4.html")).unwrap();
    write(d.path(), "p0.html", "<p>fixed again</p>");
    let (_, _, err) = run(bin(d.path()).args(["check", "-v"]));
    assert!(err.contains("cache: 3 of 4 files reused"), "{err}");
    assert!(!fs::read_to_string(&cache_file).unwrap().contains("p4.html"), "stale entry kept");
    write(d.path(), "p4.html", PRETICKED);
    let (_, _, err) = run(bin(d.path()).args(["check", "-v"]));
    assert!(err.contains("cache: 4 of 5 files reused"), "{err}");
    // A run over one file keeps the others' entries.
    let (_, _, err) = run(bin(d.path()).args(["check", "-v", "p1.html"]));
    assert!(err.contains("cache: 1 of 1 files reused"), "{err}");
    let (_, _, err) = run(bin(d.path()).args(["check", "-v"]));
    assert!(err.contains("cache: 5 of 5 files reused"), "{err}");
    // A config change invalidates everything.
    write(d.path(), "consentlint.toml", "[rules]\nbundled-consent = \"warn\"\n");
    let (_, _, err) = run(bin(d.path()).args(["check", "-v"]));
    assert!(err.contains("cache: 0 of 5 files reused"), "{err}");
    let e = repo();
    write(e.path(), "a.html", PRETICKED);
    run(bin(e.path()).args(["check", "--no-cache"]));
    assert!(!e.path().join(".consentlint_cache").exists());
}

#[test]
fn init_writes_a_config_that_parses() {
    let d = repo();
    let (code, _, err) = run(bin(d.path()).arg("init"));
    assert_eq!(code, 0, "{err}");
    let text = fs::read_to_string(d.path().join("consentlint.toml")).unwrap();
    assert!(text.contains("[suppressions]"));
    let (code, _, err) = run(bin(d.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    write(d.path(), "a.html", "<p>ok</p>");
    let (code, _, err) = run(bin(d.path()).args(["check", "a.html"]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn failure_paths_exit_2_with_the_path_and_reason() {
    let d = repo();
    write(d.path(), "a.html", PRETICKED);
    // Missing baseline.
    let (code, _, err) = run(bin(d.path()).args(["check", "--baseline", "nope.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("nope.json: no such file or directory"), "{err}");
    // Output file in a place that cannot be written (a file where a directory should be).
    write(d.path(), "blocker", "x");
    let (code, _, err) = run(bin(d.path()).args(["check", "--format", "json", "--output-file", "blocker/out.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot write blocker/out.json"), "{err}");
    // --output-file without a format when several are given.
    let (code, _, err) =
        run(bin(d.path()).args(["check", "--format", "json", "--format", "sarif", "--output-file", "x"]));
    assert_eq!(code, 2);
    assert!(err.contains("FORMAT=PATH"), "{err}");
    // An unreadable config file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        write(d.path(), "consentlint.toml", "[rules]\n");
        let p = d.path().join("consentlint.toml");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&p).is_err() {
            let (code, _, err) = run(bin(d.path()).args(["check", "a.html"]));
            assert_eq!(code, 2);
            assert!(err.contains("consentlint.toml") && err.contains("permission denied"), "{err}");
        }
        fs::set_permissions(&p, fs::Permissions::from_mode(0o644)).unwrap();
    }
    // --stdin-filename without `-`.
    let (code, _, err) = run(bin(d.path()).args(["check", "a.html", "--stdin-filename", "x.html"]));
    assert_eq!(code, 2);
    assert!(err.contains("--stdin-filename needs `-`"), "{err}");
}

#[test]
fn every_format_from_the_command_line() {
    let d = repo();
    write(d.path(), "a.html", PRETICKED);
    for format in ["human", "concise", "json", "jsonl", "sarif", "github", "gitlab", "junit", "checkstyle", "markdown"]
    {
        let (code, out, err) = run(bin(d.path()).args(["check", "a.html", "--no-cache", "--format", format]));
        assert_eq!(code, 1, "{format}: {err}");
        assert!(out.contains("pre-ticked-consent"), "{format}: {out}");
        match format {
            "json" | "sarif" | "gitlab" => {
                serde_json::from_str::<serde_json::Value>(&out).unwrap_or_else(|e| panic!("{format}: {e}"));
            }
            "jsonl" => {
                for line in out.lines() {
                    serde_json::from_str::<serde_json::Value>(line).unwrap();
                }
            }
            "concise" => {
                assert_eq!(out.trim_end(), "a.html:2:51: pre-ticked-consent consent checkbox is opted in by default")
            }
            "github" => assert!(out.starts_with("::error file=a.html,line=2,col=51,"), "{out}"),
            _ => {}
        }
    }
}

/// Profiles: CAN-SPAM turns opt-in consent rules off, a combination takes the strictest level,
/// explicit `[rules]` levels win over the profile, the command line wins over the config, and an
/// unknown profile is an error pointing at the spot in the config.
#[test]
fn profiles_select_rules_and_levels() {
    let d = repo();
    write(d.path(), "a.html", PRETICKED);
    let check =
        |args: &[&str]| run(bin(d.path()).args(["check", "a.html", "--no-cache", "--format", "concise"]).args(args));
    let (code, out, _) = check(&[]);
    assert_eq!((code, out.contains("pre-ticked-consent")), (1, true), "{out}");
    let (code, out, _) = check(&["--profile", "can-spam"]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = check(&["--profile", "can-spam,casl"]);
    assert_eq!((code, out.contains("pre-ticked-consent")), (1, true), "{out}");
    let (code, _, err) = check(&["--profile", "ccpa"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown profile `ccpa`") && err.contains("can-spam"), "{err}");

    write(d.path(), "consentlint.toml", "profile = \"can-spam\"\n");
    let (code, out, _) = check(&[]);
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, _, _) = check(&["--profile", "gdpr"]);
    assert_eq!(code, 1, "--profile wins over the config");
    write(d.path(), "consentlint.toml", "profile = \"can-spam\"\n[rules]\npre-ticked-consent = \"warn\"\n");
    let (code, out, _) = check(&[]);
    assert_eq!((code, out.contains("pre-ticked-consent")), (0, true), "[rules] wins over the profile: {out}");

    write(d.path(), "consentlint.toml", "profile = \"gdpr,pecr\"\n");
    let (code, _, err) = check(&[]);
    assert_eq!(code, 2);
    assert!(err.contains("consentlint.toml:1:11") && err.contains("unknown profile `pecr`"), "{err}");
    assert!(err.contains("profiles are: gdpr, uk-pecr, can-spam, casl, strict"), "{err}");

    // `consentlint rules` shows the levels under the profile in force.
    let (code, out, _) = run(bin(d.path()).args(["rules", "--profile", "can-spam"]));
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.starts_with("pre-ticked-consent") && l.contains(" off ")), "{out}");
    write(d.path(), "consentlint.toml", "profile = \"casl\"\n");
    let (_, out, _) = run(bin(d.path()).args(["rules"]));
    assert!(out.starts_with("levels under profile casl"), "{out}");
    let (_, out, _) = run(bin(d.path()).args(["rules", "--format", "json", "--profile", "gdpr,can-spam"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let level = |name: &str| v.as_array().unwrap().iter().find(|r| r["name"] == name).unwrap()["level"].clone();
    assert_eq!(level("pre-ticked-consent"), "error");
    assert_eq!(level("tracking-pixel"), "info");
    // `consentlint profiles NAME`: each rule's level and its legal source.
    let (code, out, _) = run(bin(d.path()).args(["profiles", "can-spam"]));
    assert_eq!(code, 0);
    assert!(
        out.lines().any(|l| l.starts_with("missing-unsubscribe") && l.contains("error") && l.contains("7704")),
        "{out}"
    );
    let (code, _, err) = run(bin(d.path()).args(["profiles", "ccpa"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown profile `ccpa`"), "{err}");
}

/// -v says when an email is cold outreach, and which phrases made it so.
#[test]
fn verbose_shows_cold_outreach() {
    let d = repo();
    write(
        d.path(),
        "outreach/intro.html",
        "<p>Hi,</p><p>I came across your profile. Quick question: would you be open to a 15-minute call?</p>\n",
    );
    let (_, _, err) = run(bin(d.path()).args(["check", "-v", "--no-cache", "outreach/intro.html"]));
    assert!(err.contains("marketing email (cold outreach)") && err.contains("\"Quick question\""), "{err}");
}

/// The pre-commit hook's `files` pattern names every extension a directory walk checks, and
/// plain-text files only under an email path.
#[test]
fn precommit_hook_files_pattern_matches_the_walker() {
    let manifest = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml")).unwrap();
    let pattern =
        manifest.lines().find_map(|l| l.trim().strip_prefix("files:")).expect("a files: line").trim().to_string();
    let re = regex::Regex::new(&pattern).unwrap();
    for ext in consentlint::walk::EXTENSIONS.iter().chain(consentlint::walk::SNIFFED_EXTENSIONS) {
        assert!(re.is_match(&format!("site/page.{ext}")), "the hook skips .{ext}");
        assert!(re.is_match(&format!("site/PAGE.{}", ext.to_uppercase())), "case: .{ext}");
    }
    for text in consentlint::walk::TEXT_EXTENSIONS {
        assert!(re.is_match(&format!("emails/digest.{text}")), "emails/*.{text}");
        assert!(re.is_match(&format!("app/views/user_mailer/welcome.{text}.erb")), "mailer .{text}.erb");
        assert!(!re.is_match(&format!("docs/README.{text}")), "a .{text} outside an email path");
    }
}
