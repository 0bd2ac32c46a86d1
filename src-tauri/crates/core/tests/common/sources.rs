//! Reading the crates' own code, for the tests of what it may name (the core's no IO here, the
//! command line's flags in `cli/src/flags.rs`, which includes this file).

use std::path::{Path, PathBuf};

/// Every `.rs` file under `folder`, added to `into`.
pub fn sources(folder: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}
