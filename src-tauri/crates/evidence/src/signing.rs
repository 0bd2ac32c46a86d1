//! The manifest's signature: Ed25519 over the manifest's canonical bytes, in base64, made
//! with the installation's key; and the check anyone can run with the public key the
//! manifest names.

use base64::Engine;
use ed25519_dalek::{Signer, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::artefact::sha256_hex;
use crate::canonical::canonical_json;
use crate::manifest::MANIFEST_FORMAT;

/// The installation's signing key. Its bytes are wiped when it is dropped.
pub use ed25519_dalek::SigningKey;

/// The signature algorithm the manifest names.
pub const SIGNING_ALGORITHM: &str = "Ed25519";

/// The installation's public key, as an exhibit's reader needs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeyInfo {
    pub algorithm: String,
    /// The raw public key, hex.
    pub public_key: String,
    /// SHA-256 of the raw public key, hex.
    pub fingerprint: String,
}

impl SigningKeyInfo {
    /// The public half of a signing key, with its fingerprint.
    pub fn of(key: &SigningKey) -> SigningKeyInfo {
        let public = key.verifying_key();
        SigningKeyInfo {
            algorithm: SIGNING_ALGORITHM.to_string(),
            public_key: hex::encode(public.as_bytes()),
            fingerprint: sha256_hex(public.as_bytes()),
        }
    }
}

/// Signs a manifest's bytes (as written, canonical JSON): the Ed25519 signature in base64.
pub fn sign_manifest(key: &SigningKey, manifest: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(key.sign(manifest.as_bytes()).to_bytes())
}

/// Whether a manifest's signature verifies with the public key it names. The manifest must
/// be of this format and in canonical form.
pub fn verify_manifest(manifest: &str, signature_base64: &str) -> Result<(), String> {
    let value: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| format!("the manifest is not JSON: {e}"))?;
    if value["format"] != MANIFEST_FORMAT {
        return Err(format!("the manifest's format is {}, not {MANIFEST_FORMAT}", value["format"]));
    }
    if canonical_json(&value) != manifest {
        return Err("the manifest is not in canonical form".into());
    }
    let key_hex = value["signing_key"]["public_key"].as_str().ok_or("the manifest names no public key")?;
    verify_signature(key_hex, manifest.as_bytes(), signature_base64)
        .map_err(|e| e.replace("the signed bytes", "the manifest"))
}

/// Whether `signature_base64` is the Ed25519 signature of `bytes` by the raw public key
/// `public_key_hex`.
pub fn verify_signature(public_key_hex: &str, bytes: &[u8], signature_base64: &str) -> Result<(), String> {
    let key_bytes: [u8; 32] = hex::decode(public_key_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the public key is not 32 bytes of hex")?;
    let key = VerifyingKey::from_bytes(&key_bytes).map_err(|e| format!("the public key is not valid: {e}"))?;
    let signature_bytes: [u8; 64] = base64::engine::general_purpose::STANDARD
        .decode(signature_base64.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("the signature is not 64 bytes of base64")?;
    key.verify(bytes, &ed25519_dalek::Signature::from_bytes(&signature_bytes))
        .map_err(|_| "the signature does not match the signed bytes".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(byte: u8) -> SigningKey {
        SigningKey::from_bytes(&[byte; 32])
    }

    fn signed_by(key: &SigningKey) -> String {
        let info = SigningKeyInfo::of(key);
        canonical_json(&json!({ "format": MANIFEST_FORMAT, "capture_id": 1, "signing_key": info }))
    }

    #[test]
    fn a_signed_manifest_verifies_and_any_change_fails() {
        let key = key(7);
        let manifest = signed_by(&key);
        let signature = sign_manifest(&key, &manifest);
        assert_eq!(verify_manifest(&manifest, &signature), Ok(()));

        let changed = manifest.replace("\"capture_id\":1", "\"capture_id\":2");
        assert_eq!(verify_manifest(&changed, &signature).unwrap_err(), "the signature does not match the manifest");
        let spaced = manifest.replacen(':', ": ", 1);
        assert_eq!(verify_manifest(&spaced, &signature).unwrap_err(), "the manifest is not in canonical form");
        let other_format = manifest.replace(MANIFEST_FORMAT, "something-else/1");
        assert!(verify_manifest(&other_format, &signature).unwrap_err().contains("format"));
        assert_eq!(verify_manifest("{", &signature).unwrap_err().split(':').next(), Some("the manifest is not JSON"));
        assert_eq!(verify_manifest(&manifest, "AAAA").unwrap_err(), "the signature is not 64 bytes of base64");
    }

    #[test]
    fn a_manifest_naming_another_key_does_not_verify() {
        let (ours, theirs) = (key(1), key(2));
        let manifest = signed_by(&theirs);
        assert!(verify_manifest(&manifest, &sign_manifest(&ours, &manifest)).is_err());
    }

    #[test]
    fn the_key_is_named_by_its_public_half_and_its_fingerprint() {
        let info = SigningKeyInfo::of(&key(3));
        assert_eq!(info.algorithm, "Ed25519");
        assert_eq!(info.public_key.len(), 64);
        assert_eq!(info.fingerprint, sha256_hex(&hex::decode(&info.public_key).unwrap()));
    }
}
