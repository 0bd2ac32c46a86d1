//! Archival PDFs for the care record: A4 portrait pages laid out from a few kinds of block
//! (sections, headings, paragraphs, label–value rows, pictures), every page marked at top and
//! bottom and numbered "Page X of Y", an outline entry for each section, metadata in the Info
//! dictionary and in XMP, files attached, produced as PDF/A-3b and checked against it by
//! krilla's validator before a byte is written.
//!
//! Text is shaped (`fonts.rs`); pictures are embedded pixel for pixel, a picture taller than
//! a page as strips of whole rows, one a page (`images.rs`). Nothing here reads a file, a clock or the store: the
//! caller passes the time and the bytes, and gets the PDF written to its writer.

mod fonts;
mod images;

use chrono::{DateTime, Datelike, Timelike, Utc};
use krilla::color::rgb;
use krilla::configure::{Archival, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::{Document, SerializeSettings};
use std::io::Write;
use std::sync::Arc;

use fonts::Fonts;
pub use fonts::Weight;
use images::Exhibit;

const PAGE_WIDTH: f32 = 595.276; // A4, in points
const PAGE_HEIGHT: f32 = 841.89;
const MARGIN: f32 = 50.0;
const TOP: f32 = 66.0;
const BOTTOM: f32 = PAGE_HEIGHT - 54.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const LABEL_WIDTH: f32 = 128.0;
const COLUMN_GAP: f32 = 10.0;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("an exhibit cannot be embedded: {0}")]
    Image(String),
    #[error("the PDF cannot be written: {0}")]
    Write(#[from] std::io::Error),
    #[error("the PDF cannot be made: {0}")]
    Internal(String),
}

/// What the document says about itself, on every page and in its metadata.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub title: String,
    /// The organisation that holds the record.
    pub author: String,
    /// The request's reference; also printed at the foot of every page.
    pub subject: String,
    pub keywords: Vec<String>,
    /// The program and its version.
    pub creator: String,
    pub created: DateTime<Utc>,
    /// The protective marking, at the top and bottom of every page.
    pub marking: String,
    /// Printed on every page when the document is not final.
    pub draft: Option<String>,
}

/// A piece of the document, laid out top to bottom.
#[derive(Debug, Clone)]
pub enum Block {
    /// Starts a page; a top-level entry in the outline.
    Section(String),
    /// A heading within a section; an entry under the section in the outline when `outline`.
    Heading { text: String, outline: bool },
    /// Text wrapped to the page; each line break starts a new paragraph.
    Paragraph(String),
    /// Smaller text: digests, notes on the document itself.
    Small(String),
    /// Label and value rows; a value wraps in its column and may run over pages.
    Fields(Vec<(String, String)>),
    /// PNGs one below the other at the width of the page. A PNG that fits on a page is one
    /// image, its data passed through; a taller one is cut into strips of whole rows, one a
    /// page, each its own lossless image whose pixels are exactly its band of the picture's
    /// rows, each with a line saying which rows it holds.
    Picture { caption: String, pngs: Vec<Arc<Vec<u8>>> },
    /// A PNG kept whole on one page: at the page's width when it fits, otherwise drawn smaller
    /// to fit (the image's pixels all there and unchanged: only the size it is drawn at
    /// changes), with a line saying how much smaller and then `exact`, where the picture is
    /// to be had at its own size.
    WholePicture { caption: String, png: Arc<Vec<u8>>, exact: String },
    /// A bar chart drawn in vector paths, kept on one page. Put its figures in a table beside
    /// it: the chart is for the eye, the table for every reader.
    Chart(BarChart),
}

/// A group of bars for each category, a bar for each series, each value printed above its
/// bar, on a scale from 0.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub caption: String,
    /// The series' names, in a key above the chart when there is more than one.
    pub series: Vec<String>,
    /// Each category's label and its value in each series.
    pub categories: Vec<(String, Vec<f64>)>,
}

