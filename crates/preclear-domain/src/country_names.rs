//! Country names as people and lists write them: ISO codes in any case, common alpha-3 codes,
//! and names in the languages preclear reads (English, Spanish, Portuguese, Turkish, German,
//! French, Italian, Dutch, Polish) and in the spellings of the sanctions lists (`Russian
//! Federation`, `Korea, North`, `Burma`). Spreadsheet import reads countries with it, and so
//! does restricted-party screening, so that a party in `TR` agrees with an entry in `Turkey`.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::Country;
use crate::text::fold_text;

/// Every country by its short English name, folded (built once: screening reads the countries
/// of tens of thousands of list entries).
fn by_name() -> &'static HashMap<String, Country> {
    static BY_NAME: LazyLock<HashMap<String, Country>> =
        LazyLock::new(|| Country::all().map(|c| (fold_text(c.name()), c)).collect());
    &BY_NAME
}

/// A country from an ISO alpha-2 code (any case), a common alpha-3 code, or a common name in
/// English, Spanish, Portuguese or Turkish (`China`, `Viet Nam`, `Türkiye`, `Made in Mexico`).
pub fn country_from_text(text: &str) -> Result<Country, String> {
    let trimmed = text.trim();
    if trimmed.len() == 2 && trimmed.bytes().all(|b| b.is_ascii_alphabetic()) {
        let upper = trimmed.to_ascii_uppercase();
        if upper == "UK" {
            return Country::parse("GB").map_err(|err| err.to_string());
        }
        return Country::parse(&upper).map_err(|err| err.to_string());
    }
    let mut folded = fold_text(trimmed);
    for prefix in ["made in ", "hecho en ", "fabricado en ", "fabricado no ", "fabricado na "] {
        if let Some(rest) = folded.strip_prefix(prefix) {
            folded = rest.to_owned();
        }
    }
    // `Made in CN`: a code after a prefix. Only letters: two other bytes (`12`, `é`) would come
    // back here unchanged, for ever (found by fuzzing).
    if folded.len() == 2 && folded.bytes().all(|b| b.is_ascii_alphabetic()) {
        return country_from_text(&folded);
    }
    if let Some(code) = country_alias(&folded) {
        return Country::parse(code).map_err(|err| err.to_string());
    }
    if let Some(country) = by_name().get(folded.as_str()) {
        return Ok(*country);
    }
    Err(format!(
        "`{trimmed}` is not a country preclear knows; write its two-letter ISO code (e.g. CN, US, DE)"
    ))
}

/// Country names in German, French, Italian, Dutch and Polish (folded), for the countries
/// packing lists name most: where IT hardware is made or shipped from, and the destinations.
fn european_country_name(folded: &str) -> Option<&'static str> {
    let code = match folded {
        "vereinigte staaten" | "etats unis" | "stati uniti" | "verenigde staten"
        | "stany zjednoczone" => "US",
        "chine" | "cina" | "chiny" | "volksrepublik china" => "CN",
        "deutschland" | "allemagne" | "germania" | "duitsland" | "niemcy" => "DE",
        "niederlande" | "pays bas" | "paesi bassi" | "nederland" | "holandia" | "niderlandy" => {
            "NL"
        }
        "mexiko" | "mexique" | "messico" | "meksyk" => "MX",
        "japon" | "giappone" | "japonia" => "JP",
        "sudkorea" | "coree du sud" | "corea del sud" | "zuid korea" | "korea poludniowa" => "KR",
        "malaisie" | "malesia" | "maleisie" | "malezja" => "MY",
        "thailande" | "tailandia" | "tajlandia" => "TH",
        "indien" | "inde" | "indie" => "IN",
        "brasilien" | "bresil" | "brasile" | "brazilie" | "brazylia" => "BR",
        "vereinigtes konigreich"
        | "grossbritannien"
        | "royaume uni"
        | "regno unito"
        | "verenigd koninkrijk"
        | "wielka brytania" => "GB",
        "frankreich" | "francia" | "frankrijk" | "francja" => "FR",
        "italien" | "italie" | "italia" | "wlochy" => "IT",
        "spanien" | "espagne" | "spagna" | "spanje" | "hiszpania" => "ES",
        "polen" | "pologne" | "polonia" | "polska" => "PL",
        "tschechien" | "tchequie" | "repubblica ceca" | "tsjechie" | "czechy" => "CZ",
        "ungarn" | "hongrie" | "ungheria" | "hongarije" | "wegry" => "HU",
        "schweiz" | "suisse" | "svizzera" | "zwitserland" | "szwajcaria" => "CH",
        "osterreich" | "autriche" | "oostenrijk" | "austria" => "AT",
        "turkei" | "turquie" | "turchia" | "turkije" | "turcja" => "TR",
        "irland" | "irlande" | "irlanda" | "ierland" | "irlandia" => "IE",
        "singapur" | "singapour" | "singapore" => "SG",
        "tajwan" => "TW",
        "wietnam" => "VN",
        "philippinen" | "philippines" | "filippine" | "filipijnen" | "filipiny" => "PH",
        "indonesien" | "indonesie" | "indonezja" => "ID",
        "belgien" | "belgique" | "belgio" | "belgie" | "belgia" => "BE",
        "danemark" | "danimarca" | "denemarken" | "dania" => "DK",
        "schweden" | "suede" | "svezia" | "zweden" | "szwecja" => "SE",
        _ => return None,
    };
    Some(code)
}

