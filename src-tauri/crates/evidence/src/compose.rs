//! Composing the screens of a page taken while scrolling into one lossless full-page PNG.
//!
//! Each screen is the viewport's picture at a known scroll offset. Screens overlap: the page
//! row at each place comes from the first screen that showed it, so a screen adds only the
//! rows below what the screens before it held. Where two screens overlap, their rows are
//! compared and the rows that differ are counted (an animation, or a page that redrew between
//! screens), to be recorded beside the join. No row is resampled or repeated; a screen that
//! starts below the end of the picture so far is refused, since the band between would be
//! missing.

use std::io::Cursor;

use crate::artefact::png_dimensions;

/// One screen: where its top is on the page, in device pixels, and its PNG.
#[derive(Debug, Clone, Copy)]
pub struct Screen<'a> {
    pub top_px: u64,
    pub png: &'a [u8],
}

/// Where a screen was joined to the picture: its rows from `screen_y_px` on went to the
/// picture at `page_y_px`, `rows_px` of them; `overlap_px` of its rows above those were
/// already in the picture, and `overlap_rows_differing` of them differed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Join {
    /// From 0, in the order given.
    pub screen: usize,
    pub page_y_px: u64,
    pub screen_y_px: u32,
    pub rows_px: u32,
    pub overlap_px: u32,
    pub overlap_rows_differing: u32,
}

/// The composed picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub joins: Vec<Join>,
}

/// Why screens could not be composed; `screen` counts from 0.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ComposeError {
    #[error("there are no screens to compose")]
    NoScreens,
    #[error("screen {screen} is not a PNG that can be read: {message}")]
    Decode { screen: usize, message: String },
    #[error("screen {screen}'s {what} differs from screen 0's")]
    Mismatch { screen: usize, what: &'static str },
    #[error(
        "screen {screen} starts at {top_px} px, below the end of the picture so far at {end_px} px: a band would be missing"
    )]
    Gap { screen: usize, top_px: u64, end_px: u64 },
    #[error("the picture would be {height} px tall, more than a PNG can be")]
    TooTall { height: u64 },
    #[error("the composed PNG could not be written: {0}")]
    Encode(String),
}

/// A decoded screen: its header facts and its rows as stored.
struct Decoded {
    height: u32,
    color: png::ColorType,
    depth: png::BitDepth,
    pixels: Vec<u8>,
    row_bytes: usize,
}

fn decode(screen: usize, bytes: &[u8]) -> Result<Decoded, ComposeError> {
    let error = |message: String| ComposeError::Decode { screen, message };
    if png_dimensions(bytes).is_none() {
        return Err(error("no PNG signature and header".into()));
    }
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::IDENTITY);
    decoder.set_ignore_text_chunk(true);
    let mut reader = decoder.read_info().map_err(|e| error(e.to_string()))?;
    let size = reader.output_buffer_size().ok_or_else(|| error("too large".into()))?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(|e| error(e.to_string()))?;
    pixels.truncate(frame.buffer_size());
    let info = reader.info();
    Ok(Decoded {
        height: info.height,
        color: info.color_type,
        depth: info.bit_depth,
        row_bytes: frame.line_size,
        pixels,
    })
}

