//! Reading attachments back from PDFs this crate wrote.
//!
//! This is deliberately not a general PDF parser. It scans the file for
//! indirect objects (`N G obj`), parses the dictionaries of embedded-file
//! streams and file specifications with a small bounded lexer, and inflates
//! the stream data with a hard limit. That is exactly the structure
//! [`crate::render`] writes (direct `/Length`, FlateDecode, file
//! specifications with `/EF`); it also finds attachments in many other simple
//! PDFs, but PDFs that hide their objects in compressed object streams, use
//! indirect stream lengths or other filters give no attachments or an error
//! saying why.

use std::collections::{HashMap, HashSet};
use std::io::Read as _;

use crate::{Attachment, PdfError};

/// Deepest nesting of arrays and dictionaries accepted.
const MAX_DEPTH: u32 = 32;

/// A parsed PDF object (only what attachments need).
#[derive(Debug, Clone, PartialEq)]
enum Obj {
    Null,
    Bool,
    Int(i64),
    Real,
    Name(Vec<u8>),
    Str(Vec<u8>),
    Array(Vec<Obj>),
    Dict(Dict),
    Ref(u32),
}

/// Dictionary entries in file order.
type Dict = Vec<(Vec<u8>, Obj)>;

fn get<'d>(dict: &'d Dict, key: &[u8]) -> Option<&'d Obj> {
    dict.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn is_ws(b: u8) -> bool {
    matches!(b, 0 | 9 | 10 | 12 | 13 | 32)
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// A cursor over the file bytes. Every method is bounds-checked and returns
/// `None` on anything unexpected.
struct Lexer<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.b.get(self.pos.checked_add(ahead)?).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if is_ws(c) {
                self.pos += 1;
            } else if c == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.b.get(self.pos..).is_some_and(|rest| rest.starts_with(s))
    }

    fn regular_run(&mut self) -> &'a [u8] {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if is_ws(c) || is_delim(c) {
                break;
            }
            self.pos += 1;
        }
        self.b.get(start..self.pos).unwrap_or(&[])
    }

    fn name(&mut self) -> Option<Vec<u8>> {
        if self.peek()? != b'/' {
            return None;
        }
        self.pos += 1;
        let raw = self.regular_run();
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        while let Some(&c) = raw.get(i) {
            if c == b'#'
                && let (Some(h), Some(l)) =
                    (raw.get(i + 1).and_then(hex_val), raw.get(i + 2).and_then(hex_val))
            {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
            out.push(c);
            i += 1;
        }
        Some(out)
    }

    fn literal_string(&mut self) -> Option<Vec<u8>> {
        // At '('.
        self.pos += 1;
        let mut out = Vec::new();
        let mut depth = 1u32;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            match c {
                b'(' => {
                    depth = depth.saturating_add(1);
                    out.push(c);
                }
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(out);
                    }
                    out.push(c);
                }
                b'\\' => {
                    let e = self.peek()?;
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xFF) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(c),
            }
        }
    }

    fn hex_string(&mut self) -> Option<Vec<u8>> {
        // At '<'.
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            if c == b'>' {
                if let Some(h) = high {
                    out.push(h << 4);
                }
                return Some(out);
            }
            if is_ws(c) {
                continue;
            }
            let v = hex_val(&c)?;
            match high.take() {
                Some(h) => out.push(h << 4 | v),
                None => high = Some(v),
            }
        }
    }

    fn number(&mut self) -> Option<Obj> {
        let run = self.regular_run();
        if run.is_empty() {
            return None;
        }
        if run.contains(&b'.') {
            return Some(Obj::Real);
        }
        std::str::from_utf8(run).ok()?.parse::<i64>().ok().map(Obj::Int)
    }

    /// Parses one object at the cursor.
    fn object(&mut self, depth: u32) -> Option<Obj> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_ws();
        match self.peek()? {
            b'<' if self.peek_at(1) == Some(b'<') => {
                self.pos += 2;
                let mut dict = Vec::new();
                loop {
                    self.skip_ws();
                    if self.starts_with(b">>") {
                        self.pos += 2;
                        return Some(Obj::Dict(dict));
                    }
                    let key = self.name()?;
                    let value = self.object(depth + 1)?;
                    dict.push((key, value));
                }
            }
            b'<' => self.hex_string().map(Obj::Str),
            b'(' => self.literal_string().map(Obj::Str),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.peek()? == b']' {
                        self.pos += 1;
                        return Some(Obj::Array(items));
                    }
                    items.push(self.object(depth + 1)?);
                }
            }
            b'/' => self.name().map(Obj::Name),
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                let first = self.number()?;
                // `N G R` is a reference.
                if let Obj::Int(n) = first {
                    let save = self.pos;
                    self.skip_ws();
                    if let Some(Obj::Int(_)) =
                        self.peek().filter(u8::is_ascii_digit).and_then(|_| self.number())
                    {
                        self.skip_ws();
                        if self.peek() == Some(b'R')
                            && self.peek_at(1).is_none_or(|c| is_ws(c) || is_delim(c))
                        {
                            self.pos += 1;
                            return Some(u32::try_from(n).map_or(Obj::Null, Obj::Ref));
                        }
                    }
                    self.pos = save;
                }
                Some(first)
            }
            _ => match self.regular_run() {
                b"true" | b"false" => Some(Obj::Bool),
                b"null" => Some(Obj::Null),
                _ => None,
            },
        }
    }
}

