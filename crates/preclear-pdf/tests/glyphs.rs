//! The bundled fonts cover the Turkish and Vietnamese alphabets.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use preclear_pdf::can_draw;

const TURKISH: &str = "abcçdefgğhıijklmnoöprsştuüvyzABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZâîûÂÎÛ";

/// Every Vietnamese letter, each vowel with all five tone marks, precomposed.
const VIETNAMESE: &str = "\
    aàáảãạ ăằắẳẵặ âầấẩẫậ bcdđ eèéẻẽẹ êềếểễệ ghiìíỉĩị klmn oòóỏõọ ôồốổỗộ ơờớởỡợ \
    pqrst uùúủũụ ưừứửữự vx yỳýỷỹỵ";

fn letters(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(|c| std::iter::once(c).chain(c.to_uppercase()))
}

#[test]
fn turkish_and_vietnamese_letters_have_glyphs_in_both_fonts() {
    let missing: Vec<char> =
        letters(TURKISH).chain(letters(VIETNAMESE)).filter(|c| !can_draw(*c)).collect();
    assert!(missing.is_empty(), "no glyph for {missing:?}");
    assert_eq!(letters(VIETNAMESE).count(), 2 * 89);
}

#[test]
fn latin_punctuation_and_symbols_have_glyphs() {
    for c in (' '..='~').chain("€£¥§°±×÷–—‘’“”„…•·№€".chars()) {
        assert!(can_draw(c), "no glyph for {c:?} (U+{:04X})", c as u32);
    }
}

#[test]
fn what_cannot_be_drawn_is_reported() {
    for c in ['漢', '字', '\u{10FFFD}', '\u{0}', '\u{7}'] {
        assert!(!can_draw(c), "{c:?}");
    }
}
