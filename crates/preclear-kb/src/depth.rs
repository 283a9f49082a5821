//! How deep the KB is, in figures a reviewer can hold it to (`preclear kb check` prints them):
//! the share of cited sources that are official, the market × IT-subheading duty cells with a
//! known rate, and the requirements with a known lead time.
//!
//! "Official" is decided from a URL's host alone: a government domain (`.gov`, `.gob.xx`,
//! `.gouv.xx`, `.go.xx`, `.govt.xx`, `.gc.ca`, `.gv.at`, `admin.ch`, `bund.de`, …), an
//! international organisation (`.int`, `europa.eu`, `wto.org`, `wcoomd.org`, …) or a public
//! legal database ([`OFFICIAL_HOSTS`]). Sources without a URL (a gazette cited by number, a
//! research note) are not counted either way.

use std::collections::BTreeSet;

use preclear_domain::{Country, Date, HsPrefix};

use crate::facts;
use crate::model::{Kb, LevyKind, LevyRate, Market, Provenance, RateValue};

/// The 21 HS subheadings of IT and data-centre hardware whose duty every market should know.
pub const DUTY_SUBHEADINGS: [&str; 21] = [
    "847130", "847141", "847149", "847150", "847170", "847180", "847330", "850440", "850760",
    "851713", "851762", "851769", "851779", "852351", "852852", "853669", "853710", "854231",
    "854442", "854470", "940320",
];

/// Hosts (and their subdomains) that publish official text but have no government domain.
pub const OFFICIAL_HOSTS: &[&str] = &[
    "europa.eu",
    "wto.org",
    "wcoomd.org",
    "un.org",
    "unctad.org",
    "oecd.org",
    "worldbank.org",
    "wassenaar.org",
    "boe.es",
    "gesetze-im-internet.de",
    "legislation.gov.uk",
    "canada.ca",
    "lovdata.no",
    "lex.uz",
    "adilet.zan.kz",
    "kenyalaw.org",
    "bcn.cl",
    "chinhphu.vn",
    "vbpl.vn",
    "u.ae",
    "fedlex.admin.ch",
    "pravno-informacioni-sistem.rs",
    "eaeunion.org",
    "eurasiancommission.org",
    "gcc-sg.org",
    "eac.int",
    "ecowas.int",
    "mercosur.int",
    "aladi.org",
    "asean.org",
    "comunidadandina.org",
    "oas.org",
    "apec.org",
    // Customs, tax and telecom authorities without a government label.
    "zoll.de",
    "bafa.de",
    "vero.fi",
    "skatteverket.se",
    "belastingdienst.nl",
    "emta.ee",
    "vmi.lt",
    "muitine.lt",
    "anaf.ro",
    "financnasprava.sk",
    "revenue.ie",
    "toll.no",
    "skatteetaten.no",
    "nkom.no",
    "altinn.no",
    "kormany.hu",
    "carina.rs",
    "ratel.rs",
    "customs.uz",
    "aduana.cl",
    "sii.cl",
    "chileatiende.cl",
    "sec.cl",
    "ift.org.mx",
    "kebs.org",
    "icasa.org.za",
    "nrcs.org.za",
    "saber.sa",
    // Official gazettes and legal databases.
    "elperuano.pe",
    "gazzettaufficiale.it",
    "normattiva.it",
    "likumi.lv",
    "e-tar.lt",
    "riigiteataja.ee",
    "finlex.fi",
    "retsinformation.dk",
    "riksdagen.se",
    "overheid.nl",
    "legilux.public.lu",
    "irishstatutebook.ie",
    "diariodarepublica.pt",
    "slov-lex.sk",
    "njt.hu",
    "legislatie.just.ro",
    "uradni-list.si",
    "narodne-novine.nn.hr",
    "nic.in",
    // Finland's citizen portal and its product-safety agency; South Africa's trade
    // administration commission; the EAC Secretariat; Kenya's trade information portal.
    "suomi.fi",
    "tukes.fi",
    "itac.org.za",
    "eachq.org",
    "kenya.tradeportal.org",
    // India's BIS registration portal (Compulsory Registration Scheme), run by the Bureau.
    "crsbis.in",
    "parliament.uk",
    // Environment authorities and registers acting for one (stiftung ear is the register
    // entrusted with the authority's tasks by ElektroG § 40).
    "naturvardsverket.se",
    "ademe.fr",
    "apambiente.pt",
    "era.org.mt",
    "fzoeu.hr",
    "gamta.lt",
    "mazovia.pl",
    "stiftung-ear.de",
    // The Netherlands' official publications (Staatscourant, Staatsblad); Luxembourg's state
    // domain (its ministries and the guichet); the environment ministry of Slovakia and the
    // environment authorities of Estonia and Lithuania.
    "officielebekendmakingen.nl",
    "public.lu",
    "minzp.sk",
    "envir.ee",
    "epa.lt",
    // Tax and customs authorities and state portals: Finnish Customs, the Danish Tax Agency,
    // Latvia's state portal, Belgium's federal domain (FPS Finance), the German Federal
    // Statistical Office and the State of Hesse (its tax offices); Ireland's Law Reform
    // Commission, which publishes the revised Acts.
    "tulli.fi",
    "skat.dk",
    "latvija.lv",
    "belgium.be",
    "destatis.de",
    "hessen.de",
    "lawreform.ie",
    // Korea's government policy-briefing portal (the ministries' and agencies' press releases),
    // South Africa's Government Printing Works (the Government Gazette) and the International
    // Energy Agency (an intergovernmental organisation, as the OECD it belongs to).
    "korea.kr",
    "gpwonline.co.za",
    "iea.org",
    // Latvia's official gazette publisher (Latvijas Vēstnesis) and Denmark's statutory
    // producer-responsibility register (DPA-System, as stiftung ear above).
    "vestnesis.lv",
    "dpa-system.dk",
];

