//! Blocks → pages: places every block top to bottom, breaks pages, repeats
//! table headers, keeps headings with what follows and totals with the last
//! body row, then adds the running header and the footer with page numbers.
//!
//! All lengths are milli-points (1 pt = 1000), y grows downwards from the top
//! edge of the page.

use crate::canvas::{Canvas, Style};
use crate::font::{FontId, Fonts};
use crate::grid::{Grid, Seg, Wrapped, baseline, line_height};
use crate::wrap::{Line, fit_prefix, wrap};
use crate::{Align, Block, Document, Orientation, PartyBox, Table};

/// One point in milli-points.
const PT: i64 = 1000;
/// Left and right margin.
const MARGIN_X: i64 = 40 * PT;
/// Top of the body (below the running header).
const MARGIN_TOP: i64 = 48 * PT;
/// Bottom of the body (above the footer).
const MARGIN_BOTTOM: i64 = 48 * PT;

/// Body text.
const BODY: Style = Style { font: FontId::Regular, size: 9 * PT, gray: 0 };
/// Notes: smaller and grey.
const NOTE: Style = Style { font: FontId::Regular, size: 8 * PT, gray: 380 };
/// Section headings.
const HEADING: Style = Style { font: FontId::Bold, size: 11 * PT, gray: 0 };
/// The page-1 title.
const TITLE: Style = Style { font: FontId::Bold, size: 16 * PT, gray: 0 };
/// The line under the title.
const SUBTITLE: Style = Style { font: FontId::Regular, size: 9500, gray: 330 };
/// Field labels.
const LABEL: Style = Style { font: FontId::Bold, size: 8 * PT, gray: 400 };
/// Table body cells.
const CELL: Style = Style { font: FontId::Regular, size: 8 * PT, gray: 0 };
/// Table header and totals cells.
const CELL_BOLD: Style = Style { font: FontId::Bold, size: 8 * PT, gray: 0 };
/// Running header and footer.
const FURNITURE: Style = Style { font: FontId::Regular, size: 7 * PT, gray: 400 };
/// Signature labels.
const SIGN_LABEL: Style = Style { font: FontId::Regular, size: 8 * PT, gray: 380 };

/// Page geometry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    /// Page width.
    pub(crate) page_w: i64,
    /// Page height.
    pub(crate) page_h: i64,
    /// Left edge of the body.
    left: i64,
    /// Right edge of the body.
    right: i64,
    /// Top of the body.
    top: i64,
    /// Bottom of the body.
    bottom: i64,
}

impl Geometry {
    /// A4 in the given orientation.
    pub(crate) fn a4(orientation: Orientation) -> Self {
        let (page_w, page_h) = match orientation {
            Orientation::Portrait => (595 * PT, 842 * PT),
            Orientation::Landscape => (842 * PT, 595 * PT),
        };
        Self {
            page_w,
            page_h,
            left: MARGIN_X,
            right: page_w - MARGIN_X,
            top: MARGIN_TOP,
            bottom: page_h - MARGIN_BOTTOM,
        }
    }

    fn width(&self) -> i64 {
        self.right - self.left
    }
}

/// What has to be redrawn around a grid row when it lands on a new page or is
/// drawn in slices.
#[derive(Debug, Clone, Copy)]
enum RowKind<'a, 't> {
    /// Nothing.
    Plain,
    /// Table body or totals row: the header repeats on a new page, a rule
    /// follows the row.
    Table(&'a TableHead<'t>, i64),
    /// Bordered boxes.
    Boxes,
}

/// A table's header row, ready to be drawn on every page.
#[derive(Debug)]
struct TableHead<'t> {
    grid: Grid,
    segs: Vec<Seg<'t>>,
    wrapped: Wrapped,
    height: i64,
}

/// The layout state.
struct Layout<'f> {
    fonts: &'f Fonts,
    canvas: Canvas<'f>,
    g: Geometry,
    /// Current y (top of free space).
    y: i64,
    /// y where the body of the current page starts (after a repeated table
    /// header).
    body_top: i64,
    /// Scratch line buffer.
    lines: Vec<Line>,
}

