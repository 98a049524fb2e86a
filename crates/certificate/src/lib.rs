//! A confirmed partnership's certificate: one A4 page in Arabic and English with its
//! title, parties, roles and the date each party confirmed, its state, the hash of its
//! record in the audit chain, and a QR code of the public page that verifies it. The
//! fonts (Noto, OFL) are compiled in, so nothing is fetched; labels come from the
//! dashboard's translation files, so the certificate and the screens say the same.

mod text;

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::Document;
use tashbeek_domain::partnership::{Partnership, PartyState};

use crate::text::{isolate, ltr, wrap, Dir, Line, Style};

/// What a certificate shows besides the partnership itself.
pub struct Certificate<'a> {
    pub partnership: &'a Partnership,
    /// SHA-256 (hex) of the newest audit row about the partnership when it was issued.
    pub hash: &'a str,
    /// The public verification page's address (the QR code's content).
    pub url: &'a str,
    pub issued_at: DateTime<Utc>,
}

/// Why a certificate could not be drawn (a bug, not bad input: every input has a page).
#[derive(Debug)]
pub struct RenderError(String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "certificate: {}", self.0)
    }
}

impl std::error::Error for RenderError {}

const W: f32 = 595.28;
const H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const INK: (u8, u8, u8) = (26, 26, 26);
const MUTED: (u8, u8, u8) = (90, 90, 90);
const ACCENT: (u8, u8, u8) = (20, 97, 79);

fn labels(lang: &str) -> &'static HashMap<String, String> {
    static AR: OnceLock<HashMap<String, String>> = OnceLock::new();
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    if lang == "ar" {
        AR.get_or_init(|| serde_json::from_str(include_str!("../../../frontend/locales/ar.json")).unwrap_or_default())
    } else {
        EN.get_or_init(|| serde_json::from_str(include_str!("../../../frontend/locales/en.json")).unwrap_or_default())
    }
}

