//! Field-level validation errors whose messages exist in Arabic and English, so the
//! API and the dashboard say the same thing in the user's language.

use serde::{Deserialize, Serialize};

/// The languages Tashbeek speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Ar,
    En,
}

impl Lang {
    /// Picks the first supported language from an `Accept-Language` header value.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let lang = if tag.starts_with("ar") {
                Lang::Ar
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// One problem with one input field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Path of the field, e.g. `name_ar` or `contacts.email` or `sectors[2]`.
    pub field: String,
    /// Stable machine-readable code, e.g. `required`, `too_long`, `unknown_value`.
    pub code: String,
    /// Human message in the language the client asked for.
    pub message: String,
}

/// Why a field is invalid; rendered to a message per language.
#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    OutOfRange {
        min: i64,
        max: i64,
    },
    InvalidEmail,
    InvalidUrl,
    InvalidPhone,
    UnknownValue,
    Duplicate,
    InvalidFormat(String),
    /// Already used by another record (an e-mail address, a code): a conflict with what
    /// is stored, answered 409 when it is the only problem.
    Taken,
    /// The record's current state does not allow this change (`from → to`).
    InvalidTransition {
        from: &'static str,
        to: &'static str,
    },
    OneOfRequired(&'static str),
    /// The JSON value has the wrong type; carries the parser's description.
    InvalidType(String),
    UnknownField,
    /// A password that must match the stored one does not.
    Incorrect,
    /// More values than a list or filter accepts.
    TooMany {
        max: usize,
    },
    /// Fewer values than a list needs (a partnership's parties).
    TooFew {
        min: usize,
    },
    /// A control, bidirectional-override or other invisible formatting character.
    InvalidCharacter(char),
    /// A password that is easy to guess (common, a sequence, a repeated character, …).
    WeakPassword,
    /// A password made of the account's own e-mail address.
    PasswordContainsEmail,
}

