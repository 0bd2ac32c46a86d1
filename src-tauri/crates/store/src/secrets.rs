//! The installation's secrets (`installation_secrets`): the Ed25519 key that signs capture
//! manifests, made on first use, its fingerprint recorded in the audit chain when it is made.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use triangulate_core::{Actor, NewAuditEvent};
use triangulate_evidence::SigningKey;
use zeroize::Zeroize;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;

/// The public key as the manifest names it belongs to the evidence.
pub use triangulate_evidence::SigningKeyInfo;

const SIGNING_KEY_NAME: &str = "capture_signing_key";

/// The installation's public key (hex), if it has one yet: read without making one.
pub(crate) fn installation_public_key(conn: &rusqlite::Connection) -> Result<Option<String>> {
    let stored: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM installation_secrets WHERE name = ?1", [SIGNING_KEY_NAME], |row| row.get(0))
        .optional()?;
    Ok(stored.and_then(|mut bytes| {
        let seed: Option<[u8; 32]> = bytes.as_slice().try_into().ok();
        bytes.zeroize();
        seed.map(|mut seed| {
            let public = SigningKeyInfo::of(&SigningKey::from_bytes(&seed)).public_key;
            seed.zeroize();
            public
        })
    }))
}

impl Store {
    /// The installation's signing key, made on first use; its fingerprint goes into the audit
    /// chain when it is made.
    pub fn signing_key_info(&mut self, now: DateTime<Utc>) -> Result<SigningKeyInfo> {
        let key = self.signing_key(now)?;
        Ok(SigningKeyInfo::of(&key))
    }

    /// Signs bytes (an evidence bundle's manifest) with the installation's key: the Ed25519
    /// signature in base64, and the public key that checks it.
    pub fn sign_with_installation_key(&mut self, bytes: &str, now: DateTime<Utc>) -> Result<(String, SigningKeyInfo)> {
        let key = self.signing_key(now)?;
        Ok((triangulate_evidence::sign_manifest(&key, bytes), SigningKeyInfo::of(&key)))
    }

    pub(crate) fn signing_key(&mut self, now: DateTime<Utc>) -> Result<SigningKey> {
        let stored: Option<Vec<u8>> = self
            .conn
            .query_row("SELECT value FROM installation_secrets WHERE name = ?1", [SIGNING_KEY_NAME], |row| row.get(0))
            .optional()?;
        if let Some(mut bytes) = stored {
            let mut seed: [u8; 32] = bytes.as_slice().try_into().map_err(|_| StoreError::Damaged {
                data_dir: self.data_dir.root().to_path_buf(),
                reason: "the capture signing key is not 32 bytes".into(),
            })?;
            bytes.zeroize();
            let key = SigningKey::from_bytes(&seed);
            seed.zeroize();
            return Ok(key);
        }
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| StoreError::Damaged {
            data_dir: self.data_dir.root().to_path_buf(),
            reason: format!("the operating system gave no random bytes for the signing key: {e}"),
        })?;
        let key = SigningKey::from_bytes(&seed);
        let info = SigningKeyInfo::of(&key);
        let actor = self.worker_profile()?.map(|w| Actor::Worker(w.id)).unwrap_or(Actor::System);
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO installation_secrets (name, value, created_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![SIGNING_KEY_NAME, seed.as_slice(), stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "signing_key.create",
                vec![format!("signing-key:ed25519:{}", info.fingerprint)],
                &info.public_key,
            );
            Ok(((), event))
        })?;
        seed.zeroize();
        Ok(key)
    }
}
