//! Spreadsheets the documents tests upload, written with rust_xlsxwriter.

#![allow(dead_code, reason = "each test file uses a part")]
#![allow(clippy::unwrap_used, reason = "test fixtures")]

use rust_xlsxwriter::Workbook;

/// A cell: text, a number, or nothing.
#[derive(Clone, Copy)]
enum C {
    T(&'static str),
    N(f64),
    E,
}
use C::{E, N, T};

/// A workbook of one sheet: a title in A1, `key | value` rows from row 3, a blank row, the
/// header and the rows.
fn book(
    name: Option<&str>,
    title: &str,
    meta: &[(&str, &str)],
    headers: &[&str],
    rows: &[Vec<C>],
) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    if let Some(name) = name {
        sheet.set_name(name).unwrap();
    }
    sheet.write_string(0, 0, title).unwrap();
    let mut row = 2;
    for (key, value) in meta {
        sheet.write_string(row, 0, *key).unwrap();
        sheet.write_string(row, 1, *value).unwrap();
        row += 1;
    }
    row += 1;
    for (col, header) in (0u16..).zip(headers) {
        sheet.write_string(row, col, *header).unwrap();
    }
    for cells in rows {
        row += 1;
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                T(text) => {
                    sheet.write_string(row, col, *text).unwrap();
                }
                N(number) => {
                    sheet.write_number(row, col, *number).unwrap();
                }
                E => {}
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A client's packing list in Spanish (header on row 10), with the shipment's particulars above
/// the header but not the client's country, the transport mode or the purpose: two servers with
/// one serial per row, then two edge routers.
pub fn packing_list() -> Vec<u8> {
    book(
        Some("Lista de empaque"),
        "LISTA DE EMPAQUE",
        &[
            ("Factura No", "PL-2026-88"),
            ("Cliente", "Nordwind Systems GmbH"),
            ("Origen", "NL"),
            ("Destino", "TR"),
            ("Moneda", "EUR"),
            ("Incoterm", "DDP"),
        ],
        &[
            "Descripción",
            "Fabricante",
            "Modelo",
            "Código arancelario",
            "País de origen",
            "Estado",
            "Cantidad",
            "Precio unitario",
            "Peso neto (kg)",
            "Número de serie",
        ],
        &[
            vec![
                T("Servidor 1U"),
                T("Dell"),
                T("PowerEdge R660"),
                T("847150"),
                T("CN"),
                T("nuevo"),
                N(1.0),
                N(9800.0),
                N(18.2),
                T("SRV-001"),
            ],
            vec![
                T("Servidor 1U"),
                T("Dell"),
                T("PowerEdge R660"),
                T("847150"),
                T("CN"),
                T("nuevo"),
                N(1.0),
                N(9800.0),
                N(18.2),
                T("SRV-002"),
            ],
            vec![
                T("Router de borde"),
                T("Cisco"),
                T("C1111-4P"),
                T("851762"),
                T("MX"),
                T("nuevo"),
                N(2.0),
                N(1200.5),
                N(4.4),
                E,
            ],
        ],
    )
}

/// The specification list an intermediary sends: it shows an LTE module for the routers that
/// the declaration does not have.
pub fn specification_list_with_modem() -> Vec<u8> {
    book(
        None,
        "EQUIPMENT SPECIFICATION LIST",
        &[("Currency", "EUR")],
        &["Manufacturer", "Model", "Technical parameters", "HS Code", "Quantity", "Radio"],
        &[
            vec![
                T("Dell"),
                T("PowerEdge R660"),
                T("1U server, 2x Xeon"),
                T("847150"),
                N(2.0),
                T("none"),
            ],
            vec![
                T("Cisco"),
                T("C1111-4P"),
                T("4-port edge router"),
                T("851762"),
                N(2.0),
                T("none"),
            ],
            vec![
                T("Cisco"),
                T("NIM-LTEA-EA"),
                T("LTE Advanced modem module for the C1111"),
                T("851762"),
                N(2.0),
                T("LTE"),
            ],
        ],
    )
}

/// The packing list with a planted error: three servers where the invoice has two.
pub fn planted_packing_list() -> Vec<u8> {
    book(
        None,
        "PACKING LIST",
        &[],
        &["Description", "Model", "HS Code", "Quantity", "Serial Number"],
        &[
            vec![T("Servidor 1U"), T("PowerEdge R660"), T("847150"), N(3.0), T("SRV-001, SRV-002")],
            vec![T("Router de borde"), T("C1111-4P"), T("851762"), N(2.0), E],
        ],
    )
}

/// The commercial invoice of the packing list's shipment, as a spreadsheet.
pub fn invoice() -> Vec<u8> {
    book(
        None,
        "COMMERCIAL INVOICE",
        &[
            ("Invoice No", "PL-2026-88"),
            ("Currency", "EUR"),
            ("Origin", "NL"),
            ("Destination", "TR"),
        ],
        &[
            "Description",
            "Manufacturer",
            "Model",
            "HS Code",
            "Country of Origin",
            "Condition",
            "Quantity",
            "Unit Price",
            "Serial Number",
        ],
        &[
            vec![
                T("Servidor 1U"),
                T("Dell"),
                T("PowerEdge R660"),
                T("847150"),
                T("CN"),
                T("new"),
                N(2.0),
                N(9800.0),
                T("SRV-001, SRV-002"),
            ],
            vec![
                T("Router de borde"),
                T("Cisco"),
                T("C1111-4P"),
                T("851762"),
                T("MX"),
                T("new"),
                N(2.0),
                N(1200.5),
                E,
            ],
        ],
    )
}
