//! The two bundled fonts: parsing once, per-character glyph and advance
//! look-up, and the per-document glyph subset.
//!
//! Widths are kept in PDF glyph space (1/1000 em, rounded once per glyph from
//! the font's own units), so that what layout measures is exactly what a PDF
//! viewer advances when it draws the `/W` widths written for the subset.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::PdfError;

/// DejaVu Sans Condensed, regular.
const REGULAR_TTF: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed.ttf");
/// DejaVu Sans Condensed, bold.
const BOLD_TTF: &[u8] = include_bytes!("../fonts/DejaVuSansCondensed-Bold.ttf");

/// Which of the two bundled faces a run of text uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FontId {
    /// DejaVu Sans Condensed.
    Regular,
    /// DejaVu Sans Condensed Bold.
    Bold,
}

impl FontId {
    /// Index into per-font arrays.
    pub(crate) const fn index(self) -> usize {
        match self {
            Self::Regular => 0,
            Self::Bold => 1,
        }
    }
}

/// A glyph as layout and drawing see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Glyph {
    /// Glyph id in the full (unsubsetted) font.
    pub(crate) gid: u16,
    /// Advance in 1/1000 em.
    pub(crate) width: u16,
    /// The character this glyph stands for in extracted text: the drawn
    /// character, or `?` when the character was replaced.
    pub(crate) unicode: char,
}

/// Metrics and look-up tables of one bundled face.
#[derive(Debug)]
pub(crate) struct FontData {
    /// The complete font file.
    pub(crate) data: &'static [u8],
    /// PostScript name (without subset tag).
    pub(crate) ps_name: &'static str,
    /// Basic Multilingual Plane look-up: `gid << 16 | width`, 0 when the font
    /// has no glyph (or the character is a control character).
    bmp: Vec<u32>,
    /// Characters beyond the BMP that the font maps.
    astral: HashMap<u32, u32>,
    /// Advance of every glyph by original glyph id, in 1/1000 em.
    pub(crate) glyph_widths: Vec<u16>,
    /// The replacement glyph (`?`).
    replacement: Glyph,
    /// Ascender in 1/1000 em.
    pub(crate) ascent: i32,
    /// Descender in 1/1000 em (negative).
    pub(crate) descent: i32,
    /// Cap height in 1/1000 em.
    pub(crate) cap_height: i32,
    /// Font bounding box in 1/1000 em: x_min, y_min, x_max, y_max.
    pub(crate) bbox: [i32; 4],
    /// Whether this is the bold face.
    pub(crate) bold: bool,
}

/// Both bundled faces.
#[derive(Debug)]
pub(crate) struct Fonts {
    /// Regular and bold, indexed by [`FontId::index`].
    faces: [FontData; 2],
}

impl Fonts {
    /// The face for `id`.
    pub(crate) fn get(&self, id: FontId) -> &FontData {
        &self.faces[id.index()]
    }
}

static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();

/// The bundled fonts, parsed on first use.
pub(crate) fn fonts() -> Result<&'static Fonts, PdfError> {
    FONTS
        .get_or_init(|| {
            Ok(Fonts {
                faces: [
                    FontData::parse(REGULAR_TTF, "DejaVuSansCondensed", false)?,
                    FontData::parse(BOLD_TTF, "DejaVuSansCondensed-Bold", true)?,
                ],
            })
        })
        .as_ref()
        .map_err(|e| PdfError::Font(e.clone()))
}

/// Font units → 1/1000 em, rounded half away from zero.
fn to_milli_em(value: i32, units_per_em: i32) -> i32 {
    let scaled = value.saturating_mul(1000);
    let half = units_per_em / 2;
    if scaled >= 0 { (scaled + half) / units_per_em } else { (scaled - half) / units_per_em }
}

/// Pack a glyph id and width into one look-up entry.
fn pack(gid: u16, width: u16) -> u32 {
    (u32::from(gid) << 16) | u32::from(width)
}