impl Violation {
    pub fn code(&self) -> &'static str {
        match self {
            Violation::Required => "required",
            Violation::TooLong { .. } => "too_long",
            Violation::TooShort { .. } => "too_short",
            Violation::OutOfRange { .. } => "out_of_range",
            Violation::InvalidEmail => "invalid_email",
            Violation::InvalidUrl => "invalid_url",
            Violation::InvalidPhone => "invalid_phone",
            Violation::UnknownValue => "unknown_value",
            Violation::Duplicate => "duplicate",
            Violation::InvalidFormat(_) => "invalid_format",
            Violation::Taken => "taken",
            Violation::InvalidTransition { .. } => "invalid_transition",
            Violation::OneOfRequired(_) => "one_of_required",
            Violation::InvalidType(_) => "invalid_type",
            Violation::UnknownField => "unknown_field",
            Violation::Incorrect => "incorrect",
            Violation::TooMany { .. } => "too_many",
            Violation::TooFew { .. } => "too_few",
            Violation::InvalidCharacter(_) => "invalid_character",
            Violation::WeakPassword => "too_weak",
            Violation::PasswordContainsEmail => "contains_email",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Violation::Required, Lang::Ar) => "هذا الحقل مطلوب.".into(),
            (Violation::Required, Lang::En) => "This field is required.".into(),
            (Violation::TooLong { max }, Lang::Ar) => format!("يجب ألا يزيد الطول عن {max} حرفًا."),
            (Violation::TooLong { max }, Lang::En) => format!("Must be at most {max} characters."),
            (Violation::TooShort { min }, Lang::Ar) => format!("يجب ألا يقل الطول عن {min} أحرف."),
            (Violation::TooShort { min }, Lang::En) => format!("Must be at least {min} characters."),
            (Violation::OutOfRange { min, max }, Lang::Ar) => format!("يجب أن تكون القيمة بين {min} و{max}."),
            (Violation::OutOfRange { min, max }, Lang::En) => format!("Must be between {min} and {max}."),
            (Violation::InvalidEmail, Lang::Ar) => "عنوان البريد الإلكتروني غير صالح.".into(),
            (Violation::InvalidEmail, Lang::En) => "Not a valid email address.".into(),
            (Violation::InvalidUrl, Lang::Ar) => "يجب أن يكون رابطًا يبدأ بـ http:// أو https://.".into(),
            (Violation::InvalidUrl, Lang::En) => "Must be a link starting with http:// or https://.".into(),
            (Violation::InvalidPhone, Lang::Ar) => "رقم الهاتف غير صالح.".into(),
            (Violation::InvalidPhone, Lang::En) => "Not a valid phone number.".into(),
            (Violation::UnknownValue, Lang::Ar) => "قيمة غير معروفة.".into(),
            (Violation::UnknownValue, Lang::En) => "Unknown value.".into(),
            (Violation::Duplicate, Lang::Ar) => "القيمة مكررة.".into(),
            (Violation::Duplicate, Lang::En) => "Value is repeated.".into(),
            (Violation::InvalidFormat(why), Lang::Ar) => format!("صيغة غير صالحة: {why}"),
            (Violation::InvalidFormat(why), Lang::En) => format!("Invalid format: {why}"),
            (Violation::Taken, Lang::Ar) => "هذه القيمة مستخدمة بالفعل.".into(),
            (Violation::Taken, Lang::En) => "This value is already in use.".into(),
            (Violation::InvalidTransition { from, to }, Lang::Ar) => {
                format!("لا يمكن الانتقال من الحالة «{from}» إلى «{to}».")
            }
            (Violation::InvalidTransition { from, to }, Lang::En) => format!("Cannot move from “{from}” to “{to}”."),
            (Violation::OneOfRequired(other), Lang::Ar) => {
                format!("يجب تعبئة هذا الحقل أو الحقل {other}.")
            }
            (Violation::OneOfRequired(other), Lang::En) => {
                format!("Fill in this field or {other}.")
            }
            (Violation::InvalidType(why), Lang::Ar) => format!("نوع القيمة غير صحيح ({why})."),
            (Violation::InvalidType(why), Lang::En) => format!("Wrong type of value ({why})."),
            (Violation::UnknownField, Lang::Ar) => "حقل غير معروف.".into(),
            (Violation::UnknownField, Lang::En) => "Unknown field.".into(),
            (Violation::Incorrect, Lang::Ar) => "القيمة غير صحيحة.".into(),
            (Violation::Incorrect, Lang::En) => "This is not correct.".into(),
            (Violation::TooMany { max }, Lang::Ar) => format!("يجب ألا يزيد عدد القيم عن {max}."),
            (Violation::TooMany { max }, Lang::En) => format!("At most {max} values are accepted."),
            (Violation::TooFew { min }, Lang::Ar) => format!("يجب ألا يقل عدد القيم عن {min}."),
            (Violation::TooFew { min }, Lang::En) => format!("At least {min} values are needed."),
            (Violation::InvalidCharacter(c), Lang::Ar) => {
                format!("يحتوي النص على رمز تحكم أو رمز اتجاه غير مرئي (U+{:04X}). احذفه ثم أعد المحاولة.", *c as u32)
            }
            (Violation::InvalidCharacter(c), Lang::En) => format!(
                "The text contains an invisible control or direction character (U+{:04X}). Remove it and try again.",
                *c as u32
            ),
            (Violation::WeakPassword, Lang::Ar) => {
                "كلمة المرور سهلة التخمين. استخدم عبارة من عدة كلمات لا يعرفها غيرك.".into()
            }
            (Violation::WeakPassword, Lang::En) => {
                "This password is easy to guess. Use a phrase of several words that only you know.".into()
            }
            (Violation::PasswordContainsEmail, Lang::Ar) => "لا تستخدم بريدك الإلكتروني كلمةً للمرور.".into(),
            (Violation::PasswordContainsEmail, Lang::En) => "Do not use your e-mail address as your password.".into(),
        }
    }
}

/// All problems found in one input, in field order; empty means valid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ValidationErrors(pub Vec<(String, Violation)>);

impl ValidationErrors {
    /// Whether every problem is a conflict with stored state (taken, not allowed from the
    /// current state) rather than with the input's own shape: such input is well formed
    /// and would be accepted against other data, so it is answered 409, not 422.
    pub fn is_conflict(&self) -> bool {
        !self.0.is_empty()
            && self.0.iter().all(|(_, v)| matches!(v, Violation::Taken | Violation::InvalidTransition { .. }))
    }

