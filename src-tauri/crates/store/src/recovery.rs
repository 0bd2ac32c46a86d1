//! The recovery phrase and the recovery file.
//!
//! At `init` the worker is shown, once, twelve random words (BIP-39's English list, whose
//! built-in checksum catches a mistyped word). Argon2id of the phrase gives a key that wraps
//! the database key with XChaCha20-Poly1305 into `recovery-key.json` in the data folder. The
//! phrase itself is never stored.

use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use zeroize::Zeroizing;

use crate::data_dir::write_atomically;
use crate::error::{RecoveryError, Result, StoreError};
use crate::keystore::DatabaseKey;

const WORDS: usize = 12;
const FORMAT: u32 = 1;
// Argon2id, 64 MiB, 3 passes: about a quarter of a second here, costly for anyone guessing.
const MEMORY_KIB: u32 = 64 * 1024;
const ITERATIONS: u32 = 3;
const PARALLELISM: u32 = 1;

/// Twelve words that unlock the recovery file. Wiped from memory when dropped; never printed
/// by `Debug`.
pub struct RecoveryPhrase(Zeroizing<String>);

impl RecoveryPhrase {
    pub(crate) fn generate() -> Result<Self> {
        let mut entropy = Zeroizing::new([0u8; 16]);
        getrandom::fill(entropy.as_mut())
            .map_err(|e| StoreError::Keystore { keystore: "system random source".into(), reason: e.to_string() })?;
        let mnemonic = bip39::Mnemonic::from_entropy(entropy.as_ref()).expect("16 bytes make 12 words");
        Ok(RecoveryPhrase(Zeroizing::new(mnemonic.words().collect::<Vec<_>>().join(" "))))
    }