/// Second-level labels that mark a government domain under a country code (`gov.uk`, `go.jp`).
const GOVERNMENT_LABELS: &[&str] = &[
    "gov",
    "gob",
    "gouv",
    "govt",
    "go",
    "gc",
    "gv",
    "admin",
    "bund",
    "gub",
    "mil",
    "government",
    "fgov",
    "jus",
    "leg",
];

/// Whether a URL is on an official host.
pub fn is_official(url: &str) -> bool {
    let Some(host) = host(url) else { return false };
    let under = |official: &&str| {
        host.strip_suffix(*official).is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    };
    if OFFICIAL_HOSTS.iter().any(under) {
        return true;
    }
    let labels: Vec<&str> = host.split('.').collect();
    let Some((&tld, rest)) = labels.split_last() else { return false };
    if matches!(tld, "gov" | "mil" | "int") {
        return true;
    }
    // `x.gov.tr`, `gov.br`, `mic.go.jp`, `customs.gc.ca`: a government label right before a
    // two-letter country code; `admin.ch`, `bund.de` count the same way.
    tld.len() == 2 && rest.last().is_some_and(|label| GOVERNMENT_LABELS.contains(label))
}

fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, host)| host);
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Whether a fact of high confidence rests on what the format requires of one: an official
/// source (a URL on an official host, or an official document cited by reference, such as a
/// gazette or a code) or two independent sources. A research note is not a source of law.
pub fn high_confidence_backed(provenance: &Provenance) -> bool {
    provenance.sources.len() >= 2
        || provenance.sources.iter().any(|source| match &source.url {
            Some(url) => is_official(url),
            None => source
                .document
                .as_deref()
                .is_some_and(|document| !document.starts_with("preclear research note")),
        })
}

/// The KB's depth figures on a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Depth {
    /// Distinct URLs cited by facts.
    pub urls_cited: usize,
    /// Those on an official host.
    pub urls_official: usize,
    /// Market × [`DUTY_SUBHEADINGS`] cells.
    pub duty_cells: usize,
    /// Cells whose duty is known.
    pub duty_cells_known: usize,
    /// Per market, the subheadings whose duty is not known.
    pub duty_unknown: Vec<(Country, Vec<&'static str>)>,
    /// Requirements in force (every market, a union's counted in each member).
    pub requirements: usize,
    /// Those with a known lead time.
    pub requirements_lead_known: usize,
    /// Markets.
    pub markets: usize,
    /// Markets whose `[vat_recovery]` in force says how a registered importer recovers import
    /// VAT/GST (not `unknown`).
    pub vat_recovery_known: usize,
}