/// Lays out `doc`, returning the drawn pages.
pub(crate) fn lay_out<'f>(doc: &Document, fonts: &'f Fonts) -> Canvas<'f> {
    let g = Geometry::a4(doc.orientation);
    let mut l = Layout {
        fonts,
        canvas: Canvas::new(fonts, g.page_h),
        g,
        y: g.top,
        body_top: g.top,
        lines: Vec::new(),
    };
    l.canvas.new_page();
    l.title(doc);
    let mut prev_heading = false;
    for (i, block) in doc.blocks.iter().enumerate() {
        let gap = match block {
            Block::Spacer(_) => 0,
            Block::Heading(_) => 12 * PT,
            _ if prev_heading => 4 * PT,
            _ => 8 * PT,
        };
        if l.y > l.body_top {
            l.y += gap;
        }
        match block {
            Block::Heading(text) => l.heading(text, doc.blocks.get(i + 1)),
            Block::Paragraph(text) => l.flow(text, BODY),
            Block::Note(text) => l.flow(text, NOTE),
            Block::Fields(pairs) => l.fields(pairs),
            Block::Boxes(boxes) => l.boxes(boxes),
            Block::Table(table) => l.table(table),
            Block::Signature(labels) => l.signature(labels),
            Block::Spacer(points) => l.spacer(*points),
        }
        prev_heading = matches!(block, Block::Heading(_));
    }
    l.furniture(doc);
    l.canvas
}

impl<'f> Layout<'f> {
    fn new_page(&mut self) {
        self.canvas.new_page();
        self.y = self.g.top;
        self.body_top = self.g.top;
    }

    /// Breaks the page unless `h` fits below `y` or the page is still empty.
    fn ensure(&mut self, h: i64) {
        if self.y + h > self.g.bottom && self.y > self.body_top {
            self.new_page();
        }
    }

    fn wrap_full(&mut self, text: &str, style: Style) -> Vec<Line> {
        let mut lines = std::mem::take(&mut self.lines);
        lines.clear();
        let max = self.g.width() * 1000 / style.size.max(1);
        wrap(self.fonts.get(style.font), text, 0, max, &mut lines);
        lines
    }

    /// Draws pre-wrapped full-width lines, breaking pages between lines.
    fn flow_lines(&mut self, text: &str, lines: &[Line], style: Style, line_h: i64) {
        for line in lines {
            if self.y + line_h > self.g.bottom && self.y > self.body_top {
                self.new_page();
            }
            let t = text.get(line.start as usize..line.end as usize).unwrap_or("");
            self.canvas.text(self.g.left, baseline(self.y, line_h, style.size), style, t);
            self.y += line_h;
        }
    }

    /// A paragraph or note.
    fn flow(&mut self, text: &str, style: Style) {
        let lines = self.wrap_full(text, style);
        self.flow_lines(text, &lines, style, line_height(style.size));
        self.lines = lines;
    }

    fn title(&mut self, doc: &Document) {
        let mut drew = false;
        if !doc.title.trim().is_empty() {
            let lines = self.wrap_full(&doc.title, TITLE);
            self.flow_lines(&doc.title, &lines, TITLE, line_height(TITLE.size));
            self.lines = lines;
            drew = true;
        }
        if let Some(sub) = doc.subtitle.as_deref().filter(|s| !s.trim().is_empty()) {
            self.y += 2 * PT;
            let lines = self.wrap_full(sub, SUBTITLE);
            self.flow_lines(sub, &lines, SUBTITLE, line_height(SUBTITLE.size));
            self.lines = lines;
            drew = true;
        }
        if drew {
            self.y += 5 * PT;
            self.canvas.hline(self.g.left, self.g.right, self.y, 800, 0);
            self.y += 6 * PT;
        }
    }