const RULE_COLOUR: (u8, u8, u8) = (190, 193, 195);
const CHART_HEIGHT: f32 = 140.0;
const CHART_SCALE_WIDTH: f32 = 28.0;
const CHART_LABEL_SIZE: f32 = 7.5;
const CHART_BAR_MAX_WIDTH: f32 = 48.0;
/// GOV.UK blue, orange and green: apart in grey too.
const SERIES_COLOURS: [(u8, u8, u8); 3] = [(29, 112, 184), (244, 119, 56), (0, 112, 60)];

/// The top of a chart's scale: the largest value rounded up to 1, 2 or 5 times a power of ten.
fn scale_top(largest: f64) -> f64 {
    if !(largest.is_finite() && largest > 0.0) {
        return 1.0;
    }
    let power = 10f64.powf(largest.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * power).find(|top| *top >= largest).unwrap_or(10.0 * power)
}

/// A figure as a chart shows it: whole numbers without a point, others to one place.
fn figure(value: f64) -> String {
    if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.1}") }
}

/// A file carried inside the PDF (PDF/A-3 associated file).
#[derive(Debug, Clone)]
pub struct Attachment {
    pub name: String,
    pub media_type: String,
    pub description: String,
    pub bytes: Vec<u8>,
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rendered {
    pub pages: usize,
    /// Image objects in the file: one per PNG, or per strip of a PNG cut into strips.
    pub images: usize,
}

#[derive(Clone, Copy)]
enum Colour {
    Text,
    Quiet,
    Marking,
}

impl Colour {
    fn fill(self) -> Fill {
        let colour = match self {
            Colour::Text => rgb::Color::new(11, 12, 12),
            Colour::Quiet => rgb::Color::new(80, 90, 95),
            Colour::Marking => rgb::Color::new(170, 20, 20),
        };
        Fill { paint: colour.into(), ..Default::default() }
    }
}

enum Op {
    Text {
        x: f32,
        y: f32,
        right: Option<f32>,
        size: f32,
        weight: Weight,
        colour: Colour,
        line: String,
    },
    /// An image object drawn whole, `width` by `height` points.
    Image {
        exhibit: usize,
        x: f32,
        top: f32,
        width: f32,
        height: f32,
    },
    /// A filled rectangle: a rule between rows; a bar, a key or a line of a chart's scale.
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: (u8, u8, u8),
    },
}

struct OutlineEntry {
    level: u8,
    title: String,
    page: usize,
    y: f32,
}

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    outline: Vec<OutlineEntry>,
    /// The image objects this layout draws; `Op::Image` counts from its first.
    exhibits: Vec<Exhibit>,
}

