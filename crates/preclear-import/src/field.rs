//! The fields a packing list or invoice column can hold, their header synonyms in English,
//! Spanish, Portuguese and Turkish, and the text normalisation that header matching uses.

use std::fmt;
use std::sync::LazyLock;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// Line or item number.
    Line,
    /// Description of the goods.
    Description,
    /// Hardware category (`server`, `switch`, …).
    Category,
    /// HS / HTS / NCM / GTİP code.
    HsCode,
    /// Manufacturer or brand.
    Manufacturer,
    /// Model.
    Model,
    /// Part number or SKU.
    PartNumber,
    /// Country of origin of the goods.
    CountryOfOrigin,
    /// Condition: new, refurbished, used.
    Condition,
    /// Quantity (units).
    Quantity,
    /// Unit price or value.
    UnitValue,
    /// Line total (quantity × unit value).
    LineValue,
    /// Currency of the line's amounts.
    Currency,
    /// Net weight of one unit.
    UnitWeight,
    /// Net weight of the line.
    LineWeight,
    /// Gross weight of the line (with packaging).
    GrossWeight,
    /// Serial number(s).
    Serial,
    /// Radio technologies (Wi-Fi, Bluetooth, LTE, …).
    Radio,
    /// Encryption class.
    Encryption,
    /// Export Control Classification Number.
    Eccn,
    /// Technical specification text.
    Specification,
    /// Customs valuation method or basis.
    ValuationMethod,
}

impl Field {
    /// Every field, in declaration order.
    pub const ALL: [Field; 22] = [
        Field::Line,
        Field::Description,
        Field::Category,
        Field::HsCode,
        Field::Manufacturer,
        Field::Model,
        Field::PartNumber,
        Field::CountryOfOrigin,
        Field::Condition,
        Field::Quantity,
        Field::UnitValue,
        Field::LineValue,
        Field::Currency,
        Field::UnitWeight,
        Field::LineWeight,
        Field::GrossWeight,
        Field::Serial,
        Field::Radio,
        Field::Encryption,
        Field::Eccn,
        Field::Specification,
        Field::ValuationMethod,
    ];