    /// Height of the part of `block` that must follow a heading on the same
    /// page.
    fn first_chunk(&mut self, block: &Block) -> i64 {
        match block {
            Block::Heading(text) => {
                let lines = self.wrap_full(text, HEADING);
                let h = i64::try_from(lines.len()).unwrap_or(1) * line_height(HEADING.size);
                self.lines = lines;
                h + 12 * PT
            }
            Block::Paragraph(text) | Block::Note(text) => {
                let style = if matches!(block, Block::Note(_)) { NOTE } else { BODY };
                let lines = self.wrap_full(text, style);
                let h = i64::try_from(lines.len().min(2)).unwrap_or(1) * line_height(style.size);
                self.lines = lines;
                h + 4 * PT
            }
            Block::Fields(pairs) => {
                let grid = self.fields_grid();
                let mut w = Wrapped::default();
                match pairs.chunks(2).next() {
                    Some(row) => {
                        let (segs, cells) = field_row(row);
                        grid.wrap(self.fonts, &segs, &cells, &mut w);
                        grid.height(&w) + 4 * PT
                    }
                    None => 0,
                }
            }
            Block::Boxes(boxes) => match boxes.chunks(4).next() {
                Some(row) => {
                    let grid = self.boxes_grid(row.len());
                    let (segs, cells) = box_row(row);
                    let mut w = Wrapped::default();
                    grid.wrap(self.fonts, &segs, &cells, &mut w);
                    grid.height(&w).min(self.g.bottom - self.g.top) + 4 * PT
                }
                None => 0,
            },
            Block::Table(table) => {
                let Some(head) = self.table_head(table) else { return 0 };
                let mut w = Wrapped::default();
                let mut segs = Vec::new();
                let mut cells = Vec::new();
                let first = match table.rows.first() {
                    Some(row) => {
                        table_row(row, table.columns.len(), CELL, &mut segs, &mut cells);
                        head.grid.wrap(self.fonts, &segs, &cells, &mut w);
                        let h = head.grid.height(&w);
                        let page_room = self.g.bottom - self.g.top - head.height;
                        if h <= page_room { h } else { head.grid.height_of_lines(2) }
                    }
                    None => 0,
                };
                head.height + first + 4 * PT
            }
            Block::Signature(labels) => self.signature_height(labels) + 4 * PT,
            Block::Spacer(_) => 0,
        }
    }

    fn heading(&mut self, text: &str, next: Option<&Block>) {
        let lines = self.wrap_full(text, HEADING);
        let line_h = line_height(HEADING.size);
        let own = i64::try_from(lines.len()).unwrap_or(1) * line_h;
        self.lines = lines;
        let follow = match next {
            Some(block) => self.first_chunk(block),
            None => 0,
        };
        self.ensure(own + follow.min(self.g.bottom - self.g.top - own));
        let lines = self.wrap_full(text, HEADING);
        self.flow_lines(text, &lines, HEADING, line_h);
        self.lines = lines;
    }

    fn spacer(&mut self, points: u32) {
        let h = i64::from(points) * PT;
        if self.y + h > self.g.bottom {
            self.new_page();
        } else {
            self.y += h;
        }
    }