impl Layout<'_> {
    fn page(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("there is a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.page().is_empty() {
            self.new_page();
        }
    }

    /// Lines of wrapped text, each paragraph (line break) on its own; right-to-left
    /// paragraphs aligned right.
    fn text(&mut self, text: &str, size: f32, weight: Weight, colour: Colour, x: f32, width: f32) {
        for paragraph in text.split('\n') {
            let drawable = self.fonts.drawable(paragraph);
            let right = Fonts::is_rtl(&drawable).then_some(x + width);
            for line in self.fonts.wrap(&drawable, size, weight, width) {
                let height = size * 1.45;
                self.room_for(height);
                let y = self.y + size * 1.1;
                self.page().push(Op::Text { x, y, right, size, weight, colour, line });
                self.y += height;
            }
        }
    }

    fn fields(&mut self, rows: &[(String, String)]) {
        let size = 9.5;
        let height = size * 1.45;
        let value_x = MARGIN + LABEL_WIDTH + COLUMN_GAP;
        let value_width = CONTENT_WIDTH - LABEL_WIDTH - COLUMN_GAP;
        for (label, value) in rows {
            let label_lines = self.fonts.wrap(&self.fonts.drawable(label), size, Weight::Bold, LABEL_WIDTH);
            let mut value_lines: Vec<(String, Option<f32>)> = Vec::new();
            for paragraph in value.split('\n') {
                let drawable = self.fonts.drawable(paragraph);
                let right = Fonts::is_rtl(&drawable).then_some(value_x + value_width);
                for line in self.fonts.wrap(&drawable, size, Weight::Regular, value_width) {
                    value_lines.push((line, right));
                }
            }
            self.room_for(height * label_lines.len().max(value_lines.len()).min(3) as f32);
            let y = self.y;
            self.page().push(Op::Rect { x: MARGIN, y, width: CONTENT_WIDTH, height: 0.5, colour: RULE_COLOUR });
            self.y += 2.0;
            for k in 0..label_lines.len().max(value_lines.len()) {
                self.room_for(height);
                let y = self.y + size * 1.1;
                if let Some(line) = label_lines.get(k) {
                    let line = line.clone();
                    self.page().push(Op::Text {
                        x: MARGIN,
                        y,
                        right: None,
                        size,
                        weight: Weight::Bold,
                        colour: Colour::Text,
                        line,
                    });
                }
                if let Some((line, right)) = value_lines.get(k) {
                    let (line, right) = (line.clone(), *right);
                    self.page().push(Op::Text {
                        x: value_x,
                        y,
                        right,
                        size,
                        weight: Weight::Regular,
                        colour: Colour::Text,
                        line,
                    });
                }
                self.y += height;
            }
            self.y += 2.0;
        }
        self.y += 6.0;
    }

    /// One line of text at `x` (or centred on `x`), baseline `y`, on the current page.
    fn label(&mut self, text: &str, x: f32, y: f32, size: f32, centred: bool) {
        let line = self.fonts.drawable(text);
        let x = if centred { x - self.fonts.measure(&line, size, Weight::Regular) / 2.0 } else { x };
        let op = Op::Text { x, y, right: None, size, weight: Weight::Regular, colour: Colour::Text, line };
        self.page().push(op);
    }

    /// Each category's label, wrapped to its slot, and the chart's whole height. When the
    /// labels do not fit their slots whole (no word broken, two lines at most), every second,
    /// third… category is labelled, across as many slots; the table beside the chart has them all.
    fn chart_labels(&self, chart: &BarChart) -> (Vec<Vec<String>>, f32) {
        let count = chart.categories.len().max(1);
        let slot = (CONTENT_WIDTH - CHART_SCALE_WIDTH) / count as f32;
        let wrapped = |label: &str, width: f32| -> Option<Vec<String>> {
            let drawable = self.fonts.drawable(label);
            let words_fit = drawable
                .split_whitespace()
                .all(|word| self.fonts.measure(word, CHART_LABEL_SIZE, Weight::Regular) <= width);
            let lines = self.fonts.wrap(&drawable, CHART_LABEL_SIZE, Weight::Regular, width);
            (words_fit && lines.len() <= 2).then_some(lines)
        };
        let labels: Vec<Vec<String>> = (1..=count)
            .find_map(|step| {
                let width = slot * step as f32 - 4.0;
                chart
                    .categories
                    .iter()
                    .enumerate()
                    .map(|(k, (label, _))| if k % step == 0 { wrapped(label, width) } else { Some(Vec::new()) })
                    .collect::<Option<Vec<_>>>()
            })
            .unwrap_or_else(|| {
                let wrap = |label: &str| {
                    self.fonts.wrap(&self.fonts.drawable(label), CHART_LABEL_SIZE, Weight::Regular, slot - 4.0)
                };
                chart.categories.iter().map(|(label, _)| wrap(label)).collect()
            });
        let label_lines = labels.iter().map(Vec::len).max().unwrap_or(0);
        let caption_lines = self.fonts.wrap(&self.fonts.drawable(&chart.caption), 9.0, Weight::Bold, CONTENT_WIDTH);
        let height = caption_lines.len() as f32 * 9.0 * 1.45
            + if chart.series.len() > 1 { 14.0 } else { 0.0 }
            + 12.0
            + CHART_HEIGHT
            + label_lines as f32 * CHART_LABEL_SIZE * 1.3
            + 10.0;
        (labels, height)
    }

    fn chart(&mut self, chart: &BarChart) {
        let label_size = CHART_LABEL_SIZE;
        let line_height = label_size * 1.3;
        let left = MARGIN + CHART_SCALE_WIDTH;
        let slot = (CONTENT_WIDTH - CHART_SCALE_WIDTH) / chart.categories.len().max(1) as f32;
        let (labels, height) = self.chart_labels(chart);
        let label_lines = labels.iter().map(Vec::len).max().unwrap_or(0);
        let key = chart.series.len() > 1;
        self.room_for(height);
        self.text(&chart.caption, 9.0, Weight::Bold, Colour::Quiet, MARGIN, CONTENT_WIDTH);
        if key {
            let mut x = left;
            for (k, name) in chart.series.iter().enumerate() {
                let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
                let y = self.y + 2.0;
                self.page().push(Op::Rect { x, y, width: 8.0, height: 8.0, colour });
                self.label(name, x + 12.0, y + 7.0, label_size, false);
                x += 12.0 + self.fonts.measure(&self.fonts.drawable(name), label_size, Weight::Regular) + 18.0;
            }
            self.y += 14.0;
        }
        let top = self.y + 12.0;
        let base = top + CHART_HEIGHT;
        let largest = chart.categories.iter().flat_map(|(_, values)| values.iter().copied()).fold(0.0, f64::max);
        let scale = scale_top(largest);
        for fraction in [0.0, 0.5, 1.0] {
            let y = base - CHART_HEIGHT * fraction as f32;
            let (height, colour) = if fraction == 0.0 { (0.8, (11, 12, 12)) } else { (0.4, RULE_COLOUR) };
            self.page().push(Op::Rect { x: left, y, width: CONTENT_WIDTH - CHART_SCALE_WIDTH, height, colour });
            let text = figure(scale * fraction);
            let width = self.fonts.measure(&text, label_size, Weight::Regular);
            self.label(&text, left - 4.0 - width, y + 2.5, label_size, false);
        }
        let bars = chart.series.len().max(1);
        let bar = (slot * 0.7 / bars as f32).min(CHART_BAR_MAX_WIDTH);
        for (c, ((_, values), lines)) in chart.categories.iter().zip(&labels).enumerate() {
            let start = left + c as f32 * slot + (slot - bar * bars as f32) / 2.0;
            for (k, value) in values.iter().enumerate().take(bars) {
                let value = if value.is_finite() { value.max(0.0) } else { 0.0 };
                let height = CHART_HEIGHT * (value / scale) as f32;
                let x = start + k as f32 * bar;
                let colour = SERIES_COLOURS[k % SERIES_COLOURS.len()];
                if height > 0.0 {
                    self.page().push(Op::Rect { x: x + 1.0, y: base - height, width: bar - 2.0, height, colour });
                }
                self.label(&figure(value), x + bar / 2.0, base - height - 3.0, 7.0, true);
            }
            let centre = left + c as f32 * slot + slot / 2.0;
            for (i, line) in lines.iter().enumerate() {
                self.label(line, centre, base + 3.0 + (i + 1) as f32 * line_height, label_size, true);
            }
        }
        self.y = base + label_lines as f32 * line_height + 10.0;
    }

    /// The height of `text` wrapped to the page at `size`.
    fn text_height(&self, text: &str, size: f32, weight: Weight) -> f32 {
        text.split('\n')
            .map(|p| self.fonts.wrap(&self.fonts.drawable(p), size, weight, CONTENT_WIDTH).len().max(1))
            .sum::<usize>() as f32
            * size
            * 1.45
    }

    /// Draws exhibit `png` whole at the top of what is left of the page.
    fn image(&mut self, png: &Arc<Vec<u8>>, width: f32, height: f32) -> Result<(), PdfError> {
        self.exhibits.push(Exhibit::new(png.clone())?);
        let (exhibit, top) = (self.exhibits.len() - 1, self.y);
        self.page().push(Op::Image { exhibit, x: MARGIN, top, width, height });
        self.y += height;
        Ok(())
    }

    fn picture(&mut self, caption: &str, pngs: &[Arc<Vec<u8>>]) -> Result<(), PdfError> {
        let sizes = pngs.iter().map(|png| images::size(png)).collect::<Result<Vec<_>, _>>()?;
        let at_page_width = |(width, height): (u32, u32)| height as f32 * CONTENT_WIDTH / width as f32;
        let space = BOTTOM - TOP;
        // The caption stays with the picture when both fit on a page, else with its start.
        let caption_height = self.text_height(caption, 9.0, Weight::Bold);
        let first = sizes.first().map_or(0.0, |s| at_page_width(*s));
        self.room_for(caption_height + if caption_height + first <= space { first } else { 160.0 });
        self.text(caption, 9.0, Weight::Bold, Colour::Quiet, MARGIN, CONTENT_WIDTH);
        for (k, (png, &(width, height))) in pngs.iter().zip(&sizes).enumerate() {
            let name = if pngs.len() > 1 {
                format!("{caption}: tile {} of {}", k + 1, pngs.len())
            } else {
                caption.to_string()
            };
            let drawn = at_page_width((width, height));
            if drawn <= BOTTOM - self.y + 0.01 {
                self.image(png, CONTENT_WIDTH, drawn)?;
                continue;
            }
            let continued = format!("{name} (continued)");
            if drawn + self.text_height(&continued, 8.0, Weight::Regular) <= space {
                self.new_page();
                self.text(&continued, 8.0, Weight::Regular, Colour::Quiet, MARGIN, CONTENT_WIDTH);
                self.image(png, CONTENT_WIDTH, drawn)?;
                continue;
            }
            // Taller than a page: a strip of whole rows on each page, each its own image, so a
            // viewer decodes only the rows a page shows.
            // The caption's height, as its widest numbers make it.
            let line_height = self.text_height(&strip_line(&name, height, height, height), 8.0, Weight::Regular);
            let rows_per_page = ((space - line_height) * width as f32 / CONTENT_WIDTH).floor() as u32;
            let mut bands = images::Bands::new(png, rows_per_page)?;
            let mut from = 0u32;
            while from < height {
                if BOTTOM - self.y < line_height + 48.0 {
                    self.new_page();
                }
                let room = BOTTOM - self.y - line_height;
                let fit = ((room * width as f32 / CONTENT_WIDTH).floor() as u32).clamp(1, height - from);
                let rows = bands.fitting(fit);
                if rows == 0 {
                    // Not one of a segmented picture's segments fits what is left of the page.
                    if self.page().is_empty() {
                        return Err(PdfError::Image("a band of the picture does not fit on a page".into()));
                    }
                    self.new_page();
                    continue;
                }
                self.text(
                    &strip_line(&name, from + 1, from + rows, height),
                    8.0,
                    Weight::Regular,
                    Colour::Quiet,
                    MARGIN,
                    CONTENT_WIDTH,
                );
                let strip = Arc::new(bands.next(rows)?);
                self.image(&strip, CONTENT_WIDTH, rows as f32 * CONTENT_WIDTH / width as f32)?;
                from += rows;
                if from < height {
                    self.new_page();
                }
            }
        }
        self.y += 8.0;
        Ok(())
    }

    fn whole_picture(&mut self, caption: &str, png: &Arc<Vec<u8>>, exact: &str) -> Result<(), PdfError> {
        let (width, height) = images::size(png)?;
        let at_page_width = height as f32 * CONTENT_WIDTH / width as f32;
        let caption_height = self.text_height(caption, 9.0, Weight::Bold);
        let space = BOTTOM - TOP - caption_height;
        if at_page_width <= space {
            self.room_for(caption_height + at_page_width);
            self.text(caption, 9.0, Weight::Bold, Colour::Quiet, MARGIN, CONTENT_WIDTH);
            self.image(png, CONTENT_WIDTH, at_page_width)?;
        } else {
            let note_height = self.text_height(&scaled_line(100, exact), 8.0, Weight::Regular);
            let scale = (space - note_height) / at_page_width;
            // Rounded down, so that the figure never claims more than was drawn.
            let percent = (scale * 100.0).floor() as u32;
            if !self.page().is_empty() {
                self.new_page();
            }
            self.text(caption, 9.0, Weight::Bold, Colour::Quiet, MARGIN, CONTENT_WIDTH);
            self.text(&scaled_line(percent, exact), 8.0, Weight::Regular, Colour::Quiet, MARGIN, CONTENT_WIDTH);
            self.image(png, CONTENT_WIDTH * scale, at_page_width * scale)?;
        }
        self.y += 8.0;
        Ok(())
    }
}