    /// Reads a phrase as typed: any case, any spacing, words on one line or several.
    pub fn parse(typed: &str) -> Result<Self, RecoveryError> {
        let normalised = Zeroizing::new(typed.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" "));
        let count = normalised.split(' ').filter(|w| !w.is_empty()).count();
        if count != WORDS {
            return Err(RecoveryError::WordCount { found: count, expected: WORDS });
        }
        match bip39::Mnemonic::parse_in_normalized(bip39::Language::English, &normalised) {
            Ok(_) => Ok(RecoveryPhrase(normalised)),
            Err(bip39::Error::UnknownWord(index)) => Err(RecoveryError::UnknownWord { position: index + 1 }),
            Err(bip39::Error::BadWordCount(found)) => Err(RecoveryError::WordCount { found, expected: WORDS }),
            Err(_) => Err(RecoveryError::Checksum),
        }
    }

    pub fn words(&self) -> Vec<String> {
        self.0.split(' ').map(str::to_string).collect()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for RecoveryPhrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryPhrase(…)")
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecoveryFile {
    pub format: u32,
    pub store_id: String,
    pub kdf: KdfParams,
    pub cipher: String,
    pub nonce: String,
    pub wrapped_key: String,
    /// SHA-256 of every field above: tells a damaged file from a wrong phrase. Files made
    /// before it was added have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct KdfParams {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt: String,
}

impl RecoveryFile {
    fn computed_checksum(&self) -> String {
        use sha2::{Digest, Sha256};
        let k = &self.kdf;
        let text = format!(
            "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
            self.format,
            self.store_id,
            k.algorithm,
            k.memory_kib,
            k.iterations,
            k.parallelism,
            k.salt,
            self.cipher,
            self.nonce,
            self.wrapped_key
        );
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    /// Everything that can be checked without the phrase: the format, the key-derivation
    /// settings `init` writes (anything else could exhaust the machine), the lengths, and
    /// the checksum.
    pub(crate) fn check(&self) -> Result<(), RecoveryError> {
        let damaged =
            |reason: &str| RecoveryError::FileDamaged { path: "recovery-key.json".into(), reason: reason.into() };
        if self.format != FORMAT || self.kdf.algorithm != "argon2id" || self.cipher != "xchacha20poly1305" {
            return Err(damaged("it is in a format this version does not know"));
        }
        if let Some(checksum) = &self.checksum
            && *checksum != self.computed_checksum()
        {
            return Err(damaged("its contents have been changed or damaged (its checksum does not match)"));
        }
        if (self.kdf.memory_kib, self.kdf.iterations, self.kdf.parallelism) != (MEMORY_KIB, ITERATIONS, PARALLELISM) {
            return Err(damaged(&format!(
                "its key-derivation settings are not the ones this version writes ({MEMORY_KIB} KiB, {ITERATIONS} passes, {PARALLELISM} lane)"
            )));
        }
        let decoded = |text: &str| BASE64.decode(text).ok().map(|bytes| bytes.len());
        if decoded(&self.kdf.salt) != Some(16) {
            return Err(damaged("its salt is not 16 bytes of base64"));
        }
        if decoded(&self.nonce) != Some(24) {
            return Err(damaged("its nonce is not 24 bytes of base64"));
        }
        if decoded(&self.wrapped_key) != Some(48) {
            return Err(damaged("its wrapped key is not 48 bytes of base64"));
        }
        Ok(())
    }
}

fn associated_data(store_id: &str) -> Vec<u8> {
    format!("triangulate-recovery-v{FORMAT}:{store_id}").into_bytes()
}

fn wrapping_key(phrase: &RecoveryPhrase, kdf: &KdfParams) -> Result<Zeroizing<[u8; 32]>, RecoveryError> {
    let damaged = |reason: String| RecoveryError::FileDamaged { path: "recovery-key.json".into(), reason };
    let salt = BASE64.decode(&kdf.salt).map_err(|e| damaged(format!("salt: {e}")))?;
    let params = Params::new(kdf.memory_kib, kdf.iterations, kdf.parallelism, Some(32))
        .map_err(|e| damaged(format!("key derivation settings: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(phrase.as_str().as_bytes(), &salt, out.as_mut())
        .map_err(|e| damaged(format!("key derivation: {e}")))?;
    Ok(out)
}

/// Wraps the database key with the phrase.
pub(crate) fn wrap(key: &DatabaseKey, phrase: &RecoveryPhrase, store_id: &str) -> Result<RecoveryFile> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    let random = |buf: &mut [u8]| {
        getrandom::fill(buf)
            .map_err(|e| StoreError::Keystore { keystore: "system random source".into(), reason: e.to_string() })
    };
    random(&mut salt)?;
    random(&mut nonce)?;
    let kdf = KdfParams {
        algorithm: "argon2id".into(),
        memory_kib: MEMORY_KIB,
        iterations: ITERATIONS,
        parallelism: PARALLELISM,
        salt: BASE64.encode(salt),
    };
    let kek = wrapping_key(phrase, &kdf)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let aad = associated_data(store_id);
    let wrapped = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: key.bytes(), aad: &aad })
        .expect("encryption of 32 bytes cannot fail");
    let mut file = RecoveryFile {
        format: FORMAT,
        store_id: store_id.to_string(),
        kdf,
        cipher: "xchacha20poly1305".into(),
        nonce: BASE64.encode(nonce),
        wrapped_key: BASE64.encode(wrapped),
        checksum: None,
    };
    file.checksum = Some(file.computed_checksum());
    Ok(file)
}

/// Unwraps the database key with the phrase; a wrong phrase is `WrongPhrase`.
pub(crate) fn unwrap(file: &RecoveryFile, phrase: &RecoveryPhrase) -> Result<DatabaseKey, RecoveryError> {
    let damaged = |reason: &str| RecoveryError::FileDamaged { path: "recovery-key.json".into(), reason: reason.into() };
    file.check()?;
    let nonce = BASE64.decode(&file.nonce).map_err(|_| damaged("its nonce is not base64"))?;
    let wrapped = BASE64.decode(&file.wrapped_key).map_err(|_| damaged("its wrapped key is not base64"))?;
    if nonce.len() != 24 {
        return Err(damaged("its nonce has the wrong length"));
    }
    let kek = wrapping_key(phrase, &file.kdf)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let aad = associated_data(&file.store_id);
    let plain = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad })
            .map_err(|_| RecoveryError::WrongPhrase)?,
    );
    DatabaseKey::from_slice(&plain).ok_or_else(|| damaged("its key has the wrong length"))
}

/// What is wrong with the recovery file of an open store, in words for its status: without
/// a readable recovery file of its own, the store is lost when its key is.
pub(crate) fn problem(data_dir: &crate::DataDir, store_id: &str) -> Option<String> {
    let path = data_dir.recovery_file();
    let what = match read_file(&path) {
        Ok(file) if file.store_id == store_id => return None,
        Ok(file) => format!("the recovery file {} belongs to another store ({})", path.display(), file.store_id),
        Err(RecoveryError::FileMissing(_)) => format!("the recovery file {} is missing", path.display()),
        Err(error) => error.to_string(),
    };
    Some(format!(
        "{what}: the recovery phrase cannot put the key back, so the store will be lost if its key is lost from the credential store. Put the recovery file back from a backup, or make a new recovery phrase"
    ))
}

pub(crate) fn write_file(path: &Path, file: &RecoveryFile) -> Result<()> {
    let json = serde_json::to_vec_pretty(file).expect("a recovery file serialises");
    write_atomically(path, &json)
}

