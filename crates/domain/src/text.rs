//! Arabic-aware text normalization for search and duplicate detection.
//!
//! Arabic names are written with many legitimate spelling variants: hamza forms of
//! alef, taa marbuta written as haa, diacritics or none, tatweel for justification,
//! Arabic-Indic digits. Both the stored search key and the query pass through
//! [`normalize`], so any variant finds any other.

/// Folds one character to its search form, or `None` to drop it.
fn fold(c: char) -> Option<char> {
    Some(match c {
        // Diacritics (tashkeel), Quranic marks, superscript alef, tatweel, and the Latin
        // combining accents of decomposed text (`e` + U+0301 is `é`, which folds to `e`).
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{0640}'
        | '\u{0300}'..='\u{036F}' => return None,
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
        // Latin letters with accents fold to their base letter (`é` → `e`, `Ş` → `s`).
        '\u{00C0}'..='\u{017F}' => return Some(fold_latin(c)),
        c if c.is_alphanumeric() => return Some(c.to_lowercase().next().unwrap_or(c)),
        // Punctuation separates words.
        _ => ' ',
    })
}

/// The base letter of an accented Latin letter (Latin-1 Supplement and Latin Extended-A),
/// lowercased; other characters there are lowercased as they are.
fn fold_latin(c: char) -> char {
    let lower = c.to_lowercase().next().unwrap_or(c);
    match lower {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' | 'ŧ' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other if other.is_alphanumeric() => other,
        _ => ' ',
    }
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

/// Characters of a word that count for search; longer forms are cut here on both sides
/// (stored and queried), so one long token cannot bloat the index.
pub const MAX_FORM_CHARS: usize = 24;

/// Distinct words of a record's body text (a description) that it is found by. Names
/// are short and indexed whole; descriptions can be long, and their first words say
/// what the record is about: this bounds each record's share of the word index.
pub const MAX_BODY_WORDS: usize = 24;

/// The forms a normalized word is found by: the word itself and every form left by
/// taking leading clitics off it, one after another, while at least [`MIN_STEM`]
/// letters remain (`والامل` → `والامل`, `الامل`, `امل`; `البريمي` → `البريمي`,
/// `بريمي`, `ريمي`). A query term is [`stem`]med once, and the word it stands for may
/// itself begin with a clitic letter (`بريمي`, typed without the article of
/// `البريمي`, is queried as `ريمي`): every form a single strip can reach from any
/// form is kept, so each spelling of the word finds it. The intermediate forms also let
/// a partly typed query that stems differently (`والا` → `الا`) still find the word.
pub fn word_forms(word: &str) -> Vec<&str> {
    let mut forms = vec![word];
    let mut next = 0;
    while let Some(&form) = forms.get(next) {
        next += 1;
        for clitic in CLITICS {
            if let Some(rest) = form.strip_prefix(clitic) {
                if rest.chars().count() >= MIN_STEM && !forms.contains(&rest) {
                    forms.push(rest);
                }
            }
        }
    }
    forms
}

/// Cuts a normalized word to [`MAX_FORM_CHARS`] characters.
fn cut(word: &str) -> &str {
    match word.char_indices().nth(MAX_FORM_CHARS) {
        Some((at, _)) => &word[..at],
        None => word,
    }
}

/// What a record is found by: the [`word_forms`] of every word of its titles (names,
/// acronym) and of the first [`MAX_BODY_WORDS`] distinct words of its body, without
/// repeats. Every searchable entity builds one; its forms go to the word index and
/// [`SearchDoc::text`] to the record's `search_text`, so both answer the same question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchDoc {
    forms: Vec<String>,
}

impl SearchDoc {
    pub fn new<'a>(titles: impl IntoIterator<Item = &'a str>, body: Option<&str>) -> Self {
        let mut doc = SearchDoc::default();
        for title in titles {
            for word in normalize(title).split(' ').filter(|w| !w.is_empty()) {
                doc.add(word);
            }
        }
        if let Some(body) = body {
            let mut seen: Vec<String> = Vec::new();
            for word in normalize(body).split(' ').filter(|w| !w.is_empty()) {
                if seen.len() == MAX_BODY_WORDS {
                    break;
                }
                if !seen.iter().any(|s| s == word) {
                    seen.push(word.to_owned());
                    doc.add(word);
                }
            }
        }
        doc
    }

    /// Each form is cut after the clitics are taken off, as a query term is, so a long
    /// word is found by its first letters with or without its clitic.
    fn add(&mut self, word: &str) {
        for form in word_forms(word) {
            let form = cut(form);
            if !self.forms.iter().any(|f| f == form) {
                self.forms.push(form.to_owned());
            }
        }
    }

    /// The distinct forms, in order of appearance.
    pub fn forms(&self) -> &[String] {
        &self.forms
    }

    /// The forms as stored in `search_text`: space-separated with a space at each end,
    /// so `' ' + term` occurs in it exactly when the term starts a form ([`text_matches`]).
    pub fn text(&self) -> String {
        let mut out = String::from(" ");
        for f in &self.forms {
            out.push_str(f);
            out.push(' ');
        }
        out
    }
}

/// Whether a query term (from [`query_terms`]) starts one of the forms of a record's
/// `search_text` ([`SearchDoc::text`]). The database tests the same with `instr`/`strpos`.
pub fn text_matches(search_text: &str, term: &str) -> bool {
    search_text.contains(&format!(" {term}"))
}