    /// The snake_case spelling used in overrides (`quantity=D`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Line => "line",
            Field::Description => "description",
            Field::Category => "category",
            Field::HsCode => "hs_code",
            Field::Manufacturer => "manufacturer",
            Field::Model => "model",
            Field::PartNumber => "part_number",
            Field::CountryOfOrigin => "country_of_origin",
            Field::Condition => "condition",
            Field::Quantity => "quantity",
            Field::UnitValue => "unit_value",
            Field::LineValue => "line_value",
            Field::Currency => "currency",
            Field::UnitWeight => "unit_weight",
            Field::LineWeight => "line_weight",
            Field::GrossWeight => "gross_weight",
            Field::Serial => "serial",
            Field::Radio => "radio",
            Field::Encryption => "encryption",
            Field::Eccn => "eccn",
            Field::Specification => "specification",
            Field::ValuationMethod => "valuation_method",
        }
    }

    /// A human label (`Unit value`).
    pub fn label(self) -> &'static str {
        match self {
            Field::Line => "Line",
            Field::Description => "Description",
            Field::Category => "Category",
            Field::HsCode => "HS code",
            Field::Manufacturer => "Manufacturer",
            Field::Model => "Model",
            Field::PartNumber => "Part number",
            Field::CountryOfOrigin => "Country of origin",
            Field::Condition => "Condition",
            Field::Quantity => "Quantity",
            Field::UnitValue => "Unit value",
            Field::LineValue => "Line value",
            Field::Currency => "Currency",
            Field::UnitWeight => "Unit weight",
            Field::LineWeight => "Line net weight",
            Field::GrossWeight => "Gross weight",
            Field::Serial => "Serial number",
            Field::Radio => "Radio",
            Field::Encryption => "Encryption",
            Field::Eccn => "ECCN",
            Field::Specification => "Specification",
            Field::ValuationMethod => "Valuation method",
        }
    }

    /// Parses the snake_case spelling; also accepts the label and a few short forms (`qty`,
    /// `hs`, `unit_price`, `origin`, `sn`, `pn`), ignoring case, spaces and hyphens.
    pub fn parse(text: &str) -> Result<Field, String> {
        let key: String = text
            .trim()
            .chars()
            .map(|ch| if ch == ' ' || ch == '-' { '_' } else { ch.to_ascii_lowercase() })
            .collect();
        let alias = match key.as_str() {
            "qty" => Some(Field::Quantity),
            "hs" | "hts" | "hs_code" | "hscode" => Some(Field::HsCode),
            "unit_price" | "price" => Some(Field::UnitValue),
            "total" | "line_total" | "amount" => Some(Field::LineValue),
            "origin" | "coo" => Some(Field::CountryOfOrigin),
            "sn" | "serial_number" | "serials" => Some(Field::Serial),
            "pn" | "sku" | "part_no" => Some(Field::PartNumber),
            "net_weight" | "weight" => Some(Field::LineWeight),
            "unit_weight_kg" => Some(Field::UnitWeight),
            "spec" | "specs" | "specifications" => Some(Field::Specification),
            _ => None,
        };
        if let Some(field) = alias {
            return Ok(field);
        }
        Field::ALL
            .into_iter()
            .find(|field| {
                field.as_str() == key || field.label().to_ascii_lowercase().replace(' ', "_") == key
            })
            .ok_or_else(|| {
                format!(
                    "`{text}` is not a column field; expected one of: {}",
                    Field::ALL.map(Field::as_str).join(", ")
                )
            })
    }

    /// The item field of the shipment request that this column feeds (`unit_value` for both
    /// unit and line values), or `None` for columns that do not reach the request.
    pub fn request_field(self) -> Option<&'static str> {
        match self {
            Field::Description => Some("description"),
            Field::Category => Some("category"),
            Field::HsCode => Some("hs_code"),
            Field::Manufacturer => Some("manufacturer"),
            Field::Model | Field::PartNumber => Some("model"),
            Field::CountryOfOrigin => Some("country_of_origin"),
            Field::Condition => Some("condition"),
            Field::Quantity => Some("quantity"),
            Field::UnitValue | Field::LineValue => Some("unit_value"),
            Field::UnitWeight | Field::LineWeight | Field::GrossWeight => Some("unit_weight_kg"),
            Field::Serial => Some("serials"),
            Field::Radio => Some("radio"),
            Field::Encryption => Some("encryption"),
            Field::Eccn => Some("eccn"),
            Field::Line | Field::Currency | Field::Specification | Field::ValuationMethod => None,
        }
    }

    /// Header synonyms (in any case and with or without accents; they are normalised).
    pub fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Line => &[
                "lfd nr",
                "pos nr",
                "n°",
                "numero",
                "posizione",
                "positie",
                "regel",
                "lp",
                "poz",
                "pozycja",
                "line",
                "line no",
                "line number",
                "item",
                "item no",
                "item number",
                "no",
                "nr",
                "#",
                "pos",
                "position",
                "sira",
                "sira no",
                "sıra no",
                "item #",
                "linea",
                "linha",
                "renglon",
            ],
            Field::Description => &[
                "bezeichnung",
                "artikelbezeichnung",
                "beschreibung",
                "warenbeschreibung",
                "produktbezeichnung",
                "désignation",
                "libellé",
                "description des marchandises",
                "descrizione",
                "descrizione merce",
                "descrizione articolo",
                "omschrijving",
                "artikelomschrijving",
                "productomschrijving",
                "opis",
                "nazwa",
                "nazwa towaru",
                "opis towaru",
                "description",
                "goods description",
                "item description",
                "description of goods",
                "product description",
                "product",
                "descripcion",
                "descripción",
                "descripcion de la mercancia",
                "descrição",
                "descricao",
                "mercadoria",
                "descricao da mercadoria",
                "tanim",
                "tanım",
                "mal tanimi",
                "malin tanimi",
                "urun",
                "ürün",
                "urun adi",
                "açıklama",
                "aciklama",
                "urun aciklamasi",
                "mal cinsi",
            ],
            Field::Category => &[
                "category",
                "categoria",
                "categoría",
                "kategori",
                "type",
                "product type",
                "tipo",
                "kategorie",
                "catégorie",
                "warengruppe",
                "kategoria",
            ],
            Field::HsCode => &[
                "zolltarifnummer",
                "warennummer",
                "statistische warennummer",
                "code sh",
                "nomenclature douaniere",
                "code douanier",
                "voce doganale",
                "codice doganale",
                "codice nc",
                "goederencode",
                "gn code",
                "kod cn",
                "kod taryfy celnej",
                "taric",
                "hs code",
                "hs",
                "hts",
                "hts code",
                "hs tariff",
                "tariff code",
                "commodity code",
                "customs code",
                "ncm",
                "gtip",
                "gtip no",
                "gtip kodu",
                "codigo arancelario",
                "código arancelario",
                "fraccion arancelaria",
                "fracción arancelaria",
                "código ncm",
                "hs kodu",
                "hs no",
                "tariff number",
                "cn code",
            ],
            Field::Manufacturer => &[
                "hersteller",
                "fabricant",
                "marque",
                "produttore",
                "marchio",
                "fabrikant",
                "merk",
                "producent",
                "manufacturer",
                "make",
                "brand",
                "vendor",
                "fabricante",
                "marca",
                "uretici",
                "üretici",
                "marka",
                "mfr",
                "oem",
            ],
            Field::Model => &[
                "model",
                "modelo",
                "model no",
                "model number",
                "model name",
                "modell",
                "modèle",
                "modello",
            ],
            Field::PartNumber => &[
                "artikelnr",
                "artikelnummer",
                "art nr",
                "teilenummer",
                "référence",
                "réf",
                "codice articolo",
                "onderdeelnummer",
                "numer katalogowy",
                "nr katalogowy",
                "indeks",
                "part number",
                "part no",
                "p/n",
                "pn",
                "sku",
                "numero de parte",
                "número de parte",
                "código",
                "codigo",
                "parça no",
                "parca no",
                "part #",
                "mpn",
                "article",
                "article no",
                "item code",
                "product code",
                "referencia",
                "ref",
            ],
            Field::CountryOfOrigin => &[
                "ursprungsland",
                "herkunftsland",
                "ursprung",
                "pays d origine",
                "pays d'origine",
                "origine",
                "paese di origine",
                "paese d origine",
                "land van oorsprong",
                "oorsprong",
                "kraj pochodzenia",
                "pochodzenie",
                "country of origin",
                "coo",
                "origin",
                "made in",
                "pais de origen",
                "país de origen",
                "país de origem",
                "pais de origem",
                "origem",
                "mense",
                "menşe",
                "mense ulkesi",
                "menşe ülkesi",
                "menşei",
                "mensei",
                "origen",
                "origin country",
            ],
            Field::Condition => &[
                "zustand",
                "état",
                "condizione",
                "conditie",
                "staat",
                "stan",
                "condition",
                "estado",
                "condicion",
                "condición",
                "condição",
                "condicao",
                "durum",
                "new/used",
                "new used",
                "status",
            ],
            Field::Quantity => &[
                "menge",
                "anzahl",
                "stück",
                "stk",
                "quantité",
                "qté",
                "quantità",
                "qtà",
                "aantal",
                "ilość",
                "szt",
                "qty",
                "quantity",
                "qnty",
                "pcs",
                "units",
                "cantidad",
                "cant",
                "quantidade",
                "qtde",
                "qtd",
                "miktar",
                "adet",
                "total quantity",
                "total qty",
                "quantity pcs",
                "no of units",
                "unidades",
            ],
            Field::UnitValue => &[
                "valeur unitaire",
                "valore unitario",
                "wartość jednostkowa",
                "einzelpreis",
                "stückpreis",
                "preis",
                "prix unitaire",
                "prix",
                "prezzo unitario",
                "prezzo",
                "stukprijs",
                "eenheidsprijs",
                "prijs",
                "cena jednostkowa",
                "cena",
                "unit price",
                "unit value",
                "price",
                "unit cost",
                "precio unitario",
                "valor unitario",
                "preço unitário",
                "preco unitario",
                "valor unitário",
                "birim fiyat",
                "birim fiyatı",
                "birim fiyati",
                "price per unit",
                "unit price value",
                "precio",
                "preco",
                "preço",
                "fiyat",
                "birim bedel",
            ],
            Field::LineValue => &[
                "gesamtpreis",
                "gesamtbetrag",
                "gesamtwert",
                "betrag",
                "wert",
                "prix total",
                "montant",
                "montant total",
                "valeur",
                "prezzo totale",
                "importo",
                "valore",
                "totaalprijs",
                "bedrag",
                "waarde",
                "wartość",
                "wartość całkowita",
                "kwota",
                "total",
                "amount",
                "total value",
                "line total",
                "extended price",
                "importe",
                "valor total",
                "total (r$)",
                "tutar",
                "toplam",
                "toplam tutar",
                "total price",
                "total amount",
                "line value",
                "subtotal",
                "total eur",
                "total usd",
                "value",
                "extended value",
                "precio total",
                "preco total",
                "preço total",
                "toplam fiyat",
                "toplam bedel",
            ],
            Field::Currency => &[
                "währung",
                "devise",
                "monnaie",
                "valuta",
                "waluta",
                "currency",
                "moneda",
                "moeda",
                "para birimi",
                "döviz",
                "doviz",
                "divisa",
                "curr",
                "ccy",
            ],
            Field::UnitWeight => &[
                "einzelgewicht",
                "stückgewicht",
                "poids unitaire",
                "gewicht per stuk",
                "waga jednostkowa",
                "unit weight",
                "weight per unit",
                "peso unitario",
                "peso unitário",
                "birim agirlik",
                "birim ağırlık",
                "unit net weight",
                "net weight per unit",
                "unit nw",
            ],
            Field::LineWeight => &[
                "gewicht",
                "nettogewicht",
                "poids",
                "poids net",
                "peso netto",
                "netto gewicht",
                "waga",
                "waga netto",
                "net weight",
                "weight",
                "nw",
                "n w",
                "peso neto",
                "peso liquido",
                "peso líquido",
                "net agirlik",
                "net ağırlık",
                "total net weight",
                "total weight",
                "peso",
                "agirlik",
                "ağırlık",
                "net wt",
                "total nw",
            ],
            Field::GrossWeight => &[
                "bruttogewicht",
                "poids brut",
                "peso lordo",
                "brutogewicht",
                "waga brutto",
                "gross weight",
                "gw",
                "g w",
                "peso bruto",
                "brut agirlik",
                "brüt ağırlık",
                "total gross weight",
                "gross wt",
                "total gw",
            ],
            Field::Serial => &[
                "seriennummer",
                "seriennr",
                "numéro de série",
                "numero di serie",
                "matricola",
                "serienummer",
                "numer seryjny",
                "serial",
                "serial number",
                "serial numbers",
                "s/n",
                "sn",
                "serial no",
                "serial nos",
                "numero de serie",
                "número de serie",
                "número de série",
                "numero de serie",
                "seri no",
                "seri numarasi",
                "seri numarası",
                "serials",
            ],
            Field::Radio => &[
                "radio",
                "wireless",
                "radio modules",
                "rf",
                "kablosuz",
                "radio technology",
                "wireless technology",
                "radio equipment",
            ],
            Field::Encryption => &[
                "verschlüsselung",
                "chiffrement",
                "crittografia",
                "versleuteling",
                "szyfrowanie",
                "encryption",
                "cifrado",
                "criptografia",
                "criptografía",
                "şifreleme",
                "sifreleme",
                "encryption class",
                "crypto",
            ],
            Field::Eccn => &["eccn", "export classification", "export control classification"],
            Field::Specification => &[
                "technische daten",
                "spezifikation",
                "caractéristiques",
                "specifiche",
                "specificaties",
                "specyfikacja",
                "technical parameters",
                "specification",
                "specifications",
                "specs",
                "technical specification",
                "technical specifications",
                "especificaciones",
                "especificações",
                "especificacoes",
                "teknik özellikler",
                "teknik ozellikler",
                "configuration",
                "config",
            ],
            Field::ValuationMethod => &[
                "valuation method",
                "valuation basis",
                "metodo de valoracion",
                "método de valoración",
                "método de valoração",
                "metodo de valoracao",
            ],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use preclear_domain::text::fold_text;