fn country_alias(folded: &str) -> Option<&'static str> {
    if let Some(code) = european_country_name(folded) {
        return Some(code);
    }
    let code = match folded {
        "usa"
        | "u s a"
        | "u s"
        | "united states"
        | "united states of america"
        | "america"
        | "estados unidos"
        | "eua"
        | "eeuu"
        | "ee uu"
        | "abd"
        | "amerika" => "US",
        "uk" | "gbr" | "united kingdom" | "great britain" | "england" | "reino unido"
        | "ingiltere" | "birlesik krallik" => "GB",
        "chn"
        | "china"
        | "prc"
        | "people s republic of china"
        | "cina"
        | "cin"
        | "p r china"
        | "pr china" => "CN",
        "deu" | "germany" | "alemania" | "alemanha" | "almanya" | "deutschland" => "DE",
        "nld" | "netherlands" | "the netherlands" | "holland" | "paises bajos" | "holanda"
        | "hollanda" | "nederland" => "NL",
        "twn" | "taiwan" | "tayvan" | "taiwan roc" | "chinese taipei" => "TW",
        "mex" | "mexico" | "meksika" => "MX",
        "vnm" | "vietnam" | "viet nam" => "VN",
        "mys" | "malaysia" | "malasia" | "malezya" => "MY",
        "tha" | "thailand" | "tailandia" | "tayland" => "TH",
        "jpn" | "japan" | "japon" | "japao" | "japonya" => "JP",
        "kor" | "korea" | "south korea" | "republic of korea" | "korea republic of"
        | "korea rep" | "corea" | "corea del sur" | "coreia" | "coreia do sul" | "guney kore"
        | "kore" => "KR",
        "tur" | "turkey" | "turkiye" | "turquia" => "TR",
        "bra" | "brazil" | "brasil" | "brezilya" => "BR",
        "ind" | "india" | "hindistan" => "IN",
        "irl" | "ireland" | "irlanda" => "IE",
        "cze" | "czechia" | "czech republic" | "chequia" | "republica checa" | "tchequia"
        | "cekya" | "cek cumhuriyeti" => "CZ",
        "hun" | "hungary" | "hungria" | "macaristan" => "HU",
        "pol" | "poland" | "polonia" | "polonya" => "PL",
        "isr" | "israel" | "israil" => "IL",
        "sgp" | "singapore" | "singapur" | "cingapura" => "SG",
        "phl" | "philippines" | "filipinas" | "filipinler" => "PH",
        "fra" | "france" | "francia" | "franca" | "fransa" => "FR",
        "ita" | "italy" | "italia" | "italya" => "IT",
        "esp" | "spain" | "espana" | "espanha" | "ispanya" => "ES",
        "hkg" | "hong kong" | "hong kong sar" | "hongkong" => "HK",
        "are" | "uae" | "united arab emirates" | "bae" => "AE",
        "sau" | "saudi arabia" | "ksa" | "arabia saudita" | "suudi arabistan" => "SA",
        "can" | "canada" | "kanada" => "CA",
        "idn" | "indonesia" | "endonezya" => "ID",
        "rou" | "romania" | "rumania" | "romanya" => "RO",
        "swe" | "sweden" | "suecia" | "isvec" => "SE",
        "che" | "switzerland" | "suiza" | "suica" | "isvicre" => "CH",
        "arg" | "argentina" | "arjantin" => "AR",
        "chl" | "chile" | "sili" => "CL",
        "col" | "colombia" | "colombiya" | "kolombiya" => "CO",
        "zaf" | "south africa" | "sudafrica" | "africa do sul" | "guney afrika" => "ZA",
        "egy" | "egypt" | "egipto" | "egito" | "misir" => "EG",
        // As the sanctions lists write them.
        "russian federation" | "rus" => "RU",
        "iran islamic republic of" | "islamic republic of iran" | "irn" => "IR",
        "syrian arab republic" | "syr" => "SY",
        "korea north"
        | "north korea"
        | "dprk"
        | "democratic people s republic of korea"
        | "korea democratic people s republic of"
        | "prk" => "KP",
        "korea south" => "KR",
        "burma" | "mmr" => "MM",
        "venezuela bolivarian republic of" | "ven" => "VE",
        "belarus" | "blr" => "BY",
        "cuba" | "cub" => "CU",
        "aus" | "australia" | "avustralya" => "AU",
        _ => return None,
    };
    Some(code)
}
