//! Rows of cells that wrap their text: column geometry, wrapping a row, and
//! drawing some or all of its lines.

use crate::Align;
use crate::canvas::{Canvas, Style};
use crate::font::Fonts;
use crate::wrap::{Line, wrap};

/// Line height for a font size: 125 %.
pub(crate) const fn line_height(size: i64) -> i64 {
    size * 5 / 4
}

/// Baseline of a line whose box starts at `top`, for text of `size`.
pub(crate) const fn baseline(top: i64, line_h: i64, size: i64) -> i64 {
    top + line_h - size * 29 / 100
}

/// A piece of text with its style; cells are made of one or more.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Seg<'t> {
    pub(crate) text: &'t str,
    pub(crate) style: Style,
}

/// Columns of cells that wrap their text.
#[derive(Debug)]
pub(crate) struct Grid {
    /// Left edge of each column.
    pub(crate) xs: Vec<i64>,
    /// Width of each column.
    pub(crate) ws: Vec<i64>,
    /// Alignment of each column.
    pub(crate) aligns: Vec<Align>,
    /// Horizontal cell padding.
    pub(crate) pad_x: i64,
    /// Vertical cell padding.
    pub(crate) pad_y: i64,
    /// Line height.
    pub(crate) line_h: i64,
    /// Font size the baseline is computed for.
    pub(crate) size: i64,
}

/// The wrapped lines of one row of a grid.
#[derive(Debug, Default)]
pub(crate) struct Wrapped {
    pub(crate) lines: Vec<Line>,
    /// Range of `lines` for each cell.
    pub(crate) cells: Vec<(usize, usize)>,
    /// Most lines in any cell.
    pub(crate) max_lines: usize,
}

impl Grid {
    /// Splits `width` starting at `left` among columns by weight.
    /// Column edges: `width` from `left` shared by `weights` (all zero:
    /// equally). Computed in `i128`, so no weights can overflow it.
    pub(crate) fn proportional(left: i64, width: i64, weights: &[u32]) -> (Vec<i64>, Vec<i64>) {
        let all_zero = weights.iter().all(|w| *w == 0);
        let weight = |w: u32| if all_zero { 1 } else { i128::from(w) };
        let total: i128 = weights.iter().map(|w| weight(*w)).sum::<i128>().max(1);
        let mut xs = Vec::with_capacity(weights.len());
        let mut ws = Vec::with_capacity(weights.len());
        let mut cum = 0i128;
        let mut edge = left;
        for (i, w) in weights.iter().enumerate() {
            cum += weight(*w);
            let next = if i + 1 == weights.len() {
                left + width
            } else {
                left + i64::try_from(i128::from(width) * cum / total).unwrap_or(width)
            };
            xs.push(edge);
            ws.push(next - edge);
            edge = next;
        }
        (xs, ws)
    }

    pub(crate) fn wrap(
        &self,
        fonts: &Fonts,
        segs: &[Seg<'_>],
        cell_segs: &[(usize, usize)],
        out: &mut Wrapped,
    ) {
        out.lines.clear();
        out.cells.clear();
        out.max_lines = 0;
        for (ci, &(s0, s1)) in cell_segs.iter().enumerate() {
            let first = out.lines.len();
            let inner = self.ws.get(ci).copied().unwrap_or(0) - 2 * self.pad_x;
            for (si, seg) in segs.iter().enumerate().take(s1).skip(s0) {
                let max = inner.max(0) * 1000 / seg.style.size.max(1);
                wrap(
                    fonts.get(seg.style.font),
                    seg.text,
                    u32::try_from(si).unwrap_or(u32::MAX),
                    max,
                    &mut out.lines,
                );
            }
            out.cells.push((first, out.lines.len()));
            out.max_lines = out.max_lines.max(out.lines.len() - first);
        }
    }

    /// Height of a row showing `lines` lines.
    pub(crate) fn height_of_lines(&self, lines: usize) -> i64 {
        2 * self.pad_y + i64::try_from(lines.max(1)).unwrap_or(i64::MAX / 4) * self.line_h
    }

    pub(crate) fn height(&self, w: &Wrapped) -> i64 {
        self.height_of_lines(w.max_lines)
    }

    /// Draws lines `from..to` of every cell with the row box starting at `top`.
    pub(crate) fn draw(
        &self,
        canvas: &mut Canvas<'_>,
        segs: &[Seg<'_>],
        w: &Wrapped,
        top: i64,
        from: usize,
        to: usize,
    ) {
        for (ci, &(l0, l1)) in w.cells.iter().enumerate() {
            let (Some(&x), Some(&cw)) = (self.xs.get(ci), self.ws.get(ci)) else { continue };
            let align = self.aligns.get(ci).copied().unwrap_or(Align::Left);
            for k in from..to {
                let Some(line) = w.lines.get(l0 + k).filter(|_| l0 + k < l1) else { break };
                let Some(seg) = segs.get(line.seg as usize) else { continue };
                let text = seg.text.get(line.start as usize..line.end as usize).unwrap_or("");
                let width = line.width * seg.style.size / 1000;
                let tx = match align {
                    Align::Left => x + self.pad_x,
                    Align::Right => x + cw - self.pad_x - width,
                    Align::Center => x + (cw - width) / 2,
                };
                let line_top =
                    top + self.pad_y + i64::try_from(k - from).unwrap_or(0) * self.line_h;
                canvas.text(tx, baseline(line_top, self.line_h, self.size), seg.style, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Grid;

    #[test]
    fn columns_share_the_width_by_weight() {
        assert_eq!(Grid::proportional(10, 100, &[1, 3]), (vec![10, 35], vec![25, 75]));
        assert_eq!(Grid::proportional(0, 90, &[0, 0, 0]), (vec![0, 30, 60], vec![30, 30, 30]));
        let (xs, ws) = Grid::proportional(0, 515_000, &[u32::MAX; 5000]);
        assert_eq!(ws.iter().sum::<i64>(), 515_000);
        assert_eq!(xs[0], 0);
    }
}