/// Which rows of a picture a strip holds, counted from 1.
fn strip_line(name: &str, first: u32, last: u32, height: u32) -> String {
    format!("{name}: rows {}–{} of {} px", thousands(first), thousands(last), thousands(height))
}

fn scaled_line(percent: u32, exact: &str) -> String {
    format!("Drawn at {percent}% of the page's width to fit it on one page; {exact}")
}

/// 250000 as "250,000".
fn thousands(n: u32) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn krilla_date(at: DateTime<Utc>) -> krilla::metadata::DateTime {
    krilla::metadata::DateTime::new(u16::try_from(at.year()).unwrap_or(1970))
        .month(at.month() as u8)
        .day(at.day() as u8)
        .hour(at.hour() as u8)
        .minute(at.minute() as u8)
        .second(at.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// Text for the outline and metadata: no control characters.
fn plain(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

/// Lays out blocks from the top of a new page.
fn lay_out<'a>(fonts: &'a Fonts, blocks: &[Block]) -> Result<Layout<'a>, PdfError> {
    let mut layout = Layout { fonts, pages: vec![Vec::new()], y: TOP, outline: Vec::new(), exhibits: Vec::new() };
    for (k, block) in blocks.iter().enumerate() {
        match block {
            Block::Section(title) => {
                if !layout.page().is_empty() {
                    layout.new_page();
                }
                let (page, y) = (layout.pages.len() - 1, layout.y);
                layout.outline.push(OutlineEntry { level: 0, title: plain(title), page, y });
                layout.text(title, 16.0, Weight::Bold, Colour::Text, MARGIN, CONTENT_WIDTH);
                layout.y += 6.0;
            }
            Block::Heading { text, outline } => {
                // A heading stays with what follows it: a chart whole, or the start of the rest.
                let following = match blocks.get(k + 1) {
                    Some(Block::Chart(chart)) => layout.chart_labels(chart).1,
                    _ => 0.0,
                };
                layout.room_for(following.max(40.0) + 20.0);
                layout.y += 6.0;
                if *outline {
                    let (page, y) = (layout.pages.len() - 1, layout.y);
                    layout.outline.push(OutlineEntry { level: 1, title: plain(text), page, y });
                }
                layout.text(text, 12.0, Weight::Bold, Colour::Text, MARGIN, CONTENT_WIDTH);
                layout.y += 3.0;
            }
            Block::Paragraph(text) => {
                layout.text(text, 10.0, Weight::Regular, Colour::Text, MARGIN, CONTENT_WIDTH);
                layout.y += 4.0;
            }
            Block::Small(text) => {
                layout.text(text, 8.0, Weight::Regular, Colour::Quiet, MARGIN, CONTENT_WIDTH);
                layout.y += 3.0;
            }
            Block::Fields(rows) => layout.fields(rows),
            Block::Picture { caption, pngs } => layout.picture(caption, pngs)?,
            Block::WholePicture { caption, png, exact } => layout.whole_picture(caption, png, exact)?,
            Block::Chart(chart) => layout.chart(chart),
        }
    }
    Ok(layout)
}

/// How far [`render_with`] has got, for a caller that shows progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Every block is laid out: the document has this many pages, to be drawn.
    LaidOut { pages: usize },
    /// Every page is drawn: the document is being written.
    Drawn,
}

