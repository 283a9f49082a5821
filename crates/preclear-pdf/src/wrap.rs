//! Line breaking: greedy, at spaces, inside a word only when the word alone is
//! wider than the line; `\n` always starts a new line.

use crate::font::FontData;

/// One laid-out line: a byte range of the source text and its drawn width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Line {
    /// Index of the text segment the range belongs to (see `layout::Seg`).
    pub(crate) seg: u32,
    /// Start byte (inclusive).
    pub(crate) start: u32,
    /// End byte (exclusive), trailing spaces excluded.
    pub(crate) end: u32,
    /// Width in 1/1000 em (multiply by the font size in milli-points and
    /// divide by 1000 for milli-points).
    pub(crate) width: i64,
}

/// Byte offsets never exceed `u32` in practice; saturate rather than wrap.
fn off(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A run of spaces seen on the current line: a place to break.
#[derive(Debug, Clone, Copy)]
struct SpaceRun {
    /// First space.
    start: usize,
    /// Line width before the first space.
    width_before: i64,
    /// Byte after the last space.
    end: usize,
    /// Line width after the last space.
    width_after: i64,
}

/// Breaks `text` into lines no wider than `max` (1/1000 em) and appends them
/// to `out`, tagging each with `seg`. Always produces at least one line
/// (possibly empty) per `\n`-separated paragraph; every line holds at least
/// one character, so a very narrow `max` still makes progress.
pub(crate) fn wrap(font: &FontData, text: &str, seg: u32, max: i64, out: &mut Vec<Line>) {
    let mut para_start = 0usize;
    loop {
        let para_end = text[para_start..].find('\n').map_or(text.len(), |i| para_start + i);
        let mut para = &text[para_start..para_end];
        if let Some(stripped) = para.strip_suffix('\r') {
            para = stripped;
        }
        wrap_paragraph(font, para, para_start, seg, max, out);
        if para_end >= text.len() {
            break;
        }
        para_start = para_end + 1;
    }
}

fn wrap_paragraph(
    font: &FontData,
    para: &str,
    base: usize,
    seg: u32,
    max: i64,
    out: &mut Vec<Line>,
) {
    let mut line_start = 0usize;
    let mut width = 0i64;
    let mut run: Option<SpaceRun> = None;
    let mut push = |start: usize, end: usize, width: i64| {
        out.push(Line { seg, start: off(base + start), end: off(base + end), width });
    };
    for (i, c) in para.char_indices() {
        let w = font.advance(c);
        if c == ' ' || c == '\t' {
            match &mut run {
                Some(r) if r.end == i => {
                    r.end = i + c.len_utf8();
                    r.width_after = width + w;
                }
                _ => {
                    run = Some(SpaceRun {
                        start: i,
                        width_before: width,
                        end: i + c.len_utf8(),
                        width_after: width + w,
                    });
                }
            }
            width += w;
            continue;
        }
        if width + w > max && i > line_start {
            match run.take() {
                Some(r) if r.start > line_start => {
                    push(line_start, r.start, r.width_before);
                    line_start = r.end;
                    width -= r.width_after;
                    if width + w > max && i > line_start {
                        // The word alone is too wide: break inside it.
                        push(line_start, i, width);
                        line_start = i;
                        width = 0;
                    }
                }
                _ => {
                    push(line_start, i, width);
                    line_start = i;
                    width = 0;
                }
            }
        }
        width += w;
    }
    // Last line, without trailing spaces.
    match run {
        Some(r) if r.end == para.len() => {
            let end = r.start.max(line_start);
            let w = if r.start >= line_start { r.width_before } else { 0 };
            push(line_start, end, w);
        }
        _ => push(line_start, para.len(), width),
    }
}

/// The longest prefix of `text` (first line only) that fits in `max`
/// (1/1000 em), as a byte length, and whether it was cut.
pub(crate) fn fit_prefix(font: &FontData, text: &str, max: i64) -> (usize, bool) {
    let mut width = 0i64;
    for (i, c) in text.char_indices() {
        if c == '\n' || c == '\r' {
            return (i, true);
        }
        width += font.advance(c);
        if width > max {
            return (i, true);
        }
    }
    (text.len(), false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::font::{FontId, fonts};

    fn lines(text: &str, max_chars_of_m: i64) -> Vec<String> {
        let f = fonts().unwrap().get(FontId::Regular);
        let max = f.advance('M') * max_chars_of_m;
        let mut out = Vec::new();
        wrap(f, text, 0, max, &mut out);
        out.iter().map(|l| text[l.start as usize..l.end as usize].to_owned()).collect()
    }

    #[test]
    fn breaks_at_spaces_and_inside_long_words() {
        assert_eq!(lines("", 10), vec![""]);
        assert_eq!(lines("MMM MMM MMM", 7), vec!["MMM MMM", "MMM"]);
        assert_eq!(lines("MMMMMMMMMM", 4), vec!["MMMM", "MMMM", "MM"]);
        assert_eq!(lines("MM MMMMMMMMMM", 4), vec!["MM", "MMMM", "MMMM", "MM"]);
        assert_eq!(lines("MM   MM", 3), vec!["MM", "MM"]);
        assert_eq!(lines("MM  ", 10), vec!["MM"]);
        assert_eq!(lines("a\nb\r\n\nc", 10), vec!["a", "b", "", "c"]);
        assert_eq!(lines("MMM", 0), vec!["M", "M", "M"]);
        assert_eq!(lines("   ", 10), vec![""]);
    }

    #[test]
    fn widths_exclude_trailing_spaces() {
        let f = fonts().unwrap().get(FontId::Regular);
        let mut out = Vec::new();
        wrap(f, "MM MM", 0, f.advance('M') * 3, &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].width, f.advance('M') * 2);
        assert_eq!(out[1].width, f.advance('M') * 2);
        assert_eq!((out[1].start, out[1].end), (3, 5));
    }
}
