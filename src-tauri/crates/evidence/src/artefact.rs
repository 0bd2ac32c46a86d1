//! An artefact of a capture (the full page, the viewport, the MHTML snapshot): its bytes as
//! taken, and the record the manifest names it by, with the digest and size computed from
//! those bytes.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// An artefact as captured: its bytes are hashed before they are stored.
pub struct NewArtefact {
    pub kind: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// An artefact as the manifest names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtefactRecord {
    pub kind: String,
    pub media_type: String,
    pub sha256: String,
    pub size: u64,
    pub width: Option<u32>,
    pub height: Option<u32>,
}

impl NewArtefact {
    /// The artefact's record: its SHA-256 and size from the bytes, and a PNG's width and
    /// height from its header.
    pub fn record(&self) -> ArtefactRecord {
        let dimensions = png_dimensions(&self.bytes);
        ArtefactRecord {
            kind: self.kind.to_string(),
            media_type: self.media_type.to_string(),
            sha256: sha256_hex(&self.bytes),
            size: self.bytes.len() as u64,
            width: dimensions.map(|d| d.0),
            height: dimensions.map(|d| d.1),
        }
    }
}

/// SHA-256 of the bytes, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// The width and height in a PNG's header, or `None` for bytes that are not a PNG.
pub fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    if bytes.len() < 24 || bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    Some((width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png
    }

    #[test]
    fn png_dimensions_come_from_the_header_and_other_bytes_are_refused() {
        let png = png_header(1280, 40000);
        assert_eq!(png_dimensions(&png), Some((1280, 40000)));
        assert_eq!(png_dimensions(b"GIF89a not a png at all here"), None);
        assert_eq!(png_dimensions(&png[..20]), None);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_record_is_computed_from_the_bytes() {
        let png = NewArtefact { kind: "viewport_png".into(), media_type: "image/png", bytes: png_header(800, 600) };
        let record = png.record();
        assert_eq!((record.width, record.height, record.size), (Some(800), Some(600), 24));
        assert_eq!(record.sha256, sha256_hex(&png.bytes));
        let mhtml = NewArtefact { kind: "mhtml".into(), media_type: "multipart/related", bytes: b"MIME".to_vec() };
        assert_eq!((mhtml.record().width, mhtml.record().height), (None, None));
    }
}
