//! Every file and folder an export writes, recorded with its digest and with the requests and
//! captures it holds, so that disposal finds them again: it removes those still as written and
//! names the rest.

use std::path::{Path, PathBuf};
use triangulate_store::KnownFile;

use crate::error::{AppError, Result};
use crate::host::Host;

fn known(path: &Path, folder: bool) -> Result<KnownFile> {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    let (sha256, bytes) = match folder {
        true => (None, 0),
        false => {
            let bytes = std::fs::read(&path)
                .map_err(|e| AppError::Refused(format!("{} cannot be read back: {e}", path.display())))?;
            (Some(triangulate_evidence::sha256_hex(&bytes)), bytes.len() as u64)
        }
    };
    Ok(KnownFile { path: path.display().to_string(), sha256, bytes, folder })
}

/// Records what an export wrote: `files`, and `folders` it made (listed after the files in
/// them, so that disposal empties a folder before it removes it).
pub(crate) fn record(
    host: &dyn Host,
    kind: &str,
    subject: &str,
    requests: &[String],
    captures: &[i64],
    files: &[PathBuf],
    folders: &[PathBuf],
) -> Result<()> {
    let mut listed = files.iter().map(|f| known(f, false)).collect::<Result<Vec<_>>>()?;
    let mut folders = folders.to_vec();
    // Deepest first.
    folders.sort_by_key(|f| std::cmp::Reverse(f.components().count()));
    listed.extend(folders.iter().map(|f| known(f, true)).collect::<Result<Vec<_>>>()?);
    host.store()?.record_file_export(kind, subject, requests, captures, &listed, host.now())?;
    Ok(())
}

/// Records everything below `root` (the files and the folders, `root` included) as written
/// by one export.
pub(crate) fn record_folder(
    host: &dyn Host,
    kind: &str,
    subject: &str,
    requests: &[String],
    captures: &[i64],
    root: &Path,
) -> Result<()> {
    let (mut files, mut folders) = (Vec::new(), vec![root.to_path_buf()]);
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| AppError::Refused(format!("{} cannot be read back: {e}", folder.display())))?;
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => {
                    pending.push(entry.path());
                    folders.push(entry.path());
                }
                Ok(kind) if kind.is_file() => files.push(entry.path()),
                _ => {}
            }
        }
    }
    files.sort();
    record(host, kind, subject, requests, captures, &files, &folders)
}
