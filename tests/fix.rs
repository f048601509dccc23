//! `--fix` and `--diff`: only the fixed bytes change, line endings and encodings survive,
//! writes are atomic, and a second `--fix` changes nothing.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn bin(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("consentlint").unwrap();
    c.current_dir(dir);
    c
}

fn run(c: &mut Command) -> (i32, String, String) {
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The bytes of `original` without the ranges in `removed` (sorted, non-overlapping).
fn without(original: &[u8], removed: &[(usize, usize)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(s, e) in removed {
        out.extend_from_slice(&original[at..s]);
        at = e;
    }
    out.extend_from_slice(&original[at..]);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn fix_removes_only_the_attribute_and_a_second_fix_changes_nothing() {
    let d = tempfile::tempdir().unwrap();
    // CRLF, a multi-line tag, a pre-ticked radio, a conditional checked that must stay, and a
    // Latin-1 file: every byte outside the removed attributes must survive.
    let a = "<form>\r\n  <label><input type=\"checkbox\" name=\"newsletter\" checked> Newsletter</label>\r\n  <label><input type=\"checkbox\" name=\"offers\" {% if u.offers %}checked{% endif %}> Offers</label>\r\n  <input type=\"checkbox\"\r\n         name=\"sms_opt_in\"\r\n         checked\r\n         id=\"sms\"><label for=\"sms\">Text me offers</label>\r\n  <fieldset><legend>Partner offers?</legend>\r\n    <label><input type=radio name=p value=yes checked=\"checked\"> Yes</label>\r\n    <label><input type=radio name=p value=no> No</label></fieldset>\r\n  <a href=\"/privacy\">Privacy</a> You can unsubscribe at any time.\r\n</form>\r\n";
    fs::write(d.path().join("a.j2"), a).unwrap();
    let mut latin = b"<meta charset=\"iso-8859-1\"><form><label><input type=checkbox checked> Ich m".to_vec();
    latin.push(0xF6);
    latin.extend_from_slice(
        b"chte den Newsletter</label><a href=/datenschutz>Datenschutz</a> Jederzeit widerrufbar.</form>\n",
    );
    fs::write(d.path().join("l.html"), &latin).unwrap();

    let (code, diff, err) = run(bin(d.path()).args(["check", "--diff", "--no-cache"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        diff.contains("--- a/a.j2") && diff.contains("+++ b/a.j2") && diff.contains("-         checked\r\n"),
        "{diff}"
    );
    assert!(err.contains("4 fixable findings"), "{err}");
    assert_eq!(fs::read(d.path().join("a.j2")).unwrap(), a.as_bytes(), "--diff writes nothing");

    let (code, out, err) = run(bin(d.path()).args(["check", "--fix", "--no-cache"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("fixed 4 findings"), "{err}");
    assert!(out.contains("No problems found"), "{out}");

    let ab = a.as_bytes();
    let i1 = find(ab, b" checked> Newsletter");
    let i2 = find(ab, b"\r\n         checked\r\n");
    let i3 = find(ab, b" checked=\"checked\"");
    let expected = without(ab, &[(i1, i1 + 8), (i2 + 2, i2 + 2 + 18), (i3, i3 + 18)]);
    assert_eq!(String::from_utf8_lossy(&fs::read(d.path().join("a.j2")).unwrap()), String::from_utf8_lossy(&expected));
    let il = find(&latin, b" checked>");
    assert_eq!(fs::read(d.path().join("l.html")).unwrap(), without(&latin, &[(il, il + 8)]));

    let before: Vec<Vec<u8>> = ["a.j2", "l.html"].iter().map(|f| fs::read(d.path().join(f)).unwrap()).collect();
    let (code, _, err) = run(bin(d.path()).args(["check", "--fix", "--no-cache"]));
    assert_eq!(code, 0);
    assert!(err.contains("fixed 0 findings"), "{err}");
    let after: Vec<Vec<u8>> = ["a.j2", "l.html"].iter().map(|f| fs::read(d.path().join(f)).unwrap()).collect();
    assert_eq!(before, after);
    let names: Vec<String> =
        fs::read_dir(d.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".consentlint-")), "no temporary files left: {names:?}");
}

#[test]
fn fix_moves_selected_off_the_opt_in_option() {
    let d = tempfile::tempdir().unwrap();
    let page = "<form><label for=n>Newsletter</label>\n<select id=n name=newsletter>\n  <option value=yes selected>Yes</option>\n  <option value=no>No</option>\n</select><a href=/privacy>Privacy</a></form>\n";
    fs::write(d.path().join("s.html"), page).unwrap();
    let placeholder = "<form><label for=n>Newsletter</label>\n<select id=n name=newsletter>\n  <option value=\"\">Choose</option>\n  <option value=yes selected>Yes</option>\n</select><a href=/privacy>Privacy</a></form>\n";
    fs::write(d.path().join("p.html"), placeholder).unwrap();
    let (code, out, err) = run(bin(d.path()).args(["check", "--fix", "--no-cache"]));
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        fs::read_to_string(d.path().join("s.html")).unwrap(),
        page.replace("value=yes selected>", "value=yes>").replace("value=no>", "value=no selected>")
    );
    assert_eq!(fs::read_to_string(d.path().join("p.html")).unwrap(), placeholder.replace(" selected>", ">"));
}

#[test]
fn findings_without_a_safe_fix_are_left_alone() {
    let d = tempfile::tempdir().unwrap();
    let page = "<form action=/register><input type=email name=email><input type=password name=pw><input type=hidden name=newsletter value=1><button>Create account</button></form>\n";
    fs::write(d.path().join("h.html"), page).unwrap();
    let (code, _, err) = run(bin(d.path()).args(["check", "--fix", "--no-cache"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("fixed 0 findings"));
    assert_eq!(fs::read_to_string(d.path().join("h.html")).unwrap(), page);
}