fn hex_val(c: &u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A PDF text string: UTF-16BE with BOM, UTF-8 with BOM, or PDFDocEncoding
/// (read as Latin-1, which agrees with it for printable ASCII and most of
/// the upper half).
fn text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units =
            rest.chunks(2).map(|p| u16::from_be_bytes([p[0], p.get(1).copied().unwrap_or(0)]));
        char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect()
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        bytes.iter().map(|&b| char::from(b)).collect()
    }
}

/// An embedded-file stream found in the file.
#[derive(Debug)]
struct EmbeddedStream {
    dict: Dict,
    /// Byte range of the (encoded) data, or why it has none.
    data: Result<(usize, usize), String>,
}

/// Moves `i` back over bytes matching `pred`.
fn skip_back(b: &[u8], mut i: usize, pred: impl Fn(u8) -> bool) -> usize {
    while i > 0 && b.get(i - 1).is_some_and(|&c| pred(c)) {
        i -= 1;
    }
    i
}

/// Finds the next `N G obj` header at or after `from`; returns the object
/// number and the position after `obj`.
fn next_object(b: &[u8], mut from: usize) -> Option<(u32, usize)> {
    loop {
        let rel = b.get(from..)?.windows(3).position(|w| w == b"obj")?;
        let at = from + rel;
        from = at + 3;
        if b.get(at + 3).is_some_and(|&c| !(is_ws(c) || is_delim(c))) {
            continue;
        }
        // Walk back over "ws gen ws num".
        let i1 = skip_back(b, at, is_ws);
        let i2 = skip_back(b, i1, |c| c.is_ascii_digit());
        let i3 = skip_back(b, i2, is_ws);
        let i4 = skip_back(b, i3, |c| c.is_ascii_digit());
        if i1 == at || i2 == i1 || i3 == i2 || i4 == i3 {
            continue;
        }
        let Some(num) =
            b.get(i4..i3).and_then(|d| std::str::from_utf8(d).ok()).and_then(|s| s.parse().ok())
        else {
            continue;
        };
        return Some((num, at + 3));
    }
}

