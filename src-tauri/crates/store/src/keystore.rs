//! The OS credential store that keeps each store's database key.
//!
//! Windows Credential Manager, the macOS Keychain, or on Linux the desktop's Secret Service;
//! with no Secret Service, the kernel keyring, with a warning that it does not survive a
//! reboot. The entry is named by the store's id, so two data folders never share a key.
//! `TRIANGULATE_KEYSTORE` may force the choice (`secret-service` or `kernel-keyring` on Linux).

use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};
use zeroize::Zeroizing;

use crate::error::{Result, StoreError};

pub const KEYSTORE_ENV: &str = "TRIANGULATE_KEYSTORE";
const SERVICE: &str = "Triangulate database key";
/// The audit chain's head, kept beside the key so that a database put back from a copy is
/// noticed: not a secret, but out of reach of whoever can write the data folder.
const HEAD_SERVICE: &str = "Triangulate audit head";

/// A store's 32-byte SQLCipher key. Wiped from memory when dropped; never printed.
pub struct DatabaseKey(Zeroizing<[u8; 32]>);

impl DatabaseKey {
    pub(crate) fn random() -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| StoreError::Keystore { keystore: "system random source".into(), reason: e.to_string() })?;
        Ok(DatabaseKey(bytes))
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(DatabaseKey(Zeroizing::new(array)))
    }

    pub(crate) fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The SQLCipher raw-key pragma value, `x'…'`.
    pub(crate) fn sqlcipher_raw_key(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_ref())))
    }
}

impl fmt::Debug for DatabaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DatabaseKey(…)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeystoreKind {
    SecretService,
    KernelKeyring,
    WindowsCredentialManager,
    MacosKeychain,
}

impl KeystoreKind {
    pub fn label(self) -> &'static str {
        match self {
            KeystoreKind::SecretService => "desktop Secret Service",
            KeystoreKind::KernelKeyring => "Linux kernel keyring",
            KeystoreKind::WindowsCredentialManager => "Windows Credential Manager",
            KeystoreKind::MacosKeychain => "macOS Keychain",
        }
    }

    pub fn survives_reboot(self) -> bool {
        self != KeystoreKind::KernelKeyring
    }
}

/// The credential store in use.
#[derive(Clone)]
pub struct Keystore {
    kind: KeystoreKind,
    backend: Backend,
}

#[derive(Clone)]
enum Backend {
    /// A `keyring-core` store: Secret Service, Windows Credential Manager, macOS Keychain.
    Platform(Arc<CredentialStore>),
    /// The kernel's session keyring, used directly: `keyring-core`'s keyutils store also links
    /// each key into the persistent keyring, which this kind of machine refuses.
    #[cfg(target_os = "linux")]
    KernelSession,
}

impl fmt::Debug for Keystore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keystore").field("kind", &self.kind).finish()
    }
}

impl Keystore {
    /// The platform's credential store, as `TRIANGULATE_KEYSTORE` asks or else the best there is.
    pub fn from_environment() -> Result<Self> {
        let wanted = std::env::var(KEYSTORE_ENV).unwrap_or_default();
        Self::choose(wanted.trim())
    }

    pub fn kind(&self) -> KeystoreKind {
        self.kind
    }

