//! A checked file: its original bytes decoded to text, with a map back to file offsets and a
//! line index for 1-based line/column (columns counted in Unicode code points).

use std::path::PathBuf;

use encoding_rs::{Encoding, UTF_8};
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan};

/// One file as the linter sees it.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given or as found by the walker (relative to the current directory).
    pub path: PathBuf,
    /// The decoded text. For UTF-8 input (the common case) this is the file byte for byte,
    /// BOM included, so text offsets are file offsets.
    pub text: String,
    /// The encoding the file was decoded from.
    pub encoding: &'static Encoding,
    /// For files that were not valid UTF-8: file offset of each text byte offset that starts a
    /// character, plus one entry for the end. `None` when text offsets are file offsets.
    offset_map: Option<Vec<u32>>,
    /// Byte offset (into `text`) of the start of each line.
    line_starts: Vec<u32>,
    /// After [`SourceFile::retain_lines`]: the only parts of the text still held, in order.
    /// `text` is then empty and every position is answered from these.
    segments: Vec<Segment>,
    /// The file's bytes, kept only for an email message (`.eml`) that is not valid UTF-8: its
    /// parts are decoded from the bytes, not from `text`.
    raw: Option<Vec<u8>>,
}

/// Whole lines of a file's text kept after the rest was dropped.
#[derive(Debug)]
struct Segment {
    /// Text offset where the segment starts (the start of a line).
    start: usize,
    /// 0-based number of its first line.
    first_line: usize,
    text: String,
    /// Offsets (in `text` of the segment) where its lines start.
    line_starts: Vec<u32>,
    /// File offset of each text offset in the segment that starts a character, plus the end;
    /// `None` when text offsets are file offsets.
    file_offsets: Option<Vec<(u32, u32)>>,
}

impl Segment {
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
}

