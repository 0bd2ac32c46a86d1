//! Joining a full-page screenshot's tiles into one lossless PNG.
//!
//! A very long page is shot in tiles (Chromium will not paint more than 16,384 px at once),
//! each a PNG of the same width. The tiles are joined top to bottom, pixel-exact: each is
//! decoded a row at a time and its rows go straight to a streaming encoder, so the joined
//! image is never held whole in memory, decoded.

use crate::artefact::png_dimensions;
use std::io::{BufWriter, Cursor, Write};

/// The joined image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinedInfo {
    pub width: u32,
    pub height: u32,
    pub tiles: usize,
    /// False when one tile was given and its bytes were written unchanged.
    pub reencoded: bool,
}

/// Why tiles could not be joined; `tile` counts from 0.
#[derive(Debug, thiserror::Error)]
pub enum TileError {
    #[error("there are no tiles to join")]
    NoTiles,
    #[error("tile {tile} is not a PNG that can be read: {message}")]
    Decode { tile: usize, message: String },
    #[error("tile {tile}'s {what} is {found}, but tile 0's is {expected}")]
    Mismatch { tile: usize, what: &'static str, expected: String, found: String },
    #[error("tile {tile}'s {what} differs from tile 0's")]
    Differs { tile: usize, what: &'static str },
    #[error("tile {tile} is {what}, which the join does not take")]
    Unsupported { tile: usize, what: &'static str },
    #[error("the tiles are {height} px tall together, more than a PNG can be")]
    TooTall { height: u64 },
    #[error("the joined PNG could not be written: {0}")]
    Encode(String),
}

/// The largest height (and width) a PNG may have.
const PNG_MAX_DIMENSION: u64 = (1 << 31) - 1;

/// The buffer between the encoder and the writer given.
const STREAM_BUFFER: usize = 1 << 20;

/// How hard the joined picture is compressed; either way it is lossless, and written
/// segmented ([`crate::segmented`]) so that a band of its rows can be lifted out as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effort {
    /// zlib's fastest level, each row filtered Up: quick, since a capture waits on it. One
    /// tile is written as it is.
    #[default]
    Fast,
    /// zlib's level 2, each row filtered Up: the file within a fifth of the browser's full
    /// encoder's on pages of text (adaptive filtering, as libpng chooses, took a tenth off
    /// that in twice the time). One tile is encoded again too.
    Compact,
}

/// Joins PNG tiles top to bottom into one PNG written to `out`, with [`Effort::Fast`].
///
/// Every tile must have the same width, colour type and bit depth (and, if indexed, the same
/// palette and transparency), and none may be animated; the joined image is as wide, with the
/// tiles' heights added, in the same colour type and bit depth, not interlaced, with the first
/// tile's colour-space chunks (sRGB, gAMA, cHRM, iCCP) and pixel size (pHYs).
///
/// One tile is written as it is, its bytes unchanged, once its header has been read.
/// Every tile's header is read before anything is written, so a tile that does not fit is
/// refused before `out` has any of the image; a tile whose image data is damaged is found
/// only as it is decoded, and `out` is then left with part of a PNG.
pub fn join_png_tiles<W: Write>(tiles: &[&[u8]], out: W) -> Result<JoinedInfo, TileError> {
    join_png_tiles_with(tiles, out, Effort::Fast)
}

/// [`join_png_tiles`] with the effort given.
pub fn join_png_tiles_with<W: Write>(tiles: &[&[u8]], mut out: W, effort: Effort) -> Result<JoinedInfo, TileError> {
    let first = *tiles.first().ok_or(TileError::NoTiles)?;
    let header = read_header(0, first)?;
    let info = header.info();
    let (width, color_type, bit_depth) = (info.width, info.color_type, info.bit_depth);

    let mut height = u64::from(info.height);
    for (index, tile) in tiles.iter().enumerate().skip(1) {
        let reader = read_header(index, tile)?;
        let other = reader.info();
        let mismatch =
            |what, expected: String, found: String| TileError::Mismatch { tile: index, what, expected, found };
        if other.width != width {
            return Err(mismatch("width", format!("{width} px"), format!("{} px", other.width)));
        }
        if other.color_type != color_type {
            return Err(mismatch("colour type", format!("{color_type:?}"), format!("{:?}", other.color_type)));
        }
        if other.bit_depth != bit_depth {
            return Err(mismatch("bit depth", format!("{}", bit_depth as u8), format!("{}", other.bit_depth as u8)));
        }
        if other.palette != info.palette {
            return Err(TileError::Differs { tile: index, what: "palette" });
        }
        if other.trns != info.trns {
            return Err(TileError::Differs { tile: index, what: "transparency (tRNS)" });
        }
        height += u64::from(other.height);
    }
    if height > PNG_MAX_DIMENSION {
        return Err(TileError::TooTall { height });
    }
    let height = height as u32;

    if tiles.len() == 1 && effort == Effort::Fast {
        out.write_all(first).map_err(|e| TileError::Encode(e.to_string()))?;
        return Ok(JoinedInfo { width, height, tiles: 1, reencoded: false });
    }

    drop(header);
    // Written segmented, so that a band of its rows can later be lifted out as it is.
    let segmented_header = crate::segmented::Header {
        width,
        height,
        color_type: color_type as u8,
        bit_depth: bit_depth as u8,
        chunks: crate::segmented::kept_chunks(first),
    };
    let (level, filtering) = match effort {
        Effort::Fast => (1, crate::segmented::Filtering::Up),
        Effort::Compact => (2, crate::segmented::Filtering::Up),
    };
    let encode = |e: crate::segmented::WriteError| TileError::Encode(e.to_string());
    let mut writer = crate::segmented::SegmentedWriter::new(
        BufWriter::with_capacity(STREAM_BUFFER, &mut out),
        segmented_header,
        level,
        filtering,
    )
    .map_err(encode)?;

    for (index, tile) in tiles.iter().enumerate() {
        let decode = |e: png::DecodingError| TileError::Decode { tile: index, message: e.to_string() };
        let mut reader = read_header(index, tile)?;
        if reader.info().interlaced {
            // Rows of an interlaced image come in seven passes; decode it whole.
            let size = reader
                .output_buffer_size()
                .ok_or(TileError::Unsupported { tile: index, what: "interlaced and too large" })?;
            let line = reader.info().raw_row_length() - 1;
            let mut image = vec![0; size];
            let frame = reader.next_frame(&mut image).map_err(decode)?;
            for row in image[..frame.buffer_size()].chunks(line) {
                writer.write_row(row).map_err(encode)?;
            }
        } else {
            while let Some(row) = reader.next_row().map_err(decode)? {
                writer.write_row(row.data()).map_err(encode)?;
            }
        }
    }
    writer.finish().map_err(encode)?.flush().map_err(|e| TileError::Encode(e.to_string()))?;
    Ok(JoinedInfo { width, height, tiles: tiles.len(), reencoded: true })
}

/// [`join_png_tiles`] into a new buffer.
pub fn join_png_tiles_to_vec(tiles: &[&[u8]]) -> Result<(Vec<u8>, JoinedInfo), TileError> {
    join_png_tiles_to_vec_with(tiles, Effort::Fast)
}

/// [`join_png_tiles_with`] into a new buffer.
pub fn join_png_tiles_to_vec_with(tiles: &[&[u8]], effort: Effort) -> Result<(Vec<u8>, JoinedInfo), TileError> {
    let capacity = tiles.iter().map(|t| t.len()).sum();
    let mut out = Vec::with_capacity(capacity);
    let info = join_png_tiles_with(tiles, &mut out, effort)?;
    Ok((out, info))
}

/// A tile's reader, its header read, with its samples given as they are stored (no
/// expansion, no stripping).
fn read_header(index: usize, tile: &[u8]) -> Result<png::Reader<Cursor<&[u8]>>, TileError> {
    if png_dimensions(tile).is_none() {
        return Err(TileError::Decode { tile: index, message: "no PNG signature and header".into() });
    }
    let mut decoder = png::Decoder::new(Cursor::new(tile));
    decoder.set_transformations(png::Transformations::IDENTITY);
    decoder.set_ignore_text_chunk(true);
    let reader = decoder.read_info().map_err(|e| TileError::Decode { tile: index, message: e.to_string() })?;
    if reader.info().animation_control.is_some() {
        return Err(TileError::Unsupported { tile: index, what: "an animated PNG" });
    }
    Ok(reader)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An 8-bit PNG whose pixel at (x, y) is `pixel(x, y)`.
    fn tile(
        width: u32,
        height: u32,
        color: png::ColorType,
        interlaced: bool,
        pixel: impl Fn(u32, u32) -> Vec<u8>,
    ) -> Vec<u8> {
        if interlaced {
            return interlaced_tile(width, height, color, pixel);
        }
        encoded(width, height, color, Some(png::SrgbRenderingIntent::Perceptual), png::Compression::Balanced, pixel)
    }

    /// An Adam7-interlaced 8-bit PNG (the `png` crate does not write them), its image data
    /// in stored (uncompressed) DEFLATE blocks.
    fn interlaced_tile(width: u32, height: u32, color: png::ColorType, pixel: impl Fn(u32, u32) -> Vec<u8>) -> Vec<u8> {
        const PASSES: [(u32, u32, u32, u32); 7] =
            [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        let mut raw = Vec::new();
        for (x0, y0, dx, dy) in PASSES {
            if width <= x0 || height <= y0 {
                continue;
            }
            for y in (y0..height).step_by(dy as usize) {
                raw.push(0); // filter: none
                for x in (x0..width).step_by(dx as usize) {
                    raw.extend(pixel(x, y));
                }
            }
        }
        let mut zlib = vec![0x78, 0x01];
        let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
        for (i, block) in blocks.iter().enumerate() {
            zlib.push(u8::from(i + 1 == blocks.len()));
            zlib.extend((block.len() as u16).to_le_bytes());
            zlib.extend((!(block.len() as u16)).to_le_bytes());
            zlib.extend_from_slice(block);
        }
        let (mut a, mut b) = (1u32, 0u32);
        for &byte in &raw {
            a = (a + u32::from(byte)) % 65_521;
            b = (b + a) % 65_521;
        }
        zlib.extend(((b << 16) | a).to_be_bytes());

        let mut ihdr = Vec::new();
        ihdr.extend(width.to_be_bytes());
        ihdr.extend(height.to_be_bytes());
        ihdr.extend([8, color as u8, 0, 0, 1]);
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", zlib), (b"IEND", Vec::new())] {
            png.extend((data.len() as u32).to_be_bytes());
            let start = png.len();
            png.extend_from_slice(kind);
            png.extend_from_slice(&data);
            let crc = crc32(&png[start..]);
            png.extend(crc.to_be_bytes());
        }
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// The decoded image: info and every byte of its pixels.
    fn decode(bytes: &[u8]) -> (png::ColorType, u32, u32, Vec<u8>, Option<png::SrgbRenderingIntent>) {
        let mut decoder = png::Decoder::new(Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::IDENTITY);
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut buf).unwrap();
        buf.truncate(frame.buffer_size());
        let info = reader.info();
        (info.color_type, info.width, info.height, buf, info.srgb)
    }

    /// A colour that differs in every row of the whole page and in every column.
    fn page_pixel(tile_top: u32) -> impl Fn(u32, u32) -> Vec<u8> {
        move |x, y| {
            let page_y = tile_top + y;
            vec![(page_y % 251) as u8, (page_y / 251) as u8, (x * 7) as u8, 255 - (page_y % 13) as u8]
        }
    }

    #[test]
    fn tiles_join_pixel_exact_with_heights_added() {
        let heights = [5u32, 3, 7, 1];
        let mut top = 0;
        let mut tiles = Vec::new();
        for (i, &h) in heights.iter().enumerate() {
            tiles.push(tile(6, h, png::ColorType::Rgba, i == 2, page_pixel(top)));
            top += h;
        }
        let refs: Vec<&[u8]> = tiles.iter().map(Vec::as_slice).collect();
        let (joined, info) = join_png_tiles_to_vec(&refs).unwrap();
        assert_eq!(info, JoinedInfo { width: 6, height: 16, tiles: 4, reencoded: true });
        assert_eq!(png_dimensions(&joined), Some((6, 16)));

        let (color, width, height, pixels, srgb) = decode(&joined);
        assert_eq!((color, width, height), (png::ColorType::Rgba, 6, 16));
        assert_eq!(srgb, Some(png::SrgbRenderingIntent::Perceptual), "the first tile's colour space is kept");
        let expected: Vec<u8> = (0..16).flat_map(|y| (0..6).flat_map(move |x| page_pixel(0)(x, y))).collect();
        assert_eq!(pixels, expected);
        // The seams: the last row of one tile and the first of the next.
        let row = |y: usize| &pixels[y * 6 * 4..(y + 1) * 6 * 4];
        assert_eq!(row(4)[..4], [4, 0, 0, 255 - 4]);
        assert_eq!(row(5)[..4], [5, 0, 0, 255 - 5]);
        assert_eq!(row(7)[4..8], [7, 0, 7, 255 - 7]);
        assert_eq!(row(8)[4..8], [8, 0, 7, 255 - 8]);
        assert_eq!(row(15)[20..24], [15, 0, 35, 255 - 2]);
    }

    #[test]
    fn the_interlaced_test_tile_is_a_good_png() {
        let interlaced = tile(11, 9, png::ColorType::Rgba, true, page_pixel(0));
        let plain = tile(11, 9, png::ColorType::Rgba, false, page_pixel(0));
        let mut decoder = png::Decoder::new(Cursor::new(interlaced.as_slice()));
        decoder.set_transformations(png::Transformations::IDENTITY);
        assert!(decoder.read_info().unwrap().info().interlaced);
        assert_eq!(decode(&interlaced).3, decode(&plain).3);
    }

    #[test]
    fn rgb_tiles_stay_rgb() {
        let rgb = |top: u32| move |x: u32, y: u32| vec![(top + y) as u8, x as u8, 9];
        let a = tile(3, 2, png::ColorType::Rgb, false, rgb(0));
        let b = tile(3, 2, png::ColorType::Rgb, false, rgb(2));
        let (joined, info) = join_png_tiles_to_vec(&[&a, &b]).unwrap();
        assert_eq!((info.width, info.height), (3, 4));
        let (color, _, _, pixels, _) = decode(&joined);
        assert_eq!(color, png::ColorType::Rgb);
        let expected: Vec<u8> = (0..4u8).flat_map(|y| (0..3u8).flat_map(move |x| [y, x, 9])).collect();
        assert_eq!(pixels, expected);
    }

    #[test]
    fn one_tile_is_returned_unchanged() {
        let only = tile(4, 4, png::ColorType::Rgba, false, page_pixel(0));
        let (joined, info) = join_png_tiles_to_vec(&[&only]).unwrap();
        assert_eq!(joined, only);
        assert_eq!(info, JoinedInfo { width: 4, height: 4, tiles: 1, reencoded: false });
    }

    /// A tile as a browser's fast encoder writes it: no filtering, stored blocks.
    fn fast_tile(width: u32, height: u32, pixel: impl FnMut(u32, u32) -> Vec<u8>) -> Vec<u8> {
        encoded(width, height, png::ColorType::Rgb, None, png::Compression::NoCompression, pixel)
    }

    /// An 8-bit, non-interlaced PNG whose pixel at (x, y) is `pixel(x, y)`.
    fn encoded(
        width: u32,
        height: u32,
        color: png::ColorType,
        srgb: Option<png::SrgbRenderingIntent>,
        compression: png::Compression,
        mut pixel: impl FnMut(u32, u32) -> Vec<u8>,
    ) -> Vec<u8> {
        let mut info = png::Info::with_size(width, height);
        info.color_type = color;
        info.bit_depth = png::BitDepth::Eight;
        info.srgb = srgb;
        let mut out = Vec::new();
        let mut encoder = png::Encoder::with_info(&mut out, info).unwrap();
        encoder.set_compression(compression);
        let mut writer = encoder.write_header().unwrap();
        let mut data = Vec::new();
        for y in 0..height {
            for x in 0..width {
                data.extend(pixel(x, y));
            }
        }
        writer.write_image_data(&data).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn with_compact_effort_one_tile_is_encoded_again_smaller_with_the_same_pixels() {
        // Text-like rows: white with dark marks, as a page of a timeline.
        let page = |x: u32, y: u32| if y % 12 < 7 && (x * 7 + y) % 5 == 0 { vec![20, 20, 20] } else { vec![255; 3] };
        let only = fast_tile(300, 200, page);
        let (compact, info) = join_png_tiles_to_vec_with(&[&only], Effort::Compact).unwrap();
        assert_eq!(info, JoinedInfo { width: 300, height: 200, tiles: 1, reencoded: true });
        assert!(compact.len() * 4 < only.len(), "{} bytes against {}", compact.len(), only.len());
        assert_eq!(decode(&compact).3, decode(&only).3);
        // Joined tiles with compact effort: the same pixels as with fast effort, and smaller.
        let below = fast_tile(300, 100, page);
        let (fast, _) = join_png_tiles_to_vec(&[&only, &below]).unwrap();
        let (small, info) = join_png_tiles_to_vec_with(&[&only, &below], Effort::Compact).unwrap();
        assert_eq!((info.height, info.reencoded), (300, true));
        assert_eq!(decode(&small).3, decode(&fast).3);
        assert!(small.len() < fast.len(), "{} bytes against {}", small.len(), fast.len());
        // Both written segmented: their bands can be lifted out without compressing again.
        for joined in [&compact, &fast, &small] {
            assert!(crate::segmented::is_segmented(joined));
        }
        let band = crate::segmented::band(&small, 64, 128).unwrap();
        let line = 300 * 3;
        assert_eq!(decode(&band).3, decode(&fast).3[64 * line..192 * line]);
    }

    #[test]
    fn with_compact_effort_one_tile_of_noise_is_encoded_again_all_the_same() {
        // Noise no encoder can squeeze: written segmented even so, to be cut as it is.
        let mut x = 0x1234_5678u32;
        let noise = fast_tile(64, 130, |_, _| {
            (0..3)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                })
                .collect()
        });
        let (compact, info) = join_png_tiles_to_vec_with(&[&noise], Effort::Compact).unwrap();
        assert!(info.reencoded);
        assert!(crate::segmented::is_segmented(&compact));
        assert_eq!(decode(&compact).3, decode(&noise).3);
        assert!(compact.len() < noise.len() * 102 / 100, "{} bytes against {}", compact.len(), noise.len());
    }

    #[test]
    fn tiles_that_do_not_fit_are_refused_naming_the_tile() {
        let a = tile(4, 2, png::ColorType::Rgba, false, page_pixel(0));
        let narrow = tile(3, 2, png::ColorType::Rgba, false, page_pixel(2));
        let rgb = tile(4, 2, png::ColorType::Rgb, false, |_, _| vec![1, 2, 3]);
        let mut out = Vec::new();
        match join_png_tiles(&[&a, &a, &narrow], &mut out) {
            Err(TileError::Mismatch { tile: 2, what: "width", .. }) => {}
            other => panic!("{other:?}"),
        }
        assert!(out.is_empty(), "nothing is written before every tile's header is read");
        let error = join_png_tiles(&[&a, &rgb], &mut out).unwrap_err();
        assert!(matches!(error, TileError::Mismatch { tile: 1, what: "colour type", .. }), "{error:?}");
        assert_eq!(error.to_string(), "tile 1's colour type is Rgb, but tile 0's is Rgba");
        let error = join_png_tiles(&[&a, b"not a png"], &mut out).unwrap_err();
        assert!(matches!(error, TileError::Decode { tile: 1, .. }), "{error:?}");
        assert!(matches!(join_png_tiles(&[], &mut out), Err(TileError::NoTiles)));
        assert!(out.is_empty());
    }

    #[test]
    fn damaged_image_data_is_an_error_not_a_silent_gap() {
        let a = tile(4, 2, png::ColorType::Rgba, false, page_pixel(0));
        let mut damaged = tile(4, 2, png::ColorType::Rgba, false, page_pixel(2));
        let idat = damaged.windows(4).position(|w| w == b"IDAT").unwrap();
        damaged.truncate(idat + 10);
        let error = join_png_tiles_to_vec(&[&a, &damaged]).unwrap_err();
        assert!(matches!(error, TileError::Decode { tile: 1, .. }), "{error:?}");
    }
}
