//! The data folder and the files in it.
//!
//! The folder defaults to the OS's local (not roaming) application-data folder —
//! `%LOCALAPPDATA%\Triangulate` on Windows, `~/.local/share/triangulate` on Linux,
//! `~/Library/Application Support/Triangulate` on macOS; `--data-dir` or
//! `TRIANGULATE_DATA_DIR` override it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

pub const DATA_DIR_ENV: &str = "TRIANGULATE_DATA_DIR";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataDir {
    root: PathBuf,
}

impl DataDir {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DataDir { root: root.into() }
    }

    /// The folder given, else `TRIANGULATE_DATA_DIR`, else the OS's local application-data folder.
    pub fn resolve(explicit: Option<PathBuf>) -> Result<Self> {
        if let Some(root) = explicit.filter(|p| !p.as_os_str().is_empty()) {
            return Ok(DataDir::new(root));
        }
        if let Some(root) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            return Ok(DataDir::new(PathBuf::from(root)));
        }
        let base = dirs::data_local_dir().ok_or(StoreError::Invalid {
            field: "data_dir",
            message: "this system has no local application-data folder: name the data folder to use".into(),
        })?;
        let name = if cfg!(any(windows, target_os = "macos")) { "Triangulate" } else { "triangulate" };
        Ok(DataDir::new(base.join(name)))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The encrypted database.
    pub fn database(&self) -> PathBuf {
        self.root.join("triangulate.db")
    }

    /// SQLite's write-ahead journal of the database.
    /// The sanctioned account's own browser profile: its log-in, and what its browser keeps.
    pub fn browser_profile(&self, account: i64) -> PathBuf {
        self.root.join("browser-profiles").join(format!("account-{account}"))
    }

    pub fn journal_file(&self) -> PathBuf {
        self.root.join("triangulate.db-wal")
    }

    /// SQLite's shared-memory index of the journal.
    pub fn shared_memory_file(&self) -> PathBuf {
        self.root.join("triangulate.db-shm")
    }

    /// The store's id and format, in plain JSON: the id names the key in the credential store.
    pub fn store_file(&self) -> PathBuf {
        self.root.join("store.json")
    }

    /// The database key wrapped by the recovery phrase.
    pub fn recovery_file(&self) -> PathBuf {
        self.root.join("recovery-key.json")
    }

    /// The local policy; the embedded defaults apply where it is absent.
    pub fn policy_file(&self) -> PathBuf {
        self.root.join("policy.toml")
    }

    pub fn logs(&self) -> PathBuf {
        self.root.join("logs")
    }

    /// The audit chain's head as last written, beside the copy in the credential store.
    pub fn head_file(&self) -> PathBuf {
        self.root.join("audit-head.json")
    }

    /// Held while a change is written and its head recorded, so that writers in several
    /// processes (the command line, the desktop, a session's recorder) take turns.
    pub fn lock_file(&self) -> PathBuf {
        self.root.join("triangulate.lock")
    }

    /// Every file a store is made of: `init` refuses while any of them exists.
    pub fn store_files(&self) -> Vec<PathBuf> {
        vec![
            self.database(),
            self.journal_file(),
            self.shared_memory_file(),
            self.store_file(),
            self.recovery_file(),
            self.head_file(),
        ]
    }

    pub(crate) fn create(&self) -> Result<()> {
        private::create_dir_all(&self.root).map_err(StoreError::io(&self.root))
    }

    /// Makes the folder and the store's own files readable by their owner only, where an
    /// earlier version or a copy left them open to other users of the machine.
    pub(crate) fn make_private(&self) {
        private::tighten(&self.root, true);
        for file in self.store_files().into_iter().chain([self.lock_file()]) {
            private::tighten(&file, false);
        }
        private::tighten(&self.logs(), true);
        private::tighten(&self.root.join("browser-profiles"), true);
    }
}

use crate::private;

/// Writes a file so that a crash or a full disk leaves either the old file or the new one,
/// never a part of either: a temporary file is written and synced, then renamed over.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("tmp");
    let result = (|| {
        let mut file = private::options().write(true).create(true).truncate(true).open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temporary, path)?;
        if let Some(parent) = path.parent() {
            sync_folder(parent);
        }
        Ok(())
    })();
    result.map_err(|source: std::io::Error| {
        let _ = fs::remove_file(&temporary);
        if is_disk_full(&source) {
            StoreError::DiskFull(path.to_path_buf())
        } else {
            StoreError::Io { path: path.to_path_buf(), source }
        }
    })
}

fn sync_folder(folder: &Path) {
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
    #[cfg(not(unix))]
    let _ = folder;
}

pub(crate) fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull || error.raw_os_error() == Some(28)
}