fn t(lang: &str, key: &str) -> String {
    labels(lang).get(key).cloned().unwrap_or_else(|| key.to_owned())
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Renders the certificate as a PDF.
pub fn render(c: &Certificate) -> Result<Vec<u8>, RenderError> {
    let p = c.partnership;
    let mut doc = Document::new();
    let title = p.title_ar.clone().or_else(|| p.title_en.clone()).unwrap_or_default();
    let at = c.issued_at;
    doc.set_metadata(
        Metadata::new()
            .title(format!("{} — {}", t("ar", "certificate.heading"), title))
            .language("ar".into())
            .creator("Tashbeek".into())
            .creation_date(
                krilla::metadata::DateTime::new(at.year() as u16)
                    .month(at.month() as u8)
                    .day(at.day() as u8)
                    .hour(at.hour() as u8)
                    .minute(at.minute() as u8)
                    .second(at.second() as u8)
                    .utc_offset_hour(0),
            ),
    );
    let settings = PageSettings::from_wh(W, H).ok_or_else(|| RenderError("page size".into()))?;
    let mut page = doc.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen { surface: &mut surface, y: 0.0 };
    pen.draw(c)?;
    surface.finish();
    page.finish();
    doc.finish().map_err(|e| RenderError(format!("{e:?}")))
}

/// A paragraph's box: its width, the distance between baselines, and how many lines it
/// may take.
#[derive(Clone, Copy)]
struct Block {
    width: f32,
    leading: f32,
    lines: usize,
}

/// Draws top to bottom; `y` is the next baseline.
struct Pen<'s, 'a> {
    surface: &'s mut Surface<'a>,
    y: f32,
}

#[derive(Clone, Copy)]
enum Align {
    Center,
    /// The Arabic column: right-aligned at `x`.
    Right(f32),
    /// The English column: left-aligned at `x`.
    Left(f32),
}

impl Pen<'_, '_> {
    fn color(&mut self, (r, g, b): (u8, u8, u8)) {
        self.surface.set_fill(Some(Fill { paint: rgb::Color::new(r, g, b).into(), ..Default::default() }));
    }

    fn text_at(&mut self, s: &str, dir: Dir, style: Style, align: Align, y: f32) -> f32 {
        let line = Line::new(s, dir, style);
        let w = line.width();
        let x = match align {
            Align::Center => (W - w) / 2.0,
            Align::Right(x) => x - w,
            Align::Left(x) => x,
        };
        line.draw(self.surface, x, y);
        w
    }

    /// Arabic on the right and English on the left of one line, each cut to `width`.
    fn side_by_side(&mut self, ar: &str, en: &str, style: Style, width: f32) {
        self.text_at(&fit(ar, Dir::Rtl, style, width), Dir::Rtl, style, Align::Right(W - MARGIN), self.y);
        self.text_at(&fit(en, Dir::Ltr, style, width), Dir::Ltr, style, Align::Left(MARGIN), self.y);
    }

    /// A paragraph wrapped to `block.width`, at most `block.lines` lines (the last one cut
    /// with "…").
    fn paragraph(&mut self, s: &str, dir: Dir, style: Style, align: Align, block: Block) {
        let Block { width, leading, lines: max_lines } = block;
        let mut lines = wrap(s, dir, style, width);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = fit(&format!("{last}…"), dir, style, width);
            }
        }
        for l in lines {
            self.text_at(&l, dir, style, align, self.y);
            self.y += leading;
        }
    }

    /// Strokes what `build` draws (and fills nothing).
    fn stroke(&mut self, color: (u8, u8, u8), width: f32, build: impl FnOnce(&mut PathBuilder)) {
        let mut pb = PathBuilder::new();
        build(&mut pb);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(color.0, color.1, color.2).into(),
                width,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    fn rule(&mut self, y: f32, color: (u8, u8, u8), width: f32) {
        self.stroke(color, width, |pb| {
            pb.move_to(MARGIN, y);
            pb.line_to(W - MARGIN, y);
        });
    }

    fn frame(&mut self) {
        for (inset, width) in [(22.0, 2.0), (28.0, 0.6)] {
            if let Some(rect) = Rect::from_xywh(inset, inset, W - 2.0 * inset, H - 2.0 * inset) {
                self.stroke(ACCENT, width, |pb| pb.push_rect(rect));
            }
        }
    }

    fn qr(&mut self, url: &str, x: f32, y: f32, size: f32) -> Result<(), RenderError> {
        let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)
            .map_err(|e| RenderError(format!("QR code: {e:?}")))?;
        let n = code.width();
        // Four light modules around it: the quiet zone scanners need.
        let module = size / (n as f32 + 8.0);
        let mut pb = PathBuilder::new();
        for (i, color) in code.to_colors().into_iter().enumerate() {
            if color == qrcode::Color::Dark {
                let (col, row) = ((i % n) as f32, (i / n) as f32);
                if let Some(r) = Rect::from_xywh(x + (col + 4.0) * module, y + (row + 4.0) * module, module, module) {
                    pb.push_rect(r);
                }
            }
        }
        if let Some(path) = pb.finish() {
            self.color((0, 0, 0));
            self.surface.draw_path(&path);
        }
        Ok(())
    }

    fn draw(&mut self, c: &Certificate) -> Result<(), RenderError> {
        let p = c.partnership;
        let (right, left) = (Align::Right(W - MARGIN), Align::Left(MARGIN));
        let full = W - 2.0 * MARGIN;
        let half = full / 2.0 - 10.0;
        self.frame();

        self.color(ACCENT);
        self.y = 92.0;
        self.text_at(
            &t("ar", "certificate.heading"),
            Dir::Rtl,
            Style { size: 26.0, bold: true },
            Align::Center,
            self.y,
        );
        self.y += 28.0;
        self.text_at(
            &t("en", "certificate.heading"),
            Dir::Ltr,
            Style { size: 15.0, bold: true },
            Align::Center,
            self.y,
        );
        self.y += 18.0;
        self.color(MUTED);
        self.text_at("تشبيك · Tashbeek", Dir::Rtl, Style { size: 9.0, bold: false }, Align::Center, self.y);
        self.y += 34.0;

        self.color(INK);
        if let Some(title) = &p.title_ar {
            self.paragraph(
                title,
                Dir::Rtl,
                Style { size: 17.0, bold: true },
                Align::Center,
                Block { width: full, leading: 27.0, lines: 2 },
            );
        }
        if let Some(title) = &p.title_en {
            self.paragraph(
                title,
                Dir::Ltr,
                Style { size: 14.0, bold: true },
                Align::Center,
                Block { width: full, leading: 20.0, lines: 2 },
            );
        }
        self.y += 4.0;
        let kind = format!("partnerships.kind.{}", p.kind.as_str());
        self.color(MUTED);
        let small = Style { size: 10.5, bold: false };
        for (lang, dir) in [("ar", Dir::Rtl), ("en", Dir::Ltr)] {
            let line = span(p, lang).into_iter().fold(t(lang, &kind), |k, s| format!("{k} · {s}"));
            self.text_at(&line, dir, small, Align::Center, self.y);
            self.y += 16.0;
        }
        self.y -= 16.0;
        self.y += 26.0;

        // The parties: Arabic on the right, English on the left, one row each.
        self.color(ACCENT);
        let head = Style { size: 12.0, bold: true };
        let compact = p.parties.len() > 9;
        let heading = if compact { "certificate.parties_dated" } else { "certificate.parties" };
        self.side_by_side(&t("ar", heading), &t("en", heading), head, half);
        self.rule(self.y + 6.0, ACCENT, 0.8);
        self.y += 24.0;
        let name_style = Style { size: if compact { 9.5 } else { 11.5 }, bold: true };
        let detail = Style { size: if compact { 8.5 } else { 9.5 }, bold: false };
        for party in &p.parties {
            let name_ar = party.name_ar.as_deref().or(party.name_en.as_deref()).unwrap_or("");
            let name_en = party.name_en.as_deref().or(party.name_ar.as_deref()).unwrap_or("");
            let role = format!("partnerships.role.{}", party.role.as_str());
            let (when_ar, when_en) = match (party.state, party.answered_at) {
                (PartyState::Confirmed, Some(at)) => (
                    format!("{} {}", t("ar", "certificate.confirmed_on"), ltr(&date(at.date_naive()))),
                    format!("{} {}", t("en", "certificate.confirmed_on"), date(at.date_naive())),
                ),
                (state, _) => (
                    t("ar", &format!("partnerships.state.{}", state.as_str())),
                    t("en", &format!("partnerships.state.{}", state.as_str())),
                ),
            };
            let detail_ar = format!("{} · {}", t("ar", &role), when_ar);
            let detail_en = format!("{} · {}", t("en", &role), when_en);
            // On a crowded page the date stands alone: the heading says what it is.
            let day =
                party.answered_at.filter(|_| party.state == PartyState::Confirmed).map(|at| date(at.date_naive()));
            let (short_ar, short_en) = match &day {
                Some(d) => (format!("{} · {}", t("ar", &role), ltr(d)), format!("{} · {d}", t("en", &role))),
                None => (detail_ar.clone(), detail_en.clone()),
            };
            self.color(INK);
            if compact {
                // One line a side: the name gives way, the role and the date stay whole.
                let ar = with_tail(name_ar, &format!(" — {short_ar}"), Dir::Rtl, detail, half);
                let en = with_tail(name_en, &format!(" — {short_en}"), Dir::Ltr, detail, half);
                self.side_by_side(&ar, &en, detail, half);
                self.y += 14.0;
            } else {
                self.side_by_side(name_ar, name_en, name_style, half);
                self.y += 15.0;
                self.color(MUTED);
                self.side_by_side(&detail_ar, &detail_en, detail, half);
                self.y += 22.0;
            }
        }
        self.rule(self.y - 10.0, (200, 200, 200), 0.5);
        self.y += 10.0;

        // The state, and when every party had confirmed.
        let status = p.status.as_str();
        let state_ar =
            format!("{} {}", t("ar", "certificate.state"), t("ar", &format!("partnerships.status.{status}")));
        let state_en =
            format!("{} {}", t("en", "certificate.state"), t("en", &format!("partnerships.status.{status}")));
        self.color(INK);
        let strong = Style { size: 11.5, bold: true };
        self.side_by_side(&state_ar, &state_en, strong, half);
        self.y += 16.0;
        if let Some(at) = p.confirmed_at.filter(|_| p.ended_at.is_none()) {
            let d = date(at.date_naive());
            self.color(MUTED);
            let ar = format!("{} {}", t("ar", "certificate.all_confirmed"), ltr(&d));
            let en = format!("{} {}", t("en", "certificate.all_confirmed"), d);
            self.side_by_side(&ar, &en, detail, half);
            self.y += 14.0;
        }
        if let Some(ended) = p.ended_at {
            let d = date(ended.date_naive());
            let reason = p.ended_reason.as_deref().unwrap_or("");
            self.color(MUTED);
            let ar = format!("{} {}: {}", t("ar", "certificate.ended_on"), ltr(&d), isolate(reason));
            let en = format!("{} {}: {}", t("en", "certificate.ended_on"), d, isolate(reason));
            let y = self.y;
            self.paragraph(&ar, Dir::Rtl, detail, right, Block { width: half, leading: 13.0, lines: 3 });
            let after_ar = self.y;
            self.y = y;
            self.paragraph(&en, Dir::Ltr, detail, left, Block { width: half, leading: 13.0, lines: 3 });
            self.y = self.y.max(after_ar);
        }

        // The proof: the record's hash and the QR code of its verification page.
        let qr_size = 132.0;
        let top = H - 64.0 - qr_size;
        self.rule(top - 12.0, ACCENT, 0.8);
        self.qr(c.url, MARGIN - 6.0, top, qr_size)?;
        let text_left = MARGIN + qr_size + 6.0;
        let column = W - MARGIN - text_left;
        let r = Align::Right(W - MARGIN);
        let l = Align::Left(text_left);
        self.y = top + 18.0;
        self.color(ACCENT);
        let label = Style { size: 10.0, bold: true };
        self.text_at(&t("ar", "certificate.hash"), Dir::Rtl, label, r, self.y);
        self.text_at(&t("en", "certificate.hash"), Dir::Ltr, label, l, self.y);
        self.y += 15.0;
        self.color(INK);
        let mono = Style { size: 9.5, bold: false };
        let (a, b) = c.hash.split_at(c.hash.len().min(32));
        self.text_at(a, Dir::Ltr, mono, l, self.y);
        self.y += 12.0;
        self.text_at(b, Dir::Ltr, mono, l, self.y);
        self.y += 18.0;
        self.color(MUTED);
        let note = Style { size: 9.0, bold: false };
        self.paragraph(
            &t("ar", "certificate.scan"),
            Dir::Rtl,
            note,
            r,
            Block { width: column, leading: 13.0, lines: 2 },
        );
        self.paragraph(
            &t("en", "certificate.scan"),
            Dir::Ltr,
            note,
            l,
            Block { width: column, leading: 12.0, lines: 2 },
        );
        self.y += 2.0;
        let tiny = Style { size: 7.5, bold: false };
        self.paragraph(c.url, Dir::Ltr, tiny, l, Block { width: column, leading: 10.0, lines: 2 });
        let issued = c.issued_at.format("%Y-%m-%d %H:%M UTC").to_string();
        self.y = H - 44.0;
        let ar = format!("{} {}", t("ar", "certificate.issued"), ltr(&issued));
        let en = format!("{} {}", t("en", "certificate.issued"), issued);
        self.text_at(&ar, Dir::Rtl, tiny, r, self.y);
        self.text_at(&en, Dir::Ltr, tiny, Align::Left(MARGIN), self.y);
        Ok(())
    }
}

