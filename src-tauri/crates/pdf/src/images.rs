//! Exhibits, embedded pixel for pixel. krilla can draw an image clipped across many pages but
//! takes only decoded pixels, which it deflates again (about 0.1 s a megabyte). So an 8-bit
//! RGB or grey, non-interlaced PNG is drawn in krilla as a tiny placeholder, unique to the
//! exhibit, and once krilla has finished, lopdf puts the PNG's own compressed data in the
//! placeholder's image object as a `/FlateDecode` stream with PNG predictors: the same bytes,
//! never decoded. Any other PNG (alpha, palette, 16-bit, interlaced) goes through krilla's
//! own lossless path, alpha as a soft mask. A picture taller than a page is cut into bands of
//! whole rows, each encoded as a PNG of its own and embedded the same way.

use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use std::sync::Arc;

use crate::PdfError;

/// The eight bytes every PNG starts with.
const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A PNG's header and compressed image data, read without decoding a pixel.
pub(crate) struct RawPng {
    pub width: u32,
    pub height: u32,
    bit_depth: u8,
    color_type: u8,
    interlace: u8,
    palette_or_transparency: bool,
    /// The IDAT chunks' data, joined: one zlib stream with PNG's filter byte on each row.
    pub idat: Vec<u8>,
}

impl RawPng {
    pub fn parse(data: &[u8]) -> Result<RawPng, PdfError> {
        let bad = |why: &str| PdfError::Image(why.to_string());
        if data.len() < 33 || &data[..8] != SIGNATURE {
            return Err(bad("not a PNG"));
        }
        let mut png = RawPng {
            width: 0,
            height: 0,
            bit_depth: 0,
            color_type: 0,
            interlace: 0,
            palette_or_transparency: false,
            idat: Vec::with_capacity(data.len()),
        };
        let mut header = false;
        let mut at = 8;
        while at + 12 <= data.len() {
            let length = u32::from_be_bytes(data[at..at + 4].try_into().expect("4 bytes")) as usize;
            let kind = &data[at + 4..at + 8];
            let body = data.get(at + 8..at + 8 + length).ok_or_else(|| bad("a PNG chunk is cut short"))?;
            match kind {
                b"IHDR" if length == 13 => {
                    png.width = u32::from_be_bytes(body[0..4].try_into().expect("4 bytes"));
                    png.height = u32::from_be_bytes(body[4..8].try_into().expect("4 bytes"));
                    png.bit_depth = body[8];
                    png.color_type = body[9];
                    png.interlace = body[12];
                    header = true;
                }
                b"IDAT" => png.idat.extend_from_slice(body),
                b"PLTE" | b"tRNS" => png.palette_or_transparency = true,
                b"IEND" => break,
                _ => {}
            }
            at += 12 + length;
        }
        if !header || png.idat.is_empty() || png.width == 0 || png.height == 0 {
            return Err(bad("the PNG has no header or no image data"));
        }
        Ok(png)
    }

    /// The number of colour components when the data can be passed through as it is.
    pub fn pass_through_colours(&self) -> Option<u8> {
        if self.bit_depth != 8 || self.interlace != 0 || self.palette_or_transparency {
            return None;
        }
        match self.color_type {
            0 => Some(1),
            2 => Some(3),
            _ => None,
        }
    }
}

/// Stands in for exhibit `index` while krilla writes the document: 1 × (index + 1) pixels, so
/// that no two placeholders are alike and each is found again by its height.
#[derive(Clone, Hash)]
pub(crate) struct Placeholder {
    index: u32,
    grey: bool,
    pixels: Arc<Vec<u8>>,
}

impl Placeholder {
    pub fn image(index: u32, grey: bool) -> Image {
        let pixels = vec![0x80; (index as usize + 1) * if grey { 1 } else { 3 }];
        Image::from_custom(Placeholder { index, grey, pixels: Arc::new(pixels) }, false)
            .expect("a placeholder is a valid image")
    }
}

impl CustomImage for Placeholder {
    fn color_channel(&self) -> &[u8] {
        &self.pixels
    }
    fn alpha_channel(&self) -> Option<&[u8]> {
        None
    }
    fn bits_per_component(&self) -> BitsPerComponent {
        BitsPerComponent::Eight
    }
    fn size(&self) -> (u32, u32) {
        (1, self.index + 1)
    }
    fn icc_profile(&self) -> Option<&[u8]> {
        None
    }
    fn color_space(&self) -> ImageColorspace {
        if self.grey { ImageColorspace::Luma } else { ImageColorspace::Rgb }
    }
}