    /// Places one grid row: moves to a new page when it does not fit (and
    /// something precedes it there), splits it by lines when it is taller than
    /// a page. `extra` is height that must fit after it on the same page.
    fn place_row(
        &mut self,
        grid: &Grid,
        segs: &[Seg<'_>],
        w: &Wrapped,
        kind: RowKind<'_, '_>,
        can_break: bool,
        extra: i64,
    ) {
        let h = grid.height(w);
        // A row taller than a whole page is split anyway: start it here
        // rather than leave the rest of this page empty.
        let head = if let RowKind::Table(head, _) = kind { head.height } else { 0 };
        let fits_a_page = h <= self.g.bottom - self.g.top - head;
        let room_for_some = self.y + grid.height_of_lines(2) <= self.g.bottom;
        if can_break && self.y + h + extra > self.g.bottom && (fits_a_page || !room_for_some) {
            self.break_for(kind);
        }
        if self.y + h <= self.g.bottom {
            self.draw_slice(grid, segs, w, kind, 0, w.max_lines.max(1), h);
            return;
        }
        // Taller than the space left: split by lines.
        let total = w.max_lines.max(1);
        let mut from = 0;
        while from < total {
            let room = (self.g.bottom - self.y - 2 * grid.pad_y) / grid.line_h.max(1);
            let mut k = usize::try_from(room).unwrap_or(0);
            if k == 0 {
                if self.y > self.body_top {
                    self.break_for(kind);
                    continue;
                }
                k = 1;
            }
            let to = (from + k).min(total);
            let sh = grid.height_of_lines(to - from);
            self.draw_slice(grid, segs, w, kind, from, to, sh);
            from = to;
            if from < total {
                self.break_for(kind);
            }
        }
    }

    #[expect(clippy::too_many_arguments, reason = "internal helper; the arguments are the slice")]
    fn draw_slice(
        &mut self,
        grid: &Grid,
        segs: &[Seg<'_>],
        w: &Wrapped,
        kind: RowKind<'_, '_>,
        from: usize,
        to: usize,
        h: i64,
    ) {
        grid.draw(&mut self.canvas, segs, w, self.y, from, to);
        match kind {
            RowKind::Plain => {}
            RowKind::Table(_, rule) => {
                if rule > 0 {
                    self.canvas.hline(self.g.left, self.g.right, self.y + h, rule, 780);
                }
            }
            RowKind::Boxes => {
                for (x, bw) in grid.xs.iter().zip(&grid.ws) {
                    self.canvas.stroke_rect(*x, self.y, *bw, h, 600, 450);
                }
            }
        }
        self.y += h;
    }

    fn break_for(&mut self, kind: RowKind<'_, '_>) {
        self.new_page();
        if let RowKind::Table(head, _) = kind {
            self.draw_table_head(head);
            self.body_top = self.y;
        }
    }

    fn fields_grid(&self) -> Grid {
        let gap = 16 * PT;
        let half = (self.g.width() - gap) / 2;
        let label = half * 36 / 100;
        let l = self.g.left;
        Grid {
            xs: vec![l, l + label, l + half + gap, l + half + gap + label],
            ws: vec![label - 6 * PT, half - label, label - 6 * PT, half - label],
            aligns: vec![Align::Left; 4],
            pad_x: 0,
            pad_y: 1500,
            line_h: line_height(BODY.size),
            size: BODY.size,
        }
    }

    fn fields(&mut self, pairs: &[(String, String)]) {
        let grid = self.fields_grid();
        let mut w = Wrapped::default();
        for row in pairs.chunks(2) {
            let (segs, cells) = field_row(row);
            grid.wrap(self.fonts, &segs, &cells, &mut w);
            let can_break = self.y > self.body_top;
            self.place_row(&grid, &segs, &w, RowKind::Plain, can_break, 0);
        }
    }

    fn boxes_grid(&self, n: usize) -> Grid {
        let n = n.max(1);
        let gap = 8 * PT;
        let count = i64::try_from(n).unwrap_or(1);
        let bw = (self.g.width() - gap * (count - 1)) / count;
        let xs = (0..count).map(|i| self.g.left + i * (bw + gap)).collect();
        Grid {
            xs,
            ws: vec![bw; n],
            aligns: vec![Align::Left; n],
            pad_x: 6 * PT,
            pad_y: 5 * PT,
            line_h: line_height(BODY.size),
            size: BODY.size,
        }
    }

    fn boxes(&mut self, boxes: &[PartyBox]) {
        let mut w = Wrapped::default();
        for (i, row) in boxes.chunks(4).enumerate() {
            if i > 0 {
                self.y += 8 * PT;
            }
            let grid = self.boxes_grid(row.len());
            let (segs, cells) = box_row(row);
            grid.wrap(self.fonts, &segs, &cells, &mut w);
            let can_break = self.y > self.body_top;
            self.place_row(&grid, &segs, &w, RowKind::Boxes, can_break, 0);
        }
    }

    fn table_head<'t>(&self, table: &'t Table) -> Option<TableHead<'t>> {
        if table.columns.is_empty() {
            return None;
        }
        let weights: Vec<u32> = table.columns.iter().map(|c| c.width).collect();
        let (xs, ws) = Grid::proportional(self.g.left, self.g.width(), &weights);
        let grid = Grid {
            xs,
            ws,
            aligns: table.columns.iter().map(|c| c.align).collect(),
            pad_x: 4 * PT,
            pad_y: 3 * PT,
            line_h: line_height(CELL.size),
            size: CELL.size,
        };
        let segs: Vec<Seg<'t>> =
            table.columns.iter().map(|c| Seg { text: &c.header, style: CELL_BOLD }).collect();
        let cells: Vec<(usize, usize)> = (0..segs.len()).map(|i| (i, i + 1)).collect();
        let mut wrapped = Wrapped::default();
        grid.wrap(self.fonts, &segs, &cells, &mut wrapped);
        let height = grid.height(&wrapped);
        Some(TableHead { grid, segs, wrapped, height })
    }

