//! Text: the embedded fonts, a font chosen per character, shaping with rustybuzz, lines
//! wrapped to a width (a word longer than the line, such as a 5,000-character address, is
//! broken between characters), and each line drawn in visual order (Unicode BiDi), so that
//! Arabic, Urdu and Hebrew are joined and run right to left while the text stays in logical
//! order for search and copying.

use krilla::geom::Point;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use rustybuzz::{Direction, Face, UnicodeBuffer};
use std::ops::Range;
use unicode_bidi::BidiInfo;

static NOTO_SANS: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Regular.ttf");
static NOTO_SANS_BOLD: &[u8] = include_bytes!("../../../../assets/fonts/NotoSans-Bold.ttf");
static NOTO_SANS_ARABIC: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansArabic-Regular.ttf");
static NOTO_SANS_HEBREW: &[u8] = include_bytes!("../../../../assets/fonts/NotoSansHebrew-Regular.ttf");
static DROID_SANS_FALLBACK: &[u8] = include_bytes!("../../../../assets/fonts/DroidSansFallbackFull.ttf");
static NOTO_EMOJI: &[u8] = include_bytes!("../../../../assets/fonts/NotoEmoji-Regular.ttf");

/// The emoji font's place in [`Fonts::load`]'s list.
const EMOJI: usize = 4;

struct FontFace {
    krilla: Font,
    face: Face<'static>,
    units_per_em: f32,
}

impl FontFace {
    fn load(bytes: &'static [u8]) -> FontFace {
        let face = Face::from_slice(bytes, 0).expect("an embedded font parses");
        let units_per_em = face.units_per_em() as f32;
        let krilla = Font::new(bytes.into(), 0).expect("an embedded font loads");
        FontFace { krilla, face, units_per_em }
    }

    fn has(&self, c: char) -> bool {
        self.face.glyph_index(c).is_some_and(|g| g.0 != 0)
    }
}

/// A line shaped in visual order: pieces of one font each, left to right.
pub struct ShapedLine {
    pieces: Vec<(usize, String, Vec<KrillaGlyph>, f32)>,
    width: f32,
    size: f32,
    weight: Weight,
}

/// Regular or bold. Bold exists for Latin; other scripts fall back to their regular face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

/// The embedded fonts in the order a character looks for a glyph.
pub struct Fonts {
    regular: Vec<FontFace>,
    bold: FontFace,
}

/// Characters that steer direction: shown as their code point, never obeyed, so that text
/// from a web page cannot reorder what the document says.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Pictographs: drawn from the emoji font whenever it has them, so that a face, a heart or a
/// flag looks the same whichever text it is in.
fn is_pictograph(c: char) -> bool {
    matches!(c, '\u{2300}'..='\u{23FF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{1F000}'..='\u{1FAFF}')
}

