//! One line of mixed Arabic and Latin text, laid out the way a reader expects: the
//! Unicode bidi algorithm orders its runs, each run is split by font (Noto Naskh Arabic
//! for Arabic script, Noto Sans for the rest), and rustybuzz shapes each piece (joined
//! letters, lam-alef, mirrored brackets). krilla draws the glyphs with their text, so the
//! PDF's text reads back in logical order.

use std::ops::Range;
use std::sync::OnceLock;

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use unicode_bidi::{BidiInfo, Level};

static NASKH: &[u8] = include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf");
static NASKH_BOLD: &[u8] = include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf");
static SANS: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// A font as both the shaper and the PDF writer need it.
struct Typeface {
    face: Face<'static>,
    font: Font,
}

impl Typeface {
    fn load(data: &'static [u8]) -> Typeface {
        Typeface {
            face: Face::from_slice(data, 0).expect("a font shipped in the repository"),
            font: Font::new(data.into(), 0).expect("a font shipped in the repository"),
        }
    }

    fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some()
    }
}

struct Typefaces {
    naskh: Typeface,
    naskh_bold: Typeface,
    sans: Typeface,
    sans_bold: Typeface,
}

impl Typefaces {
    fn pick(&self, arabic: bool, bold: bool) -> &Typeface {
        match (arabic, bold) {
            (true, false) => &self.naskh,
            (true, true) => &self.naskh_bold,
            (false, false) => &self.sans,
            (false, true) => &self.sans_bold,
        }
    }
}

fn typefaces() -> &'static Typefaces {
    static FACES: OnceLock<Typefaces> = OnceLock::new();
    FACES.get_or_init(|| Typefaces {
        naskh: Typeface::load(NASKH),
        naskh_bold: Typeface::load(NASKH_BOLD),
        sans: Typeface::load(SANS),
        sans_bold: Typeface::load(SANS_BOLD),
    })
}

/// The base direction of a line: Arabic lines are right to left, English ones left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Rtl,
    Ltr,
}

/// How big and how heavy.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub size: f32,
    pub bold: bool,
}

/// A shaped piece of a line, in one font and one direction.
struct Piece {
    arabic: bool,
    bold: bool,
    text: String,
    glyphs: Vec<KrillaGlyph>,
    /// In ems.
    advance: f32,
}

/// A line ready to draw: its pieces in visual order, left to right.
pub struct Line {
    pieces: Vec<Piece>,
    size: f32,
}

/// Bidi controls order the text but draw nothing.
fn is_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06ff}' | '\u{0750}'..='\u{077f}' | '\u{08a0}'..='\u{08ff}' | '\u{fb50}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}')
}

impl Line {
    /// Lays out `text` (logical order) on a line of base direction `dir`.
    pub fn new(text: &str, dir: Dir, style: Style) -> Line {
        let mut pieces = Vec::new();
        let level = if dir == Dir::Rtl { Level::rtl() } else { Level::ltr() };
        let bidi = BidiInfo::new(text, Some(level));
        for para in &bidi.paragraphs {
            let (levels, runs) = bidi.visual_runs(para, para.range.clone());
            for run in runs {
                let rtl = levels[run.start].is_rtl();
                let mut segments = split_by_font(&text[run.clone()], rtl);
                if rtl {
                    segments.reverse();
                }
                for (arabic, s) in segments {
                    pieces.push(shape(&s, arabic, style.bold, rtl));
                }
            }
        }
        Line { pieces, size: style.size }
    }

    /// Width in points.
    pub fn width(&self) -> f32 {
        self.pieces.iter().map(|p| p.advance).sum::<f32>() * self.size
    }

    /// Draws the line with its left end at `x` and its baseline at `y`.
    pub fn draw(&self, surface: &mut Surface, x: f32, y: f32) {
        let mut at = x;
        for p in &self.pieces {
            let face = typefaces().pick(p.arabic, p.bold);
            surface.draw_glyphs(Point::from_xy(at, y), &p.glyphs, face.font.clone(), &p.text, self.size, false);
            at += p.advance * self.size;
        }
    }
}

/// Splits one bidi run (logical order) into pieces of one font each, dropping bidi
/// controls. Neutral characters (spaces, punctuation) stay with the run's own script
/// when its font has them.
fn split_by_font(run: &str, rtl: bool) -> Vec<(bool, String)> {
    let faces = typefaces();
    let mut out: Vec<(bool, String)> = Vec::new();
    for c in run.chars().filter(|c| !is_control(*c)) {
        let arabic = if is_arabic(c) {
            true
        } else if c.is_alphanumeric() {
            !faces.sans.has(c) && faces.naskh.has(c)
        } else if rtl {
            faces.naskh.has(c) || !faces.sans.has(c)
        } else {
            !faces.sans.has(c) && faces.naskh.has(c)
        };
        match out.last_mut() {
            Some((a, s)) if *a == arabic => s.push(c),
            _ => out.push((arabic, c.to_string())),
        }
    }
    out
}

fn shape(text: &str, arabic: bool, bold: bool, rtl: bool) -> Piece {
    let face = &typefaces().pick(arabic, bold).face;
    let mut buffer = UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl { Direction::RightToLeft } else { Direction::LeftToRight });
    let shaped = rustybuzz::shape(face, &[], buffer);
    let upem = face.units_per_em() as f32;
    let mut starts: Vec<usize> = shaped.glyph_infos().iter().map(|g| g.cluster as usize).collect();
    starts.sort_unstable();
    starts.dedup();
    let range = |start: usize| -> Range<usize> {
        let end = starts.iter().copied().find(|s| *s > start).unwrap_or(text.len());
        start..end
    };
    let glyphs: Vec<KrillaGlyph> = shaped
        .glyph_infos()
        .iter()
        .zip(shaped.glyph_positions())
        .map(|(info, pos)| KrillaGlyph {
            glyph_id: GlyphId::new(info.glyph_id),
            text_range: range(info.cluster as usize),
            x_advance: pos.x_advance as f32 / upem,
            x_offset: pos.x_offset as f32 / upem,
            y_offset: pos.y_offset as f32 / upem,
            y_advance: pos.y_advance as f32 / upem,
            location: None,
        })
        .collect();
    let advance = glyphs.iter().map(|g| g.x_advance).sum();
    Piece { arabic, bold, text: text.to_owned(), glyphs, advance }
}

/// Breaks `text` into lines no wider than `max` points, at spaces (a word longer than a
/// line is cut by characters).
pub fn wrap(text: &str, dir: Dir, style: Style, max: f32) -> Vec<String> {
    let fits = |s: &str| Line::new(s, dir, style).width() <= max;
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() { word.to_owned() } else { format!("{current} {word}") };
        if fits(&candidate) {
            current = candidate;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        if fits(word) {
            current = word.to_owned();
        } else {
            for c in word.chars() {
                current.push(c);
                if !fits(&current) {
                    current.pop();
                    lines.push(std::mem::take(&mut current));
                    current.push(c);
                }
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `s` isolated from the text around it (first strong character decides its direction),
/// so a Latin name or a date keeps its order inside an Arabic sentence and the other way.
pub fn isolate(s: &str) -> String {
    format!("\u{2068}{s}\u{2069}")
}

/// `s` isolated as left-to-right (dates, hashes, addresses).
pub fn ltr(s: &str) -> String {
    format!("\u{2066}{s}\u{2069}")
}
