//! Finding the files to check: explicitly named files always; directories walked the way
//! ripgrep and ruff do (hidden files, .gitignore/.ignore, dependency and build directories
//! skipped).

use std::path::{Path, PathBuf};

/// Extensions checked when found in a directory: HTML, MJML and the HTML template dialects
/// (Handlebars/Mustache, Liquid, Nunjucks, Jinja, Twig, ERB, EJS, Go `html/template`).
pub const EXTENSIONS: &[&str] = &[
    "html", "htm", "xhtml", "shtml", "mjml", "hbs", "handlebars", "mustache", "liquid", "njk", "nunjucks", "j2",
    "jinja", "jinja2", "twig", "erb", "ejs", "gohtml", "gotmpl", "eml",
];

/// Plain-text extensions checked only under an email-like path (`emails/`, `user_mailer/`, a
/// file name saying email): elsewhere a .txt file is rarely an email.
pub const TEXT_EXTENSIONS: &[&str] = &["txt", "text"];

/// Extensions checked only when the file contains HTML: server pages and generic template
/// extensions that as often hold code, text or config (PHP, Smarty `.tpl`, classic ASP, Go
/// `.tmpl`).
pub const SNIFFED_EXTENSIONS: &[&str] = &["php", "tpl", "asp", "tmpl"];

/// Directories never walked into: dependencies and build output the user does not own.
pub const SKIPPED_DIRS: &[&str] = &[
    "node_modules", "vendor", "bower_components", "jspm_packages", "target", "build", "dist", "_site", ".next",
    ".nuxt", ".svelte-kit", "__pycache__", ".venv", "venv", "site-packages",
];

/// A file to check.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub path: PathBuf,
    /// Named on the command line: always checked, whatever its extension.
    pub explicit: bool,
    /// A .php/.tpl/.asp/.tmpl file found in a directory: checked only if it contains HTML.
    pub sniff: bool,
}

#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<Candidate>,
    pub errors: Vec<(PathBuf, String)>,
}

/// What kind of file this path is by name.
pub fn classify_name(path: &Path) -> Option<bool> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".blade.php") {
        return Some(false);
    }
    let ext = name.rsplit_once('.')?.1;
    let text_email = TEXT_EXTENSIONS.contains(&ext) && crate::document::email_path(path).is_some();
    if EXTENSIONS.contains(&ext) || text_email {
        Some(false)
    } else if SNIFFED_EXTENSIONS.contains(&ext) {
        Some(true)
    } else {
        None
    }
}

/// Collect the files to check. The config's `exclude` prunes directories and files while
/// walking (and applies to named files with `force_exclude`); `include`/`extend-include`
/// change which files are picked up besides the built-in extensions.
pub fn collect(paths: &[PathBuf], config: &crate::config::Config, force_exclude: bool) -> Walk {
    let mut walk = Walk::default();
    for root in paths {
        let meta = match std::fs::metadata(root) {
            Ok(m) => m,
            Err(e) => {
                walk.errors.push((root.clone(), io_reason(&e)));
                continue;
            }
        };
        if !meta.is_dir() {
            if !(force_exclude && config.is_excluded(root, false)) {
                walk.files.push(Candidate { path: root.clone(), explicit: true, sniff: false });
            }
            continue;
        }
        if force_exclude && config.is_excluded(root, true) {
            continue;
        }
        let excluder = config.excluder();
        let walker = ignore::WalkBuilder::new(root)
            .hidden(true)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .ignore(true)
            .parents(true)
            .require_git(false)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if e.depth() == 0 {
                    return true;
                }
                if is_dir && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()) {
                    return false;
                }
                !excluder.is_excluded(e.path(), is_dir)
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    let sniff = match config.includes(e.path()) {
                        Some(true) => Some(false),
                        Some(false) => None,
                        None => classify_name(e.path()),
                    };
                    if let Some(sniff) = sniff {
                        walk.files.push(Candidate { path: e.into_path(), explicit: false, sniff });
                    }
                }
                Err(err) => {
                    let path = match &err {
                        ignore::Error::WithPath { path, .. } => path.clone(),
                        _ => root.clone(),
                    };
                    walk.errors.push((path, err.to_string()));
                }
            }
        }
    }
    walk.files.sort();
    walk.files.dedup_by(|a, b| {
        if a.path == b.path {
            b.explicit |= a.explicit;
            true
        } else {
            false
        }
    });
    walk
}

/// Does a PHP/Smarty/ASP/`.tmpl` file contain HTML markup (not just code)?
pub fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    const TAGS: &[&[u8]] = &[
        b"<!doctype", b"<html", b"<body", b"<form", b"<div", b"<table", b"<input", b"<p>", b"<p ", b"<a ", b"<span",
        b"<label", b"<select", b"<section", b"<ul", b"<h1", b"<h2", b"<button", b"<td", b"<img",
    ];
    TAGS.iter().any(|t| lower.windows(t.len()).any(|w| w == *t))
}

