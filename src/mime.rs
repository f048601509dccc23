//! Email messages (RFC 5322 / MIME, `.eml`): the header block and the text parts, each decoded
//! (quoted-printable or base64, then any charset) with a map from every byte of the decoded text
//! back to the byte of the ORIGINAL file it came from, so findings in a part point into the file.
//!
//! Best effort, never failing: a header line without a colon is skipped, a multipart without
//! its boundary is read as one text part, bad base64 characters are ignored, an unknown charset
//! is read as UTF-8 with replacement characters. Nesting is limited to `MAX_DEPTH` levels.

use std::ops::Range;

use encoding_rs::{Encoding, UTF_8};

/// Multipart nesting deeper than this is not followed (no real message nests this deep).
const MAX_DEPTH: usize = 16;

/// One header field as written: `Name: value` plus folded continuation lines.
#[derive(Debug, Clone)]
pub struct Header {
    /// The name as written.
    pub name: String,
    /// Unfolded, RFC 2047 encoded words decoded, trimmed.
    pub value: String,
    /// The whole field (name to the end of its last line, without the line break), in file
    /// offsets.
    pub span: Range<usize>,
}

impl Header {
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// A decoded text part.
#[derive(Debug)]
pub struct Part {
    /// `text/html` or `text/plain`.
    pub content_type: String,
    pub text: String,
    /// File offset of each byte of `text`, plus one entry for the end.
    pub map: Vec<u32>,
}

impl Part {
    pub fn is_html(&self) -> bool {
        self.content_type == "text/html"
    }

    /// The file offset of a byte offset in `text`.
    pub fn file_offset(&self, offset: usize) -> usize {
        self.map.get(offset).or(self.map.last()).map_or(0, |&o| o as usize)
    }
}

#[derive(Debug, Default)]
pub struct Message {
    /// The top-level header fields, in order.
    pub headers: Vec<Header>,
    /// The top-level header block, in file offsets (empty when the file has none).
    pub header_span: Range<usize>,
    /// Text parts in document order (attachments skipped).
    pub parts: Vec<Part>,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&Header> {
        self.headers.iter().find(|h| h.is(name))
    }
}

/// Is this path an email message file?
pub fn is_message_path(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("eml"))
}

/// Parse a message.
pub fn parse(bytes: &[u8]) -> Message {
    let mut start = 0;
    // An mbox "From " separator line before the headers.
    if bytes.starts_with(b"From ") {
        start = line_end(bytes, 0).1;
    }
    let (headers, body_start) = read_headers(bytes, start);
    let mut msg = Message { header_span: start..header_block_end(bytes, start, body_start), ..Message::default() };
    if headers.is_empty() {
        // Not a message at all: read the whole file as one text part.
        let ct = if crate::walk::looks_like_html(bytes) { "text/html" } else { "text/plain" };
        msg.header_span = 0..0;
        msg.parts.push(decode_part(bytes, 0..bytes.len(), ct, None, Encoding7::Identity));
        return msg;
    }
    entity(bytes, &headers, body_start..bytes.len(), "text/plain", 0, &mut msg.parts);
    msg.headers = headers;
    msg
}

/// The end of the header block: its last field's line break excluded.
fn header_block_end(bytes: &[u8], start: usize, body_start: usize) -> usize {
    let mut end = body_start.max(start);
    // Drop the blank separator line and the last field's line break.
    for _ in 0..2 {
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
    }
    end
}

/// (end of line content, start of next line) from `i`.
fn line_end(bytes: &[u8], i: usize) -> (usize, usize) {
    match bytes[i..].iter().position(|&b| b == b'\n') {
        Some(p) => {
            let e = i + p;
            let content_end = if e > i && bytes[e - 1] == b'\r' { e - 1 } else { e };
            (content_end, e + 1)
        }
        None => (bytes.len(), bytes.len()),
    }
}