/// Splits a query into its terms: normalized, each without its clitic, cut like stored
/// forms, without repeats. Every term must start a form of a result (in any order).
pub fn query_terms(query: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in normalize(query).split(' ').filter(|w| !w.is_empty()) {
        let term = cut(stem(word)).to_owned();
        if !out.contains(&term) {
            out.push(term);
        }
    }
    out
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

    /// Whether every term of `query` starts one of the forms `text` is found by.
    fn finds(text: &str, query: &str) -> bool {
        let doc = SearchDoc::new([text], None);
        let terms = query_terms(query);
        let by_text = terms.iter().all(|t| text_matches(&doc.text(), t));
        let by_forms = terms.iter().all(|t| doc.forms().iter().any(|f| f.starts_with(t.as_str())));
        assert_eq!(by_text, by_forms, "search_text and the forms agree for {text} / {query}");
        by_text
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
            // A word that itself begins with a clitic letter, with the article (or another
            // clitic) on one side only: the query is stemmed (`بريمي` → `ريمي`), so the
            // stored word must be found by that form too.
            ("البريمي", "بريمي"),
            ("الوفاء", "وفاء"),
            ("الوسطى", "وسطى"),
            ("اللاذقية", "لاذقية"),
            ("الباحة", "باحة"),
            ("البحيرة", "بحيرة"),
            ("الوطني", "وطني"),
            ("اللجنة", "لجنة"),
            ("الفلسطينية", "فلسطينية"),
            ("بالبريمي", "بريمي"),
            ("والوفاء", "وفاء"),
        ];
        for (with_clitic, bare) in cases {
            assert!(finds(&format!("جمعية {with_clitic}"), bare), "name {with_clitic}, query {bare}");
            assert!(finds(&format!("جمعية {bare}"), with_clitic), "name {bare}, query {with_clitic}");
            assert!(finds(&format!("جمعية {with_clitic}"), with_clitic), "name and query {with_clitic}");
        }
        // One clitic form in the name, another in the query.
        assert!(finds("مستشفى بالخرطوم", "الخرطوم"));
        assert!(finds("جمعية للتنمية", "والتنمية"));
        // While typing, every prefix of three letters or more keeps finding it.
        for typed in ["بري", "بريم", "بريمي", "البري", "البريم"] {
            assert!(finds("فندق البريمي", typed), "typed {typed}");
        }
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
    fn partly_typed_words_are_found_while_typing() {
        // Every prefix of a name's word, typed with or without its clitic, finds it.
        for word in ["والامل", "بالخرطوم", "للتنميه", "الشباب", "شندي"] {
            let name = format!("جمعيه {word}");
            for end in 1..=word.chars().count() {
                let typed: String = word.chars().take(end).collect();
                assert!(finds(&name, &typed), "name {name}, typed {typed}");
            }
        }
    }

    #[test]
    fn decomposed_accents_fold_like_composed_ones() {
        assert_eq!(normalize("Espe\u{301}rance"), "esperance");
        assert_eq!(normalize("Espérance"), "esperance");
        assert!(finds("Espe\u{301}rance Association", "esperance"));
        assert!(finds("Espérance", "Espe\u{301}rance"));
    }

    #[test]
    fn latin_accents_case_and_punctuation_fold() {
        assert_eq!(normalize("Société Générale d'Égypte"), "societe generale d egypte");
        assert_eq!(normalize("ŞEHİR Çocuk"), "sehir cocuk");
        assert!(finds("Association Espérance", "esperance"));
        assert!(finds("Association Esperance", "espérance"));
        assert!(finds("Al-Amal Charity", "amal"));
        assert!(finds("Al-Amal Charity", "AL AMAL"));
    }

    #[test]
    fn descriptions_count_their_first_distinct_words_only() {
        let words: Vec<String> = (0..30).map(|i| format!("كلمه{i}")).collect();
        // Repeats do not use up the allowance.
        let body = format!("{} {} {}", words[0], words[0], words.join(" "));
        let doc = SearchDoc::new(["جمعيه"], Some(&body));
        let text = doc.text();
        assert!(text_matches(&text, "كلمه23"));
        assert!(!text_matches(&text, "كلمه24"), "the 25th distinct word is past the bound");
        assert!(text_matches(&text, "جمعيه"));
    }

    #[test]
    fn long_words_are_cut_the_same_way_on_both_sides() {
        let long = "ا".repeat(40);
        let doc = SearchDoc::new([long.as_str()], None);
        assert!(doc.forms().iter().all(|f| f.chars().count() <= MAX_FORM_CHARS));
        assert!(text_matches(&doc.text(), &query_terms(&long)[0]));
        // A long word with a clitic, queried whole, with or without its article.
        let name = "جمعية الاستشاراتهندسيةوتقنيةمتقدمة";
        for query in ["الاستشاراتهندسيةوتقنيةمتقدمة", "استشاراتهندسيةوتقنيةمتقدمة", name]
        {
            assert!(finds(name, query), "query {query}");
        }
    }

    #[test]
    fn query_terms_split_on_words_without_clitics() {
        assert_eq!(query_terms("الأمل الامل امل"), vec!["امل"]);
        assert_eq!(query_terms(" الأمل  شندي"), vec!["امل", "شندي"]);
        assert!(query_terms("  ،، ").is_empty());
    }
}
