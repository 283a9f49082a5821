//! Reading the words people write in spreadsheets into the request's vocabularies: countries,
//! currencies, conditions, categories, radios, encryption classes, Incoterms, transport modes
//! and purposes.

use preclear_domain::{Category, Country, Currency, Incoterm, Radio};

use crate::field::fold_text;

/// A country from an ISO alpha-2 code (any case), a common alpha-3 code, or a common name in
/// English, Spanish, Portuguese, Turkish, German, French, Italian, Dutch or Polish: the domain's
/// reader ([`preclear_domain::country_from_text`]), which the restricted-party screening reads
/// list countries with too.
pub fn parse_country(text: &str) -> Result<Country, String> {
    preclear_domain::country_from_text(text)
}

/// A currency from an ISO code (any case), a symbol (`€`, `US$`, `R$`, `TL`, `₺`, `£`) or a
/// name (`euro`, `dollar`, `lira`, `real`). `$` alone is read as USD; `¥` is refused (JPY or
/// CNY).
pub fn parse_currency(text: &str) -> Result<Currency, String> {
    let trimmed = text.trim();
    let code = match trimmed {
        "€" => Some("EUR"),
        "$" | "US$" | "U$S" | "U$" => Some("USD"),
        "R$" => Some("BRL"),
        "£" => Some("GBP"),
        "₺" => Some("TRY"),
        "₹" => Some("INR"),
        "¥" => {
            return Err(format!(
                "`{trimmed}` may be Japanese yen (JPY) or Chinese yuan (CNY); write the ISO code"
            ));
        }
        _ => None,
    };
    if let Some(code) = code {
        return Currency::parse(code).map_err(|err| err.to_string());
    }
    let folded = fold_text(trimmed);
    let alias = match folded.as_str() {
        "euro" | "euros" | "eur" => Some("EUR"),
        "us dollar" | "us dollars" | "usd" | "dollar" | "dollars" | "dolar" | "dolares" | "us$"
        | "us" | "dolar americano" | "amerikan dolari" => Some("USD"),
        "tl" | "ytl" | "turkish lira" | "turk lirasi" | "lira" => Some("TRY"),
        "real" | "reais" | "r" | "brazilian real" => Some("BRL"),
        "pound" | "pounds" | "pound sterling" | "sterling" | "gbp" => Some("GBP"),
        "peso mexicano" | "pesos mexicanos" | "mxn" => Some("MXN"),
        "yen" | "jpy" => Some("JPY"),
        "yuan" | "renminbi" | "rmb" | "cny" => Some("CNY"),
        _ => None,
    };
    if let Some(code) = alias {
        return Currency::parse(code).map_err(|err| err.to_string());
    }
    Currency::parse(&trimmed.to_ascii_uppercase()).map_err(|err| err.to_string())
}

/// A condition: new, refurbished or used, in English, Spanish, Portuguese or Turkish.
pub fn parse_condition(text: &str) -> Option<&'static str> {
    let folded = fold_text(text);
    let has = |words: &[&str]| {
        words.iter().any(|word| folded == *word || folded.starts_with(&format!("{word} ")))
    };
    if has(&[
        "refurbished",
        "refurb",
        "reconditioned",
        "remanufactured",
        "renewed",
        "reacondicionado",
        "reacondicionada",
        "recondicionado",
        "recondicionada",
        "restaurado",
        "yenilenmis",
        "yenilenmiş",
        "refurbished grade a",
        "certified refurbished",
        // German, French, Italian, Dutch, Polish (folded: no accents).
        "generaluberholt",
        "uberholt",
        "aufbereitet",
        "reconditionne",
        "reconditionnee",
        "remis a neuf",
        "ricondizionato",
        "ricondizionata",
        "rigenerato",
        "gereviseerd",
        "gereconditioneerd",
        "odnowiony",
        "odnowiona",
        "regenerowany",
        "poleasingowy",
    ]) {
        return Some("refurbished");
    }
    if has(&[
        "used",
        "usado",
        "usada",
        "usados",
        "kullanilmis",
        "ikinci el",
        "second hand",
        "secondhand",
        "pre owned",
        "preowned",
        "seminuevo",
        "seminovo",
        "gebraucht",
        "occasion",
        "usage",
        "usagee",
        "d occasion",
        "usato",
        "usata",
        "gebruikt",
        "tweedehands",
        "uzywany",
        "uzywana",
    ]) {
        return Some("used");
    }
    if has(&[
        "new",
        "brand new",
        "nuevo",
        "nueva",
        "nuevos",
        "novo",
        "nova",
        "novos",
        "yeni",
        "sifir",
        "neu",
        "neuware",
        "neuf",
        "neuve",
        "nuovo",
        "nuova",
        "nieuw",
        "nowy",
        "nowa",
    ]) {
        return Some("new");
    }
    None
}

