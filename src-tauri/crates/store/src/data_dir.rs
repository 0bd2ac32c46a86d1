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
            field: "--data-dir",
            message: "this system has no local application-data folder: give one with --data-dir".into(),
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

    pub(crate) fn create(&self) -> Result<()> {
        fs::create_dir_all(&self.root).map_err(StoreError::io(&self.root))
    }
}

/// Writes a file so that a crash or a full disk leaves either the old file or the new one,
/// never a part of either: a temporary file is written and synced, then renamed over.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("tmp");
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
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
