//! Free text from outside (names, references, descriptions, addresses): bounded in length and
//! free of control characters, with one rule for every input. A NUL byte cannot be stored by
//! PostgreSQL at all, and other control characters have no place in a name or a reference; a
//! value over the limit would be carried into every list and document that shows it.
//!
//! [`fold_text`] is the one folding by which words are compared: column headers, condition
//! and country words of spreadsheets, and the category vocabulary of the KB.

/// The longest free-text field of a shipment request, in characters.
pub const MAX_TEXT_CHARS: usize = 500;

/// Whether line breaks and tabs are allowed (an address or a note may have several lines; a
/// name or a reference may not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    /// `\n`, `\r` and `\t` allowed; every other control character refused.
    Allowed,
    /// Every control character refused.
    Refused,
}

/// What is wrong with `value` as free text of at most `max` characters, or `None`.
pub fn text_problem(value: &str, max: usize, lines: Lines) -> Option<String> {
    let count = value.chars().count();
    if count > max {
        return Some(format!("is {count} characters long; the limit is {max}"));
    }
    let allowed = |c: char| lines == Lines::Allowed && matches!(c, '\n' | '\r' | '\t');
    value
        .chars()
        .find(|&c| c.is_control() && !allowed(c))
        .map(|c| format!("contains the control character U+{:04X}; remove it", u32::from(c)))
}

/// Folds one character: lower case, accents removed (Turkish dotless/dotted i included).
fn fold(ch: char, out: &mut String) {
    let folded = match ch {
        'İ' | 'I' | 'ı' | 'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'å' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'ª' => {
            'a'
        }
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' | 'º' | '°' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' | 'ń' | 'Ń' => 'n',
        'ç' | 'Ç' | 'ć' | 'Ć' => 'c',
        'ş' | 'Ş' | 'ś' | 'Ś' => 's',
        'ğ' | 'Ğ' => 'g',
        // Polish.
        'ł' | 'Ł' => 'l',
        'ę' | 'Ę' => 'e',
        'ą' | 'Ą' => 'a',
        'ź' | 'ż' | 'Ź' | 'Ż' => 'z',
        // German and French ligatures: two letters.
        'ß' => {
            out.push_str("ss");
            return;
        }
        'œ' | 'Œ' => {
            out.push_str("oe");
            return;
        }
        '\u{0307}' => return,
        other => {
            for lower in other.to_lowercase() {
                out.push(lower);
            }
            return;
        }
    };
    out.push(folded);
}

/// Lower case, accents folded, every run of punctuation or space made one space, trimmed.
/// `#` is kept (it is a header of its own: "#", "Item #").
pub fn fold_text(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for ch in text.chars() {
        fold(ch, &mut folded);
    }
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for ch in folded.chars() {
        if ch.is_alphanumeric() || ch == '#' {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(ch);
        } else {
            space = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_length_and_control_characters() {
        assert_eq!(text_problem("Nordwind GmbH", 20, Lines::Refused), None);
        assert_eq!(
            text_problem("abcdef", 5, Lines::Refused).as_deref(),
            Some("is 6 characters long; the limit is 5")
        );
        assert_eq!(text_problem("Ünïcödé", 7, Lines::Refused), None, "characters, not bytes");
        assert_eq!(
            text_problem("a\u{0}b", 20, Lines::Allowed).as_deref(),
            Some("contains the control character U+0000; remove it")
        );
        assert_eq!(text_problem("1 Main St\nBerlin", 50, Lines::Allowed), None);
        assert!(text_problem("1 Main St\nBerlin", 50, Lines::Refused).is_some());
        assert!(text_problem("x\u{1b}[31m", 50, Lines::Allowed).is_some(), "escape sequences");
        assert!(text_problem("x\u{85}", 50, Lines::Allowed).is_some(), "C1 controls");
    }
}