/// A header, normalised for matching, with the unit it names, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NormalHeader {
    /// The normalised words.
    pub(crate) text: String,
    /// A unit from brackets or a trailing word: `kg`, `lb`, `g`, or a currency code (`EUR`).
    pub(crate) unit: Option<String>,
}

/// Whether a header names a weight and nothing more (`Weight (kg)`, `Gewicht`, `Peso`): it could
/// be the weight of one unit or of the whole line.
pub(crate) fn is_bare_weight_header(header: &str) -> bool {
    const BARE: &[&str] = &["weight", "gewicht", "poids", "peso", "waga", "agirlik", "wt"];
    let normal = normalise_header(header).text;
    BARE.iter().any(|bare| fold_text(bare) == normal)
}

/// Normalises a header: removes bracketed parts (`(kg)`, `[EUR]`) and a trailing unit word,
/// remembering the unit, then folds the rest.
pub(crate) fn normalise_header(text: &str) -> NormalHeader {
    let mut unit = None;
    let mut kept = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut inner = String::new();
    for ch in text.chars() {
        match ch {
            '(' | '[' | '{' => {
                depth += 1;
                inner.clear();
            }
            ')' | ']' | '}' if depth > 0 => {
                depth -= 1;
                if unit.is_none() {
                    unit = unit_of(&inner);
                }
                kept.push(' ');
            }
            _ if depth > 0 => inner.push(ch),
            _ => kept.push(ch),
        }
    }
    let mut normal = fold_text(&kept);
    if normal.is_empty() && !inner.is_empty() {
        // "(kg)" alone, or an unclosed bracket: keep what there is.
        normal = fold_text(text);
    }
    // A trailing unit word: "Weight kg", "Net weight lbs", "Total EUR".
    if let Some((head, last)) = normal.rsplit_once(' ')
        && let Some(found) = unit_of(last)
    {
        if unit.is_none() {
            unit = Some(found);
        }
        normal = head.to_owned();
    }
    NormalHeader { text: normal, unit }
}

