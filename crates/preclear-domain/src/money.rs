//! Money, percentages and rounding. Amounts are [`Decimal`]s; floating point never touches them,
//! and every rounding names its mode and number of decimal places, taken from the market's data.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::iso::Currency;

/// An amount in a currency.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

/// Why a money operation or text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// Two amounts in different currencies were combined.
    CurrencyMismatch {
        /// The left-hand currency.
        left: Currency,
        /// The right-hand currency.
        right: Currency,
    },
    /// The result does not fit a decimal (28 significant digits).
    Overflow,
    /// The text is not a plain decimal number.
    NotADecimal(String),
}

/// A rate in percent (`20` is twenty percent). Never negative.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Percent(Decimal); // INVARIANT: >= 0.

/// How a market rounds an amount: the mode and the number of decimal places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rounding {
    /// The mode.
    pub mode: RoundingMode,
    /// Decimal places kept (usually the currency's minor units).
    pub decimal_places: u32,
}

/// A named rounding mode. Each maps to exactly one [`RoundingStrategy`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoundingMode {
    /// Half away from zero (commercial rounding): 0.125 → 0.13.
    HalfUp,
    /// Half to even (banker's rounding): 0.125 → 0.12.
    HalfEven,
    /// Toward zero (truncation): 0.129 → 0.12.
    Down,
    /// Away from zero: 0.121 → 0.13.
    Up,
}

impl RoundingMode {
    /// Every mode, in the order the knowledge-base documentation lists them.
    pub const ALL: [RoundingMode; 4] =
        [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up];

    /// The knowledge-base spelling (`half_up`).
    pub fn as_str(self) -> &'static str {
        match self {
            RoundingMode::HalfUp => "half_up",
            RoundingMode::HalfEven => "half_even",
            RoundingMode::Down => "down",
            RoundingMode::Up => "up",
        }
    }

    /// Parses the knowledge-base spelling.
    pub fn parse(text: &str) -> Option<RoundingMode> {
        RoundingMode::ALL.into_iter().find(|mode| mode.as_str() == text)
    }

    fn strategy(self) -> RoundingStrategy {
        match self {
            RoundingMode::HalfUp => RoundingStrategy::MidpointAwayFromZero,
            RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
            RoundingMode::Down => RoundingStrategy::ToZero,
            RoundingMode::Up => RoundingStrategy::AwayFromZero,
        }
    }
}

impl Rounding {
    /// Rounds `amount` with this mode to this many decimal places.
    pub fn apply(&self, amount: Decimal) -> Decimal {
        let mut rounded = amount.round_dp_with_strategy(self.decimal_places, self.mode.strategy());
        // Keep a fixed scale so that "18.50" renders with its trailing zero.
        rounded.rescale(self.decimal_places);
        rounded
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {} decimal places", self.mode.as_str(), self.decimal_places)
    }
}

/// Parses a plain decimal string such as `9800.00` or `-3.5` exactly: no exponent, no
/// thousands separators, no leading `+`, at most 28 significant digits. A negative zero (`-0`,
/// `-0.00`) is zero: the sign is dropped, so it can neither pass a "not negative" check as
/// something else nor print as `-0.00` in a document.
pub fn parse_decimal(text: &str) -> Result<Decimal, MoneyError> {
    let plain = !text.is_empty()
        && text
            .strip_prefix('-')
            .unwrap_or(text)
            .chars()
            .all(|ch| ch.is_ascii_digit() || ch == '.')
        && text.chars().filter(|&ch| ch == '.').count() <= 1
        && text.chars().any(|ch| ch.is_ascii_digit())
        && !text.starts_with('.')
        && !text.ends_with('.');
    if !plain {
        return Err(MoneyError::NotADecimal(text.to_owned()));
    }
    let mut value =
        Decimal::from_str_exact(text).map_err(|_| MoneyError::NotADecimal(text.to_owned()))?;
    if value.is_zero() {
        value.set_sign_positive(true);
    }
    Ok(value)
}

impl Money {
    /// An amount in a currency.
    pub fn new(amount: Decimal, currency: Currency) -> Money {
        Money { amount, currency }
    }

    /// Zero in a currency.
    pub fn zero(currency: Currency) -> Money {
        Money { amount: Decimal::ZERO, currency }
    }

    /// The amount.
    pub fn amount(&self) -> Decimal {
        self.amount
    }