/// The partnership's dates in `lang` ("2026-01-01 – 2030-12-31", "From 2026-01-01"), the
/// dates isolated left to right in Arabic.
fn span(p: &Partnership, lang: &str) -> Option<String> {
    let iso = |s: String| if lang == "ar" { ltr(&s) } else { s };
    let d = |day: NaiveDate| iso(date(day));
    match (p.starts_on, p.ends_on) {
        (Some(s), Some(e)) => Some(iso(format!("{} – {}", date(s), date(e)))),
        (Some(s), None) => Some(format!("{} {}", t(lang, "certificate.from"), d(s))),
        (None, Some(e)) => Some(format!("{} {}", t(lang, "certificate.until"), d(e))),
        (None, None) => None,
    }
}

/// `name` (isolated, cut with "…" as needed) followed by `tail`, within `max` points.
fn with_tail(name: &str, tail: &str, dir: Dir, style: Style, max: f32) -> String {
    let room = max - Line::new(tail, dir, style).width();
    format!("{}{tail}", isolate(&fit(name, dir, style, room.max(0.0))))
}

/// `s`, cut with "…" to fit `max` points.
fn fit(s: &str, dir: Dir, style: Style, max: f32) -> String {
    if Line::new(s, dir, style).width() <= max {
        return s.to_owned();
    }
    let chars: Vec<char> = s.chars().collect();
    let (mut lo, mut hi) = (0, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().chain(['…'].iter()).collect();
        if Line::new(&candidate, dir, style).width() <= max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    chars[..lo].iter().chain(['…'].iter()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use tashbeek_domain::partnership::{PartnershipKind, PartnershipStatus, Party, PartyRole};
    use tashbeek_domain::{OrganizationId, PartnershipId};

    fn party(ar: Option<&str>, en: Option<&str>, role: PartyRole) -> Party {
        Party {
            organization_id: OrganizationId::parse("0190c1a2-3b4c-7d5e-8f60-718293a4b5c6").unwrap(),
            name_ar: ar.map(str::to_owned),
            name_en: en.map(str::to_owned),
            role,
            contribution: None,
            value: None,
            state: PartyState::Confirmed,
            answered_at: Some(Utc.with_ymd_and_hms(2026, 11, 25, 9, 30, 0).unwrap()),
            comment: None,
        }
    }

    pub(crate) fn sample(parties: usize) -> Partnership {
        let at = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
        let mut list = vec![
            party(Some("جمعية الهلال للتنمية"), Some("Al-Hilal Development Society"), PartyRole::Lead),
            party(None, Some("Nile Water Partners (NWP)"), PartyRole::Funding),
            party(Some("وزارة التنمية الاجتماعية"), None, PartyRole::Supporting),
        ];
        while list.len() < parties {
            list.push(party(Some("فريق شباب لا للأمية ٢٠٢٦"), Some("Youth Literacy Team 2026"), PartyRole::Implementing));
        }
        list.truncate(parties.max(2));
        Partnership {
            id: PartnershipId::parse("0190c1a2-3b4c-7d5e-8f60-718293a4b5c7").unwrap(),
            title_ar: Some("برنامج المياه النظيفة لمدارس شندي والمتمة (المرحلة 2)".into()),
            title_en: Some("Clean water for the schools of Shendi and Al-Matamma (phase 2)".into()),
            description: None,
            kind: PartnershipKind::JointProgramme,
            sectors: vec![],
            areas: vec![],
            starts_on: NaiveDate::from_ymd_opt(2026, 12, 1),
            ends_on: NaiveDate::from_ymd_opt(2027, 11, 30),
            objectives: vec![],
            parties: list,
            proposed_by: None,
            status: PartnershipStatus::Confirmed,
            confirmed_count: 3,
            confirmed_at: Some(at),
            ended_at: None,
            ended_reason: None,
            terms_version: 1,
            public: true,
            created_at: at,
            updated_at: at,
            version: 3,
        }
    }

    #[test]
    fn a_certificate_is_one_small_pdf_page_for_two_to_twenty_parties() {
        for n in [2, 3, 20] {
            let p = sample(n);
            let hash = "3f".repeat(32);
            let url = format!("https://tashbeek.example.org/verify/{}?hash={hash}", p.id.as_str());
            let pdf =
                render(&Certificate { partnership: &p, hash: &hash, url: &url, issued_at: p.created_at }).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{n} parties");
            assert!(pdf.len() < 150_000, "{n} parties: {} bytes", pdf.len());
            std::fs::write(std::env::temp_dir().join(format!("tashbeek-certificate-{n}.pdf")), &pdf).unwrap();
        }
    }

    #[test]
    fn lines_follow_the_bidi_order_and_wrap_within_their_width() {
        let style = text::Style { size: 12.0, bold: false };
        // Isolated, a date after Arabic words keeps its own order.
        let lines = text::wrap(
            &format!("أكّد في {} وبعده كلمات كثيرة تملأ السطر", text::ltr("2026-11-25")),
            text::Dir::Rtl,
            style,
            120.0,
        );
        assert!(lines.len() > 1, "{lines:?}");
        for l in &lines {
            assert!(text::Line::new(l, text::Dir::Rtl, style).width() <= 120.0, "{l}");
        }
        assert!(fit("Clean water for the schools of Shendi", text::Dir::Ltr, style, 60.0).ends_with('…'));
    }
}
