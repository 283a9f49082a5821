//! No input panics the importer: arbitrary bytes, damaged workbooks, arbitrary CSV text.

#![allow(clippy::unwrap_used, reason = "test fixtures build known-good workbooks")]

use preclear_import::{
    Limits, MappingOverride, RequestDefaults, detect, import, read_table, read_workbook,
};
use proptest::prelude::*;
use rust_xlsxwriter::Workbook as XlsxWriter;

fn small_workbook() -> Vec<u8> {
    let mut workbook = XlsxWriter::new();
    let sheet = workbook.add_worksheet();
    for (c, header) in ["Description", "Qty", "Unit price", "Country of origin"].iter().enumerate()
    {
        sheet.write_string(0, c as u16, *header).unwrap();
    }
    sheet.write_string(1, 0, "Server").unwrap();
    sheet.write_number(1, 1, 2.0).unwrap();
    sheet.write_string(1, 2, "9.800,00").unwrap();
    sheet.write_string(1, 3, "CN").unwrap();
    workbook.save_to_buffer().unwrap()
}

fn exercise(name: &str, bytes: &[u8]) {
    let limits = Limits::default();
    if let Ok(workbook) = read_workbook(name, bytes, &limits)
        && let Ok(mapping) = detect(&workbook, &MappingOverride::default())
    {
        let _ = read_table(&workbook, &mapping, &limits);
    }
    if let Ok(imported) =
        import(name, bytes, &MappingOverride::default(), &RequestDefaults::default(), &limits)
    {
        let _ = imported.validate();
        let _ = imported.locate("items[0].unit_value");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise("x.bin", &bytes);
    }

    #[test]
    fn damaged_workbooks_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = small_workbook();
        for (index, byte) in flips {
            let at = index.index(bytes.len());
            bytes[at] = byte;
        }
        exercise("d.xlsx", &bytes);
        let len = cut.index(bytes.len());
        exercise("d.xlsx", &bytes[..len]);
    }

    #[test]
    fn arbitrary_csv_never_panics(text in "(?s)[A-Za-zçşğüöıİ0-9 ,;\t\n\"€$.:()#/-]{0,400}") {
        exercise("t.csv", text.as_bytes());
        let with_header = format!("Description;Qty;Unit price;Amount;Serial\n{text}");
        exercise("t.csv", with_header.as_bytes());
    }
}

/// Found by fuzzing (`fuzz/run import_xlsx`): a cell reference with a row number that overflows
/// the XLSX reader's arithmetic made it panic (with overflow checks on, as in our release
/// profile). The file is refused as unreadable instead.
#[test]
fn a_cell_reference_that_overflows_the_reader_is_refused_not_a_panic() {
    let bytes = include_bytes!("fixtures/fuzz-row-overflow.xlsx");
    let error =
        preclear_import::read_workbook("list.xlsx", bytes, &preclear_import::Limits::default())
            .expect_err("the file is refused");
    assert!(error.to_string().contains("malformed"), "{error}");
}
