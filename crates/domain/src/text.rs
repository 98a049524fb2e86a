//! Arabic-aware text normalization for search and duplicate detection.
//!
//! Arabic names are written with many legitimate spelling variants: hamza forms of
//! alef, taa marbuta written as haa, diacritics or none, tatweel for justification,
//! Arabic-Indic digits. Both the stored search key and the query pass through
//! [`normalize`], so any variant finds any other.

/// Folds one character to its search form, or `None` to drop it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        // Diacritics (tashkeel), Quranic marks, superscript alef, tatweel.
        '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => {
            return None
        }
        // Alef variants: madda, hamza above/below, wasla.
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ة' => 'ه',
        'ى' => 'ي',
        'ؤ' => 'و',
        'ئ' => 'ي',
        // Persian/Urdu letters that appear in Arabic-script data.
        'ی' | 'ې' => 'ي',
        'ک' => 'ك',
        // Arabic-Indic and Eastern Arabic-Indic digits.
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        c if c.is_whitespace() => ' ',
        c if c.is_alphanumeric() => return Some(c.to_lowercase().next().unwrap_or(c)),
        // Punctuation separates words.
        _ => ' ',
    })
}

/// Normalizes text for matching: folds Arabic spelling variants, drops diacritics and
/// tatweel, maps digits to ASCII, lowercases Latin, and collapses punctuation and
/// whitespace into single spaces.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        match fold(c) {
            None => {}
            Some(' ') => pending_space = !out.is_empty(),
            Some(f) => {
                if pending_space {
                    out.push(' ');
                    pending_space = false;
                }
                out.push(f);
            }
        }
    }
    out
}

/// Splits a query into normalized words; every word must occur in a match.
pub fn query_terms(query: &str) -> Vec<String> {
    normalize(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hamza_taa_marbuta_and_diacritics_fold_together() {
        assert_eq!(normalize("جمعية الأمل"), normalize("جمعيه الامل"));
        assert_eq!(normalize("جَمْعِيَّةُ الأَمَلِ"), "جمعيه الامل");
        assert_eq!(normalize("إسلام آمنة ٱلله"), "اسلام امنه الله");
        assert_eq!(normalize("مستشفى"), "مستشفي");
        assert_eq!(normalize("مؤسسة رئيسية"), "موسسه رييسيه");
    }

    #[test]
    fn tatweel_digits_case_and_spaces() {
        assert_eq!(normalize("جـــمعية"), "جمعيه");
        assert_eq!(normalize("فريق ٢٠٢٤"), "فريق 2024");
        assert_eq!(normalize("۱۲۳"), "123");
        assert_eq!(normalize("  Hope   SOCIETY, (Shendi) "), "hope society shendi");
    }

    #[test]
    fn query_terms_split_on_words() {
        assert_eq!(query_terms(" الأمل  شندي"), vec!["الامل", "شندي"]);
        assert!(query_terms("  ،، ").is_empty());
    }
}