/// A category written in a category column: its spelling (`Wireless access point`,
/// `wireless_access_point`) or a word the KB's vocabulary names it by (`Sunucu`).
pub fn parse_category(
    text: &str,
    vocabulary: &preclear_domain::CategoryVocabulary,
) -> Option<Category> {
    let folded = fold_text(text);
    if let Ok(category) = Category::parse(&folded.replace(' ', "_")) {
        return Some(category);
    }
    vocabulary.infer(text).map(|entry| entry.category)
}

/// A category inferred from an HS code's subheading, with what the code covers.
pub fn infer_category_from_hs(hs_digits: &str) -> Option<(Category, &'static str)> {
    let subheading = hs_digits.get(..6)?;
    let found = match subheading {
        "847150" => (Category::Server, "847150 covers processing units such as servers"),
        "847141" | "847149" => (Category::Server, "84714x covers computer systems such as servers"),
        "847130" => (Category::Laptop, "847130 covers portable computers"),
        "851762" => (
            Category::Switch,
            "851762 covers switches, routers and access points alike; switch assumed",
        ),
        "847170" => {
            (Category::StorageArray, "847170 covers storage units (arrays and drives alike)")
        }
        "850440" => {
            (Category::Ups, "850440 covers static converters such as UPS units and power supplies")
        }
        "851713" | "851714" => (Category::MobilePhone, "8517.13/8517.14 cover mobile phones"),
        "852852" => (Category::Monitor, "852852 covers monitors for computers"),
        "854442" | "854449" | "854470" => (Category::Cable, "8544 covers cables"),
        "847180" => (Category::Other, "847180 covers other units of computers"),
        _ => return None,
    };
    Some(found)
}

/// Radio technologies from free text (`Wi-Fi 6, Bluetooth 5.2`, `802.11ax`, `LTE`, `none`):
/// `Ok(vec![])` for an explicit none, `Err` when nothing is recognised.
pub fn parse_radio(text: &str) -> Result<Vec<Radio>, String> {
    let lower = text.to_lowercase();
    let folded = fold_text(text);
    let words: Vec<&str> = folded.split(' ').collect();
    let none = [
        "none",
        "no",
        "n a",
        "na",
        "nil",
        "yok",
        "ninguno",
        "ninguna",
        "nenhum",
        "nenhuma",
        "0",
        "false",
        "without radio",
        "no radio",
        "hayir",
        "-",
        "",
    ];
    if none.contains(&folded.as_str()) || text.trim().chars().all(|ch| "-–—/".contains(ch)) {
        return Ok(Vec::new());
    }
    let word = |w: &str| words.contains(&w);
    let mut radios = Vec::new();
    let mut add = |radio: Radio| {
        if !radios.contains(&radio) {
            radios.push(radio);
        }
    };
    if lower.contains("wi-fi")
        || lower.contains("wifi")
        || lower.contains("802.11")
        || lower.contains("802 11")
        || word("wlan")
        || (word("wi") && word("fi"))
    {
        add(Radio::Wifi);
    }
    if lower.contains("bluetooth") || word("bt") || word("ble") {
        add(Radio::Bluetooth);
    }
    if word("lte")
        || word("4g")
        || word("5g")
        || word("3g")
        || word("2g")
        || word("gsm")
        || word("umts")
        || lower.contains("cellular")
        || word("nr")
        || lower.contains("nb-iot")
        || lower.contains("lte-m")
        || word("wwan")
        || lower.contains("celular")
        || lower.contains("hucresel")
    {
        add(Radio::Cellular);
    }
    if word("gnss") || word("gps") || word("glonass") || word("galileo") || word("beidou") {
        add(Radio::Gnss);
    }
    if lower.contains("lora") {
        add(Radio::Lora);
    }
    if lower.contains("zigbee") {
        add(Radio::Zigbee);
    }
    if word("nfc") {
        add(Radio::Nfc);
    }
    if radios.is_empty() {
        return Err(format!(
            "`{}` names no radio technology preclear knows; write e.g. wifi, bluetooth, cellular, gnss, lora, zigbee, nfc, or none",
            text.trim()
        ));
    }
    Ok(radios)
}