    fn draw_table_head(&mut self, head: &TableHead<'_>) {
        self.canvas.fill_rect(self.g.left, self.y, self.g.width(), head.height, 910);
        head.grid.draw(
            &mut self.canvas,
            &head.segs,
            &head.wrapped,
            self.y,
            0,
            head.wrapped.max_lines,
        );
        self.y += head.height;
        self.canvas.hline(self.g.left, self.g.right, self.y, 600, 450);
    }

    fn table(&mut self, table: &Table) {
        let Some(head) = self.table_head(table) else { return };
        let n = table.columns.len();
        let grid = &head.grid;
        let mut segs: Vec<Seg<'_>> = Vec::with_capacity(n);
        let mut cells: Vec<(usize, usize)> = Vec::with_capacity(n);
        let mut w = Wrapped::default();

        // Totals rows, measured up front so they stay with the last body row.
        let mut footer_h = 0;
        for row in &table.footer {
            table_row(row, n, CELL_BOLD, &mut segs, &mut cells);
            grid.wrap(self.fonts, &segs, &cells, &mut w);
            footer_h += grid.height(&w);
        }
        let page_room = self.g.bottom - self.g.top - head.height;
        let keep_footer = if footer_h <= page_room / 2 { footer_h } else { 0 };

        // Header together with the first row (or the totals of an empty table).
        let first_h = match table.rows.first() {
            Some(row) => {
                table_row(row, n, CELL, &mut segs, &mut cells);
                grid.wrap(self.fonts, &segs, &cells, &mut w);
                grid.height(&w) + if table.rows.len() == 1 { keep_footer } else { 0 }
            }
            None => keep_footer,
        };
        // A first row taller than a page is split anyway: two lines suffice.
        let first_need = if first_h <= page_room { first_h } else { grid.height_of_lines(2) };
        self.ensure(head.height + first_need);
        self.draw_table_head(&head);
        let mut rows_on_page = 0usize;
        let mut page = self.canvas.page_count();
        let last = table.rows.len().saturating_sub(1);
        for (i, row) in table.rows.iter().enumerate() {
            table_row(row, n, CELL, &mut segs, &mut cells);
            grid.wrap(self.fonts, &segs, &cells, &mut w);
            let extra = if i == last { keep_footer } else { 0 };
            self.place_row(grid, &segs, &w, RowKind::Table(&head, 300), rows_on_page > 0, extra);
            if self.canvas.page_count() != page {
                page = self.canvas.page_count();
                rows_on_page = 0;
            }
            rows_on_page += 1;
        }
        for (i, row) in table.footer.iter().enumerate() {
            table_row(row, n, CELL_BOLD, &mut segs, &mut cells);
            grid.wrap(self.fonts, &segs, &cells, &mut w);
            let h = grid.height(&w);
            if self.y + h > self.g.bottom && self.y > self.body_top {
                self.break_for(RowKind::Table(&head, 0));
            }
            if i == 0 {
                self.canvas.hline(self.g.left, self.g.right, self.y, 800, 0);
            }
            let rule = if i + 1 == table.footer.len() { 800 } else { 0 };
            self.place_row(grid, &segs, &w, RowKind::Table(&head, rule), false, 0);
        }
    }

    fn signature_layout(&self, n: usize) -> (Vec<i64>, i64) {
        let gap = 24 * PT;
        let count = i64::try_from(n.max(1)).unwrap_or(1);
        let bw = (self.g.width() - gap * (count - 1)) / count;
        ((0..count).map(|i| self.g.left + i * (bw + gap)).collect(), bw)
    }

    /// Space left above each signature line.
    const SIGN_SPACE: i64 = 34 * PT;

    fn signature_height(&mut self, labels: &[String]) -> i64 {
        let (_, bw) = self.signature_layout(labels.len());
        let font = self.fonts.get(SIGN_LABEL.font);
        let mut most = 1usize;
        let mut lines = std::mem::take(&mut self.lines);
        for label in labels {
            lines.clear();
            wrap(font, label, 0, bw * 1000 / SIGN_LABEL.size, &mut lines);
            most = most.max(lines.len());
        }
        self.lines = lines;
        Self::SIGN_SPACE + 3 * PT + i64::try_from(most).unwrap_or(1) * line_height(SIGN_LABEL.size)
    }

