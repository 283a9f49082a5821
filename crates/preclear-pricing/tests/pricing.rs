//! Price lists: what is read and refused, and the charges they give.

#![allow(clippy::unwrap_used, clippy::panic, reason = "tests fail loudly on broken fixtures")]

use preclear_domain::{Country, Currency, Money};
use preclear_domain::{Rounding, RoundingMode};
use preclear_pricing::{Figures, PriceList, charges};
use rust_decimal::Decimal;

const LIST: &str = r#"
[price_list]
provider = "Example IOR"
label = "2026-12"
currency = "EUR"

[default]
ior_fee = { percent = "1.5", base = "customs_value", minimum = "250", maximum = "5000" }
per_shipment = [{ name = "Brokerage", amount = "180", estimate = true }]
per_line = [{ name = "Classification", amount = "2.50" }]

[markets.BR]
ior_fee = { percent = "2.5", base = "goods_value" }
"#;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

fn shipment(destination: &str, currency: &str, customs: &str, lines: usize) -> Figures {
    Figures {
        destination: Country::parse(destination).unwrap(),
        currency: Currency::parse(currency).unwrap(),
        customs_value: d(customs),
        goods_value: d("9000"),
        lines,
        rounding: Rounding { mode: RoundingMode::HalfUp, decimal_places: 2 },
        paid_by: "seller",
    }
}

/// The converter of a request in EUR: amounts in EUR as they are.
fn same(money: Money) -> Option<Decimal> {
    (money.currency().as_str() == "EUR").then(|| money.amount())
}

#[test]
fn the_default_prices_a_market_without_its_own_section() {
    let list = PriceList::parse(LIST).unwrap();
    assert!(list.version.starts_with("sha256:") && list.version.len() == 23);
    // 1.5% of 10,000 = 150, below the minimum of 250; brokerage 180; 3 lines × 2.50 = 7.50.
    let out = charges(&list, &shipment("TR", "EUR", "10000", 3), &mut same).unwrap();
    assert_eq!(out.section, "default");
    let amounts: Vec<_> = out.charges.iter().map(|c| c.amount.as_deref().unwrap()).collect();
    assert_eq!(amounts, ["250.00", "180.00", "7.50"]);
    assert_eq!(out.total, "437.50");
    assert!(out.complete);
    assert!(out.charges[0].basis.contains("minimum 250 EUR"), "{}", out.charges[0].basis);
    assert!(out.charges[1].estimate && !out.charges[0].estimate);
    assert_eq!(out.charges[0].paid_by, "seller");
    // Above the maximum: 1.5% of 400,000 = 6,000 → 5,000.
    let big = charges(&list, &shipment("TR", "EUR", "400000", 1), &mut same).unwrap();
    assert_eq!(big.charges[0].amount.as_deref(), Some("5000.00"));
}

#[test]
fn a_market_section_replaces_the_default_and_its_base_is_named() {
    let list = PriceList::parse(LIST).unwrap();
    // 2.5% of the goods value 9,000 = 225; no other charges in BR's own section.
    let out = charges(&list, &shipment("BR", "EUR", "10000", 3), &mut same).unwrap();
    assert_eq!(out.section, "market");
    assert_eq!(out.charges.len(), 1);
    assert_eq!(out.charges[0].amount.as_deref(), Some("225.00"));
    assert!(out.charges[0].basis.contains("goods value"));
}

#[test]
fn an_amount_that_cannot_be_converted_is_unknown_never_zero() {
    let list = PriceList::parse(LIST).unwrap();
    // In USD with no rate: the minimum cannot be compared, the fixed charges cannot be stated.
    let out = charges(&list, &shipment("TR", "USD", "10000", 2), &mut |_| None).unwrap();
    assert!(!out.complete);
    assert!(out.charges.iter().all(|c| c.amount.is_none()), "{:?}", out.charges);
    assert_eq!(out.total, "0.00");
    // With a rate (1 EUR = 1.10 USD): 250 × 1.10 = 275 minimum; 180 × 1.10 = 198; 2 × 2.75.
    let mut at = |money: Money| Some(money.amount() * d("1.10"));
    let out = charges(&list, &shipment("TR", "USD", "10000", 2), &mut at).unwrap();
    let amounts: Vec<_> = out.charges.iter().map(|c| c.amount.as_deref().unwrap()).collect();
    assert_eq!(amounts, ["275.00", "198.00", "5.50"]);
}

#[test]
fn a_list_without_prices_for_the_destination_prices_nothing() {
    let only_br = LIST.replace("[default]", "[markets.MX]");
    let list = PriceList::parse(&only_br).unwrap();
    assert!(charges(&list, &shipment("TR", "EUR", "10000", 1), &mut same).is_none());
}

#[test]
fn every_problem_is_named_by_its_key() {
    let bad = r#"
[price_list]
provider = ""
label = "x"
currency = "EURO"

[default]
ior_fee = { percent = "1,5", base = "fob", minimum = "500", maximum = "100" }
per_line = [{ name = "Line", amount = "-2" }]

[markets.XX]
per_shipment = [{ name = "A", amount = "1" }]
"#;
    let errors = PriceList::parse(bad).unwrap_err().0;
    for expected in [
        "price_list.currency:",
        "price_list.provider: is empty",
        "default.ior_fee.percent: `1,5` is not a decimal amount",
        "default.ior_fee.base: `fob` is not a base",
        "default.ior_fee: the minimum 500 is above the maximum 100",
        "default.per_line[0].amount: `-2` is negative",
        "markets.XX:",
    ] {
        assert!(
            errors.iter().any(|e| e.starts_with(expected)),
            "missing {expected:?} in {errors:#?}"
        );
    }
    let unknown = PriceList::parse(
        "[price_list]\nprovider = \"a\"\nlabel = \"b\"\ncurrency = \"EUR\"\ncolour = \"red\"\n",
    );
    assert!(unknown.unwrap_err().to_string().contains("colour"), "an unknown key is named");
    let empty =
        PriceList::parse("[price_list]\nprovider = \"a\"\nlabel = \"b\"\ncurrency = \"EUR\"\n");
    assert!(empty.unwrap_err().to_string().contains("prices nothing"));
    let huge = "#".repeat(preclear_pricing::MAX_PRICE_LIST_BYTES + 1);
    assert!(PriceList::parse(&huge).unwrap_err().to_string().contains("at most"));
}

#[test]
fn the_example_price_list_of_the_repository_is_valid() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/price-list.toml"
    ))
    .unwrap();
    let list = PriceList::parse(&text).unwrap();
    assert!(list.default.is_some() && list.markets.contains_key(&Country::parse("BR").unwrap()));
}