/// A PNG's width and height, from its header.
pub(crate) fn size(data: &[u8]) -> Result<(u32, u32), PdfError> {
    if data.len() < 33 || &data[..8] != SIGNATURE || &data[12..16] != b"IHDR" {
        return Err(PdfError::Image("not a PNG".into()));
    }
    let width = u32::from_be_bytes(data[16..20].try_into().expect("4 bytes"));
    let height = u32::from_be_bytes(data[20..24].try_into().expect("4 bytes"));
    if width == 0 || height == 0 {
        return Err(PdfError::Image("the PNG has no pixels".into()));
    }
    Ok((width, height))
}

/// An image object ready to draw: a PNG whose data goes in after krilla has finished, or
/// krilla's own lossless image.
pub(crate) struct Exhibit {
    pub width: u32,
    pub height: u32,
    data: ExhibitData,
}

enum ExhibitData {
    /// The number of colour components and the PNG's own compressed data.
    PassThrough(u8, Vec<u8>),
    Krilla(Image),
}

impl Exhibit {
    pub fn new(png: Arc<Vec<u8>>) -> Result<Exhibit, PdfError> {
        let raw = RawPng::parse(&png)?;
        let (width, height) = (raw.width, raw.height);
        let data = match raw.pass_through_colours() {
            Some(colours) => ExhibitData::PassThrough(colours, raw.idat),
            None => {
                drop(raw);
                ExhibitData::Krilla(Image::from_png(png.into(), false).map_err(PdfError::Image)?)
            }
        };
        Ok(Exhibit { width, height, data })
    }

    /// What krilla draws for this exhibit, the document's `index`th image object.
    pub fn image(&self, index: u32) -> Image {
        match &self.data {
            ExhibitData::PassThrough(colours, _) => Placeholder::image(index, *colours == 1),
            ExhibitData::Krilla(image) => image.clone(),
        }
    }

    pub fn passes_through(&self) -> bool {
        matches!(self.data, ExhibitData::PassThrough(..))
    }
}

