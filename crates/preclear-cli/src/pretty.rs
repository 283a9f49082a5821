//! An assessment as pretty JSON, its lines serialised on two threads.
//!
//! A 20,000-line assessment is 26 MB of pretty JSON and its lines are almost all of it; each
//! line's text depends on that line alone. So the rest of the assessment is rendered with an
//! empty `lines` array, and the lines are written into it in rounds: in each, two threads render
//! a chunk of lines each, into their own buffer, at the indentation they have in the document,
//! and the two buffers are written out (so memory holds two chunks, never the whole text). The
//! bytes are those of `serde_json::to_writer_pretty` (a test compares them).

use std::io::{self, Write};

use preclear_engine::{Assessment, LineResult};
use serde::Serialize as _;
use serde_json::ser::{Formatter as _, PrettyFormatter};

/// Below this many lines one thread is as fast (the split costs more than it saves).
const PARALLEL_FROM: usize = 2_000;

/// The lines each thread renders in a round.
const CHUNK: usize = 1_000;

/// The top-level `lines` field of the assessment rendered with no lines: two spaces of
/// indentation are the top level's alone, and a newline inside a string is written `\n`, so
/// this text occurs once.
const EMPTY_LINES: &[u8] = b"\n  \"lines\": []";

/// Writes `assessment` as `serde_json::to_writer_pretty` would, faster for a large one.
/// `assessment.lines` is emptied and refilled on the way (the value is the same afterwards).
pub(crate) fn write_assessment(
    out: &mut impl Write,
    assessment: &mut Assessment,
) -> io::Result<()> {
    if assessment.lines.len() < PARALLEL_FROM {
        return serde_json::to_writer_pretty(out, assessment).map_err(io::Error::from);
    }
    let lines = std::mem::take(&mut assessment.lines);
    let head = serde_json::to_vec_pretty(&*assessment);
    assessment.lines = lines;
    let head = head.map_err(io::Error::from)?;
    let at = head
        .windows(EMPTY_LINES.len())
        .position(|window| window == EMPTY_LINES)
        .ok_or_else(|| io::Error::other("the assessment has no top-level `lines` field"))?;
    let open = at + EMPTY_LINES.len() - 1; // just before `]`
    out.write_all(&head[..open])?;
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for (round, pair) in assessment.lines.chunks(2 * CHUNK).enumerate() {
        let (mine, theirs) = pair.split_at(pair.len().min(CHUNK));
        let (mine_done, theirs_done) = std::thread::scope(|scope| {
            let theirs_done = scope.spawn(|| render_lines(&mut second, theirs, false));
            let mine_done = render_lines(&mut first, mine, round == 0);
            // A panic while rendering is a bug, reported as one.
            (mine_done, theirs_done.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
        });
        mine_done?;
        theirs_done?;
        out.write_all(&first)?;
        out.write_all(&second)?;
    }
    out.write_all(b"\n  ")?;
    out.write_all(&head[open..])
}

/// Renders `lines` into `buffer` (emptied first) as elements of the top-level `lines` array:
/// each after `,` (or, for the array's first, without it), a newline and two levels of
/// indentation.
fn render_lines(buffer: &mut Vec<u8>, lines: &[LineResult], starts_array: bool) -> io::Result<()> {
    buffer.clear();
    for (idx, line) in lines.iter().enumerate() {
        buffer.extend_from_slice(if starts_array && idx == 0 { b"\n    " } else { b",\n    " });
        // A formatter two levels deep, as inside the document's `{ "lines": [ … ] }`.
        let mut formatter = PrettyFormatter::new();
        for _ in 0..2 {
            formatter.begin_object(&mut io::sink())?;
        }
        let mut serializer = serde_json::Serializer::with_formatter(&mut *buffer, formatter);
        line.serialize(&mut serializer).map_err(io::Error::from)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;

    fn assessment(lines: usize) -> Assessment {
        let kb = preclear_kb_bundle::load().unwrap();
        let items: Vec<serde_json::Value> = (0..lines)
            .map(|idx| {
                let category = ["server", "laptop", "wireless_access_point"][idx % 3];
                let origin = ["CN", "US", "MY"][idx % 3];
                serde_json::json!({
                    "description": format!("Line {idx}: server \"R{idx}\" \\ ü"),
                    "category": category,
                    "country_of_origin": origin,
                    "condition": "new",
                    "quantity": 1 + idx % 4,
                    "unit_value": format!("{}.{:02}", 100 + idx, idx % 100),
                    "radio": if idx % 3 == 2 { vec!["wifi"] } else { vec![] },
                    "encryption": "mass_market",
                })
            })
            .collect();
        let request = serde_json::json!({
            "reference": "PRETTY",
            "client": { "name": "Nordwind", "country": "DE", "local_entity_in_destination": false },
            "origin": "US", "destination": "TR", "transport_mode": "air", "incoterm": "DDP",
            "currency": "USD", "freight": "1850.00", "insurance": "95.00", "purpose": "business_use",
            "items": items,
            // An address may have several lines: the text of an empty `lines` field inside a
            // string is escaped, so it cannot be taken for the field.
            "consignee": { "name": "Anadolu", "country": "TR", "address": "Istanbul\n  \"lines\": []" },
        });
        let shipment = preclear_domain::request::parse_shipment_value(&request).unwrap();
        preclear_engine::assess(&kb, &shipment, "2026-12-07".parse().unwrap())
    }

    #[test]
    fn the_bytes_are_serde_jsons() {
        for lines in [1, PARALLEL_FROM - 1, PARALLEL_FROM, 2 * CHUNK * 2 + 1, 2 * CHUNK * 3 - 1] {
            let mut assessment = assessment(lines);
            let expected = serde_json::to_vec_pretty(&assessment).unwrap();
            let mut written = Vec::new();
            write_assessment(&mut written, &mut assessment).unwrap();
            assert!(written == expected, "{lines} lines: the bytes differ");
            assert_eq!(assessment.lines.len(), lines, "the lines are put back");
        }
    }
}
