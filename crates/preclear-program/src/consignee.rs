//! Checking a consignee: legal name, tax identifier and address must be there, and the tax
//! identifier must have the destination's form (and check digits, where the form has them and
//! they are public: Brazil's CNPJ). A destination without a rule here is accepted with a note
//! that the form was not checked; it is never silently called valid.

use crate::model::Consignee;

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// The field (`consignee.tax_id`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Checks a consignee for `destination`; every problem is reported.
pub fn check_consignee(
    destination: &str,
    legal_name: &str,
    tax_id: &str,
    address: &str,
) -> Result<Consignee, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut required = |field: &str, value: &str, min: usize| {
        let value = value.trim();
        if value.chars().count() < min {
            problems.push(FieldProblem {
                field: format!("consignee.{field}"),
                message: if value.is_empty() {
                    "must not be empty".into()
                } else {
                    format!("must have at least {min} characters")
                },
            });
        } else if value.chars().any(char::is_control) || value.chars().count() > 300 {
            problems.push(FieldProblem {
                field: format!("consignee.{field}"),
                message: "must be at most 300 characters without control characters".into(),
            });
        }
    };
    required("legal_name", legal_name, 2);
    required("address", address, 5);
    required("tax_id", tax_id, 1);
    let compact: String = tax_id
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '/'))
        .collect::<String>()
        .to_uppercase();
    let check = match tax_form(destination, &compact) {
        Ok(check) => check,
        Err(message) => {
            problems.push(FieldProblem { field: "consignee.tax_id".into(), message });
            String::new()
        }
    };
    if problems.is_empty() {
        Ok(Consignee {
            legal_name: legal_name.trim().to_owned(),
            tax_id: tax_id.trim().to_owned(),
            address: address.trim().to_owned(),
            tax_id_check: check,
        })
    } else {
        Err(problems)
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The form of a tax identifier per destination: `Ok` with how it was checked, `Err` with why
/// it does not have the form.
fn tax_form(destination: &str, id: &str) -> Result<String, String> {
    let form = |ok: bool, name: &str, form: &str| {
        if ok {
            Ok(format!("form of a {name} checked ({form})"))
        } else {
            Err(format!("`{id}` is not a {name}: expected {form}"))
        }
    };
    match destination {
        "BR" => {
            if digits(id) && id.len() == 14 {
                if cnpj_check_digits_hold(id) {
                    Ok("CNPJ: 14 digits and both check digits verified".into())
                } else {
                    Err(format!("`{id}` is not a valid CNPJ: its check digits do not match"))
                }
            } else {
                Err(format!("`{id}` is not a CNPJ: expected 14 digits (12.345.678/0001-95)"))
            }
        }
        "TR" => form(digits(id) && id.len() == 10, "Turkish tax number (VKN)", "10 digits"),
        "VN" => form(
            digits(id) && (id.len() == 10 || id.len() == 13),
            "Vietnamese enterprise tax code (MST)",
            "10 digits, or 13 for a branch",
        ),
        "IN" => form(gstin(id), "GSTIN", "15 characters: state code, PAN, entity, Z, check"),
        "MX" => form(
            id.len() == 12
                && id[..3].bytes().all(|b| b.is_ascii_alphabetic() || b == b'&')
                && digits(&id[3..9])
                && id[9..].bytes().all(|b| b.is_ascii_alphanumeric()),
            "RFC of a legal person",
            "3 letters, the date of incorporation as 6 digits, 3 characters",
        ),
        "SA" => form(
            digits(id) && id.len() == 15 && id.starts_with('3') && id.ends_with('3'),
            "Saudi VAT number",
            "15 digits beginning and ending with 3",
        ),
        "AE" => form(digits(id) && id.len() == 15, "UAE TRN", "15 digits"),
        "ZA" => form(
            digits(id) && id.len() == 10 && id.starts_with('4'),
            "South African VAT number",
            "10 digits beginning with 4",
        ),
        "DE" => form(
            id.strip_prefix("DE").is_some_and(|rest| digits(rest) && rest.len() == 9),
            "German VAT number",
            "DE and 9 digits",
        ),
        _ => Ok(format!("the form of tax identifiers in {destination} is not checked by preclear")),
    }
}

fn gstin(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 15
        && b[..2].iter().all(u8::is_ascii_digit)
        && b[2..7].iter().all(u8::is_ascii_uppercase)
        && b[7..11].iter().all(u8::is_ascii_digit)
        && b[11].is_ascii_uppercase()
        && b[12].is_ascii_alphanumeric()
        && b[13] == b'Z'
        && b[14].is_ascii_alphanumeric()
}

/// The CNPJ's two modulo-11 check digits (weights 5..2,9..2 then 6..2,9..2).
fn cnpj_check_digits_hold(id: &str) -> bool {
    let d: Vec<u32> = id.bytes().map(|b| u32::from(b - b'0')).collect();
    let digit = |len: usize| {
        let weights: Vec<u32> = (2..=9).cycle().take(len).collect();
        let sum: u32 = d[..len].iter().rev().zip(weights).map(|(a, w)| a * w).sum();
        let r = sum % 11;
        if r < 2 { 0 } else { 11 - r }
    };
    d.len() == 14 && digit(12) == d[12] && digit(13) == d[13]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cnpj_is_checked_to_its_check_digits() {
        let ok = check_consignee(
            "BR",
            "Dados Brasil Ltda",
            "11.222.333/0001-81",
            "Av. Paulista 1000, São Paulo",
        )
        .unwrap();
        assert!(ok.tax_id_check.contains("check digits verified"));
        let err =
            check_consignee("BR", "Dados Brasil Ltda", "11.222.333/0001-82", "Av. Paulista 1000")
                .unwrap_err();
        assert_eq!(err[0].field, "consignee.tax_id");
        assert!(err[0].message.contains("check digits"));
    }

    #[test]
    fn every_missing_field_is_named() {
        let err = check_consignee("TR", " ", "", "").unwrap_err();
        let fields: Vec<_> = err.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            ["consignee.legal_name", "consignee.address", "consignee.tax_id", "consignee.tax_id"]
        );
    }

    #[test]
    fn forms_are_checked_per_destination_and_unknown_forms_say_so() {
        assert!(
            check_consignee("TR", "Anadolu Veri A.S.", "1234567890", "Istanbul, Maslak").is_ok()
        );
        assert!(
            check_consignee("TR", "Anadolu Veri A.S.", "123456789", "Istanbul, Maslak").is_err()
        );
        assert!(
            check_consignee("IN", "Bharat Data Pvt Ltd", "27AAPFU0939F1ZV", "Mumbai, Andheri")
                .is_ok()
        );
        assert!(check_consignee("MX", "Datos SA de CV", "DAT010203AB1", "CDMX, Reforma 1").is_ok());
        let other = check_consignee("KE", "Nairobi Data Ltd", "P051234567X", "Nairobi, Upper Hill")
            .unwrap();
        assert!(other.tax_id_check.contains("not checked"));
    }
}