    pub fn add(&mut self, field: impl Into<String>, v: Violation) {
        self.0.push((field.into(), v));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
    /// The same problems with every field path under `prefix` (a nested object's errors
    /// as its container reports them: `organization.areas[0]`).
    pub fn nested(self, prefix: &str) -> Self {
        ValidationErrors(self.0.into_iter().map(|(f, v)| (format!("{prefix}.{f}"), v)).collect())
    }

    pub fn single(field: impl Into<String>, v: Violation) -> Self {
        let mut e = Self::default();
        e.add(field, v);
        e
    }
    /// Renders every problem for a client speaking `lang`.
    pub fn render(&self, lang: Lang) -> Vec<FieldError> {
        self.0
            .iter()
            .map(|(field, v)| FieldError { field: field.clone(), code: v.code().into(), message: v.message(lang) })
            .collect()
    }

    /// Cleans one free-text field (see [`clean_text`]) and checks its length; a blank
    /// value becomes `None`. Every text a client sends goes through here or
    /// [`ValidationErrors::line`], so no field stores control or bidi-override characters.
    pub fn text(&mut self, field: &str, value: Option<String>, max: usize, multiline: bool) -> Option<String> {
        let v = value?;
        match clean_text(&v, multiline) {
            Ok(t) if t.is_empty() => None,
            Ok(t) => {
                self.check_len(field, Some(&t), max);
                Some(t)
            }
            Err(c) => {
                self.add(field, Violation::InvalidCharacter(c));
                None
            }
        }
    }

    /// [`ValidationErrors::text`] for a required one-line value (names, codes): blank is `Required`.
    pub fn line(&mut self, field: &str, value: &str, max: usize) -> String {
        self.required(field, value, max, false)
    }

    /// A required value of several lines (minutes, a decision): blank is `Required`.
    pub fn paragraphs(&mut self, field: &str, value: &str, max: usize) -> String {
        self.required(field, value, max, true)
    }

    fn required(&mut self, field: &str, value: &str, max: usize, multiline: bool) -> String {
        match clean_text(value, multiline) {
            Ok(t) if t.is_empty() => {
                self.add(field, Violation::Required);
                t
            }
            Ok(t) => {
                self.check_len(field, Some(&t), max);
                t
            }
            Err(c) => {
                self.add(field, Violation::InvalidCharacter(c));
                value.trim().to_owned()
            }
        }
    }

    /// A bilingual name (`name_ar`, `name_en`): each cleaned and at most `max` long, at
    /// least one of the two given, and the Arabic one written in Arabic letters.
    pub fn names(
        &mut self,
        name_ar: Option<String>,
        name_en: Option<String>,
        max: usize,
    ) -> (Option<String>, Option<String>) {
        self.bilingual(("name_ar", "name_en"), name_ar, name_en, max)
    }

    /// A bilingual text in the fields `(Arabic, English)` (names, titles): the rules of
    /// [`ValidationErrors::names`].
    pub fn bilingual(
        &mut self,
        (field_ar, field_en): (&'static str, &'static str),
        ar: Option<String>,
        en: Option<String>,
        max: usize,
    ) -> (Option<String>, Option<String>) {
        let ar = self.text(field_ar, ar, max, false);
        let en = self.text(field_en, en, max, false);
        if ar.is_none() && en.is_none() && !self.0.iter().any(|(f, _)| f == field_ar || f == field_en) {
            self.add(field_ar, Violation::OneOfRequired(field_en));
            self.add(field_en, Violation::OneOfRequired(field_ar));
        }
        if ar.as_ref().is_some_and(|n| !n.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))) {
            self.add(
                field_ar,
                Violation::InvalidFormat("النص العربي يجب أن يحتوي حروفًا عربية / must contain Arabic letters".into()),
            );
        }
        (ar, en)
    }

    /// Checks an optional free-text field's length (in characters).
    pub fn check_len(&mut self, field: &str, value: Option<&str>, max: usize) {
        if let Some(v) = value {
            if v.chars().count() > max {
                self.add(field, Violation::TooLong { max });
            }
        }
    }
}

/// Trims a string and turns an empty one into `None`, so blank inputs mean "absent".
pub fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Invisible characters dropped from text without asking: zero-width space, word joiner,
/// byte-order mark, soft hyphen, the direction marks (LRM, RLM, ALM) and the Mongolian
/// vowel separator. They change nothing a reader sees, but make two equal-looking names
/// differ.
fn is_dropped(c: char) -> bool {
    matches!(c, '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' | '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{180E}')
}

