//! Translations from `locales/*.json`, the active locale (Arabic by default, English
//! one click away, remembered), `lang`/`dir` on `<html>`, and locale-aware dates and
//! numbers (Gregorian, with Hijri beside it when the user asks).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use tashbeek_domain::Lang;
use wasm_bindgen::JsValue;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    Ar,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Ar => "ar",
            Locale::En => "en",
        }
    }
    pub fn dir(self) -> &'static str {
        match self {
            Locale::Ar => "rtl",
            Locale::En => "ltr",
        }
    }
    pub fn lang(self) -> Lang {
        match self {
            Locale::Ar => Lang::Ar,
            Locale::En => Lang::En,
        }
    }
}

type Tables = (HashMap<String, String>, HashMap<String, String>);

thread_local! {
    static TABLES: std::cell::RefCell<Tables> = std::cell::RefCell::new((
        serde_json::from_str(include_str!("../locales/ar.json")).unwrap_or_default(),
        serde_json::from_str(include_str!("../locales/en.json")).unwrap_or_default(),
    ));
}

/// Adds a build's own texts (`locales/<build>.{ar,en}.json`): only the build that shows
/// those screens downloads them.
pub fn add_texts(ar: &str, en: &str) {
    TABLES.with(|t| {
        let mut t = t.borrow_mut();
        t.0.extend(serde_json::from_str::<HashMap<String, String>>(ar).unwrap_or_default());
        t.1.extend(serde_json::from_str::<HashMap<String, String>>(en).unwrap_or_default());
    });
}

/// The text for `key` in `locale`; the key itself when missing (a test keeps the files complete).
pub fn tr(locale: Locale, key: &str) -> String {
    TABLES.with(|t| {
        let t = t.borrow();
        let table = if locale == Locale::Ar { &t.0 } else { &t.1 };
        table.get(key).cloned().unwrap_or_else(|| key.to_owned())
    })
}

const LOCALE_KEY: &str = "tashbeek.locale";
const HIJRI_KEY: &str = "tashbeek.hijri";

/// The UI language and date preferences, provided as context.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
    pub hijri: RwSignal<bool>,
}

impl I18n {
    /// Reads the remembered choices and keeps `<html lang dir>` in step.
    pub fn init() -> I18n {
        let stored = crate::session::storage_get(LOCALE_KEY);
        let locale = RwSignal::new(if stored.as_deref() == Some("en") { Locale::En } else { Locale::Ar });
        let hijri = RwSignal::new(crate::session::storage_get(HIJRI_KEY).as_deref() == Some("1"));
        Effect::new(move |_| {
            let l = locale.get();
            crate::session::storage_set(LOCALE_KEY, l.code());
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", l.code());
                let _ = root.set_attribute("dir", l.dir());
            }
            document().set_title(&tr(l, "app.name"));
        });
        Effect::new(move |_| crate::session::storage_set(HIJRI_KEY, if hijri.get() { "1" } else { "0" }));
        I18n { locale, hijri }
    }

    /// Reactive translation: re-renders when the locale changes.
    pub fn t(&self, key: &str) -> String {
        tr(self.locale.get(), key)
    }

    /// The text for `key` as a signal that follows the locale. Every call site shares this
    /// one type, so a screen's labels cost one instantiation of the view code instead of
    /// one per `move || i18n.t(…)` closure (the wasm budget).
    pub fn text(&self, key: &'static str) -> Signal<String> {
        let locale = self.locale;
        Signal::derive(move || tr(locale.get(), key))
    }

    /// [`I18n::text`] for a key built at run time (`status.{…}`).
    pub fn text_owned(&self, key: String) -> Signal<String> {
        let locale = self.locale;
        Signal::derive(move || tr(locale.get(), &key))
    }

    /// Translation with `{name}` placeholders filled in.
    pub fn t_with(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut s = self.t(key);
        for (k, v) in args {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// Picks the Arabic or English variant of a bilingual value, falling back to the other.
    pub fn pick<'a>(&self, ar: Option<&'a str>, en: Option<&'a str>) -> &'a str {
        match self.locale.get() {
            Locale::Ar => ar.or(en),
            Locale::En => en.or(ar),
        }
        .unwrap_or("")
    }

    /// A date in the user's locale; with Hijri on, the Hijri date follows in brackets.
    pub fn date(&self, at: DateTime<Utc>) -> String {
        let locale = self.locale.get();
        let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
        let opts = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&opts, &"dateStyle".into(), &"long".into());
        let gregorian: String = date.to_locale_date_string(&format!("{}-u-ca-gregory", locale.code()), &opts).into();
        if !self.hijri.get() {
            return gregorian;
        }
        let hijri: String =
            date.to_locale_date_string(&format!("{}-u-ca-islamic-umalqura", locale.code()), &opts).into();
        format!("{gregorian} ({hijri})")
    }

    /// A number with the locale's digits and grouping.
    pub fn number(&self, n: i64) -> String {
        let v = js_sys::Number::from(n as f64);
        v.to_locale_string(self.locale.get().code()).into()
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