/// What joins or changes the emoji before it (the zero-width joiner, the emoji variation
/// selector, skin tones, the keycap, tags): it stays in the emoji's run, so the emoji font
/// draws the sequence as one picture.
fn continues_emoji(c: char) -> bool {
    matches!(c, '\u{200D}' | '\u{FE0F}' | '\u{20E3}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}')
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

impl Fonts {
    pub fn load() -> Fonts {
        Fonts {
            regular: [NOTO_SANS, NOTO_SANS_ARABIC, NOTO_SANS_HEBREW, DROID_SANS_FALLBACK, NOTO_EMOJI]
                .into_iter()
                .map(FontFace::load)
                .collect(),
            bold: FontFace::load(NOTO_SANS_BOLD),
        }
    }

    fn face(&self, index: usize, weight: Weight) -> &FontFace {
        match (index, weight) {
            (0, Weight::Bold) => &self.bold,
            _ => &self.regular[index],
        }
    }

    /// Which font draws `c`, if any does.
    fn font_for(&self, c: char) -> Option<usize> {
        self.regular.iter().position(|f| f.has(c))
    }

    /// The text as it can be drawn: line breaks and tabs become spaces; a character no
    /// embedded font has, a control character and a direction control become their code
    /// point in brackets (`[U+202E]`), so nothing is dropped and nothing hidden steers the
    /// text. (PDF/A forbids drawing the missing-glyph box.)
    pub fn drawable(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for c in text.chars() {
            if c == '\t' || c == '\n' || c == '\r' {
                out.push(' ');
            } else if c == ' ' || (!c.is_control() && !is_bidi_control(c) && self.font_for(c).is_some()) {
                out.push(c);
            } else {
                out.push_str(&format!("[U+{:04X}]", c as u32));
            }
        }
        out
    }

    /// Splits `text` into runs of one font (byte ranges). Only letters of a strong direction
    /// choose a font: spaces, punctuation (an Arabic comma as much as a full stop), digits and
    /// marks stay in the run they are in when its font has them, so that a run of one script
    /// is shaped, and read back, as one.
    fn font_runs(&self, text: &str) -> Vec<(Range<usize>, usize)> {
        use unicode_bidi::BidiClass::{AL, L, R};
        let mut runs: Vec<(Range<usize>, usize)> = Vec::new();
        for (i, c) in text.char_indices() {
            let neutral = !matches!(unicode_bidi::bidi_class(c), L | R | AL);
            let font = match runs.last() {
                _ if is_pictograph(c) && self.regular[EMOJI].has(c) => EMOJI,
                Some((_, EMOJI)) if continues_emoji(c) && self.regular[EMOJI].has(c) => EMOJI,
                // A space or a comma after an emoji goes back to the text's own font.
                Some((_, current)) if neutral && *current != EMOJI && self.regular[*current].has(c) => *current,
                _ => self.font_for(c).unwrap_or(0),
            };
            match runs.last_mut() {
                Some((range, current)) if *current == font => range.end = i + c.len_utf8(),
                _ => runs.push((i..i + c.len_utf8(), font)),
            }
        }
        runs
    }

    fn shape(&self, font: usize, weight: Weight, text: &str, rtl: Option<bool>) -> rustybuzz::GlyphBuffer {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        match rtl {
            Some(true) => buffer.set_direction(Direction::RightToLeft),
            Some(false) => buffer.set_direction(Direction::LeftToRight),
            None => {}
        }
        rustybuzz::shape(&self.face(font, weight).face, &[], buffer)
    }

    /// Each character's advance at `size` (the advance of a cluster goes to its first
    /// character), from one shaping pass per font run.
    fn advances(&self, text: &str, size: f32, weight: Weight) -> Vec<(usize, f32)> {
        let mut widths: Vec<(usize, f32)> = text.char_indices().map(|(i, _)| (i, 0.0)).collect();
        let index_of = |byte: usize, widths: &Vec<(usize, f32)>| widths.binary_search_by_key(&byte, |w| w.0).ok();
        for (range, font) in self.font_runs(text) {
            let shaped = self.shape(font, weight, &text[range.clone()], None);
            let units = self.face(font, weight).units_per_em;
            for (info, position) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
                if let Some(k) = index_of(range.start + info.cluster as usize, &widths) {
                    widths[k].1 += position.x_advance as f32 / units * size;
                }
            }
        }
        widths
    }

    /// The width of `text` on one line.
    pub fn measure(&self, text: &str, size: f32, weight: Weight) -> f32 {
        self.advances(text, size, weight).iter().map(|w| w.1).sum()
    }

    /// `text` (already drawable) wrapped into lines no wider than `width`: breaks after
    /// spaces and around CJK characters; a word wider than a line is broken between
    /// characters. Every character is on some line, trailing spaces trimmed.
    pub fn wrap(&self, text: &str, size: f32, weight: Weight, width: f32) -> Vec<String> {
        let advances = self.advances(text, size, weight);
        let mut lines = Vec::new();
        let mut line_start = 0; // index into advances
        let mut line_width = 0.0;
        let mut last_break: Option<(usize, f32)> = None; // a break before advances[k], width up to it
        let mut k = 0;
        let chars: Vec<char> = text.chars().collect();
        while k < advances.len() {
            let c = chars[k];
            let w = advances[k].1;
            if k > line_start {
                let previous = chars[k - 1];
                if (previous.is_whitespace() && !c.is_whitespace()) || is_cjk(c) || is_cjk(previous) {
                    last_break = Some((k, line_width));
                }
            }
            if line_width + w > width && !c.is_whitespace() && k > line_start {
                let cut = match last_break {
                    Some((at, _)) if at > line_start => at,
                    _ => k,
                };
                lines.push(Self::slice(text, &advances, line_start, cut));
                line_start = cut;
                line_width = advances[cut..k].iter().map(|a| a.1).sum();
                last_break = None;
            }
            line_width += w;
            k += 1;
        }
        if line_start < advances.len() || lines.is_empty() {
            lines.push(Self::slice(text, &advances, line_start, advances.len()));
        }
        lines
    }

    fn slice(text: &str, advances: &[(usize, f32)], from: usize, to: usize) -> String {
        let start = advances.get(from).map_or(text.len(), |a| a.0);
        let end = advances.get(to).map_or(text.len(), |a| a.0);
        text[start..end].trim_end().to_string()
    }

    /// Whether a paragraph runs right to left: it has right-to-left letters and no
    /// left-to-right ones. A name in Arabic on its own is aligned right; the same name inside
    /// an English sentence ("2. محمد عبد الله (associate)") stays in an English line.
    pub fn is_rtl(text: &str) -> bool {
        use unicode_bidi::BidiClass::{AL, L, R};
        let mut rtl = false;
        for c in text.chars() {
            match unicode_bidi::bidi_class(c) {
                L => return false,
                R | AL => rtl = true,
                _ => {}
            }
        }
        rtl
    }

    /// Shapes one line (drawable text) in visual order: for a right-to-left paragraph when
    /// `rtl`. Shaping needs no page, so lines can be shaped in parallel before drawing.
    pub fn shape_line(&self, line: &str, size: f32, weight: Weight, rtl: bool) -> ShapedLine {
        let level = if rtl { unicode_bidi::Level::rtl() } else { unicode_bidi::Level::ltr() };
        let bidi = BidiInfo::new(line, Some(level));
        let mut pieces = Vec::new();
        let mut width = 0.0;
        for paragraph in &bidi.paragraphs {
            let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
            for run in runs {
                let rtl = levels[run.start].is_rtl();
                let segment = &line[run.clone()];
                let mut font_runs = self.font_runs(segment);
                if rtl {
                    font_runs.reverse();
                }
                for (range, font) in font_runs {
                    let piece = &segment[range];
                    let (glyphs, piece_width) = self.glyphs(font, weight, piece, rtl, size);
                    width += piece_width;
                    pieces.push((font, piece.to_string(), glyphs, piece_width));
                }
            }
        }
        ShapedLine { pieces, width, size, weight }
    }

    /// Draws a shaped line with its left edge at `x`, or its right edge at `right`; baseline
    /// `y` (y grows downwards).
    pub fn draw_shaped(&self, surface: &mut Surface, x: f32, y: f32, right: Option<f32>, line: &ShapedLine) {
        let mut pen = match right {
            Some(right) => right - line.width,
            None => x,
        };
        for (font, piece, glyphs, width) in &line.pieces {
            surface.draw_glyphs(
                Point::from_xy(pen, y),
                glyphs,
                self.face(*font, line.weight).krilla.clone(),
                piece,
                line.size,
                false,
            );
            pen += width;
        }
    }

    /// Shapes and draws one line: see [`Fonts::shape_line`] and [`Fonts::draw_shaped`]; a
    /// line drawn against `right` is a right-to-left paragraph's.
    pub fn draw_line(
        &self,
        surface: &mut Surface,
        position: (f32, f32),
        right: Option<f32>,
        size: f32,
        weight: Weight,
        line: &str,
    ) {
        let shaped = self.shape_line(line, size, weight, right.is_some());
        self.draw_shaped(surface, position.0, position.1, right, &shaped);
    }

    fn glyphs(&self, font: usize, weight: Weight, text: &str, rtl: bool, size: f32) -> (Vec<KrillaGlyph>, f32) {
        let shaped = self.shape(font, weight, text, Some(rtl));
        let units = self.face(font, weight).units_per_em;
        let infos = shaped.glyph_infos();
        let positions = shaped.glyph_positions();
        let mut starts: Vec<usize> = infos.iter().map(|i| i.cluster as usize).collect();
        starts.sort_unstable();
        starts.dedup();
        let mut width = 0.0;
        let glyphs = infos
            .iter()
            .zip(positions)
            .map(|(info, position)| {
                let start = info.cluster as usize;
                let end = match starts.binary_search(&start) {
                    Ok(k) if k + 1 < starts.len() => starts[k + 1],
                    _ => text.len(),
                };
                width += position.x_advance as f32 / units * size;
                KrillaGlyph::new(
                    GlyphId::new(info.glyph_id),
                    position.x_advance as f32 / units,
                    position.x_offset as f32 / units,
                    position.y_offset as f32 / units,
                    position.y_advance as f32 / units,
                    start..end,
                    None,
                )
            })
            .collect();
        (glyphs, width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_european_scripts_arabic_and_hebrew_need_no_marker() {
        let fonts = Fonts::load();
        for name in ["Siân Llŷr", "Jan Łukasiewicz", "Seán Ó Briain", "Zofia Wiśniewska", "محمد عبد الله", "שרה כהן"]
        {
            assert_eq!(fonts.drawable(name), name);
        }
        assert_eq!(fonts.drawable("護理記錄"), "護理記錄", "CJK has the fallback font");
    }

    #[test]
    fn punctuation_inside_a_script_stays_in_that_script_s_run() {
        let fonts = Fonts::load();
        // Noto Sans has the guillemets too; they must not split the Arabic run in three.
        let text = "محمد «علي»، ٪";
        assert_eq!(fonts.font_runs(text), vec![(0..text.len(), 1)]);
        // Letters still choose: Latin after Arabic starts a run of its own.
        let mixed = "محمد (Ali)";
        let runs: Vec<usize> = fonts.font_runs(mixed).into_iter().map(|r| r.1).collect();
        assert_eq!(runs, vec![1, 0]);
    }

    #[test]
    fn uncovered_controls_and_direction_overrides_become_visible_code_points() {
        let fonts = Fonts::load();
        assert_eq!(fonts.drawable("a\u{202E}b"), "a[U+202E]b");
        assert_eq!(fonts.drawable("간호"), "[U+AC04][U+D638]");
        assert_eq!(fonts.drawable("x\u{7}y\nz"), "x[U+0007]y z");
    }

    #[test]
    fn wrapping_keeps_every_character_and_fits_the_width() {
        let fonts = Fonts::load();
        let url = format!("https://example.org/{}", "a1b2c3d4e5/".repeat(455));
        let lines = fonts.wrap(&url, 9.0, Weight::Regular, 300.0);
        assert!(lines.len() > 20);
        assert_eq!(lines.concat(), url);
        for line in &lines {
            assert!(fonts.measure(line, 9.0, Weight::Regular) <= 300.5, "{line}");
        }
        let words = "The quick brown fox jumps over the lazy dog ".repeat(20);
        let lines = fonts.wrap(words.trim_end(), 11.0, Weight::Regular, 200.0);
        assert_eq!(lines.join(" "), words.trim_end());
        assert!(lines.iter().all(|l| !l.starts_with(' ') && fonts.measure(l, 11.0, Weight::Regular) <= 200.5));
    }

    #[test]
    fn arabic_is_right_to_left_and_latin_is_not() {
        assert!(Fonts::is_rtl("محمد عبد الله"));
        assert!(!Fonts::is_rtl("Jan محمد"));
        assert!(!Fonts::is_rtl("2. محمد عبد الله (associate)"));
        assert!(Fonts::is_rtl("2. محمد"));
    }
}
