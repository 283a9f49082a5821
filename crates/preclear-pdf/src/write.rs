//! Laid-out pages → PDF bytes: subset fonts, compressed content streams,
//! embedded files, metadata and a content-derived file identifier.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use pdf_writer::types::{AssociationKind, CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

use crate::canvas::Canvas;
use crate::font::{FontData, FontId, Fonts, GlyphSet};
use crate::layout::Geometry;
use crate::{Attachment, Document, PdfError};

/// zlib level for every stream: fast, still small for text-heavy pages.
const LEVEL: u32 = 6;

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut enc =
        ZlibEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::new(LEVEL));
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Hands out consecutive object ids.
#[derive(Debug)]
struct Ids(i32);

impl Ids {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// Parses `YYYY-MM-DD` into a PDF date at midnight UTC.
fn pdf_date(s: &str) -> Option<Date> {
    let b = s.trim().as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u16> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    Some(
        Date::new(year)
            .month(u8::try_from(month).ok()?)
            .day(u8::try_from(day).ok()?)
            .hour(0)
            .minute(0)
            .second(0)
            .utc_offset_hour(0),
    )
}

/// Six capital letters derived from the glyph set: the subset tag.
fn subset_tag(order: &[u16], bold: bool) -> String {
    let mut h = Sha256::new();
    h.update([u8::from(bold)]);
    for g in order {
        h.update(g.to_be_bytes());
    }
    h.finalize().iter().take(6).map(|b| char::from(b'A' + b % 26)).collect()
}

/// Writes one subset font (Type0 → CIDFontType2) and returns its Type0 id.
fn write_font(
    pdf: &mut Pdf,
    ids: &mut Ids,
    font: &FontData,
    set: &GlyphSet,
) -> Result<Ref, PdfError> {
    let type0 = ids.next();
    let cid = ids.next();
    let descriptor = ids.next();
    let file = ids.next();
    let cmap = ids.next();

    let remapper = subsetter::GlyphRemapper::new_from_glyphs(&set.order);
    // Our CIDs are positions in `order` + 1; the remapper must agree.
    for (i, g) in set.order.iter().enumerate() {
        if remapper.get(*g).map(usize::from) != Some(i + 1) {
            return Err(PdfError::Font(format!("glyph remapping mismatch in {}", font.ps_name)));
        }
    }
    let subset = subsetter::subset(font.data, 0, &remapper)
        .map_err(|e| PdfError::Font(format!("cannot subset {}: {e}", font.ps_name)))?;
    let name = format!("{}+{}", subset_tag(&set.order, font.bold), font.ps_name);
    let name = Name(name.as_bytes());
    let system_info =
        SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

    pdf.type0_font(type0)
        .base_font(name)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);

    let notdef_w = f32::from(font.glyph_widths.first().copied().unwrap_or(0));
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(name)
        .system_info(system_info)
        .font_descriptor(descriptor)
        .default_width(notdef_w)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let widths = set
        .order
        .iter()
        .map(|g| f32::from(font.glyph_widths.get(usize::from(*g)).copied().unwrap_or(0)));
    cid_font.widths().consecutive(1, widths);
    cid_font.finish();

    let [x0, y0, x1, y1] = font.bbox;
    pdf.font_descriptor(descriptor)
        .name(name)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(x0 as f32, y0 as f32, x1 as f32, y1 as f32))
        .italic_angle(0.0)
        .ascent(font.ascent as f32)
        .descent(font.descent as f32)
        .cap_height(font.cap_height as f32)
        .stem_v(if font.bold { 140.0 } else { 80.0 })
        .weight(if font.bold { 700 } else { 400 })
        .font_file2(file);

    let compressed = deflate(&subset);
    pdf.stream(file, &compressed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), i32::try_from(subset.len()).unwrap_or(i32::MAX));

    let mut unicode = UnicodeCmap::new(Name(b"Custom"), system_info);
    for (i, c) in set.unicode.iter().enumerate() {
        unicode.pair(u16::try_from(i + 1).unwrap_or(0), *c);
    }
    let unicode = unicode.finish();
    let unicode = deflate(unicode.as_slice());
    let mut cmap_stream = pdf.cmap(cmap, &unicode);
    cmap_stream.name(Name(b"Custom")).system_info(system_info);
    cmap_stream.filter(Filter::FlateDecode);
    cmap_stream.finish();
    Ok(type0)
}

/// A MIME type as a PDF name (`pdf-writer` escapes `/` and the like).
fn mime_name(mime: &str) -> &[u8] {
    let m = mime.trim();
    if m.is_empty() { b"application/octet-stream" } else { m.as_bytes() }
}