/// Header fields from `start` up to the blank line; returns them and where the body starts.
fn read_headers(bytes: &[u8], start: usize) -> (Vec<Header>, usize) {
    let mut out: Vec<Header> = Vec::new();
    let mut i = start;
    let mut current: Option<(usize, usize, Vec<u8>)> = None; // (start, end, raw unfolded)
    let finish = |cur: Option<(usize, usize, Vec<u8>)>, out: &mut Vec<Header>| {
        let Some((s, e, raw)) = cur else { return };
        let Some(colon) = raw.iter().position(|&b| b == b':') else { return };
        let name = String::from_utf8_lossy(&raw[..colon]).trim().to_string();
        if name.is_empty() || name.contains(' ') {
            return;
        }
        let value = decode_words(&String::from_utf8_lossy(&raw[colon + 1..]));
        out.push(Header { name, value: value.trim().to_string(), span: s..e });
    };
    while i < bytes.len() {
        let (content_end, next) = line_end(bytes, i);
        let line = &bytes[i..content_end];
        if line.is_empty() {
            finish(current.take(), &mut out);
            return (out, next);
        }
        if matches!(line[0], b' ' | b'\t') {
            if let Some((_, e, raw)) = current.as_mut() {
                raw.push(b' ');
                raw.extend_from_slice(trim_start(line));
                *e = content_end;
            }
        } else if line.contains(&b':') {
            finish(current.take(), &mut out);
            current = Some((i, content_end, line.to_vec()));
        } else if out.is_empty() && current.is_none() {
            // The first line is not a header: there is no header block.
            return (Vec::new(), start);
        } else {
            // A stray line in the header block: skip it.
            finish(current.take(), &mut out);
        }
        i = next;
    }
    finish(current.take(), &mut out);
    (out, bytes.len())
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

/// Content-Type: lowercased `type/subtype` and its parameters (names lowercased).
fn content_type(headers: &[Header], default: &str) -> (String, Vec<(String, String)>) {
    let Some(h) = headers.iter().find(|h| h.is("content-type")) else {
        return (default.to_string(), Vec::new());
    };
    let mut pieces = split_params(&h.value).into_iter();
    let ct = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
    let params = pieces
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().trim_matches('"').to_string()))
        })
        .collect();
    let ct = if ct.contains('/') { ct } else { default.to_string() };
    (ct, params)
}

