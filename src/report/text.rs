//! Small text helpers shared by the machine formats: paths with forward slashes, percent-encoded
//! URIs, XML escaping.

use std::path::Path;

use super::display_path;

/// The display path with `/` between components on every platform (CI systems want repository
/// paths, and fingerprints must not change with the OS that computed them).
pub(crate) fn slash_path(p: &Path) -> String {
    let s = display_path(p);
    if std::path::MAIN_SEPARATOR == '\\' {
        let s = s.replace('\\', "/");
        s.strip_prefix("./").map(str::to_string).unwrap_or(s)
    } else {
        s
    }
}

/// A URI reference for a path: relative paths stay relative (resolved against a base such as
/// SARIF's `%SRCROOT%`), absolute ones become `file:` URIs. Everything but unreserved
/// characters, `/` and a few safe sub-delimiters is percent-encoded as UTF-8, so spaces, `%`,
/// `#`, `?`, `:` (which would read as a scheme in a first segment) and non-ASCII names survive.
/// Returns the URI and whether it is relative.
pub(crate) fn path_uri(p: &Path) -> (String, bool) {
    let slashed = slash_path(p);
    if p.is_absolute() {
        // Unix: "/home/x" -> file:///home/x; Windows: "C:/x" -> file:///C:/x (the drive colon
        // is kept, as RFC 8089 writes it).
        let (drive, rest) = match slashed.as_bytes() {
            [d, b':', ..] if d.is_ascii_alphabetic() => slashed.split_at(2),
            _ => ("", slashed.as_str()),
        };
        let rest = rest.trim_start_matches('/');
        (format!("file:///{drive}{}{}", if drive.is_empty() { "" } else { "/" }, percent_encode(rest)), false)
    } else {
        (percent_encode(&slashed), true)
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Text for an XML attribute value (double-quoted) or element content. Characters XML 1.0
/// cannot carry at all (most C0 controls, lone surrogates cannot occur in `str`, U+FFFE/U+FFFF)
/// become U+FFFD; tab, LF and CR are written as character references so attribute-value
/// normalisation keeps them.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}