/// Lays out `blocks`, writes the document to `out`. Fails before writing anything if an
/// exhibit is not a PNG or the document would break a PDF/A-3b rule.
pub fn render(
    info: &DocumentInfo,
    blocks: &[Block],
    attachments: &[Attachment],
    out: &mut dyn Write,
) -> Result<Rendered, PdfError> {
    render_with(info, blocks, attachments, out, &mut |_| {})
}

/// [`render`], telling `stage` as each stage is reached.
pub fn render_with(
    info: &DocumentInfo,
    blocks: &[Block],
    attachments: &[Attachment],
    out: &mut dyn Write,
    stage: &mut dyn FnMut(Stage),
) -> Result<Rendered, PdfError> {
    let timer = std::time::Instant::now();
    let fonts = Fonts::load();
    // Each section starts a page, so sections are laid out apart, in parallel, and joined.
    // Cutting a tall picture into strips happens here too, a section's pictures in its thread.
    let mut sections: Vec<&[Block]> = Vec::new();
    let mut start = 0;
    for (k, block) in blocks.iter().enumerate() {
        if matches!(block, Block::Section(_)) && k > start {
            sections.push(&blocks[start..k]);
            start = k;
        }
    }
    sections.push(&blocks[start..]);
    let laid_out: Vec<Layout> = {
        use rayon::prelude::*;
        sections.par_iter().map(|blocks| lay_out(&fonts, blocks)).collect::<Result<_, _>>()?
    };
    let mut pages: Vec<Vec<Op>> = Vec::new();
    let mut outline = Vec::new();
    let mut exhibits = Vec::new();
    for part in laid_out {
        let offset = pages.len();
        outline.extend(part.outline.into_iter().map(|e| OutlineEntry { page: e.page + offset, ..e }));
        let first = exhibits.len();
        pages.extend(part.pages.into_iter().map(|ops| {
            ops.into_iter()
                .map(|op| match op {
                    Op::Image { exhibit, x, top, width, height } => {
                        Op::Image { exhibit: first + exhibit, x, top, width, height }
                    }
                    other => other,
                })
                .collect()
        }));
        exhibits.extend(part.exhibits);
    }
    let drawn: Vec<krilla::image::Image> = exhibits
        .iter()
        .enumerate()
        .map(|(k, exhibit)| Ok(exhibit.image(u32::try_from(k).map_err(|_| PdfError::Image("too many".into()))?)))
        .collect::<Result<_, PdfError>>()?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, pages = pages.len(), "laid out");
    let total = pages.len();
    stage(Stage::LaidOut { pages: total });

    let configuration = ConfigurationBuilder::new()
        .with_archival_validator(Archival::A3_B)
        .finish()
        .map_err(|e| PdfError::Internal(format!("{e:?}")))?;
    let mut document = Document::new_with(SerializeSettings { configuration, ..Default::default() });
    let created = krilla_date(info.created);
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(plain(&info.title))
            .authors(vec![plain(&info.author)])
            .description(plain(&info.subject))
            .keywords(info.keywords.iter().map(|k| plain(k)).collect())
            .creator(plain(&info.creator))
            .producer(format!("{} (krilla)", plain(&info.creator)))
            .language("en-GB".into())
            .creation_date(created),
    );
    for attachment in attachments {
        let file = EmbeddedFile {
            path: attachment.name.clone(),
            mime_type: MimeType::new(&attachment.media_type),
            description: Some(plain(&attachment.description)),
            association_kind: AssociationKind::Source,
            data: attachment.bytes.clone().into(),
            modification_date: Some(created),
            compress: Some(true),
            location: None,
        };
        if document.embed_file(file).is_none() {
            return Err(PdfError::Internal(format!("two attachments are named {}", attachment.name)));
        }
    }

    // Every line is shaped before any is drawn, in parallel: shaping is most of the work.
    let shaped: Vec<Vec<Option<fonts::ShapedLine>>> = {
        use rayon::prelude::*;
        pages
            .par_iter()
            .map(|ops| {
                ops.iter()
                    .map(|op| match op {
                        Op::Text { right, size, weight, line, .. } => {
                            Some(fonts.shape_line(line, *size, *weight, right.is_some()))
                        }
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    };
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "shaped");
    let marking = fonts.drawable(&info.marking);
    let subject = fonts.drawable(&info.subject);
    let draft = info.draft.as_deref().map(|d| fonts.drawable(d));
    for (number, ops) in pages.iter().enumerate() {
        let mut page = document.start_page_with(PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).expect("A4 is a size"));
        let mut surface = page.surface();
        furniture(&fonts, &mut surface, &marking, &subject, draft.as_deref(), number + 1, total);
        for (op, shaped) in ops.iter().zip(&shaped[number]) {
            draw(&fonts, &mut surface, op, shaped.as_ref(), &drawn);
        }
        surface.finish();
        page.finish();
    }
    stage(Stage::Drawn);
    let mut tree = Outline::new();
    let mut current: Option<OutlineNode> = None;
    for entry in outline {
        let node = OutlineNode::new(entry.title, XyzDestination::new(entry.page, Point::from_xy(0.0, entry.y)));
        match (entry.level, current.as_mut()) {
            (0, _) | (_, None) => {
                if let Some(done) = current.take() {
                    tree.push_child(done);
                }
                current = Some(node.with_open(true));
            }
            (_, Some(parent)) => parent.push_child(node),
        }
    }
    if let Some(done) = current {
        tree.push_child(done);
    }
    document.set_outline(tree);
    let pdf = document.finish().map_err(|e| PdfError::Internal(format!("{e:?}")))?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, bytes = pdf.len(), "written by krilla");
    let images = exhibits.len();
    drop(drawn);
    if exhibits.iter().any(Exhibit::passes_through) {
        let mut swapped = images::swap_placeholders(&pdf, &mut exhibits)?;
        drop(pdf);
        tracing::debug!(ms = timer.elapsed().as_millis() as u64, "pictures put in");
        swapped.save_to(&mut &mut *out).map_err(|e| PdfError::Internal(format!("writing: {e}")))?;
    } else {
        out.write_all(&pdf)?;
    }
    out.flush()?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "saved");
    Ok(Rendered { pages: total, images })
}