/// The unit a bracketed or trailing word names.
fn unit_of(text: &str) -> Option<String> {
    let folded = fold_text(text);
    let unit = match folded.as_str() {
        "kg" | "kgs" | "kilo" | "kilos" | "kilogram" | "kilograms" | "kilogramos" => "kg",
        "lb" | "lbs" | "pound" | "pounds" => "lb",
        "g" | "gr" | "grams" | "gram" | "gramos" => "g",
        "eur" | "€" | "euro" => "EUR",
        "usd" | "us" | "us$" | "$" => "USD",
        "try" | "tl" | "₺" => "TRY",
        "brl" | "r" | "r$" => "BRL",
        "gbp" | "£" => "GBP",
        "mxn" => "MXN",
        "cny" | "rmb" => "CNY",
        "jpy" => "JPY",
        _ => {
            let raw = text.trim();
            return match raw {
                "€" => Some("EUR".to_owned()),
                "$" | "US$" => Some("USD".to_owned()),
                "R$" => Some("BRL".to_owned()),
                "£" => Some("GBP".to_owned()),
                "₺" => Some("TRY".to_owned()),
                _ if raw.len() == 3
                    && raw.bytes().all(|b| b.is_ascii_alphabetic())
                    && preclear_domain::Currency::parse(&raw.to_ascii_uppercase()).is_ok()
                    && raw.bytes().all(|b| b.is_ascii_uppercase()) =>
                {
                    Some(raw.to_owned())
                }
                _ => None,
            };
        }
    };
    Some(unit.to_owned())
}