    fn signature(&mut self, labels: &[String]) {
        if labels.is_empty() {
            return;
        }
        let h = self.signature_height(labels);
        self.ensure(h);
        let (xs, bw) = self.signature_layout(labels.len());
        let line_y = self.y + Self::SIGN_SPACE;
        let font = self.fonts.get(SIGN_LABEL.font);
        let line_h = line_height(SIGN_LABEL.size);
        let mut lines = std::mem::take(&mut self.lines);
        for (label, x) in labels.iter().zip(xs) {
            self.canvas.hline(x, x + bw, line_y, 600, 0);
            lines.clear();
            wrap(font, label, 0, bw * 1000 / SIGN_LABEL.size, &mut lines);
            let mut top = line_y + 3 * PT;
            for line in &lines {
                let t = label.get(line.start as usize..line.end as usize).unwrap_or("");
                self.canvas.text(x, baseline(top, line_h, SIGN_LABEL.size), SIGN_LABEL, t);
                top += line_h;
            }
        }
        self.lines = lines;
        self.y += h;
    }

    /// One line of `text` cut to `max` with an ellipsis when too long.
    fn fitted(&self, text: &str, style: Style, max: i64) -> String {
        let font = self.fonts.get(style.font);
        let max_units = max * 1000 / style.size;
        let (end, cut) = fit_prefix(font, text, max_units);
        if !cut {
            return text.to_owned();
        }
        let room = max_units - font.advance('…');
        let (end2, _) = fit_prefix(font, text, room);
        let mut s = text.get(..end2.min(end)).unwrap_or("").trim_end().to_owned();
        s.push('…');
        s
    }

    /// Running header (pages 2..) and footer with "Page n of N" (all pages).
    fn furniture(&mut self, doc: &Document) {
        let n = self.canvas.page_count();
        let font = self.fonts.get(FURNITURE.font);
        let foot_base = self.g.page_h - 26 * PT;
        let foot_rule = self.g.page_h - 36 * PT;
        for i in 0..n {
            let label = format!("Page {} of {}", i + 1, n);
            let lw = font.text_width(&label) * FURNITURE.size / 1000;
            let footer = self.fitted(&doc.footer, FURNITURE, self.g.width() - lw - 12 * PT);
            self.canvas.hline_on(i, self.g.left, self.g.right, foot_rule, 400, 700);
            self.canvas.text_on(i, self.g.left, foot_base, FURNITURE, &footer);
            self.canvas.text_on(i, self.g.right - lw, foot_base, FURNITURE, &label);
            if i > 0 && !doc.running_header.trim().is_empty() {
                let head = self.fitted(&doc.running_header, FURNITURE, self.g.width());
                self.canvas.text_on(i, self.g.left, 30 * PT, FURNITURE, &head);
                self.canvas.hline_on(i, self.g.left, self.g.right, 35 * PT, 400, 700);
            }
        }
    }
}

/// Segments and cell ranges of a row of up to two label/value pairs.
fn field_row(row: &[(String, String)]) -> (Vec<Seg<'_>>, Vec<(usize, usize)>) {
    let mut segs = Vec::with_capacity(4);
    for (label, value) in row {
        segs.push(Seg { text: label, style: LABEL });
        segs.push(Seg { text: value, style: BODY });
    }
    let cells = (0..segs.len()).map(|i| (i, i + 1)).collect();
    (segs, cells)
}

/// Segments and cell ranges of a row of boxes: a bold title, then the lines.
fn box_row(row: &[PartyBox]) -> (Vec<Seg<'_>>, Vec<(usize, usize)>) {
    let mut segs = Vec::new();
    let mut cells = Vec::with_capacity(row.len());
    for b in row {
        let first = segs.len();
        segs.push(Seg { text: &b.title, style: Style { font: FontId::Bold, ..BODY } });
        segs.extend(b.lines.iter().map(|l| Seg { text: l, style: BODY }));
        cells.push((first, segs.len()));
    }
    (segs, cells)
}

/// Fills `segs`/`cells` with the `n` cells of a table row (missing cells are
/// empty, extra cells ignored).
fn table_row<'t>(
    row: &'t [String],
    n: usize,
    style: Style,
    segs: &mut Vec<Seg<'t>>,
    cells: &mut Vec<(usize, usize)>,
) {
    segs.clear();
    cells.clear();
    for i in 0..n {
        let text = row.get(i).map_or("", String::as_str);
        segs.push(Seg { text, style });
        cells.push((i, i + 1));
    }
}