    pub fn label(&self) -> &'static str {
        self.kind.label()
    }

    /// What the worker should be told about where the key is kept, if anything.
    pub fn warning(&self) -> Option<String> {
        (!self.kind.survives_reboot()).then(|| {
            format!(
                "The database key is kept in the {}, which does not survive a reboot: keep the recovery phrase safe, it will be needed after the next restart",
                self.label()
            )
        })
    }

    #[cfg(target_os = "linux")]
    fn choose(wanted: &str) -> Result<Self> {
        match wanted {
            "" | "auto" => match Self::probe_secret_service() {
                Ok(keystore) => Ok(keystore),
                Err(reason) => {
                    tracing::warn!(
                        %reason,
                        "no desktop Secret Service: the database key goes in the kernel keyring, which does not survive a reboot"
                    );
                    Self::kernel_keyring()
                }
            },
            "secret-service" => Self::secret_service(),
            "kernel-keyring" => Self::kernel_keyring(),
            other => Err(unknown_keystore(other, "auto, secret-service or kernel-keyring")),
        }
    }

    /// The desktop's Secret Service (GNOME Keyring, KWallet), if it answers.
    #[cfg(target_os = "linux")]
    pub fn secret_service() -> Result<Self> {
        Self::probe_secret_service()
            .map_err(|reason| StoreError::Keystore { keystore: KeystoreKind::SecretService.label().into(), reason })
    }

    #[cfg(target_os = "linux")]
    fn probe_secret_service() -> std::result::Result<Self, String> {
        let store: Arc<CredentialStore> = dbus_secret_service_keyring_store::Store::new().map_err(|e| describe(&e))?;
        let probe = store.build(SERVICE, "probe", None).map_err(|e| describe(&e))?;
        let keystore = Keystore { kind: KeystoreKind::SecretService, backend: Backend::Platform(store) };
        // A look-up of an entry that never exists proves the service answers.
        match probe.get_secret() {
            Ok(_) | Err(KeyringError::NoEntry) => Ok(keystore),
            Err(e) => Err(describe(&e)),
        }
    }

    /// The kernel keyring: works with no desktop session, lost at reboot.
    #[cfg(target_os = "linux")]
    pub fn kernel_keyring() -> Result<Self> {
        let keystore = Keystore { kind: KeystoreKind::KernelKeyring, backend: Backend::KernelSession };
        kernel::session().map_err(|e| keystore.failure(e))?;
        Ok(keystore)
    }

    #[cfg(target_os = "windows")]
    fn choose(wanted: &str) -> Result<Self> {
        match wanted {
            "" | "auto" | "windows" => {
                let store: Arc<CredentialStore> =
                    windows_native_keyring_store::Store::new().map_err(|e| StoreError::Keystore {
                        keystore: KeystoreKind::WindowsCredentialManager.label().into(),
                        reason: describe(&e),
                    })?;
                Ok(Keystore { kind: KeystoreKind::WindowsCredentialManager, backend: Backend::Platform(store) })
            }
            other => Err(unknown_keystore(other, "auto")),
        }
    }

    #[cfg(target_os = "macos")]
    fn choose(wanted: &str) -> Result<Self> {
        match wanted {
            "" | "auto" | "keychain" => {
                let store: Arc<CredentialStore> = apple_native_keyring_store::keychain::Store::new().map_err(|e| {
                    StoreError::Keystore { keystore: KeystoreKind::MacosKeychain.label().into(), reason: describe(&e) }
                })?;
                Ok(Keystore { kind: KeystoreKind::MacosKeychain, backend: Backend::Platform(store) })
            }
            other => Err(unknown_keystore(other, "auto")),
        }
    }

    fn failure(&self, reason: String) -> StoreError {
        StoreError::Keystore { keystore: self.label().into(), reason }
    }

    /// The key of the store with this id, or `None` when the credential store has no entry.
    fn platform_entry(&self, store: &Arc<CredentialStore>, service: &str, store_id: &str) -> Result<Entry> {
        store.build(service, store_id, None).map_err(|e| self.failure(describe(&e)))
    }

    /// The key of the store with this id, or `None` when the credential store has no entry.
    pub(crate) fn get_key(&self, store_id: &str) -> Result<Option<DatabaseKey>> {
        let secret = match &self.backend {
            Backend::Platform(store) => match self.platform_entry(store, SERVICE, store_id)?.get_secret() {
                Ok(secret) => Some(Zeroizing::new(secret)),
                Err(KeyringError::NoEntry) => None,
                Err(e) => return Err(self.failure(describe(&e))),
            },
            #[cfg(target_os = "linux")]
            Backend::KernelSession => kernel::get(&kernel::key_name(store_id)).map_err(|e| self.failure(e))?,
        };
        // A secret of the wrong length is treated as a wrong key: it opens nothing.
        Ok(secret.map(|s| DatabaseKey::from_slice(&s).unwrap_or(DatabaseKey(Zeroizing::new([0; 32])))))
    }

    pub(crate) fn set_key(&self, store_id: &str, key: &DatabaseKey) -> Result<()> {
        match &self.backend {
            Backend::Platform(store) => self
                .platform_entry(store, SERVICE, store_id)?
                .set_secret(key.bytes())
                .map_err(|e| self.failure(describe(&e))),
            #[cfg(target_os = "linux")]
            Backend::KernelSession => {
                kernel::set(&kernel::key_name(store_id), key.bytes()).map_err(|e| self.failure(e))
            }
        }
    }

    /// Removes the key of the store with this id; true if there was one. The store stays
    /// locked until `recover` puts the key back.
    pub fn delete_key(&self, store_id: &str) -> Result<bool> {
        match &self.backend {
            Backend::Platform(store) => match self.platform_entry(store, SERVICE, store_id)?.delete_credential() {
                Ok(()) => Ok(true),
                Err(KeyringError::NoEntry) => Ok(false),
                Err(e) => Err(self.failure(describe(&e))),
            },
            #[cfg(target_os = "linux")]
            Backend::KernelSession => kernel::delete(&kernel::key_name(store_id)).map_err(|e| self.failure(e)),
        }
    }
}

impl Keystore {
    /// The audit chain's head recorded for this store, as written by `set_head`.
    pub fn get_head(&self, store_id: &str) -> Result<Option<Vec<u8>>> {
        match &self.backend {
            Backend::Platform(store) => match self.platform_entry(store, HEAD_SERVICE, store_id)?.get_secret() {
                Ok(bytes) => Ok(Some(bytes)),
                Err(KeyringError::NoEntry) => Ok(None),
                Err(e) => Err(self.failure(describe(&e))),
            },
            #[cfg(target_os = "linux")]
            Backend::KernelSession => {
                Ok(kernel::get(&kernel::head_name(store_id)).map_err(|e| self.failure(e))?.map(|bytes| bytes.to_vec()))
            }
        }
    }

