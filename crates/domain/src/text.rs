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

/// Clitics that attach to the front of an Arabic word — the article, the conjunctions
/// and prepositions written as one letter, and their combinations — longest first, so
/// `وال` goes before `و` would.
const CLITICS: [&str; 11] = ["وال", "بال", "فال", "كال", "لل", "ال", "و", "ف", "ب", "ك", "ل"];

/// Letters a word must keep once a clitic is taken off. A shorter remainder is more
/// likely part of the word itself (`وطن`, `بنك`, `الله`), so such words are left whole.
const MIN_STEM: usize = 3;

/// A normalized word without the clitic attached to its front (light stemming):
/// `بالخرطوم` → `خرطوم`, `للتنميه` → `تنميه`, `والامل` → `امل`. Applied the same way to
/// stored words and to queries, so a word is found whichever form either side uses.
pub fn stem(word: &str) -> &str {
    for clitic in CLITICS {
        if let Some(rest) = word.strip_prefix(clitic) {
            if rest.chars().count() >= MIN_STEM {
                return rest;
            }
        }
    }
    word
}

/// The words a text is found by: each normalized word, and its stem where that differs,
/// without repeats, in order. A query term matches a text when it is the start of one of
/// these (see [`query_terms`]).
pub fn search_words(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in normalize(text).split(' ').filter(|w| !w.is_empty()) {
        for form in [word, stem(word)] {
            if !out.iter().any(|w| w == form) {
                out.push(form.to_owned());
            }
        }
    }
    out
}

/// Splits a query into its terms: normalized, each without its clitic. Every term must
/// match in a result.
pub fn query_terms(query: &str) -> Vec<String> {
    normalize(query).split(' ').filter(|w| !w.is_empty()).map(|w| stem(w).to_owned()).collect()
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

    /// Whether every term of `query` starts one of the words `text` is found by.
    fn finds(text: &str, query: &str) -> bool {
        let words = search_words(text);
        query_terms(query).iter().all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
    }

    #[test]
    fn each_clitic_is_found_from_either_side() {
        // (form in one side, bare word): the name may carry the clitic and the query not,
        // or the other way round.
        let cases = [
            ("الخرطوم", "خرطوم"),
            ("والتعليم", "تعليم"),
            ("بالخرطوم", "خرطوم"),
            ("فالمجتمع", "مجتمع"),
            ("كالمعلم", "معلم"),
            ("للتنمية", "تنمية"),
            ("وشباب", "شباب"),
            ("فريق", "ريق"),
            ("بشندي", "شندي"),
            ("كمساعد", "مساعد"),
            ("لذوي", "ذوي"),
        ];
        for (with_clitic, bare) in cases {
            assert!(finds(&format!("جمعية {with_clitic}"), bare), "name {with_clitic}, query {bare}");
            assert!(finds(&format!("جمعية {bare}"), with_clitic), "name {bare}, query {with_clitic}");
            assert!(finds(&format!("جمعية {with_clitic}"), with_clitic), "name and query {with_clitic}");
        }
        // One clitic form in the name, another in the query.
        assert!(finds("مستشفى بالخرطوم", "الخرطوم"));
        assert!(finds("جمعية للتنمية", "والتنمية"));
    }

    #[test]
    fn short_remainders_keep_their_letters() {
        assert_eq!(stem("وطن"), "وطن");
        assert_eq!(stem("بنك"), "بنك");
        assert_eq!(stem("الله"), "الله");
        assert_eq!(stem("امل"), "امل");
        assert!(finds("جمعية حماية الوطن", "وطن"));
        assert!(!finds("جمعية حماية الوطن", "طن"), "a two-letter remainder is not a word of its own");
    }

    #[test]
    fn each_normalization_rule_from_either_side() {
        // (stored spelling, query spelling): every rule both ways.
        let pairs = [
            ("جمعية الأمل", "جمعيه الامل"),
            ("جمعية الإحسان", "جمعيه احسان"),
            ("الآفاق", "افاق"),
            ("مستشفى", "مستشفي"),
            ("مؤسسة", "موسسه"),
            ("رئيسية", "رييسيه"),
            ("جـــمعية", "جمعية"),
            ("جَمْعِيَّةُ", "جمعية"),
            ("فريق ٢٠٢٤", "فريق 2024"),
            ("Hope-Society", "hope society"),
            ("SHENDI Youth", "shendi youth"),
        ];
        for (stored, query) in pairs {
            assert!(finds(stored, query), "stored {stored}, query {query}");
            assert!(finds(query, stored), "stored {query}, query {stored}");
        }
    }

    #[test]
    fn real_names_are_found_by_the_words_people_type() {
        // Names from the seed articles and the demo data.
        assert!(finds("جمعية الأمل الخيرية بشندي", "الامل شندي"));
        assert!(finds("جمعية الأمل الخيرية بشندي", "جمعيه الامل"));
        assert!(finds("جمعية الأمل الخيرية بشندي", "امل"));
        assert!(finds("فريق شباب المتمة التطوعي", "شباب متمه"));
        assert!(finds("تجمع المنظمات الطوعية بالقطاع الجنوبي", "القطاع الجنوبي"));
        assert!(finds("جمعية المهندسين العمانية", "مهندس"));
        assert!(finds("الاتحاد العام للمرأة", "المراه"));
        assert!(finds("Omani Engineers Society", "engineer oman"));
        assert!(!finds("جمعية الأمل الخيرية بشندي", "الخرطوم"));
        // Terms match the start of a word, not its middle.
        assert!(!finds("جمعية الأمل الخيرية بشندي", "يريه"));
    }

    #[test]
    fn tatweel_digits_case_and_spaces() {
        assert_eq!(normalize("جـــمعية"), "جمعيه");
        assert_eq!(normalize("فريق ٢٠٢٤"), "فريق 2024");
        assert_eq!(normalize("۱۲۳"), "123");
        assert_eq!(normalize("  Hope   SOCIETY, (Shendi) "), "hope society shendi");
    }

    #[test]
    fn query_terms_split_on_words_without_clitics() {
        assert_eq!(query_terms(" الأمل  شندي"), vec!["امل", "شندي"]);
        assert!(query_terms("  ،، ").is_empty());
    }
}
