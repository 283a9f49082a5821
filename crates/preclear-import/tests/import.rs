//! End-to-end imports of XLSX and CSV fixtures built in the tests.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test fixtures build known-good workbooks")]

use preclear_domain::request::parse_shipment_value;
use preclear_import::{
    At, Cell, ColumnRef, Field, ImportError, Imported, Limits, MappingOverride, RequestDefaults,
    Severity, detect, import, parse_override, read_table, read_workbook,
};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Formula, Workbook as XlsxWriter};
use serde_json::json;

/// A cell value for fixtures.
#[derive(Clone, Copy)]
enum V {
    S(&'static str),
    N(f64),
    Formula(&'static str, &'static str),
    E,
}

fn xlsx(sheets: &[(&str, Vec<Vec<V>>)]) -> Vec<u8> {
    let mut workbook = XlsxWriter::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match *value {
                    V::S(text) => {
                        sheet.write_string(r, c, text).unwrap();
                    }
                    V::N(number) => {
                        sheet.write_number(r, c, number).unwrap();
                    }
                    V::Formula(formula, result) => {
                        sheet
                            .write_formula(r, c, Formula::new(formula).set_result(result))
                            .unwrap();
                    }
                    V::E => {}
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap()
}

/// The bundled KB's category vocabulary (loaded once).
fn vocabulary() -> std::sync::Arc<preclear_domain::CategoryVocabulary> {
    static KB: std::sync::LazyLock<preclear_kb::Kb> =
        std::sync::LazyLock::new(|| preclear_kb_bundle::load().unwrap());
    KB.category_vocabulary().clone()
}

fn defaults() -> RequestDefaults {
    RequestDefaults {
        vocabulary: vocabulary(),
        client_country: Some("DE".into()),
        local_entity_in_destination: Some(false),
        transport_mode: Some("air".into()),
        purpose: Some("business_use".into()),
        ..RequestDefaults::default()
    }
}

fn errors(imported: &Imported) -> Vec<String> {
    imported
        .problems()
        .iter()
        .filter(|problem| problem.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

use V::{E, N, S};

fn english_packing_list() -> Vec<u8> {
    xlsx(&[(
        "Packing list",
        vec![
            vec![S("COMMERCIAL INVOICE")],
            vec![S("Invoice No:"), S("INV-7")],
            vec![S("Currency"), S("EUR")],
            vec![S("Incoterm"), S("DDP Istanbul")],
            vec![S("Origin"), S("Netherlands")],
            vec![S("Destination"), S("TR")],
            vec![S("Consignee"), S("Anadolu Veri Merkezi A.S.")],
            vec![S("Shipper"), S("Nordwind Systems GmbH")],
            vec![],
            vec![
                S("Line"),
                S("Description"),
                S("Manufacturer"),
                S("Model"),
                S("HS Code"),
                S("Country of Origin"),
                S("Condition"),
                S("Qty"),
                S("Unit Price (EUR)"),
                S("Total (EUR)"),
                S("Net weight (kg)"),
                S("Radio"),
                S("Encryption"),
                S("ECCN"),
            ],
            vec![
                N(1.0),
                S("1U rack server, 2x Xeon Gold 6430, 512 GB RAM"),
                S("Dell"),
                S("PowerEdge R660"),
                S("8471.50"),
                S("China"),
                S("New"),
                N(10.0),
                N(9800.0),
                N(98000.0),
                N(182.0),
                S("none"),
                S("Mass market"),
                S("5A992.c"),
            ],
            vec![
                N(2.0),
                S("48-port 25G switch"),
                S("Arista"),
                S("7050SX3-48YC8"),
                N(851762.0),
                S("Malaysia"),
                S("Refurbished"),
                N(4.0),
                N(5250.5),
                N(21002.0),
                N(40.0),
                S("-"),
                S("mass market"),
                S("5a992.C"),
            ],
            vec![
                N(3.0),
                S("Wi-Fi 6 access point"),
                S("Cisco"),
                S("C9130AXI-E"),
                N(851762.0),
                S("Mexico"),
                S("new"),
                N(20.0),
                N(1200.0),
                N(24000.0),
                N(30.5),
                S("Wi-Fi 6, Bluetooth"),
                S("Mass market"),
                S("5A992.c"),
            ],
            vec![E, S("TOTAL"), E, E, E, E, E, N(34.0), E, N(143002.0), N(252.5)],
            vec![],
            vec![S("Signature: ____________")],
        ],
    )])
}

#[test]
fn english_xlsx_packing_list_becomes_the_expected_request() {
    let bytes = english_packing_list();
    let imported =
        import("pl.xlsx", &bytes, &MappingOverride::default(), &defaults(), &Limits::default())
            .unwrap();
    assert_eq!(errors(&imported), Vec::<String>::new());
    let expected = json!({
        "reference": "INV-7",
        "client": { "name": "Nordwind Systems GmbH", "country": "DE", "local_entity_in_destination": false },
        "origin": "NL",
        "destination": "TR",
        "transport_mode": "air",
        "incoterm": "DDP",
        "currency": "EUR",
        "purpose": "business_use",
        "consignee": { "name": "Anadolu Veri Merkezi A.S.", "country": "TR" },
        "items": [
            {
                "description": "1U rack server, 2x Xeon Gold 6430, 512 GB RAM",
                "category": "server", "hs_code": "847150",
                "manufacturer": "Dell", "model": "PowerEdge R660", "country_of_origin": "CN",
                "condition": "new", "quantity": 10, "unit_value": "9800.00", "unit_weight_kg": "18.2",
                "radio": [], "encryption": "mass_market", "eccn": "5A992.c",
                "battery": null, "gpu": null, "serials": []
            },
            {
                "description": "48-port 25G switch",
                "category": "switch", "hs_code": "851762",
                "manufacturer": "Arista", "model": "7050SX3-48YC8", "country_of_origin": "MY",
                "condition": "refurbished", "quantity": 4, "unit_value": "5250.50", "unit_weight_kg": "10",
                "radio": [], "encryption": "mass_market", "eccn": "5A992.c",
                "battery": null, "gpu": null, "serials": []
            },
            {
                "description": "Wi-Fi 6 access point",
                "category": "wireless_access_point", "hs_code": "851762",
                "manufacturer": "Cisco", "model": "C9130AXI-E", "country_of_origin": "MX",
                "condition": "new", "quantity": 20, "unit_value": "1200.00", "unit_weight_kg": "1.525",
                "radio": ["wifi", "bluetooth"], "encryption": "mass_market", "eccn": "5A992.c",
                "battery": null, "gpu": null, "serials": []
            }
        ]
    });
    assert_eq!(imported.request, expected, "{:#}", imported.request);
    let shipment = imported.validate().unwrap();
    assert_eq!(shipment.items.len(), 3);
    assert!(parse_shipment_value(&imported.request).is_ok());

    // Provenance.
    let table = &imported.table;
    assert_eq!(table.title.as_deref(), Some("COMMERCIAL INVOICE"));
    assert_eq!(table.mapping.sheet, "Packing list");
    assert_eq!(table.mapping.header_row, 10);
    assert_eq!(table.lines.len(), 3);
    assert_eq!(table.currency.as_ref().map(|(code, _)| code.as_str()), Some("EUR"));
    assert!(table.metadata.iter().any(|(key, value, at)| key == "Invoice No"
        && value == "INV-7"
        && at.to_string() == "Packing list!B2 (Invoice No)"));
    let at = imported.locate("items[1].unit_value").unwrap();
    assert_eq!(
        at,
        At {
            sheet: "Packing list".into(),
            row: 12,
            column: Some(8),
            header: Some("Unit Price (EUR)".into())
        }
    );
    assert_eq!(at.to_string(), "Packing list!I12 (Unit Price (EUR))");
    assert_eq!(imported.locate("items[2].quantity").unwrap().to_string(), "Packing list!H13 (Qty)");
    assert_eq!(imported.locate("items[0]").unwrap().to_string(), "Packing list row 11");
    assert_eq!(imported.locate("currency").unwrap().to_string(), "Packing list!B3 (Currency)");
    assert_eq!(imported.locate("origin").unwrap().to_string(), "Packing list!B5 (Origin)");
    assert_eq!(imported.locate("transport_mode"), None);
    assert_eq!(imported.items.len(), 3);
    assert!(
        imported.notes.iter().any(|note| note.contains("items[1]") && note.contains("switch")),
        "{:?}",
        imported.notes
    );
}

#[test]
fn turkish_semicolon_csv_with_decimal_commas() {
    let csv = "PROFORMA FATURA\n\
Fatura No;PF-2026-3\n\
Döviz;EUR\n\
Sıra No;Ürün Açıklaması;GTIP;Menşe;Miktar;Birim Fiyat;Tutar;Net Ağırlık (kg)\n\
1;Sunucu 1U rack server;8471.50.00.00.00;Çin;2;9.800,00;19.600,00;36,4\n\
2;Ağ anahtarı switch 48 port;8517.62.00.00.19;Tayvan;5;1.250,50;6.252,50;12,5\n\
Toplam;;;;7;;25.852,50;48,9\n";
    let mut defaults = defaults();
    defaults.origin = Some("CN".into());
    defaults.destination = Some("TR".into());
    defaults.client_name = Some("Nordwind Systems GmbH".into());
    defaults.incoterm = Some("DAP".into());
    defaults.condition = Some("new".into());
    let imported = import(
        "proforma.csv",
        csv.as_bytes(),
        &MappingOverride::default(),
        &defaults,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(errors(&imported), Vec::<String>::new());
    let mapping = &imported.table.mapping;
    assert_eq!(mapping.sheet, "proforma.csv");
    assert_eq!(mapping.header_row, 4);
    for (field, column) in [
        (Field::Line, 0),
        (Field::Description, 1),
        (Field::HsCode, 2),
        (Field::CountryOfOrigin, 3),
        (Field::Quantity, 4),
        (Field::UnitValue, 5),
        (Field::LineValue, 6),
        (Field::LineWeight, 7),
    ] {
        assert_eq!(mapping.column(field).map(|c| c.index), Some(column), "{field}");
    }
    let request = &imported.request;
    assert_eq!(request["reference"], json!("PF-2026-3"));
    assert_eq!(request["currency"], json!("EUR"));
    assert_eq!(request["items"][0]["unit_value"], json!("9800.00"));
    assert_eq!(request["items"][0]["hs_code"], json!("847150000000"));
    assert_eq!(request["items"][0]["country_of_origin"], json!("CN"));
    assert_eq!(request["items"][0]["category"], json!("server"));
    assert_eq!(request["items"][0]["unit_weight_kg"], json!("18.2"));
    assert_eq!(request["items"][1]["unit_value"], json!("1250.50"));
    assert_eq!(request["items"][1]["country_of_origin"], json!("TW"));
    assert_eq!(request["items"][1]["category"], json!("switch"));
    assert_eq!(request["items"][1]["quantity"], json!(5));
    assert_eq!(request["items"][1]["unit_weight_kg"], json!("2.5"));
    assert_eq!(imported.table.lines[1].line_value, Some(dec("6252.50")));
    imported.validate().unwrap();
    assert_eq!(
        imported.locate("items[1].unit_value").unwrap().to_string(),
        "proforma.csv!F6 (Birim Fiyat)"
    );
}

#[test]
fn spanish_xlsx_and_portuguese_csv_headers() {
    let bytes = xlsx(&[(
        "Factura",
        vec![
            vec![S("FACTURA COMERCIAL")],
            vec![S("Factura No."), S("FC-0091")],
            vec![S("Moneda"), S("USD")],
            vec![
                S("Descripción"),
                S("Marca"),
                S("Modelo"),
                S("Fracción arancelaria"),
                S("País de Origen"),
                S("Estado"),
                S("Cantidad"),
                S("Precio Unitario"),
                S("Importe"),
            ],
            vec![
                S("Servidor rack 2U"),
                S("HPE"),
                S("ProLiant DL380 Gen11"),
                S("8471.50.01"),
                S("Estados Unidos"),
                S("Nuevo"),
                N(3.0),
                S("US$ 12,500.00"),
                N(37500.0),
            ],
        ],
    )]);
    let mut spanish = defaults();
    spanish.origin = Some("US".into());
    spanish.destination = Some("MX".into());
    spanish.client_name = Some("Cliente SA".into());
    spanish.incoterm = Some("DAP".into());
    let imported =
        import("factura.xlsx", &bytes, &MappingOverride::default(), &spanish, &Limits::default())
            .unwrap();
    assert_eq!(errors(&imported), Vec::<String>::new());
    let item = &imported.request["items"][0];
    assert_eq!(item["description"], json!("Servidor rack 2U"));
    assert_eq!(item["category"], json!("server"));
    assert_eq!(item["hs_code"], json!("84715001"));
    assert_eq!(item["country_of_origin"], json!("US"));
    assert_eq!(item["condition"], json!("new"));
    assert_eq!(item["quantity"], json!(3));
    assert_eq!(item["unit_value"], json!("12500.00"));
    assert_eq!(imported.request["reference"], json!("FC-0091"));
    assert_eq!(imported.request["currency"], json!("USD"));
    imported.validate().unwrap();

    let csv = "Descrição;Marca;Modelo;NCM;País de Origem;Condição;Quantidade;Valor Unitário;Peso Líquido (kg)\n\
Switch 24 portas;Cisco;C9300-24T;8517.62.59;China;Novo;2;R$ 1.234,56;7,3\n\
Notebook corporativo;Lenovo;ThinkPad T14;8471.30.12;China;Recondicionado;10;R$ 4.999,90;14\n";
    let mut portuguese = defaults();
    portuguese.origin = Some("CN".into());
    portuguese.destination = Some("BR".into());
    portuguese.client_name = Some("Cliente Ltda".into());
    portuguese.reference = Some("BR-1".into());
    portuguese.incoterm = Some("CIP".into());
    let imported = import(
        "lista.csv",
        csv.as_bytes(),
        &MappingOverride::default(),
        &portuguese,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(errors(&imported), Vec::<String>::new());
    let request = &imported.request;
    assert_eq!(request["currency"], json!("BRL"), "currency from the R$ symbol");
    assert_eq!(request["items"][0]["unit_value"], json!("1234.56"));
    assert_eq!(request["items"][0]["hs_code"], json!("85176259"));
    assert_eq!(request["items"][0]["category"], json!("switch"));
    assert_eq!(request["items"][0]["unit_weight_kg"], json!("3.65"));
    assert_eq!(request["items"][1]["unit_value"], json!("4999.90"));
    assert_eq!(request["items"][1]["category"], json!("laptop"));
    assert_eq!(request["items"][1]["condition"], json!("refurbished"));
    assert_eq!(request["items"][1]["unit_weight_kg"], json!("1.4"));
    imported.validate().unwrap();
}

#[test]
fn floats_are_read_exactly_and_rounded_with_a_warning() {
    let bytes = xlsx(&[(
        "Sheet1",
        vec![
            vec![
                S("Description"),
                S("Qty"),
                S("Unit price"),
                S("Country of origin"),
                S("Condition"),
            ],
            vec![S("Cable kit"), N(1.0), N(0.300_000_000_000_000_04), S("CN"), S("new")],
            vec![S("Server"), N(2.0), N(9800.1), S("CN"), S("new")],
        ],
    )]);
    let workbook = read_workbook("f.xlsx", &bytes, &Limits::default()).unwrap();
    assert_eq!(workbook.sheets[0].rows[1][2], Cell::Number(dec("0.30000000000000004")));
    assert_eq!(workbook.sheets[0].rows[2][2], Cell::Number(dec("9800.1")));
    let mut d = defaults();
    d.origin = Some("CN".into());
    d.destination = Some("TR".into());
    d.currency = Some("EUR".into());
    d.reference = Some("R1".into());
    d.client_name = Some("C".into());
    d.incoterm = Some("DAP".into());
    let imported =
        import("f.xlsx", &bytes, &MappingOverride::default(), &d, &Limits::default()).unwrap();
    assert_eq!(imported.table.lines[0].unit_value, Some(dec("0.30000000000000004")));
    assert_eq!(imported.request["items"][0]["unit_value"], json!("0.30"));
    assert_eq!(imported.request["items"][1]["unit_value"], json!("9800.10"));
    let warnings: Vec<_> = imported
        .problems()
        .iter()
        .filter(|problem| problem.severity == Severity::Warning)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].at.as_ref().unwrap().to_string(), "Sheet1!C2 (Unit price)");
    assert_eq!(warnings[0].field.as_deref(), Some("items[0].unit_value"));
    assert!(warnings[0].message.contains("0.30"), "{}", warnings[0]);
    imported.validate().unwrap();
}

#[test]
fn serial_numbers_one_per_row_are_merged() {
    let bytes = xlsx(&[(
        "PL",
        vec![
            vec![S("Description"), S("Model"), S("Qty"), S("Unit price"), S("S/N")],
            vec![S("Rack server"), S("R660"), N(1.0), N(9800.0), S("SN-001")],
            vec![S("Rack server"), S("R660"), N(1.0), N(9800.0), S("SN-002")],
            vec![S("Rack server"), S("R660"), E, N(9800.0), S("SN-003")],
            vec![S("Switch"), S("7050"), N(2.0), N(5000.0), S("SW-1, SW-2; SW-3")],
            vec![E, E, E, E, S("SW-4")],
        ],
    )]);
    let workbook = read_workbook("pl.xlsx", &bytes, &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert_eq!(table.lines.len(), 2, "{:#?}", table.lines);
    let servers = &table.lines[0];
    assert_eq!(servers.quantity, Some(Decimal::from(3)));
    assert_eq!(servers.serials, vec!["SN-001", "SN-002", "SN-003"]);
    assert_eq!(servers.rows, vec![2, 3, 4]);
    assert_eq!(servers.at.to_string(), "PL row 2");
    let switches = &table.lines[1];
    assert_eq!(switches.serials, vec!["SW-1", "SW-2", "SW-3", "SW-4"]);
    assert_eq!(switches.rows, vec![5, 6]);
    let warning = table
        .problems
        .iter()
        .find(|problem| problem.field.as_deref() == Some("items[1].serials"))
        .unwrap();
    assert_eq!(warning.severity, Severity::Warning);
    assert!(warning.message.contains("4 serial numbers for a quantity of 2"), "{warning}");
    assert!(!table.problems.iter().any(|p| p.field.as_deref() == Some("items[0].serials")));
}

fn odd_headers() -> Vec<u8> {
    xlsx(&[(
        "Liste",
        vec![
            vec![S("Artikel"), S("Anzahl"), S("Einzelpreis"), S("Herkunft")],
            vec![S("Server"), N(2.0), N(100.0), S("CN")],
        ],
    )])
}

#[test]
fn overrides_by_letter_and_by_header_text() {
    let bytes = odd_headers();
    let workbook = read_workbook("l.xlsx", &bytes, &Limits::default()).unwrap();
    let err = detect(&workbook, &MappingOverride::default()).unwrap_err();
    assert!(matches!(err, ImportError::NoTable(_)), "{err}");
    assert!(err.to_string().contains("--map"), "{err}");

    assert_eq!(parse_override("quantity=B").unwrap(), (Field::Quantity, ColumnRef::Letter(1)));
    assert_eq!(
        parse_override("unit_value=Preço Unitário").unwrap(),
        (Field::UnitValue, ColumnRef::Header("Preço Unitário".into()))
    );
    assert_eq!(
        parse_override("part_number=\"SKU\"").unwrap(),
        (Field::PartNumber, ColumnRef::Header("SKU".into()))
    );
    assert!(parse_override("colour=B").is_err());
    assert!(parse_override("quantity").is_err());

    let over = MappingOverride::from_specs([
        "quantity=B",
        "description=artikel",
        "unit_value=Einzelpreis",
        "country_of_origin=D",
    ])
    .unwrap();
    let mapping = detect(&workbook, &over).unwrap();
    assert_eq!(mapping.header_row, 1);
    assert_eq!(mapping.column(Field::Quantity).unwrap().index, 1);
    assert_eq!(mapping.column(Field::Description).unwrap().index, 0);
    assert_eq!(mapping.column(Field::UnitValue).unwrap().header, "Einzelpreis");
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert_eq!(table.lines[0].quantity, Some(Decimal::from(2)));
    assert_eq!(table.lines[0].unit_value, Some(Decimal::from(100)));
    assert_eq!(table.lines[0].country_of_origin.as_deref(), Some("CN"));
}

#[test]
fn an_override_naming_a_missing_column_is_an_error() {
    let bytes = odd_headers();
    let workbook = read_workbook("l.xlsx", &bytes, &Limits::default()).unwrap();
    let over = MappingOverride::from_specs(["quantity=Z", "description=A"]).unwrap();
    let err = detect(&workbook, &over).unwrap_err().to_string();
    assert!(err.contains("quantity=Z") && err.contains("column Z"), "{err}");

    let over = MappingOverride::from_specs(["quantity=B", "description=Preço Unitário"]).unwrap();
    let err = detect(&workbook, &over).unwrap_err().to_string();
    assert!(err.contains("Preço Unitário"), "{err}");

    let over = MappingOverride::from_specs(["sheet=Nope"]).unwrap();
    let err = detect(&workbook, &over).unwrap_err().to_string();
    assert!(err.contains("Nope") && err.contains("Liste"), "{err}");
}

#[test]
fn a_formula_error_names_its_cell() {
    let bytes = xlsx(&[(
        "Sheet1",
        vec![
            vec![S("Description"), S("Qty"), S("Unit price")],
            vec![S("Server"), N(1.0), V::Formula("=1/0", "#DIV/0!")],
        ],
    )]);
    let workbook = read_workbook("e.xlsx", &bytes, &Limits::default()).unwrap();
    assert_eq!(workbook.sheets[0].rows[1][2], Cell::Error("#DIV/0!".into()));
    let imported =
        import("e.xlsx", &bytes, &MappingOverride::default(), &defaults(), &Limits::default())
            .unwrap();
    let problem =
        imported.problems().iter().find(|problem| problem.message.contains("#DIV/0!")).unwrap();
    assert_eq!(problem.severity, Severity::Error);
    assert_eq!(problem.at.as_ref().unwrap().to_string(), "Sheet1!C2 (Unit price)");
    assert_eq!(problem.field.as_deref(), Some("items[0].unit_value"));
    let err = imported.validate().unwrap_err().to_string();
    assert!(err.contains("Sheet1!C2 (Unit price)"), "{err}");
}

#[test]
fn damaged_and_foreign_files_are_refused_clearly() {
    let bytes = english_packing_list();
    let truncated = &bytes[..bytes.len() / 2];
    let err = read_workbook("pl.xlsx", truncated, &Limits::default()).unwrap_err();
    assert!(matches!(err, ImportError::Unreadable(_)), "{err:?}");
    assert!(err.to_string().starts_with("not a readable XLSX workbook: "), "{err}");

    let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    cfb.extend_from_slice(&[0u8; 504]);
    let err = read_workbook("secret.xlsx", &cfb, &Limits::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "password-protected (encrypted) workbook or legacy .xls: remove the password / save as .xlsx"
    );

    let err = read_workbook("invoice.xlsx", b"%PDF-1.7\n...", &Limits::default()).unwrap_err();
    assert!(err.to_string().contains("a PDF is not a spreadsheet"), "{err}");

    let err = read_workbook(
        "x.xls",
        b"<html><table><tr><td>1</td></tr></table></html>",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("HTML"), "{err}");

    let err = read_workbook("x.csv", b"", &Limits::default()).unwrap_err();
    assert!(matches!(err, ImportError::Empty));

    let err = read_workbook("x.csv", b"Qty;Desc\n1;Caf\xe9\n", &Limits::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("line 2") && text.contains("byte offset 14") && text.contains("UTF-8"),
        "{text}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused() {
    let bytes = english_packing_list();
    let limits = Limits { max_file_bytes: 1000, ..Limits::default() };
    let err = read_workbook("pl.xlsx", &bytes, &limits).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge { limit: 1000, .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&format!("{} bytes", bytes.len())) && text.contains("1000 bytes"),
        "{text}"
    );
}

#[test]
fn rows_and_columns_over_the_limits_are_refused() {
    let bytes = english_packing_list();
    let err = read_workbook("pl.xlsx", &bytes, &Limits { max_rows: 5, ..Limits::default() })
        .unwrap_err()
        .to_string();
    assert!(err.contains("Packing list") && err.contains("limit is 5 rows"), "{err}");
    let err = read_workbook("pl.xlsx", &bytes, &Limits { max_columns: 4, ..Limits::default() })
        .unwrap_err()
        .to_string();
    assert!(err.contains("Packing list") && err.contains("limit is 4 columns"), "{err}");
}

/// A ZIP of one entry whose central directory declares `uncompressed` bytes for `data.len()`
/// compressed bytes (method 8, deflate).
fn hand_made_zip(name: &str, data: &[u8], uncompressed: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let le16 = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_le_bytes());
    let le32 = |out: &mut Vec<u8>, v: u32| out.extend_from_slice(&v.to_le_bytes());
    // Local file header.
    le32(&mut out, 0x0403_4b50);
    le16(&mut out, 20); // version needed
    le16(&mut out, 0); // flags
    le16(&mut out, 8); // deflate
    le16(&mut out, 0);
    le16(&mut out, 0);
    le32(&mut out, 0); // crc
    le32(&mut out, data.len() as u32);
    le32(&mut out, uncompressed);
    le16(&mut out, name.len() as u16);
    le16(&mut out, 0);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(data);
    let cd_start = out.len();
    // Central directory header.
    le32(&mut out, 0x0201_4b50);
    le16(&mut out, 20);
    le16(&mut out, 20);
    le16(&mut out, 0);
    le16(&mut out, 8);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le32(&mut out, 0);
    le32(&mut out, data.len() as u32);
    le32(&mut out, uncompressed);
    le16(&mut out, name.len() as u16);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le32(&mut out, 0);
    le32(&mut out, 0); // local header offset
    out.extend_from_slice(name.as_bytes());
    let cd_size = out.len() - cd_start;
    // End of central directory.
    le32(&mut out, 0x0605_4b50);
    le16(&mut out, 0);
    le16(&mut out, 0);
    le16(&mut out, 1);
    le16(&mut out, 1);
    le32(&mut out, cd_size as u32);
    le32(&mut out, cd_start as u32);
    le16(&mut out, 0);
    out
}

#[test]
fn decompression_bombs_are_refused_before_inflating() {
    let data = vec![0u8; 1000];
    // 4 GB declared in total.
    let bomb = hand_made_zip("xl/worksheets/sheet1.xml", &data, 0xFFFF_FF00);
    let err = read_workbook("bomb.xlsx", &bomb, &Limits::default()).unwrap_err();
    assert!(matches!(err, ImportError::Bomb(_)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("decompression bomb"), "{text}");
    assert!(text.contains("limit"), "{text}");

    // Within the total, but 50 MiB from 1000 bytes.
    let bomb = hand_made_zip("xl/sharedStrings.xml", &data, 50 * 1024 * 1024);
    let text = read_workbook("bomb.xlsx", &bomb, &Limits::default()).unwrap_err().to_string();
    assert!(text.contains("ratio above the limit of 200:1"), "{text}");

    // A lower total bound is stated in the message.
    let limits = Limits { max_unpacked_bytes: 1024, ..Limits::default() };
    let text = read_workbook("pl.xlsx", &english_packing_list(), &limits).unwrap_err().to_string();
    assert!(text.contains("the limit is 1024 bytes"), "{text}");
}

#[test]
fn an_entry_that_inflates_past_its_declared_size_is_refused_by_zip() {
    let mut bytes = english_packing_list();
    // Find the central directory header of the sheet and shrink its declared size.
    let name = b"xl/worksheets/sheet1.xml";
    let mut patched = false;
    for pos in 0..bytes.len() - 46 {
        if bytes[pos..pos + 4] == [0x50, 0x4b, 0x01, 0x02]
            && bytes.get(pos + 46..pos + 46 + name.len()) == Some(&name[..])
        {
            bytes[pos + 24..pos + 28].copy_from_slice(&100u32.to_le_bytes());
            patched = true;
        }
    }
    assert!(patched);
    let err = read_workbook("pl.xlsx", &bytes, &Limits::default()).unwrap_err();
    assert!(matches!(err, ImportError::Unreadable(_)), "{err:?}");
}

#[test]
fn a_wrong_totals_row_is_an_error_naming_its_cell() {
    let bytes = xlsx(&[(
        "Invoice",
        vec![
            vec![S("Description"), S("Qty"), S("Unit price"), S("Amount")],
            vec![S("Server"), N(2.0), N(100.0), N(200.0)],
            vec![S("Switch"), N(1.0), N(50.0), N(50.0)],
            vec![S("Total"), N(3.0), E, N(300.0)],
        ],
    )]);
    let workbook = read_workbook("i.xlsx", &bytes, &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert_eq!(table.lines.len(), 2);
    let errors: Vec<_> = table.problems.iter().filter(|p| p.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].at.as_ref().unwrap().to_string(), "Invoice!D4 (Amount)");
    assert!(
        errors[0].message.contains("300") && errors[0].message.contains("250"),
        "{}",
        errors[0]
    );
}

#[test]
fn unit_times_quantity_must_equal_the_line_value() {
    let bytes = xlsx(&[(
        "Invoice",
        vec![
            vec![S("Description"), S("Qty"), S("Unit price"), S("Amount")],
            vec![S("Server"), N(2.0), N(100.0), N(210.0)],
            vec![S("Switch"), N(3.0), E, N(100.0)],
        ],
    )]);
    let workbook = read_workbook("i.xlsx", &bytes, &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    let mismatch =
        table.problems.iter().find(|p| p.field.as_deref() == Some("items[0].unit_value")).unwrap();
    assert!(mismatch.is_error());
    assert_eq!(mismatch.at.as_ref().unwrap().to_string(), "Invoice!D2 (Amount)");
    assert!(mismatch.message.contains("Invoice!C2 (Unit price)"), "{mismatch}");
    let inexact =
        table.problems.iter().find(|p| p.field.as_deref() == Some("items[1].unit_value")).unwrap();
    assert!(inexact.message.contains("not an exact amount"), "{inexact}");
}

#[test]
fn an_ambiguous_number_is_a_problem_unless_the_column_tells() {
    let csv = "Description;Qty;Unit price\nServer;1;1,234\n";
    let workbook = read_workbook("a.csv", csv.as_bytes(), &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    let problem = table.problems.iter().find(|p| p.message.contains("ambiguous")).unwrap();
    assert!(problem.is_error());
    assert_eq!(problem.at.as_ref().unwrap().to_string(), "a.csv!C2 (Unit price)");
    assert!(problem.message.contains("`1,234`"), "{problem}");

    let csv = "Description;Qty;Unit price\nServer;1;1,234\nSwitch;1;12,50\n";
    let workbook = read_workbook("a.csv", csv.as_bytes(), &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert!(!table.problems.iter().any(|p| p.message.contains("ambiguous")));
    assert_eq!(table.lines[0].unit_value, Some(dec("1.234")));
}

#[test]
fn quantities_must_be_whole_numbers() {
    let csv = "Description,Qty,Unit price\nServer,1.5,100\nSwitch,0,100\n";
    let workbook = read_workbook("q.csv", csv.as_bytes(), &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    let fields: Vec<_> =
        table.problems.iter().filter(|p| p.is_error()).filter_map(|p| p.field.clone()).collect();
    assert_eq!(fields, vec!["items[0].quantity", "items[1].quantity"]);
}

#[test]
fn a_missing_origin_names_the_flag() {
    let csv = "Description,Qty,Unit price,Country of origin,Condition\nServer,1,100,CN,new\n";
    let imported = import(
        "o.csv",
        csv.as_bytes(),
        &MappingOverride::default(),
        &RequestDefaults::default(),
        &Limits::default(),
    )
    .unwrap();
    let origin = imported.problems().iter().find(|p| p.field.as_deref() == Some("origin")).unwrap();
    assert!(origin.is_error());
    assert!(origin.message.contains("--origin"), "{origin}");
    assert!(imported.request.get("origin").is_none());
    for flag in ["--destination", "--currency", "--client-name", "--reference", "--incoterm"] {
        assert!(
            imported.problems().iter().any(|p| p.message.contains(flag)),
            "{flag}: {:?}",
            imported.problems()
        );
    }
    // The validator lists it too, without repeating it.
    let ImportError::Problems(problems) = imported.validate().unwrap_err() else {
        panic!("expected problems")
    };
    assert_eq!(problems.iter().filter(|p| p.field.as_deref() == Some("origin")).count(), 1);
}

#[test]
fn a_metadata_value_that_contradicts_a_flag_is_an_error() {
    let csv = "Currency;EUR\nDescription;Qty;Unit price;Country of origin;Condition\nServer;1;100;CN;new\n";
    let mut d = defaults();
    d.currency = Some("USD".into());
    let imported =
        import("c.csv", csv.as_bytes(), &MappingOverride::default(), &d, &Limits::default())
            .unwrap();
    let conflict =
        imported.problems().iter().find(|p| p.field.as_deref() == Some("currency")).unwrap();
    assert!(conflict.is_error());
    assert_eq!(conflict.at.as_ref().unwrap().to_string(), "c.csv!B1 (Currency)");
    assert!(
        conflict.message.contains("--currency") && conflict.message.contains("USD"),
        "{conflict}"
    );
    assert_eq!(imported.request["currency"], json!("EUR"));
}

#[test]
fn validator_errors_are_placed_in_their_cells() {
    let csv = "Invoice No,X-1\nDescription,Qty,Unit price,HS code,Country of origin,Condition\nServer,1,100,84,CN,new\n";
    let mut d = defaults();
    d.origin = Some("NL".into());
    d.destination = Some("TR".into());
    d.currency = Some("EUR".into());
    d.client_name = Some("C".into());
    d.incoterm = Some("DAP".into());
    let imported =
        import("v.csv", csv.as_bytes(), &MappingOverride::default(), &d, &Limits::default())
            .unwrap();
    let ImportError::Problems(problems) = imported.validate().unwrap_err() else {
        panic!("expected problems")
    };
    let hs = problems.iter().find(|p| p.field.as_deref() == Some("items[0].hs_code")).unwrap();
    assert_eq!(hs.at.as_ref().unwrap().to_string(), "v.csv!D3 (HS code)");
}

#[test]
fn weights_in_pounds_are_converted_exactly() {
    let csv = "Description,Qty,Unit price,Unit weight (lbs),Country of origin,Condition\nServer,1,100,10,CN,new\n";
    let workbook = read_workbook("w.csv", csv.as_bytes(), &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert_eq!(table.lines[0].unit_weight_kg, Some(dec("4.5359237")));
    assert!(table.notes.iter().any(|note| note.contains("pounds")), "{:?}", table.notes);
}

#[test]
fn the_best_sheet_is_chosen() {
    let bytes = xlsx(&[
        ("Notes", vec![vec![S("Shipment notes")], vec![S("Fragile")]]),
        (
            "Items",
            vec![
                vec![S("Item"), S("Description"), S("Qty"), S("Unit price")],
                vec![N(1.0), S("Server"), N(1.0), N(100.0)],
            ],
        ),
    ]);
    let workbook = read_workbook("s.xlsx", &bytes, &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    assert_eq!(mapping.sheet, "Items");
    let over = MappingOverride::from_specs(["sheet=items", "header_row=1"]).unwrap();
    assert_eq!(detect(&workbook, &over).unwrap().sheet, "Items");
}

#[test]
fn items_below_a_subtotal_are_not_dropped_silently() {
    let bytes = xlsx(&[(
        "Invoice",
        vec![
            vec![S("Description"), S("Qty"), S("Unit price"), S("Amount")],
            vec![S("Server"), N(2.0), N(100.0), N(200.0)],
            vec![S("Subtotal"), E, E, N(200.0)],
            vec![S("Switch"), N(1.0), N(50.0), N(50.0)],
            vec![S("Total"), E, E, N(250.0)],
        ],
    )]);
    let workbook = read_workbook("i.xlsx", &bytes, &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert_eq!(table.lines.len(), 1);
    let warning = table.problems.iter().find(|p| p.message.contains("not read")).unwrap();
    assert_eq!(warning.at.as_ref().unwrap().to_string(), "Invoice row 4");
}

#[test]
fn yen_amounts_have_no_decimals() {
    let csv = "\u{feff}Reference: JP-1\nDescription,Qty,Unit price (JPY),Net weight (g),Country of origin,Condition\n\
Notebook,2,1200,2900,JP,new\nPhone,1,999.5,180,JP,new\n";
    let mut d = defaults();
    d.origin = Some("JP".into());
    d.destination = Some("TR".into());
    d.client_name = Some("C".into());
    d.incoterm = Some("DAP".into());
    let imported =
        import("jp.csv", csv.as_bytes(), &MappingOverride::default(), &d, &Limits::default())
            .unwrap();
    assert_eq!(errors(&imported), Vec::<String>::new());
    let request = &imported.request;
    assert_eq!(request["reference"], json!("JP-1"));
    assert_eq!(request["currency"], json!("JPY"));
    assert_eq!(request["items"][0]["unit_value"], json!("1200"));
    assert_eq!(request["items"][0]["unit_weight_kg"], json!("1.45"));
    assert_eq!(request["items"][1]["unit_value"], json!("1000"));
    assert_eq!(request["items"][1]["category"], json!("mobile_phone"));
    let rounded = imported
        .problems()
        .iter()
        .find(|p| p.field.as_deref() == Some("items[1].unit_value"))
        .unwrap();
    assert_eq!(rounded.severity, Severity::Warning);
    assert!(imported.notes.iter().any(|note| note.contains("grams")), "{:?}", imported.notes);
    imported.validate().unwrap();
}

#[test]
fn utf16_csv_is_decoded() {
    let text = "Açıklama\tMiktar\tBirim Fiyat\nSunucu\t1\t100,50\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let workbook = read_workbook("u.csv", &bytes, &Limits::default()).unwrap();
    let mapping = detect(&workbook, &MappingOverride::default()).unwrap();
    let table = read_table(&workbook, &mapping, &Limits::default());
    assert_eq!(table.lines[0].unit_value, Some(dec("100.50")));
    assert_eq!(table.lines[0].description.as_deref(), Some("Sunucu"));
}

/// Issue 19's German packing list: German headers and values, and a totals row that must not
/// become a line.
#[test]
fn german_packing_list_with_a_totals_row() {
    let workbook = xlsx(&[(
        "Packliste",
        vec![
            vec![S("Packliste PL-2026-88")],
            vec![E],
            vec![
                S("Pos."),
                S("Artikelnr."),
                S("Bezeichnung"),
                S("Hersteller"),
                S("Zustand"),
                S("Menge"),
                S("Einzelpreis"),
                S("Gesamtpreis"),
                S("Ursprungsland"),
                S("Gewicht (kg)"),
            ],
            vec![
                N(1.0),
                S("R740-G"),
                S("Dell PowerEdge R740 Server, generalüberholt"),
                S("Dell"),
                S("generalüberholt"),
                N(2.0),
                N(2000.0),
                N(4000.0),
                S("Vereinigte Staaten"),
                N(28.0),
            ],
            vec![
                N(2.0),
                S("C9300-48P"),
                S("Switch 48 Port PoE"),
                S("Cisco"),
                S("neu"),
                N(80.0),
                N(2000.0),
                N(160000.0),
                S("Volksrepublik China"),
                N(6.0),
            ],
            vec![E, E, S("Summe / Total"), E, E, N(82.0), E, N(164000.0), E, E],
        ],
    )]);
    let mut defaults = defaults();
    defaults.origin = Some("DE".into());
    defaults.destination = Some("TR".into());
    defaults.client_name = Some("Nordwind Systems GmbH".into());
    defaults.incoterm = Some("DAP".into());
    defaults.currency = Some("EUR".into());
    defaults.reference = Some("PL-2026-88".into());
    let imported = import(
        "packliste.xlsx",
        &workbook,
        &MappingOverride::default(),
        &defaults,
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(errors(&imported), Vec::<String>::new());
    let mapping = &imported.table.mapping;
    assert_eq!(mapping.header_row, 3);
    for (field, column) in [
        (Field::Line, 0),
        (Field::PartNumber, 1),
        (Field::Description, 2),
        (Field::Manufacturer, 3),
        (Field::Condition, 4),
        (Field::Quantity, 5),
        (Field::UnitValue, 6),
        (Field::LineValue, 7),
        (Field::CountryOfOrigin, 8),
        (Field::LineWeight, 9),
    ] {
        assert_eq!(mapping.column(field).map(|c| c.index), Some(column), "{field}");
    }
    let items = imported.request["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the totals row is not a line: {items:?}");
    assert_eq!(items[0]["condition"], json!("refurbished"));
    assert_eq!(items[0]["country_of_origin"], json!("US"));
    assert_eq!(items[0]["unit_value"], json!("2000.00"));
    assert_eq!(items[1]["condition"], json!("new"));
    assert_eq!(items[1]["country_of_origin"], json!("CN"));
    assert_eq!(items[1]["quantity"], json!(80));
    imported.validate().unwrap();
}

#[test]
fn a_bare_weight_column_is_read_per_line_and_says_so() {
    let csv = "Description;Qty;Weight (kg)\nRack server PowerEdge R740, generalüberholt;35;28\n";
    let imported = import(
        "w.csv",
        csv.as_bytes(),
        &MappingOverride::default(),
        &defaults(),
        &Limits::default(),
    )
    .unwrap();
    let request = &imported.request;
    assert_eq!(request["items"][0]["unit_weight_kg"], "0.8", "28 kg ÷ 35");
    let warning = imported
        .table
        .problems
        .iter()
        .find(|p| p.message.contains("does not say whether it is the weight of one unit"))
        .unwrap_or_else(|| panic!("no warning about the weight column"));
    assert!(!warning.is_error());
    assert!(warning.message.contains("row 2: 28 kg ÷ 35 = 0.8 kg each"), "{}", warning.message);
    assert!(warning.message.contains("--map unit_weight=C"), "{}", warning.message);
    assert_eq!(warning.at.as_ref().map(|at| (at.row, at.column)), Some((1, Some(2))));
    // A header that says which weight it is raises nothing.
    let clear = "Description;Qty;Net weight per line (kg)\nSwitch;2;16\n";
    let clear = import(
        "c.csv",
        clear.as_bytes(),
        &MappingOverride::default(),
        &defaults(),
        &Limits::default(),
    )
    .unwrap();
    assert!(
        clear.table.problems.iter().all(|p| !p.message.contains("weight of one unit")),
        "{:?}",
        clear.table.problems
    );
}

#[test]
fn categories_are_inferred_with_the_kb_vocabulary_most_specific_first() {
    let vocabulary = vocabulary();
    let cases = [
        ("1U rack server, 2x Xeon Gold 6430, dual 800 W PSU", "server"),
        ("Dell PowerEdge R740, generalüberholt", "server"),
        ("HPE ProLiant DL380 Gen11", "server"),
        ("Serwer rack 2U", "server"),
        ("HGX H100 8-GPU baseboard system", "gpu_server"),
        ("PowerEdge XE9680 with 8x H100", "gpu_server"),
        ("NVIDIA H100 PCIe accelerator", "gpu_accelerator"),
        ("48-port switch with SFP+ uplinks", "switch"),
        ("Commutateur 48 ports", "switch"),
        ("Wi-Fi 6 access point", "wireless_access_point"),
        ("Point d'accès Wi-Fi 6", "wireless_access_point"),
        ("SFP+ DAC cable 3m", "cable"),
        ("25G SFP28 transceiver", "transceiver"),
        ("42U rack cabinet", "rack"),
        ("ThinkPad notebook", "laptop"),
        ("Netzteil 800 W", "power_supply"),
        ("Zasilacz UPS 3 kVA", "ups"),
    ];
    for (text, category) in cases {
        let found = vocabulary.infer(text).map(|e| e.category.as_str());
        assert_eq!(found, Some(category), "{text}");
    }
    assert!(vocabulary.infer("Widget").is_none());
    // The note names the KB entry the category came from.
    let csv = "Description;Qty;Unit price\nDell PowerEdge R740, generalüberholt;2;4100\n";
    let imported = import(
        "r.csv",
        csv.as_bytes(),
        &MappingOverride::default(),
        &defaults(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(imported.request["items"][0]["category"], "server");
    assert!(
        imported.notes.iter().any(|n| n.contains("KB vocabulary `vocabulary.server-families`")),
        "{:?}",
        imported.notes
    );
}