pub(crate) fn read_file(path: &Path) -> Result<RecoveryFile, RecoveryError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(RecoveryError::FileMissing(path.to_path_buf()));
        }
        Err(e) => return Err(RecoveryError::FileDamaged { path: path.to_path_buf(), reason: e.to_string() }),
    };
    let file: RecoveryFile = serde_json::from_slice(&bytes)
        .map_err(|e| RecoveryError::FileDamaged { path: path.to_path_buf(), reason: e.to_string() })?;
    file.check().map_err(|error| match error {
        RecoveryError::FileDamaged { reason, .. } => RecoveryError::FileDamaged { path: path.to_path_buf(), reason },
        other => other,
    })?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_wraps_and_unwraps_the_key() {
        let key = DatabaseKey::random().unwrap();
        let phrase = RecoveryPhrase::generate().unwrap();
        assert_eq!(phrase.words().len(), 12);
        let file = wrap(&key, &phrase, "store-a").unwrap();
        let back = unwrap(&file, &RecoveryPhrase::parse(phrase.as_str()).unwrap()).unwrap();
        assert_eq!(back.bytes(), key.bytes());
        assert!(!file.wrapped_key.contains(&BASE64.encode(key.bytes())));
    }

    #[test]
    fn another_phrase_or_another_store_id_unlocks_nothing() {
        let key = DatabaseKey::random().unwrap();
        let phrase = RecoveryPhrase::generate().unwrap();
        let other = RecoveryPhrase::generate().unwrap();
        let mut file = wrap(&key, &phrase, "store-a").unwrap();
        assert_eq!(unwrap(&file, &other).err(), Some(RecoveryError::WrongPhrase));
        // Moved to another store, checksum and all: the key is bound to its store's id.
        file.store_id = "store-b".into();
        file.checksum = Some(file.computed_checksum());
        assert_eq!(unwrap(&file, &phrase).err(), Some(RecoveryError::WrongPhrase));
    }

    #[test]
    fn typed_phrases_are_forgiving_of_case_and_spacing_but_not_of_words() {
        let phrase = RecoveryPhrase::generate().unwrap();
        let words = phrase.words();
        let shouted = format!("  {}\n", words.join("   ").to_uppercase());
        assert_eq!(RecoveryPhrase::parse(&shouted).unwrap().as_str(), phrase.as_str());

        let short = words[..11].join(" ");
        assert_eq!(RecoveryPhrase::parse(&short).err(), Some(RecoveryError::WordCount { found: 11, expected: 12 }));

        let mut misspelt = words.clone();
        misspelt[3] = "qqqq".into();
        assert_eq!(RecoveryPhrase::parse(&misspelt.join(" ")).err(), Some(RecoveryError::UnknownWord { position: 4 }));

        let mut swapped = words.clone();
        swapped.swap(0, 11);
        if swapped != words {
            // Swapping two words breaks the checksum in all but rare cases; only assert it
            // when the checksum does catch it, and always require that it is not accepted as
            // the original phrase.
            match RecoveryPhrase::parse(&swapped.join(" ")) {
                Err(error) => assert_eq!(error, RecoveryError::Checksum),
                Ok(parsed) => assert_ne!(parsed.as_str(), phrase.as_str()),
            }
        }
    }

    #[test]
    fn a_changed_file_is_damaged_not_a_wrong_phrase() {
        let key = DatabaseKey::random().unwrap();
        let phrase = RecoveryPhrase::generate().unwrap();
        let mut file = wrap(&key, &phrase, "store-a").unwrap();
        assert_eq!(file.check(), Ok(()));
        let mut bytes = BASE64.decode(&file.wrapped_key).unwrap();
        bytes[5] ^= 1;
        file.wrapped_key = BASE64.encode(bytes);
        assert!(matches!(unwrap(&file, &phrase), Err(RecoveryError::FileDamaged { .. })));
        // Without the checksum (a file made by an earlier version) it can only fail to unlock.
        file.checksum = None;
        assert_eq!(unwrap(&file, &phrase).err(), Some(RecoveryError::WrongPhrase));
    }

    #[test]
    fn key_derivation_settings_other_than_inits_are_refused_before_any_work() {
        let key = DatabaseKey::random().unwrap();
        let phrase = RecoveryPhrase::generate().unwrap();
        let mut file = wrap(&key, &phrase, "store-a").unwrap();
        file.kdf.memory_kib = 4_000_000_000;
        file.checksum = Some(file.computed_checksum());
        match unwrap(&file, &phrase) {
            Err(RecoveryError::FileDamaged { reason, .. }) => {
                assert!(reason.contains("key-derivation settings"), "{reason}")
            }
            other => panic!("{:?}", other.map(|_| ())),
        }
    }

    #[test]
    fn a_phrase_never_shows_in_debug_output() {
        let phrase = RecoveryPhrase::generate().unwrap();
        assert_eq!(format!("{phrase:?}"), "RecoveryPhrase(…)");
    }
}
