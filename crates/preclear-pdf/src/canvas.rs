//! Page content streams, built directly as bytes.
//!
//! Coordinates come in milli-points measured from the top-left corner of the
//! page (the way layout thinks); they are written as PDF user-space numbers
//! with at most three decimals, formatted with integer arithmetic only.
//! Graphics (rules, backgrounds, borders) and text go to two buffers per page
//! that are joined at the end as `q <graphics> Q BT <text> ET`, so every
//! background is painted before any text and the graphics state of one never
//! leaks into the other.

use crate::font::{FontId, Fonts, GlyphSet};

/// How a run of text is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    /// Face.
    pub(crate) font: FontId,
    /// Size in milli-points.
    pub(crate) size: i64,
    /// Grey level of the text, 0 = black, 1000 = white.
    pub(crate) gray: i64,
}

/// One page under construction.
#[derive(Debug)]
pub(crate) struct Page {
    /// Graphics operators.
    gfx: Vec<u8>,
    /// Text-object operators (inside one `BT … ET`).
    text: Vec<u8>,
    /// Font and size currently selected in the text object.
    cur_font: Option<(FontId, i64)>,
    /// Current text fill grey.
    cur_text_gray: i64,
    /// Current graphics fill grey.
    cur_fill_gray: i64,
    /// Current graphics stroke grey.
    cur_stroke_gray: i64,
    /// Current graphics line width.
    cur_line_width: i64,
    /// Text line matrix origin (PDF user space, milli-points).
    tx: i64,
    /// See `tx`.
    ty: i64,
}

impl Page {
    fn new() -> Self {
        Self {
            gfx: Vec::new(),
            text: Vec::with_capacity(16 * 1024),
            cur_font: None,
            cur_text_gray: 0,
            cur_fill_gray: 0,
            cur_stroke_gray: 0,
            cur_line_width: 1000,
            tx: 0,
            ty: 0,
        }
    }

    /// The page's content stream (uncompressed).
    pub(crate) fn into_content(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.gfx.len() + self.text.len() + 16);
        if !self.gfx.is_empty() {
            out.extend_from_slice(b"q\n");
            out.extend_from_slice(&self.gfx);
            out.extend_from_slice(b"Q\n");
        }
        if !self.text.is_empty() {
            out.extend_from_slice(b"BT\n");
            out.extend_from_slice(&self.text);
            out.extend_from_slice(b"ET\n");
        }
        out
    }
}

/// Appends `v` (thousandths) as a PDF number: `12345` → `12.345`,
/// `-500` → `-0.5`, `2000` → `2`.
pub(crate) fn push_num(buf: &mut Vec<u8>, v: i64) {
    let mut digits = [0u8; 24];
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    let frac = n % 1000;
    n /= 1000;
    if neg && (n != 0 || frac != 0) {
        buf.push(b'-');
    }
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 || len == digits.len() {
            break;
        }
    }
    buf.extend(digits[..len].iter().rev());
    if frac != 0 {
        buf.push(b'.');
        let mut f = frac;
        let mut div = 100;
        while f != 0 {
            buf.push(b'0' + (f / div) as u8);
            f %= div;
            div /= 10;
        }
    }
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// All pages of a document plus the glyphs they use.
#[derive(Debug)]
pub(crate) struct Canvas<'f> {
    fonts: &'f Fonts,
    /// Glyphs used, per face.
    pub(crate) glyphs: [GlyphSet; 2],
    /// Finished and current pages; the last is the one drawn on.
    pub(crate) pages: Vec<Page>,
    /// Page height in milli-points (to flip the y axis).
    page_h: i64,
}

impl<'f> Canvas<'f> {
    /// An empty canvas (no page yet).
    pub(crate) fn new(fonts: &'f Fonts, page_h: i64) -> Self {
        Self {
            fonts,
            glyphs: [
                GlyphSet::new(fonts.get(FontId::Regular).glyph_widths.len()),
                GlyphSet::new(fonts.get(FontId::Bold).glyph_widths.len()),
            ],
            pages: Vec::new(),
            page_h,
        }
    }

