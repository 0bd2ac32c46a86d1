//! Folders copied as a person would copy a data folder to a backup and put it back: shared by
//! the Linux CLI tests (`tests/cli`) and the Windows build's tests (`tests/windows`).

use std::path::Path;

/// Copies a folder and everything below it.
pub fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