/// A short reason for an I/O error, without Rust's "(os error 2)" noise.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_lowercase(),
                None => s,
            }
        }
    }
}

/// Why a file's bytes should not be linted as markup, if so (checked before parsing).
pub fn unlintable(bytes: &[u8]) -> Option<String> {
    // Like git and ripgrep: a NUL byte in the first 8 KiB means binary (UTF-16 text starts with
    // a BOM and is decoded instead).
    let head = &bytes[..bytes.len().min(8192)];
    let utf16 = head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]);
    if !utf16 && head.contains(&0) {
        return Some("binary file (contains NUL bytes), skipped".into());
    }
    // Cheap bounds first: the depth cannot exceed the number of `<`, and a tag needs two bytes an
    // attribute; almost every file is ruled out without scanning its tags.
    let depth = if memchr::memchr_iter(b'<', bytes).count() > MAX_NESTING { max_nesting(bytes) } else { 0 };
    if depth > MAX_NESTING {
        return Some(format!(
            "elements nested more than {MAX_NESTING} deep (about {depth}): not a real template, skipped (the HTML \
             parser's time grows with the square of the depth)"
        ));
    }
    if bytes.len() > 2 * MAX_ATTRIBUTES
        && let Some(n) = max_attributes_in_a_tag(bytes)
        && n > MAX_ATTRIBUTES
    {
        return Some(format!(
            "a tag with more than {MAX_ATTRIBUTES} attributes ({n}): not a real template, skipped (the HTML parser's \
             duplicate-attribute check would take hours)"
        ));
    }
    None
}

/// Deeper nesting than this marks generated or hostile input (real templates stay under 100).
pub const MAX_NESTING: usize = 5_000;

/// Elements that never nest (void) or close themselves implicitly when a sibling starts, so a
/// missing end tag does not deepen the tree.
const NON_NESTING: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param", b"source",
    b"track", b"wbr", b"p", b"li", b"dt", b"dd", b"option", b"optgroup", b"tr", b"td", b"th", b"tbody", b"thead",
    b"tfoot", b"rb", b"rt", b"rp", b"colgroup", b"caption", b"image", b"keygen", b"basefont", b"bgsound", b"frame",
];

/// An upper estimate of the nesting depth: start tags that nest minus end tags, at most.
fn max_nesting(bytes: &[u8]) -> usize {
    let mut depth: usize = 0;
    let mut max = 0;
    let mut i = 0;
    while let Some(p) = bytes[i..].iter().position(|&b| b == b'<') {
        i += p + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let name_start = if closing { i + 1 } else { i };
        let name_len = bytes[name_start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            continue;
        }
        let name = &bytes[name_start..name_start + name_len];
        if NON_NESTING.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            let self_closing = bytes[name_start..]
                .iter()
                .position(|&b| b == b'>')
                .is_some_and(|e| e > 0 && bytes[name_start + e - 1] == b'/');
            if !self_closing {
                depth += 1;
                max = max.max(depth);
            }
        }
    }
    max
}

/// More attributes than this in one tag marks generated or hostile input.
pub const MAX_ATTRIBUTES: usize = 10_000;

/// The most attribute-like tokens in any one tag, scanning quotes; stops early past the limit.
fn max_attributes_in_a_tag(bytes: &[u8]) -> Option<usize> {
    let mut max = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'<' && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            let mut j = i + 1;
            let mut count = 0usize;
            let mut in_space = false;
            let mut quote: Option<u8> = None;
            while j < bytes.len() {
                let b = bytes[j];
                match quote {
                    Some(q) if b == q => quote = None,
                    Some(_) => {}
                    None if b == b'"' || b == b'\'' => quote = Some(b),
                    None if b == b'>' => break,
                    None if b.is_ascii_whitespace() => in_space = true,
                    None => {
                        if in_space {
                            count += 1;
                            in_space = false;
                        }
                    }
                }
                j += 1;
            }
            max = max.max(count);
            if max > MAX_ATTRIBUTES {
                return Some(max);
            }
            i = j;
        }
        i += 1;
    }
    (max > 0).then_some(max)
}

#[cfg(test)]
mod tests {
    use super::classify_name;
    use std::path::Path;

    #[test]
    fn template_dialect_extensions() {
        for name in [
            "a.mjml", "a.hbs", "a.handlebars", "a.mustache", "a.liquid", "a.njk", "a.nunjucks", "a.j2", "a.jinja",
            "a.jinja2", "a.twig", "a.html.twig", "a.erb", "a.html.erb", "a.ejs", "a.gohtml", "a.gotmpl", "a.blade.php",
            "a.mjml.hbs", "A.HTML",
        ] {
            assert_eq!(classify_name(Path::new(name)), Some(false), "{name}");
        }
        for name in ["a.php", "a.tpl", "a.asp", "a.tmpl"] {
            assert_eq!(classify_name(Path::new(name)), Some(true), "{name}");
        }
        for name in ["a.rs", "a.txt", "a.json", "Makefile"] {
            assert_eq!(classify_name(Path::new(name)), None, "{name}");
        }
    }
}