/// Every field's synonyms, folded once.
fn folded_synonyms() -> &'static [(Field, Vec<String>)] {
    static FOLDED: LazyLock<Vec<(Field, Vec<String>)>> = LazyLock::new(|| {
        Field::ALL
            .into_iter()
            .map(|field| (field, field.synonyms().iter().map(|s| fold_text(s)).collect()))
            .collect()
    });
    &FOLDED
}

/// How well a normalised header matches a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Match {
    /// The header contains a synonym's words (or words starting with them).
    Partial {
        /// The number of characters of the synonym matched (longer is more specific).
        length: usize,
    },
    /// The header is a synonym.
    Exact,
}

/// The best field for a header, with how well it matched.
pub(crate) fn match_header(header: &NormalHeader) -> Option<(Field, Match)> {
    if header.text.is_empty() {
        return None;
    }
    let words: Vec<&str> = header.text.split(' ').collect();
    let mut best: Option<(Field, Match)> = None;
    for (field, synonyms) in folded_synonyms() {
        let field = *field;
        for normal in synonyms {
            let normal = normal.as_str();
            let found = if normal == header.text {
                Some(Match::Exact)
            } else if contains_words(&words, normal) {
                Some(Match::Partial { length: normal.len() })
            } else {
                None
            };
            if let Some(found) = found
                && best.is_none_or(|(_, seen)| found > seen)
            {
                best = Some((field, found));
            }
        }
    }
    best
}