/// An encryption class from free text: `none`, `mass market` (or `5A992`/`5D992`/`ENC`),
/// `controlled` (or `5A002`/`5D002`).
pub fn parse_encryption(text: &str) -> Result<&'static str, String> {
    let folded = fold_text(text);
    let compact = folded.replace(' ', "");
    if [
        "none", "no", "na", "n a", "yok", "ninguno", "ninguna", "nenhum", "nenhuma", "hayir",
        "false", "0",
    ]
    .contains(&folded.as_str())
        || text.trim().chars().all(|ch| "-–—/".contains(ch))
    {
        return Ok("none");
    }
    if compact.contains("massmarket")
        || compact.starts_with("5a992")
        || compact.starts_with("5d992")
        || compact == "enc"
        || compact.contains("masivo")
        || compact.contains("mercadodemassa")
    {
        return Ok("mass_market");
    }
    if compact.contains("controlled")
        || compact.starts_with("5a002")
        || compact.starts_with("5d002")
        || compact.contains("controlado")
    {
        return Ok("controlled");
    }
    Err(format!(
        "`{}` is not an encryption class; write none, mass_market or controlled",
        text.trim()
    ))
}

/// An Incoterm from text such as `DDP`, `DDP Istanbul`, `Incoterms 2020: DAP`.
pub fn parse_incoterm(text: &str) -> Result<Incoterm, String> {
    for word in text.split(|ch: char| !ch.is_ascii_alphanumeric()) {
        if let Ok(term) = Incoterm::parse(&word.to_ascii_uppercase()) {
            return Ok(term);
        }
    }
    Err(format!(
        "`{}` names no Incoterm; write one of EXW, FCA, CPT, CIP, DAP, DPU, DDP, FAS, FOB, CFR, CIF",
        text.trim()
    ))
}

/// A transport mode from text (`Air`, `by air`, `airfreight`, `sea freight`, `Deniz`).
pub fn parse_transport_mode(text: &str) -> Result<&'static str, String> {
    let folded = fold_text(text);
    let words: Vec<&str> = folded.split(' ').collect();
    let any = |ws: &[&str]| ws.iter().any(|w| words.contains(w) || folded == *w);
    if any(&["courier", "express", "dhl", "fedex", "ups", "tnt", "kurye", "mensajeria"]) {
        return Ok("courier");
    }
    if any(&[
        "air",
        "airfreight",
        "air freight",
        "aerea",
        "aereo",
        "aerial",
        "hava",
        "havayolu",
        "plane",
    ]) {
        return Ok("air");
    }
    if any(&[
        "sea",
        "ocean",
        "seafreight",
        "maritime",
        "maritimo",
        "maritima",
        "deniz",
        "denizyolu",
        "vessel",
        "ship",
    ]) {
        return Ok("sea");
    }
    if any(&["road", "truck", "lorry", "terrestre", "rodoviario", "karayolu", "kara", "carretera"])
    {
        return Ok("road");
    }
    if any(&["rail", "train", "railway", "ferroviario", "demiryolu", "tren"]) {
        return Ok("rail");
    }
    Err(format!("`{}` is not a transport mode; write air, sea, road, rail or courier", text.trim()))
}