/// A 1-based position: line and column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl SourceFile {
    /// Decode `bytes`: a BOM wins, then valid UTF-8, then a `<meta charset>` or `http-equiv`
    /// declaration in the first 1024 bytes, else Windows-1252 (the web's legacy default).
    /// Invalid sequences become U+FFFD; decoding never fails.
    pub fn decode(path: PathBuf, bytes: Vec<u8>) -> SourceFile {
        let keep = crate::mime::is_message_path(&path) && std::str::from_utf8(&bytes).is_err();
        let raw = keep.then(|| bytes.clone());
        let (text, encoding, offset_map) = decode_bytes(bytes);
        let line_starts = line_starts(&text);
        SourceFile { path, text, encoding, offset_map, line_starts, segments: Vec::new(), raw }
    }

    /// Decode a document fetched over HTTP: a BOM wins, then the `charset` of the
    /// Content-Type header (the transport beats `<meta charset>` in the HTML spec), then what
    /// [`SourceFile::decode`] does. An unknown charset label is ignored.
    pub fn decode_with_charset(path: PathBuf, bytes: Vec<u8>, charset: Option<&str>) -> SourceFile {
        let declared = charset.and_then(|c| Encoding::for_label(c.trim().trim_matches('"').as_bytes()));
        match declared {
            Some(enc) if Encoding::for_bom(&bytes).is_none() => {
                let (text, encoding, offset_map) =
                    if enc == UTF_8 { utf8_or_lossy(bytes) } else { decode_with_map(&bytes, enc) };
                let line_starts = line_starts(&text);
                SourceFile { path, text, encoding, offset_map, line_starts, segments: Vec::new(), raw: None }
            }
            _ => SourceFile::decode(path, bytes),
        }
    }

    /// The file's original bytes (for UTF-8 files, the text itself).
    pub fn bytes(&self) -> &[u8] {
        self.raw.as_deref().unwrap_or(self.text.as_bytes())
    }

    /// Map a byte offset in the original file to the offset in `text` of the character that
    /// byte belongs to (the inverse of `file_offset`).
    pub fn text_offset(&self, file_offset: usize) -> usize {
        match &self.offset_map {
            None => file_offset.min(self.text.len()),
            Some(map) => {
                let idx = match map.binary_search(&(file_offset as u32)) {
                    Ok(i) => i,
                    Err(i) => i.saturating_sub(1),
                };
                self.text.char_indices().nth(idx).map_or(self.text.len(), |(o, _)| o)
            }
        }
    }

    /// A file known to have nothing to report (from the cache): its path only, no text.
    pub fn without_text(path: PathBuf) -> SourceFile {
        SourceFile {
            path,
            text: String::new(),
            encoding: UTF_8,
            offset_map: None,
            line_starts: vec![0],
            segments: Vec::new(),
            raw: None,
        }
    }

    /// A file built from a string (tests, stdin).
    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> SourceFile {
        Self::decode(path.into(), text.into().into_bytes())
    }

    /// Map a byte offset in `text` to the byte offset in the original file.
    pub fn file_offset(&self, text_offset: usize) -> usize {
        if let Some(seg) = self.segment_at(text_offset) {
            let Some(map) = &seg.file_offsets else { return text_offset };
            let rel = (text_offset - seg.start) as u32;
            let i = map.partition_point(|&(t, _)| t <= rel);
            return map.get(i.wrapping_sub(1)).map_or(text_offset, |&(_, f)| f as usize);
        }
        match &self.offset_map {
            None => text_offset,
            Some(map) => {
                let mut o = text_offset.min(self.text.len());
                while !self.text.is_char_boundary(o) {
                    o -= 1;
                }
                // `map` has an entry per char start plus the end; find this char's index.
                let idx = self.text[..o].chars().count();
                map[idx] as usize
            }
        }
    }

    /// 1-based line and column (in characters) of a byte offset in `text`.
    pub fn line_col(&self, offset: usize) -> LineCol {
        if let Some(seg) = self.segment_at(offset) {
            let rel = offset - seg.start;
            let i = seg.line_starts.partition_point(|&s| s as usize <= rel) - 1;
            let start = seg.line_starts[i] as usize;
            let mut end = rel;
            while !seg.text.is_char_boundary(end) {
                end -= 1;
            }
            let mut column = seg.text[start..end].chars().count() + 1;
            if seg.first_line + i == 0 && seg.text.starts_with('\u{feff}') && end > 0 {
                column -= 1;
            }
            return LineCol { line: seg.first_line + i + 1, column };
        }
        let offset = offset.min(self.text.len());
        let line_idx = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_idx] as usize;
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let mut column = self.text[start..end].chars().count() + 1;
        // A BOM is not a visible character: columns on line 1 start after it.
        if line_idx == 0 && self.text.starts_with('\u{feff}') && end > 0 {
            column -= 1;
        }
        LineCol { line: line_idx + 1, column }
    }

    /// Drop the text of a file that has nothing to report, so a run over a large tree holds
    /// only the files with findings in memory.
    pub fn release_text(&mut self) {
        self.text = String::new();
        self.offset_map = None;
        self.line_starts = vec![0];
        self.segments = Vec::new();
        self.raw = None;
    }

    /// Keep only the lines that `spans` touch, `context` lines around each, and drop the rest
    /// of the text: a run over a large tree then holds a few lines per finding, not whole
    /// files. Positions inside the kept lines (line, column, file offset, [`Self::slice`],
    /// [`Self::line_text`] and the miette source) answer as before.
    pub fn retain_lines(&mut self, spans: impl Iterator<Item = std::ops::Range<usize>>, context: usize) {
        if !self.segments.is_empty() {
            return;
        }
        let last_line = self.line_starts.len() - 1;
        let line_of = |o: usize| self.line_starts.partition_point(|&s| s as usize <= o.min(self.text.len())) - 1;
        let mut ranges: Vec<(usize, usize)> = spans
            .map(|r| (line_of(r.start).saturating_sub(context), (line_of(r.end.max(r.start)) + context).min(last_line)))
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let segments = merged
            .into_iter()
            .map(|(a, b)| {
                let start = self.line_starts[a] as usize;
                let end = self.line_starts.get(b + 1).map_or(self.text.len(), |&e| e as usize);
                let text = self.text[start..end].to_string();
                let line_starts = self.line_starts[a..=b].iter().map(|&s| s - start as u32).collect();
                let file_offsets = self.offset_map.as_ref().map(|_| {
                    text.char_indices()
                        .map(|(i, _)| i)
                        .chain(std::iter::once(text.len()))
                        .map(|i| (i as u32, self.file_offset(start + i) as u32))
                        .collect()
                });
                Segment { start, first_line: a, text, line_starts, file_offsets }
            })
            .collect();
        self.segments = segments;
        self.raw = None;
        self.text = String::new();
        self.offset_map = None;
        self.line_starts = vec![0];
    }

    /// The kept segment holding `offset`, when the text was reduced by `retain_lines`.
    fn segment_at(&self, offset: usize) -> Option<&Segment> {
        if self.segments.is_empty() {
            return None;
        }
        let i = self.segments.partition_point(|s| s.start <= offset).max(1) - 1;
        let seg = &self.segments[i];
        (offset <= seg.end()).then_some(seg)
    }

    /// The text of `range` (clamped to character boundaries), whether or not the file was
    /// reduced by `retain_lines`; "" when that text was dropped.
    pub fn slice(&self, range: std::ops::Range<usize>) -> &str {
        let (base, text) = match self.segment_at(range.start) {
            Some(seg) => (seg.start, seg.text.as_str()),
            None if self.segments.is_empty() => (0, self.text.as_str()),
            None => return "",
        };
        let mut a = range.start.saturating_sub(base).min(text.len());
        let mut b = range.end.saturating_sub(base).clamp(a, text.len());
        while !text.is_char_boundary(a) {
            a -= 1;
        }
        while !text.is_char_boundary(b) {
            b += 1;
        }
        &text[a..b]
    }

    /// miette's view of the text around `span` (with context lines), answered from the whole
    /// text or from the kept lines alike.
    pub fn span_contents(
        &self,
        name: &str,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<MietteSpanContents<'_>, MietteError> {
        let (base, first_line, text) = match self.segment_at(span.offset()) {
            Some(seg) => (seg.start, seg.first_line, seg.text.as_str()),
            None if self.segments.is_empty() => (0, 0, self.text.as_str()),
            None => return Err(MietteError::OutOfBounds),
        };
        let relative = SourceSpan::new((span.offset() - base).into(), span.len());
        let c = text.read_span(&relative, before, after)?;
        Ok(MietteSpanContents::new_named(
            name.to_string(),
            c.data(),
            SourceSpan::new((c.span().offset() + base).into(), c.span().len()),
            c.line() + first_line,
            c.column(),
            // miette counts lines from the start of the text through the excerpt's end.
            c.line_count() + first_line,
        ))
    }

    /// Length of the text in bytes (also after `retain_lines`).
    pub fn text_len(&self) -> usize {
        self.segments.last().map_or(self.text.len(), Segment::end)
    }

    /// Byte offset (in `text`) where line `line` (1-based) starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        if !self.segments.is_empty() {
            let seg =
                self.segments.iter().find(|s| line > s.first_line && line <= s.first_line + s.line_starts.len())?;
            return Some(seg.start + seg.line_starts[line - 1 - seg.first_line] as usize);
        }
        self.line_starts.get(line.wrapping_sub(1)).map(|&s| s as usize)
    }

    /// The line terminator this file uses most: "\r\n" or "\n".
    pub fn newline(&self) -> &'static str {
        let crlf = self.text.matches("\r\n").count();
        if crlf * 2 > self.line_starts.len().saturating_sub(1) { "\r\n" } else { "\n" }
    }

    /// The text of line `line` (1-based) without its terminator.
    pub fn line_text(&self, line: usize) -> &str {
        if !self.segments.is_empty() {
            let Some(seg) =
                self.segments.iter().find(|s| line > s.first_line && line <= s.first_line + s.line_starts.len())
            else {
                return "";
            };
            let i = line - 1 - seg.first_line;
            let start = seg.line_starts[i] as usize;
            let end = seg.line_starts.get(i + 1).map_or(seg.text.len(), |&e| e as usize);
            return seg.text[start..end].trim_end_matches(['\n', '\r']);
        }
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self.line_starts.get(line).map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }
}