/// Reads back the files embedded in a PDF written by [`crate::render`], in
/// the order they were given.
///
/// At most `max_total_bytes` bytes are inflated across all attachments;
/// exceeding it is an [`PdfError::AttachmentOverLimit`] error, detected
/// from the declared `/Size` before inflating when possible and always while
/// inflating (a decompression bomb never gets further than the limit).
/// Arbitrary, truncated or corrupt input gives an error, never a panic.
///
/// Only the structure this crate writes is understood (see the module
/// documentation): for another PDF, the result is `Ok` with no attachments
/// when no embedded file is found, or an error that says what could not be
/// read.
pub fn attachments(pdf: &[u8], max_total_bytes: usize) -> Result<Vec<Attachment>, PdfError> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(PdfError::NotPdf);
    }
    let tail = pdf.get(pdf.len().saturating_sub(1024)..).unwrap_or(pdf);
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfError::Truncated);
    }

    let mut streams: HashMap<u32, EmbeddedStream> = HashMap::new();
    let mut stream_order: Vec<u32> = Vec::new();
    let mut specs: Vec<(u32, Dict)> = Vec::new();
    let mut pos = 0;
    while let Some((num, after)) = next_object(pdf, pos) {
        let mut lx = Lexer { b: pdf, pos: after };
        let Some(Obj::Dict(dict)) = lx.object(0) else {
            // Resume after what the lexer looked at, so that scanning stays
            // linear in the input even for hostile bytes.
            pos = lx.pos.max(after);
            continue;
        };
        pos = lx.pos;
        let ty = match get(&dict, b"Type") {
            Some(Obj::Name(n)) => n.clone(),
            _ => Vec::new(),
        };
        lx.skip_ws();
        let mut data = Err("no stream data".to_owned());
        if lx.starts_with(b"stream") {
            lx.pos += 6;
            if lx.starts_with(b"\r\n") {
                lx.pos += 2;
            } else if lx.starts_with(b"\n") || lx.starts_with(b"\r") {
                lx.pos += 1;
            }
            let start = lx.pos;
            data = match get(&dict, b"Length") {
                Some(Obj::Int(n)) => {
                    match usize::try_from(*n).ok().and_then(|n| start.checked_add(n)) {
                        Some(end) if end <= pdf.len() => {
                            pos = end;
                            Ok((start, end))
                        }
                        _ => Err(format!("stream length {n} runs past the end of the file")),
                    }
                }
                Some(Obj::Ref(_)) => Err("indirect stream length is not supported".to_owned()),
                _ => Err("stream has no valid /Length".to_owned()),
            };
        }
        match ty.as_slice() {
            b"EmbeddedFile" => {
                // A later definition (incremental update) replaces an earlier one.
                let previous = streams.insert(num, EmbeddedStream { dict, data });
                if previous.is_none() {
                    stream_order.push(num);
                }
            }
            b"Filespec" => specs.push((num, dict)),
            _ => {}
        }
    }

    let mut out = Vec::new();
    let mut used = HashSet::new();
    let mut remaining = max_total_bytes;
    for (spec_num, spec) in &specs {
        let Some(Obj::Dict(ef)) = get(spec, b"EF") else { continue };
        let Some(Obj::Ref(target)) = get(ef, b"UF").or_else(|| get(ef, b"F")) else {
            return Err(PdfError::Malformed(format!(
                "file specification {spec_num} has no embedded file reference"
            )));
        };
        let str_of = |key: &[u8]| match get(spec, key) {
            Some(Obj::Str(s)) => Some(text(s)),
            _ => None,
        };
        let name =
            str_of(b"UF").or_else(|| str_of(b"F")).unwrap_or_else(|| format!("object {target}"));
        let description = str_of(b"Desc").unwrap_or_default();
        let Some(stream) = streams.get(target) else {
            return Err(PdfError::Malformed(format!(
                "attachment `{name}` points at embedded file object {target}, which is missing"
            )));
        };
        used.insert(*target);
        let mime = match get(&stream.dict, b"Subtype") {
            Some(Obj::Name(n)) => String::from_utf8_lossy(n).into_owned(),
            _ => String::new(),
        };
        let data = decode(pdf, stream, &name, remaining, max_total_bytes)?;
        remaining -= data.len();
        out.push(Attachment { name, mime, description, data });
    }
    if let Some(orphan) = stream_order.iter().find(|n| !used.contains(*n)) {
        return Err(PdfError::Malformed(format!(
            "embedded file object {orphan} is not referenced by any file specification (truncated or edited PDF?)"
        )));
    }
    Ok(out)
}

