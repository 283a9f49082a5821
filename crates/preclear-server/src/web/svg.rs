//! Server-side SVG charts for the HTML report.
//!
//! Charts are drawn on the server as inline SVG so the report prints and works
//! without JavaScript or any external asset. Colours come from the page's CSS
//! classes only (`bar`, `seg`, `task`, `range`, `unknown`, `marker`, `axis`,
//! plus the per-item class the caller passes); text uses `label`, `value` and
//! `axis`. Coordinates are computed with [`Decimal`] (no floats: workspace rule)
//! and printed with at most one decimal. Every chart is `role="img"` with a
//! `<title>` and a `<desc>` that summarises the data in words, and scales to its
//! container through `viewBox`. Layout assumes a ~12-unit font, about 7 units
//! per character.

use std::fmt::Write as _;

use jiff::{Span, civil::Date};
use rust_decimal::{Decimal, RoundingStrategy};

const WIDTH: u32 = 640;
const ROW: u32 = 24;
const BAR_H: u32 = 16;
const CHAR_W: u32 = 7;
const PAD: u32 = 8;
const MAX_LABEL_CHARS: usize = 28;
const MAX_VALUE_CHARS: usize = 28;
/// Top margin of the timeline: room for the ship-date marker label.
const TOP: u32 = 24;
const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// One bar of a horizontal bar chart.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: Decimal,
    pub class: String,
    pub href: Option<String>,
}

/// One part of a landed cost.
#[derive(Debug, Clone)]
pub struct Segment {
    pub label: String,
    pub value: Option<Decimal>,
    pub class: String,
}

/// One task of the timeline (a requirement with its lead time).
#[derive(Debug, Clone)]
pub struct Task {
    pub label: String,
    pub min_days: Option<u32>,
    pub max_days: Option<u32>,
    pub class: String,
}