/// Writes the attachments; returns their file specification ids.
fn write_attachments(
    pdf: &mut Pdf,
    ids: &mut Ids,
    attachments: &[Attachment],
) -> Result<Vec<Ref>, PdfError> {
    let mut specs = Vec::with_capacity(attachments.len());
    for a in attachments {
        let size = i32::try_from(a.data.len()).map_err(|_| {
            PdfError::AttachmentTooLargeToEmbed { name: a.name.clone(), size: a.data.len() }
        })?;
        let compressed = deflate(&a.data);
        if i32::try_from(compressed.len()).is_err() {
            return Err(PdfError::AttachmentTooLargeToEmbed {
                name: a.name.clone(),
                size: a.data.len(),
            });
        }
        let file = ids.next();
        let spec = ids.next();
        let mut ef = pdf.embedded_file(file, &compressed);
        ef.filter(Filter::FlateDecode);
        ef.subtype(Name(mime_name(&a.mime)));
        ef.params().size(size);
        ef.finish();
        let mut fs = pdf.file_spec(spec);
        fs.path(Str(a.name.as_bytes()))
            .unic_file(TextStr(&a.name))
            .description(TextStr(&a.description))
            .embedded_file_with_unicode(file)
            .association_kind(AssociationKind::Data);
        fs.finish();
        specs.push(spec);
    }
    Ok(specs)
}

/// A PDF text string's bytes: ASCII as is, anything else UTF-16BE with BOM.
fn text_string_bytes(s: &str) -> Vec<u8> {
    if s.bytes().all(|b| matches!(b, 32..=126)) {
        return s.as_bytes().to_vec();
    }
    let mut out = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

/// Name-tree keys: the names as text strings, made unique, in ascending
/// byte order (as name trees require).
fn name_tree_entries(attachments: &[Attachment], specs: &[Ref]) -> Vec<(Vec<u8>, Ref)> {
    let mut entries: Vec<(Vec<u8>, Ref)> = Vec::with_capacity(specs.len());
    for (i, (a, spec)) in attachments.iter().zip(specs).enumerate() {
        let mut key = text_string_bytes(&a.name);
        let duplicate = attachments.iter().take(i).any(|b| b.name == a.name);
        if duplicate {
            key = text_string_bytes(&format!("{} ({})", a.name, i + 1));
        }
        entries.push((key, *spec));
    }
    entries.sort();
    entries
}

/// Serialises the laid-out document.
pub(crate) fn write_pdf(
    doc: &Document,
    fonts: &Fonts,
    canvas: Canvas<'_>,
    g: Geometry,
) -> Result<Vec<u8>, PdfError> {
    let mut pdf = Pdf::with_capacity(64 * 1024);
    let mut ids = Ids(0);
    let catalog = ids.next();
    let tree = ids.next();
    let info = ids.next();

    let Canvas { glyphs, pages, .. } = canvas;
    let mut font_refs: [Option<Ref>; 2] = [None, None];
    for id in [FontId::Regular, FontId::Bold] {
        let set = &glyphs[id.index()];
        if !set.is_empty() {
            font_refs[id.index()] = Some(write_font(&mut pdf, &mut ids, fonts.get(id), set)?);
        }
    }

    let media = Rect::new(0.0, 0.0, (g.page_w / 1000) as f32, (g.page_h / 1000) as f32);
    let mut page_ids = Vec::with_capacity(pages.len());
    for page in pages {
        let page_id = ids.next();
        let content_id = ids.next();
        page_ids.push(page_id);
        let content = deflate(&page.into_content());
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);
        let mut p = pdf.page(page_id);
        p.media_box(media).parent(tree).contents(content_id);
        let mut res = p.resources();
        let mut fonts_dict = res.fonts();
        if let Some(r) = font_refs[0] {
            fonts_dict.pair(Name(b"F1"), r);
        }
        if let Some(r) = font_refs[1] {
            fonts_dict.pair(Name(b"F2"), r);
        }
        fonts_dict.finish();
        res.finish();
        p.finish();
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(tree).kids(page_ids.iter().copied()).count(count);

    let specs = write_attachments(&mut pdf, &mut ids, &doc.attachments)?;

    let mut cat = pdf.catalog(catalog);
    cat.pages(tree);
    if !specs.is_empty() {
        let entries = name_tree_entries(&doc.attachments, &specs);
        let mut names = cat.names();
        let mut tree = names.embedded_files();
        let mut list = tree.names();
        for (key, spec) in &entries {
            list.insert(Str(key), *spec);
        }
        list.finish();
        tree.finish();
        names.finish();
        cat.insert(Name(b"AF")).array().items(specs.iter().copied());
    }
    cat.viewer_preferences().display_doc_title(true);
    cat.finish();

    let mut di = pdf.document_info(info);
    di.title(TextStr(&doc.title));
    if let Some(author) = &doc.author {
        di.author(TextStr(author));
    }
    di.creator(TextStr("preclear"));
    di.producer(TextStr(concat!("preclear-pdf ", env!("CARGO_PKG_VERSION"))));
    if let Some(date) = doc.created.as_deref().and_then(pdf_date) {
        di.creation_date(date);
        di.modified_date(date);
    }
    di.finish();

    let digest = Sha256::digest(pdf.as_bytes());
    let id: Vec<u8> = digest.iter().take(16).copied().collect();
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::pdf_date;

    #[test]
    fn dates_are_strict() {
        assert!(pdf_date("2026-11-21").is_some());
        assert!(pdf_date("2026-13-01").is_none());
        assert!(pdf_date("2026-1-01").is_none());
        assert!(pdf_date("yesterday").is_none());
        assert!(pdf_date("").is_none());
    }
}