fn line_starts(text: &str) -> Vec<u32> {
    let mut starts = vec![0u32];
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => starts.push(i as u32 + 1),
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i as u32 + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

fn decode_bytes(bytes: Vec<u8>) -> (String, &'static Encoding, Option<Vec<u32>>) {
    if let Some((enc, _bom_len)) = Encoding::for_bom(&bytes) {
        if enc == UTF_8 {
            return utf8_or_lossy(bytes);
        }
        return decode_with_map(&bytes, enc);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return (text, UTF_8, None),
        Err(e) => e.into_bytes(),
    };
    match sniff_meta_charset(&bytes) {
        Some(enc) if enc == UTF_8 => utf8_or_lossy(bytes),
        Some(enc) => decode_with_map(&bytes, enc),
        // Not valid UTF-8 and nothing declared: treat as UTF-8 with replacement characters
        // when it is mostly UTF-8, else as the web's legacy default.
        None if looks_mostly_utf8(&bytes) => utf8_or_lossy(bytes),
        None => decode_with_map(&bytes, encoding_rs::WINDOWS_1252),
    }
}

fn utf8_or_lossy(bytes: Vec<u8>) -> (String, &'static Encoding, Option<Vec<u32>>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, UTF_8, None),
        Err(e) => decode_with_map(e.as_bytes(), UTF_8),
    }
}

