//! The depth figures `preclear kb check` prints: which URLs count as official, and when a
//! market's duty on an IT subheading counts as known.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use preclear_domain::{Country, Date};
use preclear_kb::depth::{depth, duty_known, is_official};
use preclear_kb::{Kb, SourceFile, load};

const HS: &str = "section,hscode,description,parent,level\nXVI,84,M,TOTAL,2\nXVI,8471,ADP,84,4\nXVI,847150,Units,8471,6\nXVI,85,E,TOTAL,2\nXVI,8517,Telephones,85,4\nXVI,851762,Network apparatus,8517,6\n";

const FACT: &str = "source = \"law\"\nconfidence = \"high\"\nas_of = 2026-01-01\n";

/// Zedland with a duty levy (`rates`) and any further levies.
fn zedland(rates: &str, more: &str) -> Kb {
    let market = format!(
        r#"[market]
country = "ZW"
name = "Zedland"
currency = "EUR"

[sources.law]
title = "Tariff law"
url = "https://www.customs.gov.zw/tariff"

[sources.blog]
title = "A blog"
url = "https://blog.example.com/duty"

[rounding]
mode = "half_up"
decimal_places = 2
{FACT}
[valuation]
basis = "CIF"
{FACT}
[importer]
non_resident_allowed = true
route = "Any"
{FACT}
[[levy]]
id = "zw.duty"
kind = "duty"
name = "Duty"
base = ["customs_value"]
{FACT}
{rates}
{more}
[[requirement]]
id = "zw.approval"
kind = "type_approval"
name = "Approval"
authority = "Regulator"
scope = "model"
holder = "importer"
lead_time_days = {{ min = 5, max = 10 }}
needed_before = "departure"
source = "blog"
confidence = "low"
as_of = 2026-01-01

[[requirement]]
id = "zw.registration"
kind = "registration"
name = "Importer registration"
authority = "Customs"
scope = "importer"
holder = "importer"
lead_time_days = "unknown"
needed_before = "clearance"
source = "law"
confidence = "unknown"
as_of = 2026-01-01
"#
    );
    let files = vec![
        SourceFile { path: "kb.toml".into(), text: "name = \"t\"\nedition = \"t\"\n".into() },
        SourceFile { path: "hs/hs2022.csv".into(), text: HS.into() },
        SourceFile { path: "markets/ZW.toml".into(), text: market },
    ];
    load(&files).unwrap_or_else(|errors| panic!("{errors}"))
}

fn day() -> Date {
    "2026-06-01".parse().unwrap()
}

fn known(kb: &Kb, subheading: &str) -> bool {
    duty_known(kb.market(Country::parse("ZW").unwrap()).unwrap(), subheading, day())
}

#[test]
fn government_and_international_hosts_are_official_and_others_are_not() {
    for url in [
        "https://www.customs.gov.zw/tariff",
        "https://hts.usitc.gov/",
        "https://www.gov.uk/guidance/x",
        "https://www.mic.go.jp/x",
        "https://www.legifrance.gouv.fr/x",
        "https://www.dof.gob.mx/x",
        "https://eur-lex.europa.eu/eli/reg/2021/821",
        "https://docs.wto.org/x",
        "https://www.itu.int/x",
        "https://www.fedlex.admin.ch/x",
        "https://www.customs.govt.nz/x",
        "https://www.zoll.de/x",
        "https://egazette.nic.in/x",
        "https://portal.stf.jus.br/x",
        "https://www.ejustice.just.fgov.be/x",
        "https://wetten.overheid.nl/x",
        "https://zoek.officielebekendmakingen.nl/stcrt-2021-1.html",
        "https://guichet.public.lu/x",
        "https://finance.belgium.be/en/x",
        "https://info.skat.dk/x",
    ] {
        assert!(is_official(url), "{url}");
    }
    for url in [
        "https://blog.example.com/duty",
        "https://www.mondaq.com/x",
        "https://governance.example.org/x",
        "https://gov.example.com/x",
        "https://notzoll.de/x",
        "https://notpublic.lu/x",
        "https://notbelgium.be/x",
        "https://www.law.cornell.edu/x",
        "https://www.hklii.org/x",
        "not a url",
    ] {
        assert!(!is_official(url), "{url}");
    }
}

#[test]
fn a_cell_is_known_when_its_most_specific_general_rate_is_known() {
    let kb = zedland(
        "  [[levy.rate]]\n  hs = \"8471\"\n  percent = \"0\"\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n\n  [[levy.rate]]\n  percent = \"unknown\"\n  source = \"law\"\n  confidence = \"unknown\"\n  as_of = 2026-01-01\n",
        "",
    );
    assert!(known(&kb, "847150"), "8471 at 0% covers 8471.50");
    assert!(!known(&kb, "851762"), "only the unknown catch-all covers 8517.62");
    let figures = depth(&kb, day());
    assert_eq!(figures.duty_cells, 21);
    assert_eq!(figures.duty_cells_known, 6, "the six 8471 subheadings of the 21");
    assert_eq!((figures.urls_official, figures.urls_cited), (1, 2));
    assert_eq!((figures.requirements_lead_known, figures.requirements), (1, 2));
}

#[test]
fn origin_and_used_goods_levies_do_not_make_a_cell_unknown_but_an_unknown_national_line_does() {
    let more = format!(
        "[[levy]]\nid = \"zw.retaliation\"\nkind = \"duty\"\nname = \"Retaliation\"\nbase = [\"customs_value\"]\nwhen = {{ origin = [\"US\"] }}\n{FACT}\n  [[levy.rate]]\n  percent = \"unknown\"\n  source = \"law\"\n  confidence = \"unknown\"\n  as_of = 2026-01-01\n\n[[levy]]\nid = \"zw.used\"\nkind = \"duty\"\nname = \"Used goods surcharge\"\nbase = [\"customs_value\"]\nwhen = {{ condition = [\"used\"] }}\n{FACT}\n  [[levy.rate]]\n  percent = \"unknown\"\n  source = \"law\"\n  confidence = \"unknown\"\n  as_of = 2026-01-01\n"
    );
    let kb = zedland(
        "  [[levy.rate]]\n  hs = \"8471\"\n  percent = \"0\"\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n\n  [[levy.rate]]\n  hs = \"8471\"\n  origins = [\"CN\"]\n  percent = \"unknown\"\n  source = \"law\"\n  confidence = \"unknown\"\n  as_of = 2026-01-01\n",
        &more,
    );
    assert!(
        known(&kb, "847150"),
        "a rate for one origin and levies for one origin or for used goods leave the general rate"
    );
    let kb = zedland(
        "  [[levy.rate]]\n  hs = \"8471\"\n  percent = \"0\"\n  source = \"law\"\n  confidence = \"high\"\n  as_of = 2026-01-01\n\n  [[levy.rate]]\n  hs = \"847150\"\n  percent = \"unknown\"\n  source = \"law\"\n  confidence = \"unknown\"\n  as_of = 2026-01-01\n",
        "",
    );
    assert!(!known(&kb, "847150"), "the subheading's own unknown rate decides");
    assert!(!known(&kb, "8471"), "a heading with an unknown line below it is not known either");
}