    /// The currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The sum, refused for different currencies or on overflow.
    pub fn checked_add(&self, other: &Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch {
                left: self.currency,
                right: other.currency,
            });
        }
        let amount = self.amount.checked_add(other.amount).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, currency: self.currency })
    }

    /// The amount times a factor (a quantity, say), refused on overflow.
    pub fn checked_mul(&self, factor: Decimal) -> Result<Money, MoneyError> {
        let amount = self.amount.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount, currency: self.currency })
    }

    /// The amount rounded with a named rounding.
    pub fn round(&self, rounding: Rounding) -> Money {
        Money { amount: rounding.apply(self.amount), currency: self.currency }
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({} {})", self.amount, self.currency)
    }
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::CurrencyMismatch { left, right } => {
                write!(f, "cannot combine amounts in `{left}` and `{right}`")
            }
            MoneyError::Overflow => f.write_str("amount too large for exact decimal arithmetic"),
            MoneyError::NotADecimal(text) => write!(
                f,
                "`{text}` is not a decimal number written as a string such as \"1850.00\""
            ),
        }
    }
}

impl std::error::Error for MoneyError {}

impl Percent {
    /// Zero percent.
    pub const ZERO: Percent = Percent(Decimal::ZERO);

    /// A rate in percent; `None` when negative.
    pub fn new(percent: Decimal) -> Option<Percent> {
        (percent >= Decimal::ZERO).then_some(Percent(percent.normalize()))
    }

    /// Parses a percentage written as a decimal string (`"20"`, `"2.1"`).
    pub fn parse(text: &str) -> Result<Percent, MoneyError> {
        let value = parse_decimal(text)?;
        Percent::new(value).ok_or_else(|| MoneyError::NotADecimal(text.to_owned()))
    }

    /// The rate in percent.
    pub fn value(&self) -> Decimal {
        self.0
    }

    /// The rate as a fraction (`20` % → `0.2`).
    pub fn fraction(&self) -> Decimal {
        self.0 / Decimal::ONE_HUNDRED
    }

    /// `base × rate / 100`, refused on overflow.
    pub fn of(&self, base: Decimal) -> Option<Decimal> {
        base.checked_mul(self.0)?.checked_div(Decimal::ONE_HUNDRED)
    }
}

impl FromStr for Percent {
    type Err = MoneyError;
    fn from_str(text: &str) -> Result<Percent, MoneyError> {
        Percent::parse(text)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0)
    }
}

impl serde::Serialize for Percent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(DecimalText::new(&self.0).as_str())
    }
}

/// A decimal's text, exactly as its `Display` writes it (every digit of its scale, `-` for a
/// negative value, `-0` included), built on the stack: serialising a 20,000-line assessment
/// writes about 200,000 decimals, and `Display` through `collect_str` was a tenth of that time.
pub struct DecimalText {
    // INVARIANT: `bytes[..len]` is ASCII (digits, `-`, `.`).
    bytes: [u8; 48],
    len: usize,
}

impl DecimalText {
    pub fn new(value: &Decimal) -> DecimalText {
        // At most 29 digits of mantissa; with a scale up to 28 and a leading `0.`, at most 31
        // characters and the sign.
        let mut digits = [0u8; 40];
        let mut count = 0;
        let mantissa = value.mantissa().unsigned_abs();
        match u64::try_from(mantissa) {
            Ok(mut small) => loop {
                digits[count] = b'0' + (small % 10) as u8;
                count += 1;
                small /= 10;
                if small == 0 {
                    break;
                }
            },
            Err(_) => {
                // 19 digits at a time through one 128-bit division, the rest in 64 bits.
                const CHUNK: u128 = 10_000_000_000_000_000_000;
                let mut large = mantissa;
                while large >= CHUNK {
                    let mut chunk = (large % CHUNK) as u64;
                    large /= CHUNK;
                    for _ in 0..19 {
                        digits[count] = b'0' + (chunk % 10) as u8;
                        count += 1;
                        chunk /= 10;
                    }
                }
                let mut rest = large as u64;
                while rest > 0 {
                    digits[count] = b'0' + (rest % 10) as u8;
                    count += 1;
                    rest /= 10;
                }
            }
        }
        let scale = value.scale() as usize;
        while count <= scale {
            digits[count] = b'0';
            count += 1;
        }
        let mut text = DecimalText { bytes: [0; 48], len: 0 };
        if value.is_sign_negative() {
            text.push(b'-');
        }
        for idx in (0..count).rev() {
            if idx + 1 == scale {
                // Unreachable for idx == count - 1, since count > scale.
                text.push(b'.');
            }
            text.push(digits[idx]);
        }
        text
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    pub fn as_str(&self) -> &str {
        // The bytes are ASCII (the invariant), so this never fails.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Debug for DecimalText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decimal_text_is_display(mantissa in any::<i128>(), scale in 0u32..=28, small in any::<i64>(), negative_zero in any::<bool>()) {
            let mantissa = mantissa % 79_228_162_514_264_337_593_543_950_335i128;
            for value in [Decimal::from_i128_with_scale(mantissa, scale), Decimal::new(small, scale.min(18))] {
                prop_assert_eq!(DecimalText::new(&value).as_str().to_owned(), value.to_string());
                prop_assert_eq!(DecimalText::new(&value.normalize()).as_str().to_owned(), value.normalize().to_string());
            }
            if negative_zero {
                let zero = -Decimal::new(0, scale);
                prop_assert_eq!(DecimalText::new(&zero).as_str().to_owned(), zero.to_string());
            }
        }
    }