/// Whether the synonym's words appear in order, contiguously, among the header's words; a
/// synonym word of four letters or more also matches a header word that starts with it
/// (Turkish and Portuguese suffixes: "açıklaması", "tutarı").
fn contains_words(words: &[&str], synonym: &str) -> bool {
    let wanted: Vec<&str> = synonym.split(' ').collect();
    if wanted.is_empty() || wanted.len() > words.len() {
        return false;
    }
    words.windows(wanted.len()).any(|window| {
        window.iter().zip(&wanted).all(|(word, want)| {
            word == want || (want.chars().count() >= 4 && word.starts_with(want))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(header: &str) -> Option<Field> {
        match_header(&normalise_header(header)).map(|(field, _)| field)
    }

    #[test]
    fn headers_fold_accents_and_units() {
        assert_eq!(fold_text("Ürün Açıklaması"), "urun aciklamasi");
        assert_eq!(fold_text("SIRA NO"), "sira no");
        assert_eq!(fold_text("İthalat"), "ithalat");
        let header = normalise_header("Net Ağırlık (kg)");
        assert_eq!(header, NormalHeader { text: "net agirlik".into(), unit: Some("kg".into()) });
        assert_eq!(normalise_header("Weight lbs").unit.as_deref(), Some("lb"));
        assert_eq!(normalise_header("Unit price (EUR)").unit.as_deref(), Some("EUR"));
        assert_eq!(normalise_header("Total (R$)").unit.as_deref(), Some("BRL"));
    }

    #[test]
    fn headers_in_four_languages_map_to_fields() {
        let cases = [
            ("Qty", Field::Quantity),
            ("Unit Price (EUR)", Field::UnitValue),
            ("Total value", Field::LineValue),
            ("HS Code", Field::HsCode),
            ("S/N", Field::Serial),
            ("P/N", Field::PartNumber),
            ("#", Field::Line),
            ("Sıra No", Field::Line),
            ("Ürün Açıklaması", Field::Description),
            ("GTIP", Field::HsCode),
            ("Menşe", Field::CountryOfOrigin),
            ("Miktar", Field::Quantity),
            ("Birim Fiyat", Field::UnitValue),
            ("Tutar", Field::LineValue),
            ("Toplam Tutarı", Field::LineValue),
            ("Net Ağırlık (kg)", Field::LineWeight),
            ("Brüt Ağırlık", Field::GrossWeight),
            ("Descripción", Field::Description),
            ("Cantidad", Field::Quantity),
            ("Precio Unitario", Field::UnitValue),
            ("País de Origen", Field::CountryOfOrigin),
            ("Descrição", Field::Description),
            ("Quantidade", Field::Quantity),
            ("Valor Unitário", Field::UnitValue),
            ("NCM", Field::HsCode),
            ("Peso Líquido", Field::LineWeight),
            ("Unit weight (kg)", Field::UnitWeight),
            ("Total gross weight (kg)", Field::GrossWeight),
            ("Total weight", Field::LineWeight),
            ("Serial Numbers", Field::Serial),
            ("Country of Origin", Field::CountryOfOrigin),
            ("Part No.", Field::PartNumber),
        ];
        for (header, field) in cases {
            assert_eq!(field_of(header), Some(field), "{header}");
        }
        assert_eq!(field_of("Remarks"), None);
    }

    #[test]
    fn headers_in_german_french_italian_dutch_and_polish_map_to_fields() {
        let cases = [
            // The German packing list of issue 19.
            ("Pos.", Field::Line),
            ("Artikelnr.", Field::PartNumber),
            ("Bezeichnung", Field::Description),
            ("Hersteller", Field::Manufacturer),
            ("Zustand", Field::Condition),
            ("Menge", Field::Quantity),
            ("Einzelpreis", Field::UnitValue),
            ("Gesamtpreis", Field::LineValue),
            ("Ursprungsland", Field::CountryOfOrigin),
            ("Gewicht (kg)", Field::LineWeight),
            ("Zolltarifnummer", Field::HsCode),
            ("Seriennummer", Field::Serial),
            ("Désignation", Field::Description),
            ("Quantité", Field::Quantity),
            ("Prix unitaire (EUR)", Field::UnitValue),
            ("Valeur unitaire", Field::UnitValue),
            ("Montant total", Field::LineValue),
            ("Pays d'origine", Field::CountryOfOrigin),
            ("Poids brut", Field::GrossWeight),
            ("Descrizione", Field::Description),
            ("Quantità", Field::Quantity),
            ("Prezzo unitario", Field::UnitValue),
            ("Paese di origine", Field::CountryOfOrigin),
            ("Omschrijving", Field::Description),
            ("Aantal", Field::Quantity),
            ("Stukprijs", Field::UnitValue),
            ("Land van oorsprong", Field::CountryOfOrigin),
            ("Lp.", Field::Line),
            ("Nazwa towaru", Field::Description),
            ("Ilość", Field::Quantity),
            ("Cena jednostkowa", Field::UnitValue),
            ("Wartość", Field::LineValue),
            ("Kraj pochodzenia", Field::CountryOfOrigin),
            ("Waga brutto", Field::GrossWeight),
        ];
        for (header, field) in cases {
            assert_eq!(field_of(header), Some(field), "{header}");
        }
    }

    #[test]
    fn polish_and_german_letters_fold() {
        assert_eq!(fold_text("Ilość Węgry Łódź"), "ilosc wegry lodz");
        assert_eq!(fold_text("Straße"), "strasse");
        assert_eq!(fold_text("Œuvre"), "oeuvre");
    }

    #[test]
    fn fields_parse_from_their_spellings() {
        for field in Field::ALL {
            assert_eq!(Field::parse(field.as_str()), Ok(field));
        }
        assert_eq!(Field::parse("Unit value"), Ok(Field::UnitValue));
        assert_eq!(Field::parse("qty"), Ok(Field::Quantity));
        assert!(Field::parse("colour").unwrap_err().contains("quantity"));
    }
}