/// Composes screens, top to bottom as given, into one PNG no taller than `max_height_px`
/// (when given). Every screen must be as wide as the first, in the same colour type and bit
/// depth; the first screen's colour-space chunks are kept.
pub fn compose_screens(screens: &[Screen<'_>], max_height_px: Option<u64>) -> Result<Composed, ComposeError> {
    if screens.is_empty() {
        return Err(ComposeError::NoScreens);
    }
    // The plan, from the headers alone: each screen's rows to add, and the picture's height.
    let mut end: u64 = 0;
    let mut plan = Vec::new();
    let (width, _) = png_dimensions(screens[0].png)
        .ok_or_else(|| ComposeError::Decode { screen: 0, message: "no PNG signature and header".into() })?;
    for (index, screen) in screens.iter().enumerate() {
        let (w, h) = png_dimensions(screen.png)
            .ok_or_else(|| ComposeError::Decode { screen: index, message: "no PNG signature and header".into() })?;
        if w != width {
            return Err(ComposeError::Mismatch { screen: index, what: "width" });
        }
        if screen.top_px > end {
            return Err(ComposeError::Gap { screen: index, top_px: screen.top_px, end_px: end });
        }
        let mut bottom = screen.top_px + u64::from(h);
        if let Some(max) = max_height_px {
            bottom = bottom.min(max);
        }
        if bottom > end {
            let skip = (end - screen.top_px) as u32;
            plan.push((index, end, skip, (bottom - end) as u32));
            end = bottom;
        }
    }
    if end > (1 << 31) - 1 {
        return Err(ComposeError::TooTall { height: end });
    }
    let height = end as u32;

    let first = decode(0, screens[0].png)?;
    let (joined_color, joined_depth) = (first.color, first.depth);
    // Written segmented, at zlib's fastest level, so that a band of its rows can later be
    // lifted out as it is.
    let header = crate::segmented::Header {
        width,
        height,
        color_type: first.color as u8,
        bit_depth: first.depth as u8,
        chunks: crate::segmented::kept_chunks(screens[0].png),
    };
    let encode = |e: crate::segmented::WriteError| ComposeError::Encode(e.to_string());
    let mut joins = Vec::new();
    let out = {
        let mut writer = crate::segmented::SegmentedWriter::new(Vec::new(), header, 1, crate::segmented::Filtering::Up)
            .map_err(encode)?;
        // The screen before, to compare the next screen's overlap with.
        let mut previous: Option<(u64, Decoded)> = None;
        let mut first = Some(first);
        for (index, page_y, skip, rows) in plan {
            let screen = match first.take() {
                Some(first) if index == 0 => first,
                _ => decode(index, screens[index].png)?,
            };
            if (screen.color, screen.depth) != (joined_color, joined_depth) {
                return Err(ComposeError::Mismatch { screen: index, what: "colour type or bit depth" });
            }
            let row = screen.row_bytes;
            let mut differing = 0;
            if let Some((top, before)) = &previous {
                for r in 0..u64::from(skip) {
                    let page_row = screens[index].top_px + r;
                    if page_row < *top || page_row >= top + u64::from(before.height) {
                        continue;
                    }
                    let theirs = &before.pixels[(page_row - top) as usize * row..][..row];
                    let ours = &screen.pixels[r as usize * row..][..row];
                    differing += u32::from(theirs != ours);
                }
            }
            let start = skip as usize * row;
            for line in screen.pixels[start..start + rows as usize * row].chunks(row) {
                writer.write_row(line).map_err(encode)?;
            }
            joins.push(Join {
                screen: index,
                page_y_px: page_y,
                screen_y_px: skip,
                rows_px: rows,
                overlap_px: skip,
                overlap_rows_differing: differing,
            });
            previous = Some((screens[index].top_px, screen));
        }
        writer.finish().map_err(encode)?
    };
    Ok(Composed { png: out, width, height, joins })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An RGB PNG of `height` rows of the page from `top`: each page row its own colour.
    fn screen_png(top: u64, height: u32, width: u32, changed: &[u64]) -> Vec<u8> {
        let mut info = png::Info::with_size(width, height);
        info.color_type = png::ColorType::Rgb;
        info.bit_depth = png::BitDepth::Eight;
        let mut out = Vec::new();
        let mut writer = png::Encoder::with_info(&mut out, info).unwrap().write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..u64::from(height) {
            let page_y = top + y;
            for x in 0..width {
                let redrawn = u8::from(changed.contains(&page_y));
                data.extend([(page_y % 256) as u8, (page_y / 256) as u8, x as u8 ^ redrawn]);
            }
        }
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    fn rows_of(png_bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut decoder = png::Decoder::new(Cursor::new(png_bytes));
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        (frame.width, frame.height, buf)
    }

    fn page_rows(from: u64, to: u64, width: u32) -> Vec<u8> {
        (from..to).flat_map(|y| (0..width).flat_map(move |x| [(y % 256) as u8, (y / 256) as u8, x as u8])).collect()
    }

    #[test]
    fn overlapping_screens_make_every_page_row_once_in_place() {
        // A 300-row page seen through a 100-row viewport, 20 rows of overlap, the last screen
        // scrolled only as far as the page goes.
        let tops = [0u64, 80, 160, 200];
        let pngs: Vec<Vec<u8>> = tops.iter().map(|&top| screen_png(top, 100, 5, &[])).collect();
        let screens: Vec<Screen> = tops.iter().zip(&pngs).map(|(&top_px, png)| Screen { top_px, png }).collect();
        let composed = compose_screens(&screens, None).unwrap();
        assert_eq!((composed.width, composed.height), (5, 300));
        let (w, h, pixels) = rows_of(&composed.png);
        assert_eq!((w, h), (5, 300));
        assert_eq!(pixels, page_rows(0, 300, 5), "each page row once, at its place");
        // Written segmented: a band of it lifted out as it is holds those page rows.
        let band = crate::segmented::band(&composed.png, 64, 128).expect("segmented");
        assert_eq!(rows_of(&band).2, page_rows(64, 192, 5));
        let joins: Vec<(usize, u64, u32, u32, u32)> = composed
            .joins
            .iter()
            .map(|j| (j.screen, j.page_y_px, j.screen_y_px, j.rows_px, j.overlap_rows_differing))
            .collect();
        assert_eq!(joins, vec![(0, 0, 0, 100, 0), (1, 100, 20, 80, 0), (2, 180, 20, 80, 0), (3, 260, 60, 40, 0)]);
    }

    #[test]
    fn rows_that_differ_where_screens_overlap_are_counted_and_the_first_drawing_kept() {
        let first = screen_png(0, 10, 3, &[]);
        let second = screen_png(6, 10, 3, &[7, 8]);
        let composed =
            compose_screens(&[Screen { top_px: 0, png: &first }, Screen { top_px: 6, png: &second }], None).unwrap();
        assert_eq!(composed.joins[1].overlap_px, 4);
        assert_eq!(composed.joins[1].overlap_rows_differing, 2);
        assert_eq!(rows_of(&composed.png).2, page_rows(0, 16, 3));
    }

    #[test]
    fn a_gap_between_screens_is_refused_and_the_limit_cuts() {
        let a = screen_png(0, 10, 3, &[]);
        let b = screen_png(11, 10, 3, &[]);
        let error =
            compose_screens(&[Screen { top_px: 0, png: &a }, Screen { top_px: 11, png: &b }], None).unwrap_err();
        assert_eq!(error, ComposeError::Gap { screen: 1, top_px: 11, end_px: 10 });
        assert!(error.to_string().contains("a band would be missing"));
        let b = screen_png(10, 10, 3, &[]);
        let cut = compose_screens(&[Screen { top_px: 0, png: &a }, Screen { top_px: 10, png: &b }], Some(15)).unwrap();
        assert_eq!(cut.height, 15);
        assert_eq!(rows_of(&cut.png).2, page_rows(0, 15, 3));
        let narrow = screen_png(10, 10, 2, &[]);
        let error = compose_screens(&[Screen { top_px: 0, png: &a }, Screen { top_px: 10, png: &narrow }], None);
        assert_eq!(error.unwrap_err(), ComposeError::Mismatch { screen: 1, what: "width" });
        assert_eq!(compose_screens(&[], None).unwrap_err(), ComposeError::NoScreens);
    }
}
