//! Black-box tests of the `triangulate` binary: exit codes, messages and JSON keys are a
//! contract that scripts and IT staff rely on.

mod browser;
mod bundle;
mod capture;
mod export;
mod fixture_site;
#[path = "../support/folders.rs"]
mod folders;
mod hardening;
mod inputs;
mod keystores;
mod people;
mod pilot;
mod policy;
mod progress;
mod protocol;
mod refusals;
mod retention;
mod serve;
mod store;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fresh data folder and a way to run the binary on it.
pub struct Setup {
    _temp: tempfile::TempDir,
    pub data_dir: PathBuf,
}

pub fn setup() -> Setup {
    let temp = tempfile::tempdir().unwrap();
    let data_dir = temp.path().join("data");
    Setup { _temp: temp, data_dir }
}

impl Setup {
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_triangulate"));
        command
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(args)
            .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
            .env_remove("TRIANGULATE_DATA_DIR")
            .env_remove("RUST_LOG");
        command
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    pub fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// `init --json`: the store's id and its recovery phrase.
    pub fn init(&self) -> (String, String) {
        let run = self.run(&["init", "--json"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let json = run.json();
        (json["store_id"].as_str().unwrap().to_string(), json["recovery_phrase"].as_str().unwrap().to_string())
    }

    /// The people of the example request in the staff directory (tests/fixtures/staff-example.csv):
    /// Rhian Evans (social worker), Gwen Thomas (team manager), Director and Sue Director
    /// (service directors), Sam Patel (access worker), Sue Manager (service manager).
    pub fn staff(&self) {
        let file = repo_root().join("tests/fixtures/staff-example.csv");
        let run = self.run(&["staff", "import", "--file", file.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    /// Registers a person of the directory as an access worker, on the service director's decision.
    pub fn register_aaw(&self, name: &str) {
        let run = self.run(&[
            "worker",
            "register-aaw",
            name,
            "--decided-by",
            "Director",
            "--evidence",
            "SD memo 12",
            "--trained",
            "2026-10-01",
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }

    pub fn store_id(&self) -> String {
        let text = std::fs::read_to_string(self.data_dir.join("store.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["store_id"].as_str().unwrap().to_string()
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        if self.data_dir.join("store.json").exists()
            && let Ok(keystore) = triangulate_store::Keystore::kernel_keyring()
        {
            let _ = keystore.delete_key(&self.store_id());
        }
    }
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// Every file below a folder, recursively.
pub fn files_below(root: &Path) -> Vec<PathBuf> {
    paths_below(root, false)
}

/// Every file below a folder, recursively, and with `folders` every folder too.
pub fn paths_below(root: &Path, folders: bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path.clone());
                if folders {
                    found.push(path);
                }
            } else {
                found.push(path);
            }
        }
    }
    found
}

pub fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The repository's root, for fixtures and for pictures left for people to look at.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}
