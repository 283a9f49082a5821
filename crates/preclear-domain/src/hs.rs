//! Harmonized System codes: the 6-digit international code plus national extensions, and the
//! prefixes that the knowledge base keys duty rates and rules by.

use std::fmt;

/// A Harmonized System code of 6 to 12 digits, stored without dots or spaces.
///
/// The first six digits are the international HS 2022 subheading; digits beyond that are a
/// national extension (8 for India's ITC-HS, Brazil's NCM and the EU's CN, 10 for the US HTS and
/// the EU's TARIC, 12 for Turkey's GTİP).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HsCode(HsDigits); // INVARIANT: 6..=12 ASCII digits.

/// A prefix of an HS code, 2 to 12 digits: chapter (2), heading (4), subheading (6) or a national
/// line. A rule keyed by `8471` applies to every code in heading 84.71.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HsPrefix(HsDigits); // INVARIANT: 2..=12 ASCII digits, an even number of them or 6+.

/// Why a text is not an HS code or prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HsCodeError(String);

/// Up to 12 ASCII digits, inline and `Copy`-cheap, so lookups never allocate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct HsDigits {
    len: u8,
    digits: [u8; 12],
}

impl HsDigits {
    fn parse(text: &str, min: usize, what: &str) -> Result<HsDigits, HsCodeError> {
        let mut digits = [0u8; 12];
        let mut len = 0usize;
        for ch in text.chars() {
            match ch {
                '0'..='9' => {
                    let Some(slot) = digits.get_mut(len) else {
                        return Err(HsCodeError(format!(
                            "`{text}` is not {what}: more than 12 digits"
                        )));
                    };
                    *slot = ch as u8;
                    len += 1;
                }
                '.' | ' ' => {}
                _ => {
                    return Err(HsCodeError(format!(
                        "`{text}` is not {what}: only digits, dots and spaces are allowed"
                    )));
                }
            }
        }
        if len < min {
            return Err(HsCodeError(format!(
                "`{text}` is not {what}: it has {len} digits, at least {min} are needed"
            )));
        }
        Ok(HsDigits { len: len as u8, digits })
    }

    fn as_str(&self) -> &str {
        let bytes = self.digits.get(..usize::from(self.len)).unwrap_or_default();
        // INVARIANT: only ASCII digits are stored.
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl HsCode {
    /// Parses an HS code such as `847150`, `8471.50` or `8471.50.00`.
    pub fn parse(text: &str) -> Result<HsCode, HsCodeError> {
        HsDigits::parse(text, 6, "an HS code").map(HsCode)
    }

    /// The digits, without dots.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The international 6-digit subheading (`847150` of `84715000`).
    pub fn subheading(&self) -> &str {
        self.as_str().get(..6).unwrap_or_default()
    }

    /// The 4-digit heading.
    pub fn heading(&self) -> &str {
        self.as_str().get(..4).unwrap_or_default()
    }

    /// The 2-digit chapter.
    pub fn chapter(&self) -> &str {
        self.as_str().get(..2).unwrap_or_default()
    }

    /// Whether the code has digits beyond the international six.
    pub fn has_national_extension(&self) -> bool {
        self.0.len > 6
    }

    /// Whether this code falls under `prefix`.
    pub fn starts_with(&self, prefix: &HsPrefix) -> bool {
        self.as_str().starts_with(prefix.as_str())
    }

    /// The 6-digit subheading as a code of its own.
    pub fn to_subheading(&self) -> HsCode {
        let mut digits = self.0;
        digits.len = 6;
        for slot in digits.digits.iter_mut().skip(6) {
            *slot = 0;
        }
        HsCode(digits)
    }
}

impl HsPrefix {
    /// Parses a prefix: a chapter (`84`), heading (`8471`), subheading (`847150`) or a longer
    /// national line. An odd length below six digits (`847`) is ambiguous in the HS and refused.
    pub fn parse(text: &str) -> Result<HsPrefix, HsCodeError> {
        let digits = HsDigits::parse(text, 2, "an HS prefix")?;
        if digits.len < 6 && digits.len % 2 == 1 {
            return Err(HsCodeError(format!(
                "`{text}` is not an HS prefix: use 2 (chapter), 4 (heading) or 6+ digits"
            )));
        }
        Ok(HsPrefix(digits))
    }

    /// The digits, without dots.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The number of digits: longer prefixes are more specific.
    pub fn len(&self) -> usize {
        usize::from(self.0.len)
    }

    /// Always false: a prefix has at least two digits. Present for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        false
    }
}

impl From<&HsCode> for HsPrefix {
    fn from(code: &HsCode) -> HsPrefix {
        HsPrefix(code.0)
    }
}

impl fmt::Display for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HsCode({})", self.as_str())
    }
}

impl fmt::Display for HsPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HsPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HsPrefix({})", self.as_str())
    }
}

impl fmt::Display for HsCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HsCodeError {}

impl serde::Serialize for HsCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl serde::Serialize for HsPrefix {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hs_codes_accept_dots_and_national_extensions() {
        let code = HsCode::parse("8471.50.00").unwrap();
        assert_eq!(code.as_str(), "84715000");
        assert_eq!(code.subheading(), "847150");
        assert_eq!(code.heading(), "8471");
        assert_eq!(code.chapter(), "84");
        assert!(code.has_national_extension());
        assert_eq!(code.to_subheading().as_str(), "847150");
        assert!(HsCode::parse("847150123456").is_ok());
    }

    #[test]
    fn a_five_digit_code_is_refused_with_its_length() {
        let err = HsCode::parse("84715").unwrap_err().to_string();
        assert!(err.contains("5 digits"), "{err}");
        assert!(HsCode::parse("8471500000000").is_err());
        assert!(HsCode::parse("8471-50").is_err());
    }

    #[test]
    fn prefixes_match_codes_beneath_them() {
        let code = HsCode::parse("851762").unwrap();
        assert!(code.starts_with(&HsPrefix::parse("85").unwrap()));
        assert!(code.starts_with(&HsPrefix::parse("8517.62").unwrap()));
        assert!(!code.starts_with(&HsPrefix::parse("8471").unwrap()));
        assert!(HsPrefix::parse("847").is_err());
    }

    proptest! {
        #[test]
        fn any_6_to_12_digit_string_round_trips(digits in "[0-9]{6,12}") {
            let code = HsCode::parse(&digits).unwrap();
            prop_assert_eq!(code.as_str(), digits.as_str());
            prop_assert_eq!(HsCode::parse(&code.to_string()).unwrap(), code);
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,20}") {
            let _ = HsCode::parse(&text);
            let _ = HsPrefix::parse(&text);
        }
    }
}