impl FontData {
    fn parse(data: &'static [u8], ps_name: &'static str, bold: bool) -> Result<Self, String> {
        let face = ttf_parser::Face::parse(data, 0)
            .map_err(|e| format!("cannot parse bundled font {ps_name}: {e}"))?;
        let upem = i32::from(face.units_per_em());
        if upem <= 0 {
            return Err(format!("bundled font {ps_name} has no units per em"));
        }
        let glyph_widths: Vec<u16> = (0..face.number_of_glyphs())
            .map(|g| {
                let adv = face.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap_or(0);
                u16::try_from(to_milli_em(i32::from(adv), upem)).unwrap_or(u16::MAX)
            })
            .collect();
        let width_of = |gid: u16| glyph_widths.get(usize::from(gid)).copied().unwrap_or(0);

        let mut codepoints = Vec::new();
        if let Some(cmap) = face.tables().cmap {
            for sub in cmap.subtables {
                if sub.is_unicode() {
                    sub.codepoints(|cp| codepoints.push(cp));
                }
            }
        }
        codepoints.sort_unstable();
        codepoints.dedup();

        let mut bmp = vec![0u32; 0x1_0000];
        let mut astral = HashMap::new();
        for cp in codepoints {
            let Some(c) = char::from_u32(cp) else { continue };
            if c.is_control() {
                continue;
            }
            let Some(gid) = face.glyph_index(c) else { continue };
            if gid.0 == 0 {
                continue;
            }
            let entry = pack(gid.0, width_of(gid.0));
            match bmp.get_mut(cp as usize) {
                Some(slot) => *slot = entry,
                None => {
                    astral.insert(cp, entry);
                }
            }
        }
        // A tab is drawn as a space.
        let space = bmp.get(usize::from(b' ')).copied().unwrap_or(0);
        if let Some(slot) = bmp.get_mut(usize::from(b'\t')) {
            *slot = space;
        }
        let q = bmp.get(usize::from(b'?')).copied().unwrap_or(0);
        if q == 0 || space == 0 {
            return Err(format!("bundled font {ps_name} lacks `?` or space"));
        }
        let replacement = Glyph { gid: (q >> 16) as u16, width: (q & 0xFFFF) as u16, unicode: '?' };

        let bb = face.global_bounding_box();
        Ok(Self {
            data,
            ps_name,
            bmp,
            astral,
            glyph_widths,
            replacement,
            ascent: to_milli_em(i32::from(face.ascender()), upem),
            descent: to_milli_em(i32::from(face.descender()), upem),
            cap_height: to_milli_em(
                i32::from(face.capital_height().unwrap_or(face.ascender())),
                upem,
            ),
            bbox: [
                to_milli_em(i32::from(bb.x_min), upem),
                to_milli_em(i32::from(bb.y_min), upem),
                to_milli_em(i32::from(bb.x_max), upem),
                to_milli_em(i32::from(bb.y_max), upem),
            ],
            bold,
        })
    }

    /// The packed look-up entry of `c`, 0 when the font cannot draw it.
    #[inline]
    fn entry(&self, c: char) -> u32 {
        let cp = c as u32;
        match self.bmp.get(cp as usize) {
            Some(e) => *e,
            None => self.astral.get(&cp).copied().unwrap_or(0),
        }
    }

    /// Whether the font has a real glyph for `c` (tab counts as space).
    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.entry(c) != 0
    }

    /// The glyph drawn for `c`: its own, or `?` when the font has none.
    #[inline]
    pub(crate) fn glyph(&self, c: char) -> Glyph {
        let e = self.entry(c);
        if e == 0 {
            self.replacement
        } else {
            // A tab is drawn (and extracted) as a space.
            let unicode = if c == '\t' { ' ' } else { c };
            Glyph { gid: (e >> 16) as u16, width: (e & 0xFFFF) as u16, unicode }
        }
    }

    /// Advance of `c` in 1/1000 em.
    #[inline]
    pub(crate) fn advance(&self, c: char) -> i64 {
        let e = self.entry(c);
        if e == 0 { i64::from(self.replacement.width) } else { i64::from(e & 0xFFFF) }
    }

    /// Width of `s` in 1/1000 em.
    pub(crate) fn text_width(&self, s: &str) -> i64 {
        s.chars().map(|c| self.advance(c)).sum()
    }
}

/// The glyphs one document uses from one face, in first-use order; the
/// position in that order (plus one, `.notdef` being 0) is the glyph's id in
/// the subset and its CID in the PDF.
#[derive(Debug)]
pub(crate) struct GlyphSet {
    /// Subset id by original glyph id; 0 = not used yet.
    new_of_old: Vec<u16>,
    /// Original glyph ids in subset order (subset id = index + 1).
    pub(crate) order: Vec<u16>,
    /// Text each subset glyph stands for (same indexing as `order`).
    pub(crate) unicode: Vec<char>,
}

impl GlyphSet {
    /// An empty set for a face with `glyph_count` glyphs.
    pub(crate) fn new(glyph_count: usize) -> Self {
        Self { new_of_old: vec![0; glyph_count], order: Vec::new(), unicode: Vec::new() }
    }

    /// The subset id (= CID) of `glyph`, adding it to the set on first use.
    #[inline]
    pub(crate) fn cid(&mut self, glyph: Glyph) -> u16 {
        let Some(slot) = self.new_of_old.get_mut(usize::from(glyph.gid)) else {
            return 0;
        };
        if *slot == 0 {
            // At most 65535 glyphs exist, so the id always fits.
            let id = u16::try_from(self.order.len() + 1).unwrap_or(0);
            *slot = id;
            self.order.push(glyph.gid);
            self.unicode.push(glyph.unicode);
        }
        *slot
    }

    /// Whether no glyph was used.
    pub(crate) fn is_empty(&self) -> bool {
        self.order.is_empty()
    }
}