/// Horizontal bar chart (counts by verdict / destination / client). Each bar shows its value at
/// its end; `unit` is appended to values in text ("", " assessments"). Empty `bars` → a chart
/// saying "No data". Values print without decimals when integral ("12", "1,234"), else with 2 dp.
/// Bars with `href` are wrapped in `<a href>` (escaped). Negative values draw as zero width.
pub fn bar_chart(id: &str, title: &str, bars: &[Bar], unit: &str) -> String {
    if bars.is_empty() {
        return message_chart(id, "bar-chart", title, "No data");
    }
    let values: Vec<String> = bars.iter().map(|b| format!("{}{unit}", count(b.value))).collect();
    let cols = Columns::new(bars.iter().map(|b| b.label.as_str()), values.iter());
    let max = bars.iter().map(|b| b.value).max().unwrap_or(Decimal::ZERO);
    let desc = summary(bars.iter().zip(&values).map(|(b, v)| format!("{} {v}", b.label)));
    let mut out = open(id, "bar-chart", rows_height(bars.len()), title, &desc);
    for (i, (bar, value)) in bars.iter().zip(&values).enumerate() {
        if let Some(href) = &bar.href {
            let _ = write!(out, r#"<a href="{}">"#, escape(href));
        }
        let width = cols.scaled(bar.value, max);
        cols.row(&mut out, row_y(PAD, i), &bar.label, &format!("bar {}", bar.class), width, value);
        if bar.href.is_some() {
            out.push_str("</a>");
        }
    }
    out + "</svg>"
}

/// Landed-cost chart: one horizontal bar per segment on a common scale (customs value, each duty,
/// each tax, each fee), plus a final "Total" bar; values print with [`money`] (2 dp) and the
/// currency code. A segment with `value: None` is unknown: an outlined zero-width placeholder bar
/// (class "unknown") with the text "unknown", and the total then reads "at least …".
pub fn cost_chart(
    id: &str,
    title: &str,
    currency: &str,
    segments: &[Segment],
    total: Decimal,
) -> String {
    let amount = |v: Decimal| format!("{} {currency}", money(v, 2)).trim_end().to_owned();
    let at_least = if segments.iter().any(|s| s.value.is_none()) { "at least " } else { "" };
    let total_text = format!("{at_least}{}", amount(total));
    let mut rows: Vec<(&str, Option<Decimal>, String, String)> = segments
        .iter()
        .map(|s| {
            let text = s.value.map_or_else(|| "unknown".to_owned(), amount);
            let class = if s.value.is_some() { "" } else { " unknown" };
            (s.label.as_str(), s.value, format!("seg {}{class}", s.class), text)
        })
        .collect();
    rows.push(("Total", Some(total), "seg total".to_owned(), total_text));

    let cols = Columns::new(rows.iter().map(|r| r.0), rows.iter().map(|r| &r.3));
    let max = rows.iter().filter_map(|r| r.1).max().unwrap_or(Decimal::ZERO);
    let desc = summary(rows.iter().map(|r| format!("{} {}", r.0, r.3)));
    let mut out = open(id, "cost-chart", rows_height(rows.len()), title, &desc);
    for (i, (label, value, class, text)) in rows.iter().enumerate() {
        let y = row_y(PAD, i);
        if i + 1 == rows.len() && i > 0 {
            let line_y = y - dec((ROW - BAR_H) / 2);
            line(&mut out, "axis", (cols.x0, line_y), (cols.x0 + cols.span, line_y));
        }
        let width = value.map_or(Decimal::ZERO, |v| cols.scaled(v, max));
        cols.row(&mut out, y, label, class, width, text);
    }
    out + "</svg>"
}

/// Gantt-like timeline from `today` (as-of date) to the earliest ship date: each task is a bar
/// from day 0 to `min_days` (solid) extended to `max_days` (lighter, class "range"); a task with
/// unknown lead time shows an open-ended dashed bar to the right edge with "lead time unknown".
/// A vertical marker at `ship_date` is labelled "earliest ship date YYYY-MM-DD"; the axis has
/// date ticks (today as YYYY-MM-DD, then "Mon D", full dates across a year change; a tick label
/// that would overlap the previous one is left out). The scale spans max(max_days, days to
/// ship_date, 7) days. No tasks → a short "No approvals with lead times: can ship on <today>" chart.
pub fn timeline(
    id: &str,
    title: &str,
    today: Date,
    ship_date: Option<Date>,
    tasks: &[Task],
) -> String {
    if tasks.is_empty() {
        let msg = format!("No approvals with lead times: can ship on {today}");
        return message_chart(id, "timeline", title, &msg);
    }
    let ship_days = ship_date.map(|d| days_between(today, d));
    let longest = tasks.iter().filter_map(|t| t.max_days.max(t.min_days)).max().unwrap_or(0);
    let scale = longest.max(ship_days.unwrap_or(0)).max(7);
    let texts: Vec<Option<String>> = tasks.iter().map(lead_time_text).collect();
    let cols = Columns::new(tasks.iter().map(|t| t.label.as_str()), texts.iter().flatten());
    let x_of = |days: u32| cols.x0 + cols.scaled(Decimal::from(days), Decimal::from(scale));

    let parts = tasks
        .iter()
        .zip(&texts)
        .map(|(t, text)| format!("{} {}", t.label, text.as_deref().unwrap_or("lead time unknown")));
    let mut desc = format!("From {today}: {}", summary(parts));
    if let Some(ship) = ship_date {
        let _ = write!(desc, ". Earliest ship date {ship}");
    }
    let axis_y = row_y(TOP + 2, tasks.len());
    let mut out = open(id, "timeline", axis_y + dec(20), title, &desc);
    for (i, (task, text)) in tasks.iter().zip(&texts).enumerate() {
        let y = row_y(TOP, i);
        let class = format!("task {}", task.class);
        match (bounds(task), text) {
            (Some((lo, hi)), Some(value)) => {
                let (lo, hi) = (x_of(lo), x_of(hi));
                cols.open_row(&mut out, y, &task.label, value);
                rect(&mut out, &class, (cols.x0, y), lo - cols.x0, "");
                if hi > lo {
                    rect(&mut out, &format!("{class} range"), (lo, y), hi - lo, "");
                }
                close_row(&mut out, "value", (hi, y), value);
            }
            _ => {
                let unknown = "lead time unknown";
                cols.open_row(&mut out, y, &task.label, unknown);
                let dashed = r#" stroke-dasharray="4 3""#;
                rect(&mut out, &format!("{class} unknown"), (cols.x0, y), cols.span, dashed);
                close_row(&mut out, "value unknown", (cols.x0 + dec(2), y), unknown);
            }
        }
    }
    line(&mut out, "axis", (cols.x0, axis_y), (cols.x0 + cols.span, axis_y));
    let ticks = tick_days(scale);
    let mut free_from = Decimal::MIN; // where the next tick label may start without overlap
    for (k, &day) in ticks.iter().enumerate() {
        let date =
            Span::new().try_days(i64::from(day)).ok().and_then(|s| today.checked_add(s).ok());
        let Some(date) = date else { continue };
        let (x, label) = (x_of(day), tick_label(today, date));
        let width = dec(chars_width(label.chars().count(), MAX_VALUE_CHARS));
        let (anchor, left) = match k {
            0 => ("start", x),
            k if k + 1 == ticks.len() => ("end", x - width),
            _ => ("middle", x - width / dec(2)),
        };
        line(&mut out, "axis tick", (x, axis_y), (x, axis_y + dec(4)));
        if left >= free_from {
            free_from = left + width + dec(PAD);
            text_at(&mut out, "axis", (x, axis_y + dec(16)), anchor, &label);
        }
    }
    if let (Some(ship), Some(days)) = (ship_date, ship_days) {
        let x = x_of(days);
        let anchor = if x > cols.x0 + cols.span / dec(2) { "end" } else { "start" };
        out.push_str(r#"<g class="ship">"#);
        line(&mut out, "marker", (x, dec(TOP - 6)), (x, axis_y));
        let label = format!("earliest ship date {ship}");
        text_at(&mut out, "label marker", (x, dec(12)), anchor, &label);
        out.push_str("</g>");
    }
    out + "</svg>"
}

/// Format a decimal money amount with thousands separators and exactly `dp` decimals:
/// 1234567.5 → "1,234,567.50". Rounds half away from zero
/// (`RoundingStrategy::MidpointAwayFromZero`): 2.5 at 0 dp → "3". Also used by the HTML pages.
pub fn money(value: Decimal, dp: u32) -> String {
    let rounded = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let digits = format!("{:.*}", usize::try_from(dp).unwrap_or(0), rounded.abs());
    let (int, frac) = digits.split_once('.').map_or((digits.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    if rounded.is_sign_negative() && !rounded.is_zero() {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// XML-escape text for element content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Horizontal layout shared by the rows of a chart: a right-aligned label column sized to the
/// longest label (capped), the bar span, and room on the right for the longest value text.
struct Columns {
    x0: Decimal,
    span: Decimal,
}

impl Columns {
    fn new<'a, S: AsRef<str> + 'a>(
        labels: impl Iterator<Item = &'a str>,
        values: impl Iterator<Item = &'a S>,
    ) -> Self {
        let longest = |lens: &mut dyn Iterator<Item = usize>| lens.max().unwrap_or(0);
        let label_chars = longest(&mut labels.map(|l| l.chars().count())).max(5);
        let value_chars = longest(&mut values.map(|v| v.as_ref().chars().count()));
        let label_col = chars_width(label_chars, MAX_LABEL_CHARS) + 2 * PAD;
        let value_col = chars_width(value_chars, MAX_VALUE_CHARS) + PAD;
        Self { x0: dec(label_col), span: dec(WIDTH.saturating_sub(label_col + value_col + PAD)) }
    }

    /// `value / max * span`, clamped to `0..=span`; non-positive inputs give zero.
    fn scaled(&self, value: Decimal, max: Decimal) -> Decimal {
        if value <= Decimal::ZERO || max <= Decimal::ZERO {
            return Decimal::ZERO;
        }
        let ratio = value.checked_div(max).and_then(|r| r.checked_mul(self.span));
        ratio.unwrap_or(Decimal::ZERO).min(self.span)
    }

    /// Opens a `<g class="row">` with a tooltip title (full label and value) and the label,
    /// right-aligned in the label column and truncated with "…" past [`MAX_LABEL_CHARS`].
    fn open_row(&self, out: &mut String, y: Decimal, label: &str, value: &str) {
        let _ =
            write!(out, r#"<g class="row"><title>{}: {}</title>"#, escape(label), escape(value));
        let mut shown: String = label.chars().take(MAX_LABEL_CHARS).collect();
        if label.chars().count() > MAX_LABEL_CHARS {
            shown = shown.chars().take(MAX_LABEL_CHARS - 1).chain(['…']).collect();
        }
        text_at(out, "label", (self.x0 - dec(PAD), y + dec(12)), "end", &shown);
    }

    /// A whole row: label, one bar of `width` and its value text at the bar's end.
    fn row(
        &self,
        out: &mut String,
        y: Decimal,
        label: &str,
        class: &str,
        width: Decimal,
        value: &str,
    ) {
        self.open_row(out, y, label, value);
        rect(out, class, (self.x0, y), width, "");
        let value_class = if value == "unknown" { "value unknown" } else { "value" };
        close_row(out, value_class, (self.x0 + width, y), value);
    }
}

/// Writes the value text just right of `x` on the row at `y` and closes the row group.
fn close_row(out: &mut String, class: &str, (x, y): (Decimal, Decimal), value: &str) {
    text_at(out, class, (x + dec(4), y + dec(12)), "start", value);
    out.push_str("</g>");
}

/// `extra` is a literal attribute string.
fn rect(out: &mut String, class: &str, (x, y): (Decimal, Decimal), width: Decimal, extra: &str) {
    let (class, x, y, w) = (escape(class), num(x), num(y), num(width.max(Decimal::ZERO)));
    let _ = write!(
        out,
        r#"<rect class="{class}" x="{x}" y="{y}" width="{w}" height="{BAR_H}"{extra}/>"#
    );
}

fn line(out: &mut String, class: &str, from: (Decimal, Decimal), to: (Decimal, Decimal)) {
    let (x1, y1, x2, y2) = (num(from.0), num(from.1), num(to.0), num(to.1));
    let _ = write!(out, r#"<line class="{class}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>"#);
}

fn text_at(out: &mut String, class: &str, (x, y): (Decimal, Decimal), anchor: &str, text: &str) {
    let (x, y, text) = (num(x), num(y), escape(text));
    let _ = write!(
        out,
        r#"<text class="{class}" x="{x}" y="{y}" text-anchor="{anchor}">{text}</text>"#
    );
}

fn open(id: &str, class: &str, height: Decimal, title: &str, desc: &str) -> String {
    let (id, height, title, desc) = (escape(id), num(height), escape(title), escape(desc));
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {height}" preserveAspectRatio="xMinYMin meet" class="chart {class}"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>"#
    )
}

fn message_chart(id: &str, class: &str, title: &str, message: &str) -> String {
    let mut out = open(id, class, dec(32), title, message);
    text_at(&mut out, "label empty", (dec(PAD), dec(20)), "start", message);
    out + "</svg>"
}

fn dec(n: u32) -> Decimal {
    Decimal::from(n)
}

/// Coordinate text: at most one decimal, no trailing zeros, never "-0". (`round_dp` is banned
/// in the workspace for its implicit half-even rounding.)
fn num(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero).normalize();
    if r.is_zero() { "0".to_owned() } else { r.to_string() }
}

/// Counts without decimals when integral, else 2 dp.
fn count(v: Decimal) -> String {
    money(v, if v.fract().is_zero() { 0 } else { 2 })
}

fn chars_width(chars: usize, cap: usize) -> u32 {
    u32::try_from(chars.min(cap)).unwrap_or(0) * CHAR_W
}

fn row_y(top: u32, index: usize) -> Decimal {
    dec(top) + dec(ROW) * Decimal::from(index)
}

fn rows_height(rows: usize) -> Decimal {
    row_y(2 * PAD, rows) - dec(ROW - BAR_H)
}

fn summary(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join("; ")
}

/// Whole days from `from` to `to`; dates in the past count as 0.
fn days_between(from: Date, to: Date) -> u32 {
    to.since(from).ok().and_then(|s| u32::try_from(s.get_days()).ok()).unwrap_or(0)
}

/// A task's lead time as sorted `(min, max)` days; one known bound stands for both.
fn bounds(task: &Task) -> Option<(u32, u32)> {
    let (a, b) = (task.min_days.or(task.max_days)?, task.max_days.or(task.min_days)?);
    Some((a.min(b), a.max(b)))
}

fn lead_time_text(task: &Task) -> Option<String> {
    Some(match bounds(task)? {
        (1, 1) => "1 day".to_owned(),
        (lo, hi) if lo == hi => format!("{lo} days"),
        (lo, hi) => format!("{lo}–{hi} days"),
    })
}

/// Day offsets of the axis ticks: 0 and four evenly spaced steps up to `scale`.
fn tick_days(scale: u32) -> Vec<u32> {
    let mut days: Vec<u32> =
        (0..=4u64).filter_map(|k| u32::try_from(u64::from(scale) * k / 4).ok()).collect();
    days.dedup();
    days
}

fn tick_label(today: Date, date: Date) -> String {
    let month = usize::try_from(date.month()).ok().and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match month {
        Some(m) if date != today && date.year() == today.year() => format!("{m} {}", date.day()),
        _ => date.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn date(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn bar(label: &str, value: &str) -> Bar {
        Bar { label: label.into(), value: d(value), class: "v-ok".into(), href: None }
    }

    /// Cheap well-formedness: tags nest, entities are known, `<svg>` balances.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>').expect("unclosed tag");
            let tag = &after[..end];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "in {svg}");
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap().to_owned());
            }
            rest = &after[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed {stack:?}");
        for (i, _) in svg.match_indices('&') {
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"]
                    .iter()
                    .any(|e| svg[i..].starts_with(e))
            );
        }
        for (open, close) in [("<svg", "</svg>"), ("<g ", "</g>"), ("<text", "</text>")] {
            assert_eq!(svg.matches(open).count(), svg.matches(close).count(), "{open}");
        }
        assert!(
            svg.contains(r#"role="img""#) && svg.contains("preserveAspectRatio=\"xMinYMin meet\"")
        );
    }

    /// `attr` of every tag starting with `prefix` (e.g. `rect class="bar`).
    fn attrs(svg: &str, prefix: &str, attr: &str) -> Vec<Decimal> {
        let needle = format!(" {attr}=\"");
        svg.split('<')
            .filter(|tag| tag.starts_with(prefix))
            .map(|tag| {
                let from = tag.find(&needle).unwrap() + needle.len();
                d(&tag[from..from + tag[from..].find('"').unwrap()])
            })
            .collect()
    }

    #[test]
    fn escape_covers_xml_specials() {
        assert_eq!(escape(r#"R&D <"x">'"#), "R&amp;D &lt;&quot;x&quot;&gt;&apos;");
    }

    #[test]
    fn bar_widths_are_proportional_and_fit() {
        let svg = bar_chart(
            "verdicts",
            "By verdict",
            &[bar("Clearable", "10"), bar("Blocked", "5"), bar("Neg", "-3")],
            "",
        );
        assert_well_formed(&svg);
        let widths = attrs(&svg, "rect class=\"bar", "width");
        let xs = attrs(&svg, "rect class=\"bar", "x");
        assert_eq!(widths.len(), 3);
        assert!((widths[0] - widths[1] * d("2")).abs() <= d("0.1"), "{widths:?}");
        assert_eq!(widths[2], Decimal::ZERO);
        assert!(xs[0] + widths[0] <= dec(WIDTH));
        // The value text after the largest bar fits too.
        let value_x = attrs(&svg, "text class=\"value", "x");
        assert!(value_x[0] + dec(2 * CHAR_W) <= dec(WIDTH));
        assert!(svg.contains(r#"aria-labelledby="verdicts-title verdicts-desc""#));
        let huge =
            bar_chart("h", "T", &[bar("Max", &Decimal::MAX.to_string()), bar("One", "1")], "");
        assert_well_formed(&huge);
        assert!(svg.contains("<desc id=\"verdicts-desc\">Clearable 10; Blocked 5; Neg -3</desc>"));
    }

    #[test]
    fn bar_labels_are_escaped_truncated_and_linked() {
        let long = "A very long destination name that goes on";
        let mut linked = bar("R&D <\"x\">", "2.5");
        linked.href = Some("/r?a=1&b=2".into());
        let svg = bar_chart("c", "T", &[linked, bar(long, "1234")], " assessments");
        assert_well_formed(&svg);
        assert!(svg.contains("R&amp;D &lt;&quot;x&quot;&gt;"));
        assert!(svg.contains(r#"<a href="/r?a=1&amp;b=2">"#));
        assert!(svg.contains(">A very long destination nam…</text>"));
        assert!(svg.contains(&format!("<title>{long}: 1,234 assessments</title>")));
        assert!(svg.contains(">2.50 assessments</text>"));
        let label_x = attrs(&svg, "text class=\"label", "x");
        assert!(label_x[0] >= dec(27 * CHAR_W), "label column reserves room: {label_x:?}");
    }

    #[test]
    fn empty_inputs_say_so() {
        let bars = bar_chart("e", "Empty", &[], "");
        assert_well_formed(&bars);
        assert!(bars.contains(">No data</text>"));
        let tl = timeline("t", "Timeline", date("2025-03-01"), None, &[]);
        assert_well_formed(&tl);
        assert!(tl.contains("No approvals with lead times: can ship on 2025-03-01"));
    }

    fn seg(label: &str, value: Option<&str>, class: &str) -> Segment {
        Segment { label: label.into(), value: value.map(d), class: class.into() }
    }

    #[test]
    fn cost_chart_known_and_unknown() {
        let segs = [
            seg("Customs value", Some("98000"), "customs"),
            seg("Duty", Some("0"), "duty"),
            seg("VAT", None, "tax"),
        ];
        let svg = cost_chart("cost", "Landed cost", "EUR", &segs, d("98000"));
        assert_well_formed(&svg);
        assert!(svg.contains(r#"<text class="value unknown""#) && svg.contains(">unknown</text>"));
        assert!(svg.contains(">at least 98,000.00 EUR</text>"));
        assert!(svg.contains(
            "Customs value 98,000.00 EUR; Duty 0.00 EUR; VAT unknown; Total at least 98,000.00 EUR"
        ));
        let widths = attrs(&svg, "rect class=\"seg", "width");
        assert_eq!(widths[0], widths[3], "customs and total share the scale");
        assert_eq!(widths[2], Decimal::ZERO);
        let known = cost_chart("c2", "T", "EUR", &segs[..2], d("-5"));
        assert_well_formed(&known);
        assert!(!known.contains("at least") && known.contains(">-5.00 EUR</text>"));
    }

    fn task(label: &str, min: Option<u32>, max: Option<u32>) -> Task {
        Task { label: label.into(), min_days: min, max_days: max, class: "licence".into() }
    }

    #[test]
    fn timeline_marker_ticks_and_unknown() {
        let tasks = [
            task("Full span", Some(20), Some(20)),
            task("Range", Some(5), Some(10)),
            task("Cert", None, None),
        ];
        let svg =
            timeline("tl", "Lead times", date("2025-03-01"), Some(date("2025-03-11")), &tasks);
        assert_well_formed(&svg);
        let xs = attrs(&svg, "rect class=\"task", "x");
        let widths = attrs(&svg, "rect class=\"task", "width");
        // Scale is 20 days: the full-span bar is the whole axis, the marker at day 10 is half-way.
        let marker = attrs(&svg, "line class=\"marker", "x1")[0];
        assert!(
            (marker - (xs[0] + widths[0] / d("2"))).abs() <= d("0.1"),
            "{marker} {xs:?} {widths:?}"
        );
        // Range task: solid to day 5 then a lighter range to day 10.
        assert!(svg.contains("task licence range"));
        assert!((widths[1] * d("4") - widths[0]).abs() <= d("0.2"));
        assert!((widths[2] - widths[1]).abs() <= d("0.1"));
        assert!(svg.contains(">lead time unknown</text>") && svg.contains("stroke-dasharray"));
        assert!(svg.contains(">earliest ship date 2025-03-11</text>"));
        assert!(svg.contains(">2025-03-01</text>") && svg.contains(">Mar 21</text>"));
        assert!(svg.contains(">5–10 days</text>"));
        let value_x = attrs(&svg, "text class=\"value", "x");
        assert!(value_x[1] >= xs[1] + widths[1] + widths[2], "text after the range: {value_x:?}");
    }

    #[test]
    fn timeline_scale_is_at_least_a_week() {
        let svg = timeline(
            "w",
            "T",
            date("2025-12-30"),
            Some(date("2025-12-20")),
            &[task("Quick", Some(1), None)],
        );
        assert_well_formed(&svg);
        assert!(svg.contains(">1 day</text>"));
        assert!(svg.contains(">2026-01-06</text>"), "year change shows full date: {svg}");
        let tick_x = attrs(&svg, "text class=\"axis", "x");
        assert!(tick_x.windows(2).all(|w| w[1] - w[0] >= d("40")), "no overlap: {tick_x:?}");
        let marker = attrs(&svg, "line class=\"marker", "x1")[0];
        assert_eq!(
            marker,
            attrs(&svg, "rect class=\"task", "x")[0],
            "past ship date sits at day 0"
        );
    }

    #[test]
    fn money_formats() {
        assert_eq!(money(Decimal::ZERO, 2), "0.00");
        assert_eq!(money(d("0.5"), 2), "0.50");
        assert_eq!(money(d("1234567.891"), 2), "1,234,567.89");
        assert_eq!(money(d("1234567.5"), 2), "1,234,567.50");
        assert_eq!(money(d("2.5"), 0), "3");
        assert_eq!(money(d("0.125"), 2), "0.13");
        assert_eq!(money(d("-1234.5"), 0), "-1,235");
        assert_eq!(money(d("-0.001"), 2), "0.00");
        assert_eq!(money(d("100"), 0), "100");
        assert_eq!(money(d("999999"), 1), "999,999.0");
    }
}