    #[test]
    fn decimal_text_of_known_values() {
        for (text, expected) in [
            ("1998.90", "1998.90"),
            ("0.005", "0.005"),
            ("-12.5", "-12.5"),
            ("0", "0"),
            ("100", "100"),
            ("0.0", "0.0"),
        ] {
            let value: Decimal = text.parse().unwrap();
            assert_eq!(DecimalText::new(&value).as_str(), expected);
        }
        assert_eq!(DecimalText::new(&Decimal::MAX).as_str(), Decimal::MAX.to_string());
        assert_eq!(DecimalText::new(&Decimal::MIN).as_str(), Decimal::MIN.to_string());
    }

    fn eur() -> Currency {
        Currency::parse("EUR").unwrap()
    }

    fn dec(text: &str) -> Decimal {
        parse_decimal(text).unwrap()
    }

    #[test]
    fn each_rounding_mode_rounds_its_own_way() {
        let at = |mode| Rounding { mode, decimal_places: 2 };
        assert_eq!(at(RoundingMode::HalfUp).apply(dec("0.125")).to_string(), "0.13");
        assert_eq!(at(RoundingMode::HalfEven).apply(dec("0.125")).to_string(), "0.12");
        assert_eq!(at(RoundingMode::Down).apply(dec("0.129")).to_string(), "0.12");
        assert_eq!(at(RoundingMode::Up).apply(dec("0.121")).to_string(), "0.13");
        assert_eq!(at(RoundingMode::HalfUp).apply(dec("18.5")).to_string(), "18.50");
        let yen = Rounding { mode: RoundingMode::HalfUp, decimal_places: 0 };
        assert_eq!(yen.apply(dec("1234.5")).to_string(), "1235");
    }

    #[test]
    fn decimals_are_parsed_exactly_and_floats_forms_refused() {
        assert_eq!(dec("9800.00").to_string(), "9800.00");
        assert_eq!(dec("-3.5").to_string(), "-3.5");
        assert_eq!(dec("-0").to_string(), "0", "a negative zero is zero");
        assert_eq!(dec("-0.00").to_string(), "0.00");
        assert!(dec("-0.00").is_sign_positive());
        for bad in ["", "1e3", "1,000.00", "+5", ".5", "5.", "1.2.3", "abc", "NaN", "--1"] {
            assert!(parse_decimal(bad).is_err(), "`{bad}` was accepted");
        }
    }

    #[test]
    fn money_refuses_to_mix_currencies() {
        let usd = Currency::parse("USD").unwrap();
        let err = Money::new(dec("1"), eur()).checked_add(&Money::new(dec("1"), usd)).unwrap_err();
        assert_eq!(err.to_string(), "cannot combine amounts in `EUR` and `USD`");
    }

    #[test]
    fn percentages_are_never_negative_and_print_plainly() {
        assert!(Percent::parse("-1").is_err());
        assert_eq!(Percent::parse("20.00").unwrap().to_string(), "20");
        assert_eq!(Percent::parse("0.8").unwrap().of(dec("1000")).unwrap(), dec("8"));
    }

    proptest! {
        #[test]
        fn decimal_strings_round_trip(units in 0i64..1_000_000_000, cents in 0u32..100) {
            let text = format!("{units}.{cents:02}");
            prop_assert_eq!(dec(&text).to_string(), text);
        }

        #[test]
        fn rounding_moves_at_most_one_unit_of_the_last_place(units in -1_000_000i64..1_000_000, scale in 0u32..6) {
            let amount = Decimal::new(units, scale);
            for mode in RoundingMode::ALL {
                let rounded = Rounding { mode, decimal_places: 2 }.apply(amount);
                prop_assert!((rounded - amount).abs() < Decimal::new(1, 2));
            }
        }

        #[test]
        fn parse_decimal_never_panics(text in "\\PC{0,40}") {
            let _ = parse_decimal(&text);
        }
    }
}