/// Decodes one embedded file's data, inflating at most `remaining` bytes.
fn decode(
    pdf: &[u8],
    stream: &EmbeddedStream,
    name: &str,
    remaining: usize,
    limit: usize,
) -> Result<Vec<u8>, PdfError> {
    let corrupt = |reason: String| PdfError::CorruptAttachment { name: name.to_owned(), reason };
    let over = || PdfError::AttachmentOverLimit { name: name.to_owned(), limit };
    let (start, end) = stream.data.clone().map_err(corrupt)?;
    let raw = pdf.get(start..end).ok_or_else(|| corrupt("stream data out of range".to_owned()))?;

    let declared = match get(&stream.dict, b"Params") {
        Some(Obj::Dict(p)) => match get(p, b"Size") {
            Some(Obj::Int(n)) => {
                Some(usize::try_from(*n).map_err(|_| corrupt(format!("negative /Size {n}")))?)
            }
            _ => None,
        },
        _ => None,
    };
    if declared.is_some_and(|n| n > remaining) {
        return Err(over());
    }
    if get(&stream.dict, b"DecodeParms").is_some() {
        return Err(corrupt("/DecodeParms is not supported".to_owned()));
    }
    let flate = match get(&stream.dict, b"Filter") {
        None => false,
        Some(Obj::Name(n)) if n == b"FlateDecode" => true,
        Some(Obj::Array(a)) if a.is_empty() => false,
        Some(Obj::Array(a)) if a.len() == 1 && a[0] == Obj::Name(b"FlateDecode".to_vec()) => true,
        Some(other) => return Err(corrupt(format!("unsupported filter {other:?}"))),
    };
    let data = if flate {
        let budget = u64::try_from(remaining).unwrap_or(u64::MAX).saturating_add(1);
        let hint = declared.unwrap_or(raw.len()).min(remaining).min(1 << 20);
        let mut out = Vec::with_capacity(hint);
        flate2::read::ZlibDecoder::new(raw)
            .take(budget)
            .read_to_end(&mut out)
            .map_err(|e| corrupt(format!("cannot inflate: {e}")))?;
        if out.len() > remaining {
            return Err(over());
        }
        out
    } else {
        if raw.len() > remaining {
            return Err(over());
        }
        raw.to_vec()
    };
    if let Some(n) = declared
        && n != data.len()
    {
        return Err(corrupt(format!("/Size says {n} bytes but the data has {}", data.len())));
    }
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[u8]) -> Option<Obj> {
        Lexer { b: s, pos: 0 }.object(0)
    }

    #[test]
    fn lexes_the_objects_we_write() {
        assert_eq!(parse(b"12 0 R"), Some(Obj::Ref(12)));
        assert_eq!(parse(b"12 0"), Some(Obj::Int(12)));
        assert_eq!(parse(b"/text#2Fxml"), Some(Obj::Name(b"text/xml".to_vec())));
        assert_eq!(parse(b"(a\\(b\\)c (d) \\101)"), Some(Obj::Str(b"a(b)c (d) A".to_vec())));
        assert_eq!(parse(b"<FEFF0041 00e9>"), Some(Obj::Str(vec![0xFE, 0xFF, 0, 0x41, 0, 0xE9])));
        assert_eq!(text(&[0xFE, 0xFF, 0, 0x41, 0, 0xE9]), "Aé");
        let d = parse(b"<< /Type /EmbeddedFile /Params << /Size 3 >> /Length 9 >>");
        let Some(Obj::Dict(d)) = d else { panic!("not a dict") };
        assert_eq!(get(&d, b"Length"), Some(&Obj::Int(9)));
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(deep.as_bytes()), None);
        let deep = "<<".repeat(100_000);
        assert_eq!(parse(deep.as_bytes()), None);
    }

    #[test]
    fn finds_object_headers() {
        assert_eq!(next_object(b"%PDF-1.7\n3 0 obj\n<<>>", 0), Some((3, 16)));
        assert_eq!(next_object(b"endobj obj 1 obj", 0), None);
    }
}
