//! The real binary: exit codes, walking, errors, subcommands, output formats.

mod common;

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn bin() -> Command {
    let mut c = Command::cargo_bin("consentlint").expect("binary");
    c.env_remove("NO_COLOR").env("CLICOLOR", "0");
    c
}

const PRETICKED: &str = r#"<form><label><input type="checkbox" name="newsletter" checked> Send me the newsletter (unsubscribe at any time)</label></form>"#;
const CLEAN: &str = r#"<form><label><input type="checkbox" name="newsletter"> Send me the newsletter (unsubscribe at any time)</label></form>"#;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn stdout(c: &mut Command) -> (i32, String, String) {
    let out = c.output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn exit_0_when_clean_1_on_errors() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ok.html", CLEAN);
    let (code, out, _) = stdout(bin().arg("check").arg(d.path().join("ok.html")));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No problems found in 1 file"), "{out}");
    write(d.path(), "bad.html", PRETICKED);
    let (code, out, _) = stdout(bin().arg("check").arg(d.path()));
    assert_eq!(code, 1);
    assert!(out.contains("pre-ticked-consent"), "{out}");
    assert!(out.contains("Found 1 error in 2 files"), "{out}");
}

#[test]
fn bare_invocation_checks_the_current_directory() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "sub/bad.html", PRETICKED);
    let (code, out, _) = stdout(bin().current_dir(d.path()));
    assert_eq!(code, 1);
    assert!(out.contains("sub/bad.html:1:"), "{out}");
    let (code, out, _) = stdout(bin().current_dir(d.path()).arg("check").args(["--format", "json"]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"][0]["path"], "sub/bad.html");
}

#[test]
fn unreadable_and_missing_files_exit_2_after_checking_the_rest() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "bad.html", PRETICKED);
    let missing = d.path().join("nope.html");
    let (code, out, err) = stdout(bin().arg("check").arg(&missing).arg(d.path().join("bad.html")));
    assert_eq!(code, 2);
    assert!(err.contains("nope.html: no such file or directory"), "{err}");
    assert!(out.contains("pre-ticked-consent"), "the other file is still checked: {out}");
    // A directory given where a file is read, and a file that is not readable.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = d.path().join("locked.html");
        fs::write(&locked, CLEAN).unwrap();
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&locked).is_err() {
            let (code, _, err) = stdout(bin().arg("check").arg(&locked));
            assert_eq!(code, 2);
            assert!(err.contains("locked.html: permission denied"), "{err}");
        }
    }
}