/// A picture cut into bands of whole rows, each a PNG of its own in the picture's own colour
/// type, depth, palette and transparency: its pixels exactly the picture's rows, nothing
/// scaled. A segmented picture (as captures write them: `triangulate_evidence::segmented`)
/// is cut at its segments' boundaries, each band's compressed data copied, not compressed
/// again; any other is decoded and its bands encoded.
pub(crate) enum Bands<'a> {
    Segmented { cutter: triangulate_evidence::segmented::Cutter<'a>, from: u32 },
    Decoded(Decoded<'a>),
}

impl<'a> Bands<'a> {
    /// Bands of a picture of which a page holds `rows_per_page` rows; one whose segments are
    /// too tall for that (a very narrow picture) is decoded.
    pub fn new(data: &'a [u8], rows_per_page: u32) -> Result<Bands<'a>, PdfError> {
        let cutter = triangulate_evidence::segmented::Cutter::new(data)
            .filter(|_| rows_per_page >= 2 * triangulate_evidence::segmented::SEGMENT_ROWS);
        Ok(match cutter {
            Some(cutter) => Bands::Segmented { cutter, from: 0 },
            None => Bands::Decoded(Decoded::new(data)?),
        })
    }

    /// How many of the `rows` that fit here the next band takes: a segmented picture's band
    /// ends at a segment's boundary (or the picture's end), so it may take fewer, or none
    /// when not even one segment fits.
    pub fn fitting(&self, rows: u32) -> u32 {
        match self {
            Bands::Segmented { cutter, from, .. } => {
                let left = cutter.height() - from;
                if rows >= left { left } else { rows - rows % triangulate_evidence::segmented::SEGMENT_ROWS }
            }
            Bands::Decoded(_) => rows,
        }
    }

    /// The next `rows` rows as a PNG. A segmented band that does not hold (see
    /// `Cutter::band`) is decoded instead, from where it starts.
    pub fn next(&mut self, rows: u32) -> Result<Vec<u8>, PdfError> {
        if let Bands::Segmented { cutter, from } = self {
            if let Some(band) = cutter.band(*from, rows) {
                *from += rows;
                return Ok(band);
            }
            tracing::warn!(from = *from, rows, "a segmented picture's band did not hold; decoding it instead");
            let mut decoded = Decoded::new(cutter.png())?;
            decoded.skip(*from)?;
            *self = Bands::Decoded(decoded);
        }
        match self {
            Bands::Decoded(decoded) => decoded.next(rows),
            Bands::Segmented { .. } => unreachable!("replaced above"),
        }
    }
}

/// A picture decoded row by row, so only the band being cut is held decoded (an interlaced
/// picture, whose rows come in seven passes, is decoded whole first).
pub(crate) struct Decoded<'a> {
    reader: png::Reader<std::io::Cursor<&'a [u8]>>,
    info: png::Info<'static>,
    /// Bytes in a row of samples.
    line: usize,
    /// An interlaced picture, decoded whole, and where its next band starts.
    whole: Option<(Vec<u8>, usize)>,
}

impl<'a> Decoded<'a> {
    pub fn new(data: &'a [u8]) -> Result<Decoded<'a>, PdfError> {
        let bad = |e: png::DecodingError| PdfError::Image(format!("the PNG cannot be read: {e}"));
        let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
        // Samples as stored: palette indices, 16-bit samples and all, never converted.
        decoder.set_transformations(png::Transformations::IDENTITY);
        let interlaced = size(data).is_ok() && data.get(28) == Some(&1);
        if interlaced {
            decoder.set_limits(png::Limits { bytes: usize::MAX });
        }
        let mut reader = decoder.read_info().map_err(bad)?;
        let mut info = reader.info().clone();
        let line = info.raw_row_length() - 1;
        let whole = if info.interlaced {
            let mut buffer = vec![0; reader.output_buffer_size().ok_or_else(|| PdfError::Image("too large".into()))?];
            reader.next_frame(&mut buffer).map_err(bad)?;
            Some((buffer, 0))
        } else {
            None
        };
        info.interlaced = false;
        info.animation_control = None;
        info.frame_control = None;
        info.uncompressed_latin1_text.clear();
        info.compressed_latin1_text.clear();
        info.utf8_text.clear();
        info.exif_metadata = None;
        Ok(Decoded { reader, info, line, whole })
    }

    /// Passes over the first `rows` rows.
    fn skip(&mut self, rows: u32) -> Result<(), PdfError> {
        let bad = |e: png::DecodingError| PdfError::Image(format!("the PNG cannot be read: {e}"));
        match self.whole.as_mut() {
            Some((whole, at)) => *at = (*at + self.line * rows as usize).min(whole.len()),
            None => {
                for _ in 0..rows {
                    self.reader.next_row().map_err(bad)?.ok_or_else(|| PdfError::Image("the PNG ends early".into()))?;
                }
            }
        }
        Ok(())
    }

    /// The next `rows` rows as a PNG, with adaptive filtering and zlib's fastest level: as
    /// fast as the png crate's own fast mode, and half its size on a page of text.
    pub fn next(&mut self, rows: u32) -> Result<Vec<u8>, PdfError> {
        let bad = |e: png::DecodingError| PdfError::Image(format!("the PNG cannot be read: {e}"));
        let mut pixels = Vec::with_capacity(self.line * rows as usize);
        match self.whole.as_mut() {
            Some((whole, at)) => {
                let end = (*at + self.line * rows as usize).min(whole.len());
                pixels.extend_from_slice(&whole[*at..end]);
                *at = end;
            }
            None => {
                for _ in 0..rows {
                    let row = self
                        .reader
                        .next_row()
                        .map_err(bad)?
                        .ok_or_else(|| PdfError::Image("the PNG ends early".into()))?;
                    pixels.extend_from_slice(row.data());
                }
            }
        }
        if pixels.len() != self.line * rows as usize {
            return Err(PdfError::Image("the PNG ends early".into()));
        }
        let mut info = self.info.clone();
        info.height = rows;
        let mut out = Vec::with_capacity(pixels.len() / 2 + 1024);
        let wrote = |e: png::EncodingError| PdfError::Internal(format!("a strip cannot be encoded: {e}"));
        let mut encoder = png::Encoder::with_info(&mut out, info).map_err(wrote)?;
        encoder.set_deflate_compression(png::DeflateCompression::Level(1));
        encoder.set_filter(png::Filter::Adaptive);
        let mut writer = encoder.write_header().map_err(wrote)?;
        writer.write_image_data(&pixels).map_err(wrote)?;
        writer.finish().map_err(wrote)?;
        Ok(out)
    }
}

/// Puts each pass-through exhibit's PNG data into its placeholder's image object. Every
/// placeholder must be found exactly once.
pub(crate) fn swap_placeholders(pdf: &[u8], exhibits: &mut [Exhibit]) -> Result<lopdf::Document, PdfError> {
    use lopdf::{Dictionary, Object, Stream};
    let mut document = lopdf::Document::load_mem(pdf).map_err(|e| PdfError::Internal(format!("re-reading: {e}")))?;
    let mut found = vec![0u32; exhibits.len()];
    for object in document.objects.values_mut() {
        let Object::Stream(stream) = object else { continue };
        let name = |key: &[u8]| stream.dict.get(key).ok().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec);
        let number = |key: &[u8]| stream.dict.get(key).ok().and_then(|o| o.as_i64().ok());
        if name(b"Subtype").as_deref() != Some(b"Image") || number(b"Width") != Some(1) {
            continue;
        }
        let Some(index) = number(b"Height").and_then(|h| usize::try_from(h - 1).ok()) else { continue };
        let Some(exhibit) = exhibits.get_mut(index) else { continue };
        let ExhibitData::PassThrough(colours, data) = &mut exhibit.data else { continue };
        if found[index] > 0 {
            return Err(PdfError::Internal(format!("exhibit {index} was written twice")));
        }
        // Keeps /Type, /Subtype and krilla's /ColorSpace (sRGB as an ICC profile).
        let mut dictionary = stream.dict.clone();
        dictionary.set("Width", i64::from(exhibit.width));
        dictionary.set("Height", i64::from(exhibit.height));
        dictionary.set("BitsPerComponent", 8);
        dictionary.set("Filter", Object::Name(b"FlateDecode".to_vec()));
        let mut parameters = Dictionary::new();
        parameters.set("Predictor", 15);
        parameters.set("Colors", i64::from(*colours));
        parameters.set("BitsPerComponent", 8);
        parameters.set("Columns", i64::from(exhibit.width));
        dictionary.set("DecodeParms", parameters);
        dictionary.remove(b"Length");
        dictionary.remove(b"DecodeParms_");
        let mut replacement = Stream::new(dictionary, std::mem::take(data));
        replacement.allows_compression = false;
        *stream = replacement;
        found[index] += 1;
    }
    for (index, exhibit) in exhibits.iter().enumerate() {
        if exhibit.passes_through() && found[index] != 1 {
            return Err(PdfError::Internal(format!("exhibit {index}'s image object was not found")));
        }
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(color: png::ColorType, depth: png::BitDepth) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, 3, 2);
        encoder.set_color(color);
        encoder.set_depth(depth);
        let channels = match color {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            _ => 1,
        };
        let bytes = if depth == png::BitDepth::Sixteen { 2 } else { 1 };
        let mut writer = encoder.write_header().unwrap();
        writer.write_image_data(&vec![7u8; 3 * 2 * channels * bytes]).unwrap();
        writer.finish().unwrap();
        out
    }

    #[test]
    fn only_8_bit_rgb_and_grey_without_interlace_pass_through() {
        let rgb = RawPng::parse(&png(png::ColorType::Rgb, png::BitDepth::Eight)).unwrap();
        assert_eq!((rgb.width, rgb.height, rgb.pass_through_colours()), (3, 2, Some(3)));
        let grey = RawPng::parse(&png(png::ColorType::Grayscale, png::BitDepth::Eight)).unwrap();
        assert_eq!(grey.pass_through_colours(), Some(1));
        let rgba = RawPng::parse(&png(png::ColorType::Rgba, png::BitDepth::Eight)).unwrap();
        assert_eq!(rgba.pass_through_colours(), None);
        let deep = RawPng::parse(&png(png::ColorType::Rgb, png::BitDepth::Sixteen)).unwrap();
        assert_eq!(deep.pass_through_colours(), None);
        let mut interlaced = png(png::ColorType::Rgb, png::BitDepth::Eight);
        interlaced[8 + 8 + 12] = 1; // IHDR's interlace byte; the png crate writes none (the CRC is not read)
        assert_eq!(RawPng::parse(&interlaced).unwrap().pass_through_colours(), None);
    }

    #[test]
    fn what_is_not_a_png_is_refused() {
        assert!(RawPng::parse(b"GIF89a and more bytes than a PNG header has").is_err());
        let mut cut = png(png::ColorType::Rgb, png::BitDepth::Eight);
        cut.truncate(40);
        assert!(RawPng::parse(&cut).is_err());
    }
}