/// A purpose from text (`business use`, `resale`, `temporary import`, …).
pub fn parse_purpose(text: &str) -> Result<&'static str, String> {
    let folded = fold_text(text);
    let spelled = folded.replace(' ', "_");
    for purpose in preclear_domain::Purpose::ALL {
        if purpose.as_str() == spelled {
            return Ok(purpose.as_str());
        }
    }
    let purpose = match folded.as_str() {
        "own use" | "internal use" | "business" | "company use" | "uso propio" | "uso proprio"
        | "kendi kullanim" => "business_use",
        "sale" | "for resale" | "reventa" | "revenda" | "satis" => "resale",
        "consumer" | "consumer sales" | "retail" => "consumer_sale",
        "temporary" | "temporary admission" | "ata carnet" | "gecici ithalat" => "temporary_import",
        "repair" | "return" | "return for repair" | "rma" => "return_for_repair",
        _ => {
            return Err(format!(
                "`{}` is not a purpose; write business_use, resale, consumer_sale, temporary_import or return_for_repair",
                text.trim()
            ));
        }
    };
    Ok(purpose)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (`fuzz/run`): a two-byte text that is not two letters made
    /// `parse_country` call itself for ever, and the stack overflow killed the process.
    #[test]
    fn two_bytes_that_are_not_letters_are_refused_not_recursed_on() {
        for text in ["12", "é", "a1", "Made in 12", "hecho en é", "\u{0}\u{0}"] {
            assert!(parse_country(text).is_err(), "{text:?}");
        }
        assert_eq!(parse_country("made in cn").map(|c| c.as_str().to_owned()), Ok("CN".into()));
    }

    #[test]
    fn countries_by_code_and_name() {
        for (text, code) in [
            ("cn", "CN"),
            ("China", "CN"),
            ("Viet Nam", "VN"),
            ("Vietnam", "VN"),
            ("Türkiye", "TR"),
            ("Turkey", "TR"),
            ("United States", "US"),
            ("USA", "US"),
            ("Made in Mexico", "MX"),
            ("Korea", "KR"),
            ("Czechia", "CZ"),
            ("UK", "GB"),
            ("Taiwan", "TW"),
            ("Países Bajos", "NL"),
            ("Netherlands", "NL"),
            ("Çin", "CN"),
        ] {
            assert_eq!(
                parse_country(text).map(|c| c.as_str().to_owned()),
                Ok(code.to_owned()),
                "{text}"
            );
        }
        assert!(parse_country("Atlantis").is_err());
    }

    #[test]
    fn words_become_vocabulary() {
        assert_eq!(parse_currency("€").unwrap().as_str(), "EUR");
        assert_eq!(parse_currency("tl").unwrap().as_str(), "TRY");
        assert!(parse_currency("¥").is_err());
        assert_eq!(parse_condition("Yenilenmiş"), Some("refurbished"));
        assert_eq!(parse_condition("Nuevo"), Some("new"));
        assert_eq!(parse_condition("İkinci el"), Some("used"));
        for (word, condition) in [
            ("neu", "new"),
            ("Generalüberholt", "refurbished"),
            ("gebraucht", "used"),
            ("Reconditionné", "refurbished"),
            ("Neuf", "new"),
            ("d'occasion", "used"),
            ("Ricondizionato", "refurbished"),
            ("usato", "used"),
            ("Nieuw", "new"),
            ("Gereviseerd", "refurbished"),
            ("Odnowiony", "refurbished"),
            ("Używany", "used"),
        ] {
            assert_eq!(parse_condition(word), Some(condition), "{word}");
        }
        for (name, code) in [
            ("Vereinigte Staaten", "US"),
            ("Volksrepublik China", "CN"),
            ("États-Unis", "US"),
            ("Pays-Bas", "NL"),
            ("Corée du Sud", "KR"),
            ("Stati Uniti", "US"),
            ("Verenigde Staten", "US"),
            ("Chiny", "CN"),
            ("Węgry", "HU"),
            ("Österreich", "AT"),
            ("Großbritannien", "GB"),
        ] {
            assert_eq!(parse_country(name).unwrap().as_str(), code, "{name}");
        }
        assert_eq!(
            parse_radio("Wi-Fi 6, Bluetooth 5.2").unwrap(),
            vec![Radio::Wifi, Radio::Bluetooth]
        );
        assert_eq!(parse_radio("802.11ax").unwrap(), vec![Radio::Wifi]);
        assert_eq!(parse_radio("-").unwrap(), vec![]);
        assert!(parse_radio("maybe").is_err());
        assert_eq!(parse_encryption("Mass market").unwrap(), "mass_market");
        assert_eq!(parse_incoterm("DDP Istanbul").unwrap(), Incoterm::Ddp);
        assert_eq!(parse_transport_mode("Air freight").unwrap(), "air");
    }
}
