//! What makes a capture an exhibit: canonical JSON for the signed manifest, the artefacts'
//! digests and sizes, and the worker's judgement. Pure: the bytes come in, nothing is read
//! or written here.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

use crate::validation::{FieldError, optional_text};

/// The manifest format this version writes; readers check it before anything else.
pub const MANIFEST_FORMAT: &str = "triangulate-capture-manifest/1";

/// Writes a JSON value canonically: object keys sorted by their UTF-16 code units (as
/// RFC 8785 does; identical to byte order for the ASCII keys we write), no insignificant
/// whitespace, strings escaped minimally. The same value always gives the same bytes,
/// whatever the order its maps were built in.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
            out.push('{');
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).expect("a string serialises"));
                out.push(':');
                write_canonical(&map[*key], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        other => out.push_str(&serde_json::to_string(other).expect("a value serialises")),
    }
}

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

/// How sure the worker is that a profile is the person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    Verified,
    Probable,
    Unverified,
}

/// The worker's judgement of a capture, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct JudgementInput {
    pub relevant: Option<bool>,
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub attribution: Option<Attribution>,
    pub attribution_reason: Option<String>,
    pub collateral_intrusion: Option<String>,
    pub useful_and_unique: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Judgement {
    pub relevant: bool,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub attribution: Attribution,
    pub attribution_reason: Option<String>,
    /// Who else appears in the capture, and what was done about it.
    pub collateral_intrusion: Option<String>,
    pub useful_and_unique: bool,
}

impl JudgementInput {
    pub fn validate(&self) -> Result<Judgement, Vec<FieldError>> {
        let mut errors = Vec::new();
        let notes = optional_text(&mut errors, "notes", "the notes", self.notes.as_deref(), 5000);
        let attribution_reason =
            optional_text(&mut errors, "attribution_reason", "why", self.attribution_reason.as_deref(), 2000);
        let collateral_intrusion = optional_text(
            &mut errors,
            "collateral_intrusion",
            "the collateral intrusion",
            self.collateral_intrusion.as_deref(),
            2000,
        );
        let mut tags = Vec::new();
        for (i, tag) in self.tags.iter().enumerate() {
            match optional_text(&mut errors, &format!("tags[{}]", i + 1), "the tag", Some(tag), 50) {
                Some(tag) if !tags.contains(&tag) => tags.push(tag),
                _ => {}
            }
        }
        if self.relevant.is_none() {
            errors.push(FieldError::new("relevant", "Say whether the capture is relevant to the concern"));
        }
        if self.useful_and_unique.is_none() {
            errors.push(FieldError::new(
                "useful_and_unique",
                "Say whether the capture adds useful information not available elsewhere",
            ));
        }
        match self.attribution {
            None => errors.push(FieldError::new(
                "attribution",
                "Say how sure you are that the profile is the person's: verified, probable or unverified",
            )),
            Some(Attribution::Verified | Attribution::Probable) if attribution_reason.is_none() => {
                errors.push(FieldError::new("attribution_reason", "Say why you believe the profile is the person's"))
            }
            _ => {}
        }
        match (self.relevant, self.attribution, self.useful_and_unique) {
            (Some(relevant), Some(attribution), Some(useful_and_unique)) if errors.is_empty() => Ok(Judgement {
                relevant,
                notes,
                tags,
                attribution,
                attribution_reason,
                collateral_intrusion,
                useful_and_unique,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_at_every_depth_and_drops_whitespace() {
        let a = json!({"b": 1, "a": {"z": [1, {"y": "é", "x": null}], "c": "\"q\""}});
        let text = canonical_json(&a);
        assert_eq!(text, r#"{"a":{"c":"\"q\"","z":[1,{"x":null,"y":"é"}]},"b":1}"#);
        let reordered: serde_json::Value =
            serde_json::from_str(r#"{ "a" : { "z":[1,{"y":"é","x":null}], "c":"\"q\"" }, "b":1 }"#).unwrap();
        assert_eq!(canonical_json(&reordered), text);
    }

    #[test]
    fn png_dimensions_come_from_the_header_and_other_bytes_are_refused() {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13];
        png.extend_from_slice(b"IHDR");
        png.extend_from_slice(&1280u32.to_be_bytes());
        png.extend_from_slice(&40000u32.to_be_bytes());
        assert_eq!(png_dimensions(&png), Some((1280, 40000)));
        assert_eq!(png_dimensions(b"GIF89a not a png at all here"), None);
        assert_eq!(png_dimensions(&png[..20]), None);
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn a_judgement_needs_relevance_usefulness_and_a_reasoned_attribution() {
        let fields = |input: JudgementInput| -> Vec<String> {
            input.validate().err().unwrap_or_default().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(JudgementInput::default()), ["relevant", "useful_and_unique", "attribution"]);
        let probable = JudgementInput {
            relevant: Some(true),
            useful_and_unique: Some(false),
            attribution: Some(Attribution::Probable),
            ..Default::default()
        };
        assert_eq!(fields(probable.clone()), ["attribution_reason"]);
        let reasoned = JudgementInput {
            attribution_reason: Some("Same photo as on the school's record".into()),
            tags: vec!["party".into(), "party".into(), "car".into()],
            ..probable
        };
        assert_eq!(reasoned.validate().unwrap().tags, ["party", "car"]);
    }
}