fn looks_mostly_utf8(bytes: &[u8]) -> bool {
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut rest = bytes;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                valid_multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                valid_multibyte += std::str::from_utf8(good).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                invalid += 1;
                let skip = e.error_len().unwrap_or(bad.len()).max(1);
                rest = &bad[skip.min(bad.len())..];
            }
        }
    }
    valid_multibyte > invalid
}

/// Decode `bytes` with `enc` (a BOM of `enc` skipped); returns the text and, for each character,
/// the offset in `bytes` of its first byte.
pub(crate) fn decode_mapped(bytes: &[u8], enc: &'static Encoding) -> (String, Vec<u32>) {
    let (text, _, map) = decode_with_map(bytes, enc);
    (text, map.unwrap_or_default())
}

/// Decode with `enc`, recording the file offset of each decoded character. The decoder is
/// fed one input byte at a time so each output character is tied to the bytes that made it.
fn decode_with_map(bytes: &[u8], enc: &'static Encoding) -> (String, &'static Encoding, Option<Vec<u32>>) {
    // Skip a BOM of the chosen encoding; its bytes map to nothing.
    let bom_len = match Encoding::for_bom(bytes) {
        Some((e, len)) if e == enc => len,
        _ => 0,
    };
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut map: Vec<u32> = Vec::with_capacity(bytes.len() + 1);
    let mut buf = [0u8; 16];
    let mut pending_start = bom_len; // file offset of the first byte of the pending sequence
    for i in bom_len..bytes.len() {
        let last = i + 1 == bytes.len();
        let (_, _, written, _) = decoder.decode_to_utf8(&bytes[i..=i], &mut buf, last);
        push_decoded(&buf[..written], pending_start, &mut text, &mut map);
        if written > 0 {
            pending_start = i + 1;
        }
    }
    if bytes.len() == bom_len {
        let (_, _, written, _) = decoder.decode_to_utf8(&[], &mut buf, true);
        push_decoded(&buf[..written], pending_start, &mut text, &mut map);
    }
    map.push(bytes.len() as u32);
    (text, enc, Some(map))
}

fn push_decoded(out: &[u8], file_offset: usize, text: &mut String, map: &mut Vec<u32>) {
    // encoding_rs writes whole UTF-8 characters only.
    let s = std::str::from_utf8(out).unwrap_or("\u{fffd}");
    for c in s.chars() {
        text.push(c);
        map.push(file_offset as u32);
    }
}

