//! Spreadsheets the documents tests upload, written with rust_xlsxwriter.

#![allow(dead_code, reason = "each test file uses a part")]
#![allow(clippy::unwrap_used, reason = "test fixtures")]

use rust_xlsxwriter::Workbook;

/// A client's packing list in Spanish, with the shipment's particulars above the header but not
/// the client's country, the transport mode or the purpose.
pub fn packing_list() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Lista de empaque").unwrap();
    sheet.write_string(0, 0, "LISTA DE EMPAQUE").unwrap();
    for (row, (key, value)) in [
        ("Factura No", "PL-2026-88"),
        ("Cliente", "Nordwind Systems GmbH"),
        ("Origen", "NL"),
        ("Destino", "TR"),
        ("Moneda", "EUR"),
        ("Incoterm", "DDP"),
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(row as u32 + 2, 0, *key).unwrap();
        sheet.write_string(row as u32 + 2, 1, *value).unwrap();
    }
    let headers = [
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
    ];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(9, col as u16, *header).unwrap();
    }
    // Two servers, one serial per row; then two edge routers.
    let rows = [
        (
            "Servidor 1U",
            "Dell",
            "PowerEdge R660",
            "847150",
            "CN",
            "nuevo",
            1.0,
            9800.0,
            18.2,
            "SRV-001",
        ),
        (
            "Servidor 1U",
            "Dell",
            "PowerEdge R660",
            "847150",
            "CN",
            "nuevo",
            1.0,
            9800.0,
            18.2,
            "SRV-002",
        ),
        ("Router de borde", "Cisco", "C1111-4P", "851762", "MX", "nuevo", 2.0, 1200.5, 4.4, ""),
    ];
    for (i, (d, f, m, hs, o, e, q, p, w, s)) in rows.iter().enumerate() {
        let row = 10 + i as u32;
        sheet.write_string(row, 0, *d).unwrap();
        sheet.write_string(row, 1, *f).unwrap();
        sheet.write_string(row, 2, *m).unwrap();
        sheet.write_string(row, 3, *hs).unwrap();
        sheet.write_string(row, 4, *o).unwrap();
        sheet.write_string(row, 5, *e).unwrap();
        sheet.write_number(row, 6, *q).unwrap();
        sheet.write_number(row, 7, *p).unwrap();
        sheet.write_number(row, 8, *w).unwrap();
        if !s.is_empty() {
            sheet.write_string(row, 9, *s).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The specification list an intermediary sends: it shows an LTE module for the routers that
/// the declaration does not have.
pub fn specification_list_with_modem() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "EQUIPMENT SPECIFICATION LIST").unwrap();
    sheet.write_string(2, 0, "Currency").unwrap();
    sheet.write_string(2, 1, "EUR").unwrap();
    let headers = ["Manufacturer", "Model", "Technical parameters", "HS Code", "Quantity", "Radio"];
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string(4, col as u16, *header).unwrap();
    }
    let rows = [
        ("Dell", "PowerEdge R660", "1U server, 2x Xeon", "847150", 2.0, "none"),
        ("Cisco", "C1111-4P", "4-port edge router", "851762", 2.0, "none"),
        ("Cisco", "NIM-LTEA-EA", "LTE Advanced modem module for the C1111", "851762", 2.0, "LTE"),
    ];
    for (i, (f, m, t, hs, q, r)) in rows.iter().enumerate() {
        let row = 5 + i as u32;
        sheet.write_string(row, 0, *f).unwrap();
        sheet.write_string(row, 1, *m).unwrap();
        sheet.write_string(row, 2, *t).unwrap();
        sheet.write_string(row, 3, *hs).unwrap();
        sheet.write_number(row, 4, *q).unwrap();
        sheet.write_string(row, 5, *r).unwrap();
    }
    book.save_to_buffer().unwrap()
}

/// The packing list with a planted error: three servers where the invoice has two.
pub fn planted_packing_list() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "PACKING LIST").unwrap();
    for (col, h) in
        ["Description", "Model", "HS Code", "Quantity", "Serial Number"].iter().enumerate()
    {
        sheet.write_string(2, col as u16, *h).unwrap();
    }
    for (row, (d, m, q, s)) in [
        ("Servidor 1U", "PowerEdge R660", 3.0, "SRV-001, SRV-002"),
        ("Router de borde", "C1111-4P", 2.0, ""),
    ]
    .iter()
    .enumerate()
    {
        let row = 3 + row as u32;
        sheet.write_string(row, 0, *d).unwrap();
        sheet.write_string(row, 1, *m).unwrap();
        sheet.write_string(row, 2, if row == 3 { "847150" } else { "851762" }).unwrap();
        sheet.write_number(row, 3, *q).unwrap();
        if !s.is_empty() {
            sheet.write_string(row, 4, *s).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

/// The commercial invoice of the packing list's shipment, as a spreadsheet.
pub fn invoice() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "COMMERCIAL INVOICE").unwrap();
    for (row, (key, value)) in
        [("Invoice No", "PL-2026-88"), ("Currency", "EUR"), ("Origin", "NL"), ("Destination", "TR")]
            .iter()
            .enumerate()
    {
        sheet.write_string(row as u32 + 2, 0, *key).unwrap();
        sheet.write_string(row as u32 + 2, 1, *value).unwrap();
    }
    for (col, h) in [
        "Description",
        "Manufacturer",
        "Model",
        "HS Code",
        "Country of Origin",
        "Condition",
        "Quantity",
        "Unit Price",
        "Serial Number",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(7, col as u16, *h).unwrap();
    }
    let rows = [
        (
            "Servidor 1U",
            "Dell",
            "PowerEdge R660",
            "847150",
            "CN",
            "new",
            2.0,
            9800.0,
            "SRV-001, SRV-002",
        ),
        ("Router de borde", "Cisco", "C1111-4P", "851762", "MX", "new", 2.0, 1200.5, ""),
    ];
    for (i, (d, f, m, hs, o, c, q, p, s)) in rows.iter().enumerate() {
        let row = 8 + i as u32;
        for (col, text) in [d, f, m, hs, o, c].iter().enumerate() {
            sheet.write_string(row, col as u16, **text).unwrap();
        }
        sheet.write_number(row, 6, *q).unwrap();
        sheet.write_number(row, 7, *p).unwrap();
        if !s.is_empty() {
            sheet.write_string(row, 8, *s).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}