#[test]
fn walking_skips_what_the_user_does_not_own() {
    let d = tempfile::tempdir().unwrap();
    for rel in [
        "node_modules/pkg/a.html",
        "vendor/lib/a.html",
        ".hidden/a.html",
        "build/a.html",
        "dist/a.html",
        "ignored/a.html",
        "skip-me.html",
    ] {
        write(d.path(), rel, PRETICKED);
    }
    write(d.path(), ".gitignore", "ignored/\nskip-me.html\n");
    write(d.path(), "src/a.html", PRETICKED);
    write(d.path(), "src/notes.txt", PRETICKED);
    write(d.path(), "src/view.php", &format!("<?php echo 1; ?>{PRETICKED}"));
    write(d.path(), "src/code.php", "<?php function f() { return '<x>'; } ?>");
    write(d.path(), "src/email.blade.php", PRETICKED);
    let (_, out, _) = stdout(bin().current_dir(d.path()).args(["check", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut paths: Vec<String> =
        v["diagnostics"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap().to_string()).collect();
    paths.sort();
    assert_eq!(paths, ["src/a.html", "src/email.blade.php", "src/view.php"]);
    assert_eq!(v["summary"]["files_checked"], 3);
    // Named explicitly, an ignored or unknown-extension file is checked.
    let (code, _, _) = stdout(bin().current_dir(d.path()).args(["check", "skip-me.html", "src/notes.txt"]));
    assert_eq!(code, 1);
}

#[test]
fn json_schema_fields() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "f.html", &format!("<p>Привет</p>\r\n{PRETICKED}"));
    let (code, out, _) = stdout(bin().current_dir(d.path()).args(["check", "f.html", "--format", "json"]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    let diag = &v["diagnostics"][0];
    for key in
        ["rule", "severity", "path", "line", "column", "end_line", "end_column", "offset", "length", "message", "help"]
    {
        assert!(!diag[key].is_null(), "missing {key}");
    }
    let text = fs::read(d.path().join("f.html")).unwrap();
    let off = diag["offset"].as_u64().unwrap() as usize;
    let len = diag["length"].as_u64().unwrap() as usize;
    assert_eq!(&text[off..off + len], b"checked");
    assert_eq!(diag["line"], 2);
    assert_eq!(diag["end_line"], 2);
    assert_eq!(diag["end_column"].as_u64().unwrap() - diag["column"].as_u64().unwrap(), 7);
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["files_checked"], 1);
}

#[test]
fn legacy_encoding_offsets_point_into_the_file_bytes() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = b"<meta charset=\"iso-8859-1\"><p>Caf\xe9 cr\xe8me \xe0 la carte</p>".to_vec();
    bytes.extend_from_slice(br#"<form><label><input type="checkbox" checked> Ich m"#);
    bytes.push(0xF6); // ö
    bytes.extend_from_slice(b"chte den Newsletter erhalten (jederzeit widerrufbar)</label></form>");
    fs::write(d.path().join("l.html"), &bytes).unwrap();
    let (code, out, _) = stdout(bin().current_dir(d.path()).args(["check", "l.html", "--format", "json"]));
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let diag = &v["diagnostics"][0];
    let off = diag["offset"].as_u64().unwrap() as usize;
    assert_eq!(&bytes[off..off + 7], b"checked");
}

#[test]
fn invalid_bytes_never_panic() {
    let d = tempfile::tempdir().unwrap();
    let mut bytes = PRETICKED.as_bytes().to_vec();
    bytes.splice(10..10, [0xff, 0xfe, 0x00, 0xc3]);
    fs::write(d.path().join("x.html"), &bytes).unwrap();
    let (code, _, err) = stdout(bin().current_dir(d.path()).args(["check", "x.html"]));
    assert!(code == 0 || code == 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn rules_and_rule_subcommands() {
    let (code, out, _) = stdout(bin().arg("rules"));
    assert_eq!(code, 0);
    for r in consentlint::rules::RULES {
        assert!(out.contains(r.meta().name) && out.contains(r.meta().summary), "{out}");
    }
    let (code, out, _) = stdout(bin().args(["rule", "pre-ticked-consent"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("# pre-ticked-consent"));
    assert!(out.contains("## Why it matters") && out.contains("## References") && out.contains("Planet49"), "{out}");
    let (code, _, err) = stdout(bin().args(["rule", "no-such-rule"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `no-such-rule`"), "{err}");
    let (code, out, _) = stdout(bin().args(["rules", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v.as_array().unwrap().len(), consentlint::rules::RULES.len());
}

#[test]
fn esps_lists_every_provider() {
    let (code, out, _) = stdout(bin().arg("esps"));
    assert_eq!(code, 0);
    for name in
        ["Mailchimp", "SendGrid", "HubSpot", "Klaviyo", "Mailjet", "Campaign Monitor", "Brevo", "Mautic", "listmonk"]
    {
        assert!(out.contains(name), "{name} missing from:\n{out}");
    }
    assert_eq!(out.lines().count(), consentlint::esp::EspTags::builtin().entries.len());
    assert!(out.contains("1 unsubscribe, 1 preferences, 1 address"), "{out}");

    let (code, out, _) = stdout(bin().args(["esps", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), consentlint::esp::EspTags::builtin().entries.len());
    let mc = list.iter().find(|e| e["name"] == "Mailchimp").unwrap();
    assert_eq!(mc["syntax"], "pipe");
    for k in ["unsubscribe", "preferences", "address", "markers"] {
        assert!(!mc[k].as_array().unwrap().is_empty(), "Mailchimp {k}");
    }
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = stdout(bin().args(["check", "--format", "yaml"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = stdout(bin().args(["check", "--select", "nope", "."]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule `nope`"), "{err}");
}

#[test]
fn select_limits_rules() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "f.html", PRETICKED);
    let (code, out, _) = stdout(bin().current_dir(d.path()).args(["check", "--select", "bundled-consent", "f.html"]));
    assert_eq!(code, 0, "{out}");
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "f.html", PRETICKED);
    let (_, plain, _) = stdout(bin().current_dir(d.path()).args(["check", "f.html"]));
    assert!(!plain.contains('\u{1b}'), "no escape codes when piped");
    let (_, coloured, _) = stdout(bin().current_dir(d.path()).args(["check", "--color", "always", "f.html"]));
    assert!(coloured.contains('\u{1b}'));
    let (_, never, _) = stdout(bin().current_dir(d.path()).env("NO_COLOR", "1").args(["check", "f.html"]));
    assert!(!never.contains('\u{1b}'));
}

#[test]
fn verbose_prints_document_kind_and_why() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "emails/promo.html",
        r#"<table role="presentation" cellpadding="0" cellspacing="0"><tr><td>Our newsletter: 20% off, shop now</td></tr></table>"#,
    );
    let (code, _, err) = stdout(bin().current_dir(d.path()).args(["check", "-v", "emails/promo.html"]));
    assert_eq!(code, 1);
    assert!(err.contains("emails/promo.html: marketing email (path is under emails/"), "{err}");
}

#[test]
fn verbose_says_which_language_and_why() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "attr.html",
        r#"<html lang="nb-NO"><body><form><label><input type="checkbox" name="n"> Nyhetsbrev</label></form></body></html>"#,
    );
    write(
        d.path(),
        "detected.html",
        "<form><label><input type=\"checkbox\" name=\"n\"> Chcem dostávať newsletter s novinkami a zľavami</label>\
         <a href=\"/ochrana-osobnych-udajov\">Ochrana osobných údajov</a></form>",
    );
    write(d.path(), "unknown.html", "<form><input name=\"q\"></form>");
    let (_, _, err) = stdout(bin().current_dir(d.path()).args(["check", "-v", "--no-cache", "."]));
    assert!(
        err.contains("attr.html: web page with forms (1 <form> element); language no (lang attribute \"nb-NO\")"),
        "{err}"
    );
    assert!(err.contains("detected.html: web page with forms (1 <form> element); language sk (detected: "), "{err}");
    assert!(err.contains("unknown.html: web page with forms (1 <form> element); language unknown ("), "{err}");
}

#[test]
fn output_is_deterministic_across_runs() {
    let d = tempfile::tempdir().unwrap();
    for i in 0..40 {
        write(d.path(), &format!("d{}/f{i}.html", i % 7), PRETICKED);
    }
    let run = || stdout(bin().current_dir(d.path()).args(["check", "--format", "json"])).1;
    let first = run();
    let strip = |s: &str| s.lines().filter(|l| !l.contains("elapsed")).collect::<Vec<_>>().join("\n");
    for _ in 0..3 {
        assert_eq!(strip(&run()), strip(&first));
    }
    let v: serde_json::Value = serde_json::from_str(&first).unwrap();
    let paths: Vec<&str> = v["diagnostics"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
}

/// `audit` takes the same rule options as `check`: --profile, --select, --config, --fail-on.
#[test]
fn audit_takes_the_rule_options_of_check() {
    let site = common::root().join("examples/audit-site");
    let run = |extra: &[&str]| {
        let mut c = bin();
        c.arg("audit").arg(&site).args(["-q", "--no-config", "--format", "concise"]).args(extra);
        stdout(&mut c)
    };
    let (_, gdpr, _) = run(&[]);
    let (_, can_spam, _) = run(&["--profile", "can-spam"]);
    assert!(!gdpr.contains("missing-postal-address"), "off under gdpr:\n{gdpr}");
    assert!(can_spam.contains("missing-postal-address"), "error under can-spam:\n{can_spam}");
    let (code, only, _) = run(&["--select", "missing-unsubscribe"]);
    assert_eq!(code, 1);
    assert!(only.lines().all(|l| l.contains("missing-unsubscribe")), "{only}");
    let (code, _, err) = run(&["--profile", "nope"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("profiles are"), "{err}");
}