/// The HTML "prescan": look for `<meta charset=...>` or `<meta http-equiv=content-type
/// content="...charset=...">` in the first 1024 bytes.
fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let start = from + pos;
        let end = lower[start..].iter().position(|&b| b == b'>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(cs) = find(tag, b"charset") {
            let rest = &tag[cs + 7..];
            let rest = trim_ascii_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_ascii_start(rest);
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>' | b'\t' | b'\n' | b'\r'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    // The spec maps UTF-16 declarations in a byte-sniffed file to UTF-8.
                    return Some(if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        UTF_8
                    } else if enc == encoding_rs::X_USER_DEFINED {
                        encoding_rs::WINDOWS_1252
                    } else {
                        enc
                    });
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_ascii_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::SpanContents;

    fn decode(bytes: &[u8]) -> SourceFile {
        SourceFile::decode(PathBuf::from("t.html"), bytes.to_vec())
    }

    #[test]
    fn http_charset_beats_meta_and_bom_beats_both() {
        let bytes = b"<meta charset=\"utf-8\"><p>caf\xe9</p>".to_vec();
        let f = SourceFile::decode_with_charset("x".into(), bytes.clone(), Some("ISO-8859-1"));
        assert!(f.text.contains("caf\u{e9}"), "{}", f.text);
        assert_eq!(f.file_offset(f.text.len()), bytes.len());
        let f = SourceFile::decode_with_charset("x".into(), bytes.clone(), Some("no-such-charset"));
        assert!(f.text.contains('\u{fffd}'));
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice("\u{e9}".as_bytes());
        let f = SourceFile::decode_with_charset("x".into(), bom, Some("windows-1252"));
        assert!(f.text.ends_with('\u{e9}'));
    }

    #[test]
    fn utf8_is_identity_and_keeps_bom() {
        let f = decode("\u{feff}<p>Привет 你好</p>".as_bytes());
        assert!(f.offset_map.is_none());
        assert_eq!(f.text, "\u{feff}<p>Привет 你好</p>");
        assert_eq!(f.file_offset(10), 10);
        // The BOM is not a column.
        assert_eq!(f.line_col(3), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn line_col_counts_characters_and_crlf() {
        let f = decode("ab\r\nПр<x>\r\n".as_bytes());
        let x = f.text.find("<x>").unwrap();
        assert_eq!(f.line_col(x), LineCol { line: 2, column: 3 });
        assert_eq!(f.line_text(2), "Пр<x>");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
    }

    #[test]
    fn windows_1252_declared_by_meta_maps_offsets_back() {
        let mut bytes = b"<meta charset=\"windows-1252\"><p>caf".to_vec();
        bytes.push(0xE9); // é
        bytes.extend_from_slice(b" <input checked>");
        let f = decode(&bytes);
        assert_eq!(f.encoding, encoding_rs::WINDOWS_1252);
        assert!(f.text.contains("café"));
        let t = f.text.find("checked").unwrap();
        let o = f.file_offset(t);
        assert_eq!(&bytes[o..o + 7], b"checked");
    }

    #[test]
    fn http_equiv_latin1() {
        let mut bytes = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><b>".to_vec();
        bytes.push(0xFC); // ü
        let f = decode(&bytes);
        assert!(f.text.ends_with("<b>ü"));
    }

    #[test]
    fn invalid_utf8_never_panics_and_maps() {
        let bytes = b"<p>\xff\xfe ok <a checked>".to_vec();
        let f = decode(&bytes);
        let t = f.text.find("checked").unwrap();
        let o = f.file_offset(t);
        assert_eq!(&bytes[o..o + 7], b"checked");
        assert_eq!(f.file_offset(f.text.len()), bytes.len());
    }

    #[test]
    fn utf16_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for c in "<a checked>".encode_utf16() {
            bytes.extend_from_slice(&c.to_le_bytes());
        }
        let f = decode(&bytes);
        assert_eq!(f.text, "<a checked>");
        assert_eq!(f.file_offset(3), 2 + 6);
    }

    /// Every position a reporter asks about answers the same after `retain_lines`.
    #[test]
    fn retained_lines_answer_like_the_whole_text() {
        let mut latin1 = b"<meta charset=\"windows-1252\">\r\n<p>caf".to_vec();
        latin1.extend_from_slice(b"\xe9\r\n\r\n<form>\r\n<input checked>\xe9\xe9\r\n</form>\r\nend\xe9");
        let docs: Vec<Vec<u8>> = vec![
            "\u{feff}<a checked>\nПривет\n\nx\ny <b>z</b>\n".into(),
            (0..40).map(|i| format!("line {i} <i>ü{i}</i>\r\n")).collect::<String>().into_bytes(),
            latin1,
            b"no newline at all <input checked>".to_vec(),
        ];
        for bytes in docs {
            let whole = decode(&bytes);
            let n = whole.text.len();
            let spans = [0..0, n / 3..n / 3 + 2, n.saturating_sub(3)..n];
            let mut part = decode(&bytes);
            // One more line than miette shows: it reads one past the context on empty spans.
            part.retain_lines(spans.iter().cloned(), 2);
            assert!(part.text.is_empty());
            for span in &spans {
                let (a, b) = (span.start, span.end);
                for o in [a, b] {
                    let o = (0..=o).rev().find(|&o| whole.text.is_char_boundary(o)).unwrap();
                    assert_eq!(part.line_col(o), whole.line_col(o), "line_col({o}) in {:?}", whole.text);
                    assert_eq!(part.file_offset(o), whole.file_offset(o), "file_offset({o})");
                }
                assert_eq!(part.slice(a..b), whole.slice(a..b));
                let line = whole.line_col(a).line;
                assert_eq!(part.line_text(line), whole.line_text(line));
                assert_eq!(part.line_start(line), whole.line_start(line));
                let span = SourceSpan::new(a.into(), b - a);
                let (p, w) =
                    (part.span_contents("f", &span, 1, 1).unwrap(), whole.span_contents("f", &span, 1, 1).unwrap());
                assert_eq!(
                    (p.data(), p.span(), p.line(), p.column(), p.line_count()),
                    (w.data(), w.span(), w.line(), w.column(), w.line_count())
                );
            }
            assert_eq!(part.text_len(), whole.text.len());
        }
    }
}