/// Measures `kb` on `date`.
pub fn depth(kb: &Kb, date: Date) -> Depth {
    let mut figures = Depth::default();
    let mut urls = BTreeSet::new();
    for fact in facts::facts(kb) {
        for source in &fact.provenance.sources {
            if let Some(url) = &source.url {
                urls.insert(url.as_str());
            }
        }
    }
    figures.urls_cited = urls.len();
    figures.urls_official = urls.iter().filter(|url| is_official(url)).count();
    for market in kb.markets() {
        figures.markets += 1;
        if market.vat_recovery.as_ref().is_some_and(|fact| {
            fact.provenance.in_force(date)
                && matches!(fact.value.registered.mechanism, crate::Known::Known(_))
        }) {
            figures.vat_recovery_known += 1;
        }
        let mut unknown = Vec::new();
        for subheading in DUTY_SUBHEADINGS {
            figures.duty_cells += 1;
            if duty_known(market, subheading, date) {
                figures.duty_cells_known += 1;
            } else {
                unknown.push(subheading);
            }
        }
        if !unknown.is_empty() {
            figures.duty_unknown.push((market.country, unknown));
        }
        for requirement in market.requirements.iter().filter(|r| r.provenance.in_force(date)) {
            figures.requirements += 1;
            if requirement.lead_time.known().is_some() {
                figures.requirements_lead_known += 1;
            }
        }
    }
    figures
}

/// Whether the most-favoured-nation duty on goods of `subheading` is known on `date`: for each
/// duty levy that may apply to them, the most specific rate without `origins` whose prefix
/// covers the subheading, and every national line below it, is known; the market's first duty
/// levy must have such a rate. Rates for particular origins (trade remedies, retaliation) are
/// left out: they depend on the shipment, not on the tariff line.
pub fn duty_known(market: &Market, subheading: &str, date: Date) -> bool {
    let Ok(code) = HsPrefix::parse(subheading) else { return false };
    let code = code.as_str();
    let mut first = true;
    for levy in market.levies.iter().filter(|l| l.kind == LevyKind::Duty) {
        // A levy only for some origins (a trade remedy, a retaliation) is not the tariff line's.
        let origin_limited = levy
            .when
            .as_ref()
            .is_some_and(|when| when.origin.is_some() || when.shipped_from.is_some());
        // Nor is a levy only on used or refurbished goods (the cells are for new goods).
        let used_only = levy
            .when
            .as_ref()
            .and_then(|when| when.condition.as_ref())
            .is_some_and(|conditions| !conditions.contains(&preclear_domain::Condition::New));
        if !levy.provenance.in_force(date) || origin_limited || used_only {
            continue;
        }
        let hs_applies =
            levy.when.as_ref().and_then(|when| when.hs.as_ref()).is_none_or(|prefixes| {
                prefixes
                    .iter()
                    .any(|p| code.starts_with(p.as_str()) || p.as_str().starts_with(code))
            });
        if !hs_applies {
            continue;
        }
        let mfn: Vec<&LevyRate> = levy
            .rates
            .iter()
            .filter(|r| r.origins.is_none() && r.provenance.in_force(date))
            .collect();
        let covering = mfn
            .iter()
            .filter(|r| r.hs.as_ref().is_none_or(|p| code.starts_with(p.as_str())))
            .max_by_key(|r| r.hs.as_ref().map_or(0, |p| p.as_str().len()));
        let lines = mfn.iter().filter(|r| {
            r.hs.as_ref()
                .is_some_and(|p| p.as_str().len() > code.len() && p.as_str().starts_with(code))
        });
        let selected: Vec<&&LevyRate> = covering.into_iter().chain(lines).collect();
        if first && selected.is_empty() {
            return false;
        }
        first = false;
        if selected.iter().any(|r| r.value == RateValue::Unknown) {
            return false;
        }
    }
    !first
}