/// The marking at top and bottom, the reference and "Page X of Y" at the foot, and DRAFT
/// when the document is not final.
fn furniture(
    fonts: &Fonts,
    surface: &mut Surface,
    marking: &str,
    subject: &str,
    draft: Option<&str>,
    number: usize,
    total: usize,
) {
    let centred = |surface: &mut Surface, y: f32, size: f32, text: &str| {
        let width = fonts.measure(text, size, Weight::Bold);
        fonts.draw_line(surface, ((PAGE_WIDTH - width) / 2.0, y), None, size, Weight::Bold, text);
    };
    surface.set_fill(Some(Colour::Marking.fill()));
    centred(surface, 30.0, 10.0, marking);
    centred(surface, PAGE_HEIGHT - 22.0, 10.0, marking);
    if let Some(draft) = draft {
        centred(surface, 48.0, 11.0, draft);
        centred(surface, PAGE_HEIGHT - 36.0, 9.0, draft);
    }
    surface.set_fill(Some(Colour::Quiet.fill()));
    fonts.draw_line(surface, (MARGIN, PAGE_HEIGHT - 22.0), None, 8.0, Weight::Regular, subject);
    let page = format!("Page {number} of {total}");
    fonts.draw_line(surface, (0.0, PAGE_HEIGHT - 22.0), Some(PAGE_WIDTH - MARGIN), 8.0, Weight::Regular, &page);
}

fn draw(
    fonts: &Fonts,
    surface: &mut Surface,
    op: &Op,
    shaped: Option<&fonts::ShapedLine>,
    images: &[krilla::image::Image],
) {
    match op {
        Op::Text { x, y, right, colour, .. } => {
            surface.set_fill(Some(colour.fill()));
            if let Some(shaped) = shaped {
                fonts.draw_shaped(surface, *x, *y, *right, shaped);
            }
        }
        Op::Rect { x, y, width, height, colour } => {
            surface.set_fill(Some(Fill {
                paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                ..Default::default()
            }));
            if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                let mut path = PathBuilder::new();
                path.push_rect(rect);
                if let Some(path) = path.finish() {
                    surface.draw_path(&path);
                }
            }
        }
        Op::Image { exhibit, x, top, width, height } => {
            let Some(size) = Size::from_wh(*width, *height) else { return };
            surface.push_transform(&Transform::from_translate(*x, *top));
            surface.draw_image(images[*exhibit].clone(), size);
            surface.pop();
        }
    }
}
