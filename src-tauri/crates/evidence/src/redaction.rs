//! Redaction with provenance: a copy of a capture's picture with boxes painted over it
//! (faces of other children, names of third parties), and the manifest that links it to its
//! sealed original — the original's digest, the boxes, who, why, when — signed like a
//! capture's. The original is never changed.

use serde::{Deserialize, Serialize};

use crate::canonical::canonical_json;
use crate::signing::{SigningKeyInfo, verify_signature};

pub const REDACTION_FORMAT: &str = "triangulate-redaction-1";

/// A box in the picture's own pixels, from its top left corner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// What a redacted copy is, signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RedactionManifest {
    pub format: String,
    pub redaction_id: i64,
    pub capture_id: i64,
    /// The artefact redacted (`full_page_png`, `viewport_png`).
    pub artefact: String,
    /// The sealed original's SHA-256, as the capture's signed manifest gives it.
    pub original_sha256: String,
    pub boxes: Vec<RedactionBox>,
    pub reason: String,
    pub redacted_by: String,
    pub redacted_at: String,
    pub redacted_sha256: String,
    pub width: u32,
    pub height: u32,
    pub signing_key: SigningKeyInfo,
}

impl RedactionManifest {
    /// A redacted copy's manifest as stored (its canonical JSON), read into its types.
    pub fn read(text: &str) -> Result<RedactionManifest, serde_json::Error> {
        serde_json::from_str(text)
    }

    pub fn to_canonical_json(&self) -> String {
        canonical_json(&serde_json::to_value(self).expect("a manifest serialises"))
    }
}

/// Whether a redaction manifest is canonical, of this format, and signed by the key it names.
pub fn verify_redaction(manifest: &str, signature_base64: &str) -> Result<RedactionManifest, String> {
    let value: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| format!("the redaction manifest is not JSON: {e}"))?;
    if value["format"] != REDACTION_FORMAT {
        return Err(format!("the manifest's format is {}, not {REDACTION_FORMAT}", value["format"]));
    }
    if canonical_json(&value) != manifest {
        return Err("the redaction manifest is not in canonical form".into());
    }
    let key = value["signing_key"]["public_key"].as_str().ok_or("the manifest names no public key")?;
    verify_signature(key, manifest.as_bytes(), signature_base64)?;
    serde_json::from_value(value).map_err(|e| format!("the redaction manifest cannot be read: {e}"))
}

/// The picture with every box painted black: the same size and colour type, lossless
/// elsewhere. Only 8-bit RGB and RGBA pictures (as browsers capture them) are redacted.
pub fn redact_png(png_bytes: &[u8], boxes: &[RedactionBox]) -> Result<(Vec<u8>, u32, u32), String> {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().map_err(|e| format!("the picture cannot be read: {e}"))?;
    let size = reader.output_buffer_size().ok_or("the picture is too large")?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(|e| format!("the picture cannot be read: {e}"))?;
    let channels = match (frame.color_type, frame.bit_depth) {
        (png::ColorType::Rgb, png::BitDepth::Eight) => 3,
        (png::ColorType::Rgba, png::BitDepth::Eight) => 4,
        (colour, depth) => return Err(format!("a {colour:?} picture of {} bits cannot be redacted", depth as u8)),
    };
    let (width, height) = (frame.width, frame.height);
    let line = frame.line_size;
    for b in boxes {
        if b.width == 0 || b.height == 0 || b.x.saturating_add(b.width) > width || b.y.saturating_add(b.height) > height
        {
            return Err(format!(
                "a box at {},{} of {}×{} px is not inside the {width}×{height} px picture",
                b.x, b.y, b.width, b.height
            ));
        }
        for row in b.y..b.y + b.height {
            let start = row as usize * line + b.x as usize * channels;
            for pixel in pixels[start..start + b.width as usize * channels].chunks_mut(channels) {
                pixel[..3].fill(0);
                if channels == 4 {
                    pixel[3] = 255;
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(frame.color_type);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&pixels[..frame.buffer_size()]).map_err(|e| e.to_string())?;
    }
    Ok((out, width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: u32, height: u32, colour: png::ColorType) -> Vec<u8> {
        let channels = if colour == png::ColorType::Rgba { 4 } else { 3 };
        let data: Vec<u8> = (0..width * height * channels).map(|i| (i % 251) as u8 | 0x10).collect();
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(colour);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().unwrap().write_image_data(&data).unwrap();
        out
    }

    fn decoded(png_bytes: &[u8]) -> (Vec<u8>, usize) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(png_bytes)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        (pixels, frame.line_size)
    }

    #[test]
    fn the_boxes_are_black_and_every_other_pixel_is_as_it_was() {
        for (colour, channels) in [(png::ColorType::Rgb, 3usize), (png::ColorType::Rgba, 4)] {
            let original = picture(40, 30, colour);
            let boxes = [RedactionBox { x: 5, y: 4, width: 10, height: 6 }];
            let (redacted, w, h) = redact_png(&original, &boxes).unwrap();
            assert_eq!((w, h), (40, 30));
            let (before, line) = decoded(&original);
            let (after, _) = decoded(&redacted);
            for y in 0..30usize {
                for x in 0..40usize {
                    let at = y * line + x * channels;
                    let inside = (5..15).contains(&x) && (4..10).contains(&y);
                    if inside {
                        assert!(after[at..at + 3].iter().all(|&c| c == 0), "({x},{y}) is black");
                    } else {
                        assert_eq!(after[at..at + channels], before[at..at + channels], "({x},{y}) is untouched");
                    }
                }
            }
        }
    }

    #[test]
    fn a_box_outside_the_picture_or_empty_is_refused() {
        let original = picture(20, 10, png::ColorType::Rgb);
        for b in [
            RedactionBox { x: 15, y: 0, width: 6, height: 2 },
            RedactionBox { x: 0, y: 9, width: 2, height: 2 },
            RedactionBox { x: 0, y: 0, width: 0, height: 2 },
            RedactionBox { x: u32::MAX, y: 0, width: 2, height: 2 },
        ] {
            assert!(redact_png(&original, &[b]).unwrap_err().contains("not inside"), "{b:?}");
        }
    }
}