    pub fn set_head(&self, store_id: &str, bytes: &[u8]) -> Result<()> {
        match &self.backend {
            Backend::Platform(store) => self
                .platform_entry(store, HEAD_SERVICE, store_id)?
                .set_secret(bytes)
                .map_err(|e| self.failure(describe(&e))),
            #[cfg(target_os = "linux")]
            Backend::KernelSession => kernel::set(&kernel::head_name(store_id), bytes).map_err(|e| self.failure(e)),
        }
    }

    /// Removes the recorded head, as a restart does to the kernel keyring's.
    pub fn delete_head(&self, store_id: &str) -> Result<()> {
        match &self.backend {
            Backend::Platform(store) => match self.platform_entry(store, HEAD_SERVICE, store_id)?.delete_credential() {
                Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
                Err(e) => Err(self.failure(describe(&e))),
            },
            #[cfg(target_os = "linux")]
            Backend::KernelSession => {
                kernel::delete(&kernel::head_name(store_id)).map(|_| ()).map_err(|e| self.failure(e))
            }
        }
    }
}

/// The kernel's session keyring (the user-session keyring where the login made none).
#[cfg(target_os = "linux")]
mod kernel {
    use linux_keyutils::{KeyError, KeyRing, KeyRingIdentifier};
    use zeroize::Zeroizing;

    pub(super) fn key_name(store_id: &str) -> String {
        format!("triangulate:{store_id}")
    }

    pub(super) fn head_name(store_id: &str) -> String {
        format!("triangulate-head:{store_id}")
    }

    fn describe(error: KeyError) -> String {
        format!("the kernel refused: {error:?}")
    }

    /// An invalidated key lingers, revoked, until the kernel collects it: it is gone.
    fn gone(error: KeyError) -> bool {
        matches!(error, KeyError::KeyDoesNotExist | KeyError::KeyRevoked | KeyError::KeyExpired)
    }

    pub(super) fn session() -> Result<KeyRing, String> {
        KeyRing::from_special_id(KeyRingIdentifier::Session, false).map_err(describe)
    }

    pub(super) fn get(name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, String> {
        match session()?.search(name) {
            Ok(key) => match key.read_to_vec() {
                Ok(secret) => Ok(Some(Zeroizing::new(secret))),
                Err(e) if gone(e) => Ok(None),
                Err(e) => Err(describe(e)),
            },
            Err(e) if gone(e) => Ok(None),
            Err(e) => Err(describe(e)),
        }
    }

    pub(super) fn set(name: &str, secret: &[u8]) -> Result<(), String> {
        session()?.add_key(name, secret).map(|_| ()).map_err(describe)
    }

    pub(super) fn delete(name: &str) -> Result<bool, String> {
        match session()?.search(name) {
            Ok(key) => key.invalidate().map(|_| true).map_err(describe),
            Err(e) if gone(e) => Ok(false),
            Err(e) => Err(describe(e)),
        }
    }
}

fn unknown_keystore(given: &str, allowed: &str) -> StoreError {
    StoreError::Invalid {
        field: KEYSTORE_ENV,
        message: format!("\"{given}\" is not a credential store this system has; use one of: {allowed}"),
    }
}

/// Describes a credential-store error without the secret bytes some variants carry.
fn describe(error: &KeyringError) -> String {
    match error {
        KeyringError::PlatformFailure(e) => format!("the platform failed: {e}"),
        KeyringError::NoStorageAccess(e) => format!("it could not be accessed (is it locked?): {e}"),
        KeyringError::NoEntry => "it has no such entry".into(),
        KeyringError::BadEncoding(_) => "an entry held data in an unexpected encoding".into(),
        KeyringError::BadDataFormat(_, _) => "an entry held data in an unexpected format".into(),
        KeyringError::BadStoreFormat(what) => format!("it is not in the expected format: {what}"),
        KeyringError::TooLong(name, limit) => format!("{name} is longer than its limit of {limit}"),
        KeyringError::Invalid(name, why) => format!("{name} is not valid: {why}"),
        KeyringError::Ambiguous(_) => "it holds more than one matching entry".into(),
        KeyringError::NoDefaultStore => "no credential store was chosen".into(),
        KeyringError::NotSupportedByStore(what) => format!("it does not support {what}"),
        _ => "it failed for an unknown reason".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_shows_in_debug_output() {
        let key = DatabaseKey::random().unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains(&hex::encode(key.bytes())));
        assert_eq!(shown, "DatabaseKey(…)");
    }

    #[test]
    fn random_keys_differ_and_take_the_raw_key_form() {
        let a = DatabaseKey::random().unwrap();
        let b = DatabaseKey::random().unwrap();
        assert_ne!(a.bytes(), b.bytes());
        let raw = a.sqlcipher_raw_key();
        assert!(raw.starts_with("x'") && raw.ends_with('\'') && raw.len() == 67);
    }

    #[test]
    fn errors_carrying_secret_bytes_are_described_without_them() {
        let secret = b"very-secret-bytes".to_vec();
        let text = describe(&KeyringError::BadEncoding(secret));
        assert!(!text.contains("very-secret"));
        assert!(!text.contains("118"), "no byte values either: {text}");
    }
}
