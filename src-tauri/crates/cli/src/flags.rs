//! Tests of what the crates' code may say: only the command line knows its flags (no message
//! of the crates below it names one of its commands or flags: they say what is wrong and
//! what would allow it in words; the command line adds the command to run, `hint`), and a
//! capture's manifest is read into the evidence crate's types wherever it is read.

#[cfg(test)]
#[path = "../../core/tests/common/sources.rs"]
mod common;

#[cfg(test)]
mod tests {
    use clap::CommandFactory;
    use std::collections::BTreeSet;
    use std::path::Path;
    use super::common::{code, sources};

    /// Every long flag of every command of `triangulate`.
    fn flags() -> BTreeSet<String> {
        fn walk(command: &clap::Command, into: &mut BTreeSet<String>) {
            for arg in command.get_arguments() {
                if let Some(long) = arg.get_long() {
                    into.insert(format!("--{long}"));
                }
            }
            for sub in command.get_subcommands() {
                walk(sub, into);
            }
        }
        let mut all = BTreeSet::new();
        walk(&crate::Cli::command(), &mut all);
        // Help and version are clap's, and `--json` is a word for a format as much as a flag.
        for own in ["--help", "--version", "--json"] {
            all.remove(own);
        }
        all
    }

    #[test]
    fn no_crate_below_the_command_line_names_its_commands_or_flags() {
        let flags = flags();
        assert!(flags.contains("--data-dir") && flags.contains("--by"), "the flags are read from the command line: {flags:?}");
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for below in ["core", "store", "app", "capture", "evidence", "pdf", "ipc", "serve", "bundle"] {
            sources(&crates.join(below).join("src"), &mut files);
        }
        // The verifier's own command line (`triangulate-verify`) is a door of its own.
        files.retain(|f| !f.to_string_lossy().contains("bundle/src/bin/"));
        assert!(files.len() > 50, "the crates' sources are read: {}", files.len());
        let mut named = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in code(&text) {
                // The browser's own switches (`--headless=new`), given to it by the capture
                // crate, are the browser's words.
                let words: Vec<&str> = line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).collect();
                let browsers = file.to_string_lossy().contains("capture/src");
                let flag = words.iter().find(|w| flags.contains(**w)).filter(|w| !(browsers && line.contains(&format!("{w}="))));
                // The bundle's README is a document for its reader, who is told how to run
                // the verifier that travels with it and the command line's `verify`; the
                // verifier's own report names its own flag, which `verify` shares.
                let readme = file.ends_with("app/src/bundle.rs") && line.contains("triangulate-verify BUNDLE.zip");
                let verifier = file.ends_with("bundle/src/lib.rs") && line.contains("give --expect-fingerprint");
                if !readme && !verifier && (flag.is_some() || line.contains("`triangulate ")) {
                    named.push(format!("{}:{n}: {}", file.display(), line.trim()));
                }
            }
        }
        assert!(named.is_empty(), "messages below the command line name its commands or flags:\n{}", named.join("\n"));
    }

    #[test]
    fn no_crate_reads_a_capture_manifest_as_untyped_json() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for reader in ["store", "app", "ipc", "cli", "serve"] {
            sources(&crates.join(reader).join("src"), &mut files);
        }
        let mut untyped = Vec::new();
        for file in &files {
            if file.ends_with("cli/src/flags.rs") {
                continue;
            }
            let text = std::fs::read_to_string(file).unwrap();
            for (n, line) in code(&text) {
                let picked = line.contains("[\"provenance\"]") || line.contains("[\"original_sha256\"]") || line.contains("[\"artefacts\"]");
                let parsed = line.contains("manifest") && line.contains("Value") && line.contains("from_str");
                if picked || parsed {
                    untyped.push(format!("{}:{n}: {}", file.display(), line.trim()));
                }
            }
        }
        assert!(files.len() > 50, "the crates' sources are read: {}", files.len());
        assert!(untyped.is_empty(), "manifests read as untyped JSON:\n{}", untyped.join("\n"));
    }
}