/// Characters no text field may hold: control characters (line breaks and tabs only in
/// multi-line text), the bidirectional embeddings, overrides and isolates that can make
/// text display in another order than it is stored (`adm\u{202E}nimda`), invisible
/// operators, deprecated format controls, interlinear annotations, tag characters and
/// non-characters.
fn is_forbidden(c: char, multiline: bool) -> bool {
    (c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2061}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{FFFE}'
                | '\u{FFFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Makes one text value safe to store and show: refuses control and bidi-override
/// characters (returning the first), drops invisible ones, keeps the zero-width
/// non-joiner and joiner only between two letters (where Arabic and Persian spelling
/// needs them) and trims. One pass, linear in the input.
pub fn clean_text(input: &str, multiline: bool) -> Result<String, char> {
    let chars: Vec<char> = input.chars().filter(|&c| !is_dropped(c)).collect();
    let mut out = String::with_capacity(input.len());
    for (i, &c) in chars.iter().enumerate() {
        if is_forbidden(c, multiline) {
            return Err(c);
        }
        if matches!(c, '\u{200C}' | '\u{200D}') {
            let letter = |j: Option<&char>| j.is_some_and(|c| c.is_alphabetic());
            if !(i > 0 && letter(chars.get(i - 1)) && letter(chars.get(i + 1))) {
                continue;
            }
        }
        out.push(c);
    }
    Ok(out.trim().to_owned())
}

/// A pragmatic email check: one `@`, a dot in the domain, no spaces.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && local.len() <= 64
        && domain.len() >= 3
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        // Printable ASCII only: look-alike letters from other scripts, invisible and
        // direction characters would otherwise make `admin@x.org` and a copy that
        // displays the same into two accounts.
        && email.bytes().all(|b| (0x21..=0x7E).contains(&b))
}

/// A link must be absolute http(s) with a host.
pub fn is_valid_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(r) => {
            let host = r.split(['/', '?', '#']).next().unwrap_or("");
            !host.is_empty() && host.contains('.') && !url.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// Phone numbers: digits with optional leading `+` and separators, 6 to 20 digits.
pub fn is_valid_phone(phone: &str) -> bool {
    let normalized = crate::text::normalize(phone);
    let digits = normalized.chars().filter(|c| c.is_ascii_digit()).count();
    let allowed = phone.chars().enumerate().all(|(i, c)| {
        c.is_ascii_digit()
            || ('٠'..='٩').contains(&c)
            || matches!(c, ' ' | '-' | '(' | ')' | '.')
            || (c == '+' && i == 0)
    });
    allowed && (6..=20).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_best_supported() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, ar;q=0.5, en;q=0.4"), Lang::Ar);
        assert_eq!(Lang::from_accept_language("de"), Lang::Ar);
        assert_eq!(Lang::from_accept_language("en;q=0.2, ar-SD;q=0.8"), Lang::Ar);
    }

    #[test]
    fn email_url_phone() {
        assert!(is_valid_email("amal@example.org"));
        assert!(!is_valid_email("amal@example"));
        assert!(!is_valid_email("a b@example.org"));
        assert!(is_valid_url("https://amal.org/about"));
        assert!(!is_valid_url("javascript:alert(1)"));
        assert!(is_valid_phone("+249 912 345 678"));
        assert!(is_valid_phone("٠٩١٢٣٤٥٦٧٨"));
        assert!(!is_valid_phone("call me"));
    }

    #[test]
    fn look_alike_emails_are_refused() {
        for bad in ["adm\u{202E}in@x.org", "a@x.org\u{200B}", "\u{0430}dmin@x.org", "ａdmin@x.org", "a\u{0}b@x.org"] {
            assert!(!is_valid_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn text_is_cleaned_or_refused() {
        assert_eq!(clean_text("  جمعية\u{200B} الأمل\u{200F} ", false), Ok("جمعية الأمل".into()));
        assert_eq!(clean_text("adm\u{202E}nimda", false), Err('\u{202E}'));
        assert_eq!(clean_text("a\u{2067}b", false), Err('\u{2067}'));
        assert_eq!(clean_text("line\nbreak", false), Err('\n'));
        assert_eq!(clean_text("line\nbreak", true), Ok("line\nbreak".into()));
        assert_eq!(clean_text("bell\u{7}", true), Err('\u{7}'));
        // ZWNJ inside a Persian word stays; at the edges or beside a space it goes.
        assert_eq!(clean_text("می\u{200C}خواهم", false), Ok("می\u{200C}خواهم".into()));
        assert_eq!(clean_text("\u{200C}سلام \u{200D}", false), Ok("سلام".into()));
        assert_eq!(clean_text("\u{200B}\u{FEFF}", false), Ok(String::new()));
    }

    #[test]
    fn text_fields_report_their_problem() {
        let mut e = ValidationErrors::default();
        assert_eq!(e.text("a", Some("  ".into()), 10, false), None);
        assert_eq!(e.text("b", Some("x\u{202E}y".into()), 10, false), None);
        assert_eq!(e.text("c", Some("abcdefghijk".into()), 10, false).as_deref(), Some("abcdefghijk"));
        assert_eq!(e.line("d", "\u{200B}", 10), "");
        let codes: Vec<_> = e.0.iter().map(|(f, v)| (f.as_str(), v.code())).collect();
        assert_eq!(codes, [("b", "invalid_character"), ("c", "too_long"), ("d", "required")]);
    }
}