/// Split on `;` outside double quotes.
fn split_params(v: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in v.chars() {
        if c == '"' {
            quoted = !quoted;
        }
        if c == ';' && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

#[derive(Debug, Clone, Copy)]
enum Encoding7 {
    Identity,
    QuotedPrintable,
    Base64,
}

/// One MIME entity: recurse into multiparts and attached messages, decode text parts.
fn entity(bytes: &[u8], headers: &[Header], body: Range<usize>, default: &str, depth: usize, out: &mut Vec<Part>) {
    let (ct, params) = content_type(headers, default);
    let attachment =
        headers.iter().any(|h| h.is("content-disposition") && h.value.to_ascii_lowercase().starts_with("attachment"));
    if attachment {
        return;
    }
    if let Some(sub) = ct.strip_prefix("multipart/") {
        let Some(boundary) = param(&params, "boundary").filter(|b| !b.is_empty()) else {
            // No boundary: best effort, read it as one text part.
            out.push(decode_part(bytes, body, "text/plain", None, Encoding7::Identity));
            return;
        };
        if depth >= MAX_DEPTH {
            return;
        }
        let child_default = if sub == "digest" { "message/rfc822" } else { "text/plain" };
        for section in sections(bytes, body, boundary.as_bytes()) {
            let (h, b) = read_headers(bytes, section.start);
            let b = if h.is_empty() {
                // No headers: the blank line may be missing; the section is all body.
                section.start..section.end
            } else {
                b.min(section.end)..section.end
            };
            entity(bytes, &h, b, child_default, depth + 1, out);
        }
        return;
    }
    if ct == "message/rfc822" || ct == "message/global" {
        if depth >= MAX_DEPTH {
            return;
        }
        let (h, b) = read_headers(bytes, body.start);
        entity(bytes, &h, b.min(body.end).max(body.start)..body.end, "text/plain", depth + 1, out);
        return;
    }
    if ct != "text/html" && ct != "text/plain" {
        return;
    }
    let cte = headers
        .iter()
        .find(|h| h.is("content-transfer-encoding"))
        .map(|h| h.value.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let enc = match cte.as_str() {
        "quoted-printable" => Encoding7::QuotedPrintable,
        "base64" => Encoding7::Base64,
        _ => Encoding7::Identity,
    };
    out.push(decode_part(bytes, body, &ct, param(&params, "charset"), enc));
}

/// The body ranges between `--boundary` lines (preamble and epilogue dropped). Each range ends
/// before the line break that precedes the next delimiter.
fn sections(bytes: &[u8], body: Range<usize>, boundary: &[u8]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let mut i = body.start;
    while i < body.end {
        let (content_end, next) = line_end(bytes, i);
        let line = &bytes[i..content_end.min(body.end)];
        if let Some(rest) = line.strip_prefix(b"--").and_then(|l| l.strip_prefix(boundary)) {
            let rest = trim_trailing_ws(rest);
            if rest.is_empty() || rest == b"--" {
                if let Some(s) = open.take() {
                    // The line break before the delimiter belongs to the delimiter.
                    let mut e = i;
                    if e > s && bytes[e - 1] == b'\n' {
                        e -= 1;
                        if e > s && bytes[e - 1] == b'\r' {
                            e -= 1;
                        }
                    }
                    out.push(s..e.max(s));
                }
                if rest == b"--" {
                    return out;
                }
                open = Some(next.min(body.end));
            }
        }
        i = next;
    }
    // A missing closing delimiter: the last part runs to the end.
    if let Some(s) = open {
        out.push(s..body.end);
    }
    out
}

fn trim_trailing_ws(b: &[u8]) -> &[u8] {
    let n = b.iter().rev().take_while(|c| matches!(c, b' ' | b'\t')).count();
    &b[..b.len() - n]
}

/// Transfer-decode then charset-decode a body, keeping the map back to file offsets.
fn decode_part(bytes: &[u8], body: Range<usize>, ct: &str, charset: Option<&str>, enc: Encoding7) -> Part {
    let raw = &bytes[body.clone()];
    let (decoded, dmap) = match enc {
        Encoding7::Identity => (raw.to_vec(), (body.start..body.end).map(|o| o as u32).collect()),
        Encoding7::QuotedPrintable => quoted_printable(raw, body.start),
        Encoding7::Base64 => base64(raw, body.start),
    };
    let encoding = charset.and_then(|c| Encoding::for_label(c.as_bytes())).unwrap_or(UTF_8);
    let (text, map) = charset_decode(&decoded, &dmap, encoding, body.end as u32);
    Part { content_type: ct.to_string(), text, map }
}

/// Quoted-printable (RFC 2045 6.7): `=XX` is one byte (mapped to the `=`), `=` at the end of
/// a line is a soft line break; anything else is itself. A malformed `=` stays as written.
fn quoted_printable(raw: &[u8], base: usize) -> (Vec<u8>, Vec<u32>) {
    let mut out = Vec::with_capacity(raw.len());
    let mut map = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'=' {
            if let (Some(h), Some(l)) = (raw.get(i + 1).and_then(|c| hex(*c)), raw.get(i + 2).and_then(|c| hex(*c))) {
                out.push(h * 16 + l);
                map.push((base + i) as u32);
                i += 3;
                continue;
            }
            // Soft line break: `=`, optional trailing blanks, line break.
            let mut j = i + 1;
            while j < raw.len() && matches!(raw[j], b' ' | b'\t') {
                j += 1;
            }
            if raw.get(j) == Some(&b'\r') && raw.get(j + 1) == Some(&b'\n') {
                i = j + 2;
                continue;
            }
            if raw.get(j) == Some(&b'\n') || j == raw.len() {
                i = (j + 1).min(raw.len().max(j));
                continue;
            }
        }
        out.push(b);
        map.push((base + i) as u32);
        i += 1;
    }
    (out, map)
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Base64: every decoded byte maps to the first character of its 4-character group.
/// Characters outside the alphabet (line breaks, junk) are skipped.
fn base64(raw: &[u8], base: usize) -> (Vec<u8>, Vec<u32>) {
    let mut out = Vec::with_capacity(raw.len() * 3 / 4);
    let mut map = Vec::with_capacity(raw.len() * 3 / 4);
    let mut group = [0u8; 4];
    let mut n = 0;
    let mut group_start = 0;
    for (i, &c) in raw.iter().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => {
                // Padding ends the group early.
                if n >= 2 {
                    flush_b64(&group, n, base + group_start, &mut out, &mut map);
                }
                n = 0;
                continue;
            }
            _ => continue,
        };
        if n == 0 {
            group_start = i;
        }
        group[n] = v;
        n += 1;
        if n == 4 {
            flush_b64(&group, 4, base + group_start, &mut out, &mut map);
            n = 0;
        }
    }
    if n >= 2 {
        flush_b64(&group, n, base + group_start, &mut out, &mut map);
    }
    (out, map)
}

fn flush_b64(g: &[u8; 4], n: usize, at: usize, out: &mut Vec<u8>, map: &mut Vec<u32>) {
    let bytes = [g[0] << 2 | g[1] >> 4, g[1] << 4 | g[2] >> 2, g[2] << 6 | g[3]];
    for b in &bytes[..n - 1] {
        out.push(*b);
        map.push(at as u32);
    }
}

/// Decode `bytes` (each with its file offset in `dmap`) with `enc`; map every output byte to
/// the file offset of the input byte that started its character.
fn charset_decode(bytes: &[u8], dmap: &[u32], enc: &'static Encoding, end: u32) -> (String, Vec<u32>) {
    let (text, char_starts) = crate::source::decode_mapped(bytes, enc);
    let mut map = Vec::with_capacity(text.len() + 1);
    for ((_, c), start) in text.char_indices().zip(&char_starts) {
        let o = dmap.get(*start as usize).copied().unwrap_or(end);
        map.extend(std::iter::repeat_n(o, c.len_utf8()));
    }
    map.push(dmap.last().map_or(end, |l| l + 1));
    (text, map)
}

/// RFC 2047: decode `=?charset?B?...?=` and `=?charset?Q?...?=` words; blanks between two
/// adjacent encoded words are dropped.
pub fn decode_words(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(p) = rest.find("=?") {
        let (before, after) = rest.split_at(p);
        let Some((word, len)) = encoded_word(after) else {
            out.push_str(before);
            out.push_str("=?");
            rest = &after[2..];
            last_was_word = false;
            continue;
        };
        if !(last_was_word && before.trim().is_empty()) {
            out.push_str(before);
        }
        out.push_str(&word);
        rest = &after[len..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: (decoded, length).
fn encoded_word(s: &str) -> Option<(String, usize)> {
    let body = s.strip_prefix("=?")?;
    let q1 = body.find('?')?;
    let charset = body[..q1].split('*').next()?; // RFC 2231 language suffix
    let rest = &body[q1 + 1..];
    let q2 = rest.find('?')?;
    let kind = &rest[..q2];
    let data_and_end = &rest[q2 + 1..];
    let end = data_and_end.find("?=")?;
    let data = &data_and_end[..end];
    if data.contains(' ') {
        return None;
    }
    let bytes = if kind.eq_ignore_ascii_case("b") {
        base64(data.as_bytes(), 0).0
    } else if kind.eq_ignore_ascii_case("q") {
        let d = data.replace('_', " ");
        quoted_printable(d.as_bytes(), 0).0
    } else {
        return None;
    };
    let enc = Encoding::for_label(charset.as_bytes()).unwrap_or(UTF_8);
    let (text, _, _) = enc.decode(&bytes);
    Some((text.into_owned(), 2 + q1 + 1 + q2 + 1 + end + 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(bytes: &'a [u8], p: &Part, needle: &str) -> &'a [u8] {
        let t = p.text.find(needle).unwrap();
        let o = p.file_offset(t);
        &bytes[o..]
    }

    #[test]
    fn headers_fold_and_decode() {
        let m = parse(b"Subject: =?UTF-8?B?w5xiZXI=?= =?ISO-8859-1?Q?_caf=E9?=\r\nList-Unsubscribe:\r\n <https://x.example/u>\r\n\r\nbody");
        assert_eq!(m.header("subject").unwrap().value, "\u{dc}ber caf\u{e9}");
        let lu = m.header("list-unsubscribe").unwrap();
        assert_eq!(lu.value, "<https://x.example/u>");
        assert_eq!(m.parts.len(), 1);
        assert_eq!(m.parts[0].text, "body");
    }

    #[test]
    fn multipart_qp_base64_and_charset_map_back() {
        let html_b64 = "PHA+SGVsbG8gPGEgaHJlZj0ieCI+w5xiZXI8L2E+PC9wPg=="; // <p>Hello <a href="x">Über</a></p>
        let src = format!(
            "From: a@b.c\nContent-Type: multipart/alternative; boundary=\"BB\"\n\npreamble\n--BB\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe, unsub=\nscribe here\n--BB\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{html_b64}\n--BB--\nepilogue\n"
        );
        let bytes = src.as_bytes();
        let m = parse(bytes);
        assert_eq!(m.parts.len(), 2);
        let plain = &m.parts[0];
        assert_eq!(plain.text, "Grüße, unsubscribe here");
        assert!(at(bytes, plain, "üße").starts_with(b"=FC=DF"));
        assert!(at(bytes, plain, "unsubscribe").starts_with(b"unsub=\nscribe"));
        let html = &m.parts[1];
        assert!(html.is_html());
        assert_eq!(html.text, "<p>Hello <a href=\"x\">Über</a></p>");
        // Mapped to the start of the 4-character group holding the byte.
        let o = html.file_offset(html.text.find("<a").unwrap());
        assert_eq!(o, src.find(html_b64).unwrap() + 12); // byte 9 is in the 4th group
    }

    #[test]
    fn nested_multipart_and_attachment() {
        let src = b"Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/alternative; boundary=i\n\n--i\nContent-Type: text/html\n\n<p>hi</p>\n--i--\n--o\nContent-Type: text/plain\nContent-Disposition: attachment; filename=a.txt\n\nattached\n--o--\n";
        let m = parse(src);
        assert_eq!(m.parts.len(), 1);
        assert_eq!(m.parts[0].text, "<p>hi</p>");
    }

    #[test]
    fn malformed_never_panics() {
        for src in [
            &b""[..],
            b"no headers here",
            b"Content-Type: multipart/alternative\n\nno boundary",
            b"Content-Type: multipart/alternative; boundary=x\n\n--x\n",
            b"Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n@@@=",
            b"Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n=\n=4\n=ZZ=",
            b"Subject: =?bogus?X?abc?= =?utf-8?B?",
            b"A: b\n folded\n\n",
            b"\xff\xfe: \xff\n\n\xff",
        ] {
            let m = parse(src);
            for p in &m.parts {
                assert_eq!(p.map.len(), p.text.len() + 1);
                assert!(p.map.iter().all(|&o| o as usize <= src.len()));
            }
        }
        let mut deep = String::new();
        for i in 0..100 {
            deep.push_str(&format!("Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"));
        }
        parse(deep.as_bytes());
    }

    /// Every prefix of a rich message, and every message with one byte flipped: no panic, and
    /// every map entry inside the file.
    #[test]
    fn truncated_and_mutated_messages() {
        let src = "From: a@b.c\nSubject: =?UTF-8?B?w5xiZXI=?=\nContent-Type: multipart/mixed; boundary=\"o\"\n\n--o\nContent-Type: multipart/alternative; boundary=i\n\n--i\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe =\nhier\n--i\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPHA+w5xiZXI8L3A+\n--i--\n--o\nContent-Type: message/rfc822\n\nSubject: inner\n\ninner body\n--o--\n";
        let bytes = src.as_bytes();
        let check = |b: &[u8]| {
            for p in &parse(b).parts {
                assert_eq!(p.map.len(), p.text.len() + 1);
                assert!(p.map.iter().all(|&o| o as usize <= b.len()), "{:?}", String::from_utf8_lossy(b));
            }
        };
        let full = parse(bytes);
        assert_eq!(
            full.parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
            ["Grüße hier", "<p>Über</p>", "inner body"]
        );
        for n in 0..bytes.len() {
            check(&bytes[..n]);
            for flip in [b'\n', b'=', b'-', 0xff] {
                let mut m = bytes.to_vec();
                m[n] = flip;
                check(&m);
            }
        }
    }

    #[test]
    fn header_block_span() {
        let src = b"A: 1\r\nB: 2\r\n\r\nbody";
        let m = parse(src);
        assert_eq!(&src[m.header_span.clone()], b"A: 1\r\nB: 2");
        assert_eq!(&src[m.headers[1].span.clone()], b"B: 2");
    }
}