    /// Starts a new page; later drawing goes there.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(Page::new());
    }

    /// Number of pages so far.
    pub(crate) fn page_count(&self) -> usize {
        self.pages.len()
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Draws `text` (one line, no `\n`) with its left end at `x` and its
    /// baseline at `baseline`, on the current page.
    pub(crate) fn text(&mut self, x: i64, baseline: i64, style: Style, text: &str) {
        let last = self.pages.len().saturating_sub(1);
        self.text_on(last, x, baseline, style, text);
    }

    /// Like [`Canvas::text`] on page `index`.
    pub(crate) fn text_on(
        &mut self,
        index: usize,
        x: i64,
        baseline: i64,
        style: Style,
        text: &str,
    ) {
        if text.is_empty() {
            return;
        }
        if self.pages.is_empty() {
            self.pages.push(Page::new());
        }
        let page_h = self.page_h;
        let font = self.fonts.get(style.font);
        let glyphs = &mut self.glyphs[style.font.index()];
        let Some(page) = self.pages.get_mut(index) else { return };
        let buf = &mut page.text;
        if page.cur_font != Some((style.font, style.size)) {
            buf.extend_from_slice(match style.font {
                FontId::Regular => b"/F1 ",
                FontId::Bold => b"/F2 ",
            });
            push_num(buf, style.size);
            buf.extend_from_slice(b" Tf\n");
            page.cur_font = Some((style.font, style.size));
        }
        if page.cur_text_gray != style.gray {
            push_num(buf, style.gray);
            buf.extend_from_slice(b" g\n");
            page.cur_text_gray = style.gray;
        }
        let y = page_h - baseline;
        push_num(buf, x - page.tx);
        buf.push(b' ');
        push_num(buf, y - page.ty);
        buf.extend_from_slice(b" Td <");
        page.tx = x;
        page.ty = y;
        for c in text.chars() {
            if c == '\n' || c == '\r' {
                continue;
            }
            let cid = glyphs.cid(font.glyph(c));
            buf.extend_from_slice(&[
                HEX[usize::from(cid >> 12)],
                HEX[usize::from((cid >> 8) & 0xF)],
                HEX[usize::from((cid >> 4) & 0xF)],
                HEX[usize::from(cid & 0xF)],
            ]);
        }
        buf.extend_from_slice(b"> Tj\n");
    }

    fn set_fill(page: &mut Page, gray: i64) {
        if page.cur_fill_gray != gray {
            push_num(&mut page.gfx, gray);
            page.gfx.extend_from_slice(b" g\n");
            page.cur_fill_gray = gray;
        }
    }

    fn set_stroke(page: &mut Page, gray: i64, width: i64) {
        if page.cur_stroke_gray != gray {
            push_num(&mut page.gfx, gray);
            page.gfx.extend_from_slice(b" G\n");
            page.cur_stroke_gray = gray;
        }
        if page.cur_line_width != width {
            push_num(&mut page.gfx, width);
            page.gfx.extend_from_slice(b" w\n");
            page.cur_line_width = width;
        }
    }

    /// Fills a rectangle (top-left `x`, `top`; size `w`×`h`) with grey `gray`.
    pub(crate) fn fill_rect(&mut self, x: i64, top: i64, w: i64, h: i64, gray: i64) {
        let page_h = self.page_h;
        let page = self.page();
        Self::set_fill(page, gray);
        let g = &mut page.gfx;
        push_num(g, x);
        g.push(b' ');
        push_num(g, page_h - top - h);
        g.push(b' ');
        push_num(g, w);
        g.push(b' ');
        push_num(g, h);
        g.extend_from_slice(b" re f\n");
    }

    /// Strokes a rectangle outline.
    pub(crate) fn stroke_rect(&mut self, x: i64, top: i64, w: i64, h: i64, width: i64, gray: i64) {
        let page_h = self.page_h;
        let page = self.page();
        Self::set_stroke(page, gray, width);
        let g = &mut page.gfx;
        push_num(g, x);
        g.push(b' ');
        push_num(g, page_h - top - h);
        g.push(b' ');
        push_num(g, w);
        g.push(b' ');
        push_num(g, h);
        g.extend_from_slice(b" re S\n");
    }

    /// Draws a horizontal rule from `x1` to `x2` at `y` on the current page.
    pub(crate) fn hline(&mut self, x1: i64, x2: i64, y: i64, width: i64, gray: i64) {
        let last = self.pages.len().saturating_sub(1);
        self.hline_on(last, x1, x2, y, width, gray);
    }

    /// Like [`Canvas::hline`] on page `index`.
    pub(crate) fn hline_on(
        &mut self,
        index: usize,
        x1: i64,
        x2: i64,
        y: i64,
        width: i64,
        gray: i64,
    ) {
        if self.pages.is_empty() {
            self.pages.push(Page::new());
        }
        let page_h = self.page_h;
        let Some(page) = self.pages.get_mut(index) else { return };
        Self::set_stroke(page, gray, width);
        let g = &mut page.gfx;
        let y = page_h - y;
        push_num(g, x1);
        g.push(b' ');
        push_num(g, y);
        g.extend_from_slice(b" m ");
        push_num(g, x2);
        g.push(b' ');
        push_num(g, y);
        g.extend_from_slice(b" l S\n");
    }
}

#[cfg(test)]
mod tests {
    use super::push_num;

    #[test]
    fn numbers_are_fixed_point_thousandths() {
        let f = |v| {
            let mut b = Vec::new();
            push_num(&mut b, v);
            String::from_utf8(b).unwrap()
        };
        assert_eq!(f(0), "0");
        assert_eq!(f(2000), "2");
        assert_eq!(f(12345), "12.345");
        assert_eq!(f(12300), "12.3");
        assert_eq!(f(12050), "12.05");
        assert_eq!(f(5), "0.005");
        assert_eq!(f(-500), "-0.5");
        assert_eq!(f(-842000), "-842");
        assert_eq!(f(i64::MIN), "-9223372036854775.808");
    }
}
