//! Exhibits, embedded pixel for pixel. krilla can draw an image clipped across many pages but
//! takes only decoded pixels, which it deflates again (about 0.1 s a megabyte). So an 8-bit
//! RGB or grey, non-interlaced PNG is drawn in krilla as a tiny placeholder, unique to the
//! exhibit, and once krilla has finished, lopdf puts the PNG's own compressed data in the
//! placeholder's image object as a `/FlateDecode` stream with PNG predictors: the same bytes,
//! never decoded. Any other PNG (alpha, palette, 16-bit, interlaced) goes through krilla's
//! own lossless path, alpha as a soft mask.

use krilla::image::{BitsPerComponent, CustomImage, Image, ImageColorspace};
use std::sync::Arc;

use crate::PdfError;

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
        const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
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

/// An exhibit ready to draw: the image krilla draws and, for a pass-through, the data that
/// replaces the placeholder afterwards.
pub(crate) struct Exhibit {
    pub image: Image,
    pub width: u32,
    pub height: u32,
    pub pass_through: Option<(u8, Vec<u8>)>,
}

impl Exhibit {
    pub fn new(index: u32, png: &Arc<Vec<u8>>) -> Result<Exhibit, PdfError> {
        let raw = RawPng::parse(png)?;
        match raw.pass_through_colours() {
            Some(colours) => Ok(Exhibit {
                image: Placeholder::image(index, colours == 1),
                width: raw.width,
                height: raw.height,
                pass_through: Some((colours, raw.idat)),
            }),
            None => {
                let image = Image::from_png(png.clone().into(), false).map_err(PdfError::Image)?;
                Ok(Exhibit { image, width: raw.width, height: raw.height, pass_through: None })
            }
        }
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
        let Some((colours, data)) = exhibit.pass_through.as_mut() else { continue };
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
        if exhibit.pass_through.is_some() && found[index] != 1 {
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
