//! The Windows build, run under Wine: the command line (`triangulate.exe`) and the offline
//! verifier (`triangulate-verify.exe`) built for `x86_64-pc-windows-gnu`.
//!
//! Which tests run where, and why:
//! - **Here, under Wine**, the command line's work that needs no browser: creating the store
//!   with its key in the Windows Credential Manager; the owner-only DACLs on the data folder,
//!   the files in it and an export, read back from Windows' own security descriptors;
//!   recovering the store from its phrase on another "laptop" (a second Wine prefix, whose
//!   Credential Manager has never seen the key); the request workflow from Appendix 1 to a
//!   finalised log; the RIPA register and its central record; audit verification and a
//!   rollback caught by the Credential Manager's copy of the chain's head; a PDF of a request
//!   without captures; a bundle made on Windows verified on Linux, and one made on Linux
//!   verified by `triangulate-verify.exe`.
//! - **On Linux only** (`tests/cli`, `tests/ui`, `tests/desktop`): everything else, the same
//!   code compiled for Linux. Capture cannot run under Wine (Chromium and Edge for Windows do
//!   not start in it), nor can the desktop window (WebView2 does not run in it); for Windows
//!   those are built, with warnings denied, and not run.
//!
//! The tests are ignored by a plain `cargo test`: `.ci/test-all` builds the Windows binaries
//! first (`cargo build --target x86_64-pc-windows-gnu`) and runs them with the rest.
//! `TRIANGULATE_WINDOWS_BIN` names another folder holding the `.exe` files.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

#[path = "../support/folders.rs"]
mod folders;
use folders::copy_folder;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../..")
}

fn windows_bin() -> PathBuf {
    std::env::var_os("TRIANGULATE_WINDOWS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/x86_64-pc-windows-gnu/debug"))
}

fn exe(name: &str) -> PathBuf {
    let path = windows_bin().join(format!("{name}.exe"));
    assert!(
        path.is_file(),
        "{} is not built: cargo build --target x86_64-pc-windows-gnu -p triangulate-cli -p triangulate-bundle",
        path.display()
    );
    path
}

fn wine_program() -> PathBuf {
    let folders: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    ["wine64", "wine"]
        .iter()
        .flat_map(|name| folders.iter().map(move |d| d.join(name)))
        .find(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("/usr/lib/wine/wine64"))
}

/// A Windows path for a Linux one: Wine shows the Linux file system as drive Z:.
fn win(path: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    format!("Z:{}", path.display()).replace('/', "\\")
}

/// A Wine prefix: one Windows laptop, with its own registry and Credential Manager.
struct Laptop {
    _temp: Option<tempfile::TempDir>,
    prefix: PathBuf,
}

impl Laptop {
    /// A laptop of its own, removed when dropped (a prefix is about 700 MB).
    fn new() -> Laptop {
        let temp = tempfile::tempdir().unwrap();
        let prefix = temp.path().join("prefix");
        Laptop::prepare(&prefix);
        Laptop { _temp: Some(temp), prefix }
    }

    fn prepare(prefix: &Path) {
        let made = Command::new(repo_root().join("tests/windows/wine-prefix.sh")).arg(prefix).output().unwrap();
        assert!(made.status.success(), "the Wine prefix: {}", String::from_utf8_lossy(&made.stderr));
    }

    fn command(&self, program: &Path) -> Command {
        let mut command = Command::new(wine_program());
        command
            .arg(program)
            .env("WINEPREFIX", &self.prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=")
            .env("LANG", "C.UTF-8")
            .env_remove("TRIANGULATE_KEYSTORE")
            .env_remove("TRIANGULATE_DATA_DIR")
            .env_remove("RUST_LOG")
            .env_remove("DISPLAY")
            .stdin(Stdio::null());
        command
    }

    /// The owner and DACL of each path, in SDDL, as Windows keeps them; and the user's SID.
    fn security(&self, paths: &[&Path]) -> (String, Vec<String>) {
        let mut command = self.command(&self.prefix.join("drive_c/test-aids/sddl.exe"));
        command.args(paths.iter().map(|p| win(p)));
        let out = command.output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace('\r', "");
        assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
        let mut lines = text.lines();
        let user = lines.next().and_then(|l| l.strip_prefix("user ")).unwrap().to_string();
        let descriptors = lines.map(|l| l.split_once('\t').unwrap().1.to_string()).collect();
        (user, descriptors)
    }
}

/// The shared laptop most tests use. A static is never dropped, so its prefix is kept in
/// the build folder and used again by the next run, rather than left in the temporary folder.
fn laptop() -> &'static Laptop {
    static LAPTOP: OnceLock<Laptop> = OnceLock::new();
    LAPTOP.get_or_init(|| {
        let prefix = repo_root().join("target/wine-prefixes/shared");
        Laptop::prepare(&prefix);
        Laptop { _temp: None, prefix }
    })
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl From<std::process::Output> for Run {
    fn from(output: std::process::Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).replace('\r', ""),
            stderr: String::from_utf8_lossy(&output.stderr).replace('\r', ""),
        }
    }
}

/// A data folder used by `triangulate.exe` on a laptop.
struct Store<'a> {
    laptop: &'a Laptop,
    _temp: tempfile::TempDir,
    data_dir: PathBuf,
}

impl<'a> Store<'a> {
    fn on(laptop: &'a Laptop) -> Store<'a> {
        let temp = tempfile::tempdir().unwrap();
        let data_dir = temp.path().join("data");
        Store { laptop, _temp: temp, data_dir }
    }

    fn folder(&self) -> PathBuf {
        self.data_dir.parent().unwrap().to_path_buf()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = self.laptop.command(&exe("triangulate"));
        command.arg("--data-dir").arg(win(&self.data_dir)).args(args);
        command
    }

    fn run_with_input(&self, args: &[&str], input: &str) -> Run {
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        Run::from(child.wait_with_output().unwrap())
    }

    /// `init --json`: the store's id and its phrase.
    fn init(&self) -> (String, String) {
        let json = self.ok(&["init", "--json"]).json();
        (json["store_id"].as_str().unwrap().to_string(), json["recovery_phrase"].as_str().unwrap().to_string())
    }

    fn events(&self) -> u64 {
        self.ok(&["audit", "verify", "--json"]).json()["events"].as_u64().unwrap()
    }
}

impl Cli for Store<'_> {
    fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command(args).output().unwrap())
    }

    fn path(&self, path: &Path) -> String {
        win(path)
    }
}

/// The Linux command line on a data folder of its own, its key in the kernel keyring.
struct LinuxStore {
    _temp: tempfile::TempDir,
    data_dir: PathBuf,
}

impl LinuxStore {
    fn new() -> LinuxStore {
        let temp = tempfile::tempdir().unwrap();
        let data_dir = temp.path().join("data");
        LinuxStore { _temp: temp, data_dir }
    }
}

impl Cli for LinuxStore {
    fn run(&self, args: &[&str]) -> Run {
        Run::from(
            Command::new(env!("CARGO_BIN_EXE_triangulate"))
                .arg("--data-dir")
                .arg(&self.data_dir)
                .args(args)
                .env("TRIANGULATE_KEYSTORE", "kernel-keyring")
                .env_remove("RUST_LOG")
                .output()
                .unwrap(),
        )
    }

    fn path(&self, path: &Path) -> String {
        path.to_str().unwrap().to_string()
    }
}

impl Drop for LinuxStore {
    fn drop(&mut self) {
        if let Ok(text) = std::fs::read_to_string(self.data_dir.join("store.json"))
            && let Ok(json) = serde_json::from_str::<serde_json::Value>(&text)
            && let (Some(id), Ok(keystore)) = (json["store_id"].as_str(), triangulate_store::Keystore::kernel_keyring())
        {
            let _ = keystore.delete_key(id);
        }
    }
}

/// A command line on a data folder: Windows' under Wine, or Linux's.
trait Cli {
    fn run(&self, args: &[&str]) -> Run;
    /// A path as this system's command line takes it.
    fn path(&self, path: &Path) -> String;

    fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}{}", run.stdout, run.stderr);
        run
    }

    fn fixture(&self, name: &str) -> String {
        self.path(&repo_root().join("tests/fixtures").join(name))
    }
}

/// A store with the example's staff, an access worker registered and the example request
/// authorised, an account added and a first search logged: the request's reference and the
/// account's id.
fn authorised_request(s: &dyn Cli) -> (String, String) {
    s.ok(&["staff", "import", "--file", &s.fixture("staff-example.csv")]);
    s.ok(&["worker", "set", "--name", "Sam Patel", "--role", "aaw"]);
    let aaw = ["--decided-by", "Director", "--evidence", "SD memo 12", "--trained", "2026-10-01"];
    s.ok(&[&["worker", "register-aaw", "Sam Patel"][..], &aaw].concat());
    let reference =
        s.ok(&["request", "create", "--file", &s.fixture("request-example.json")]).stdout.trim().to_string();
    s.ok(&["request", "submit", &reference, "--by", "Rhian Evans", "--evidence", "email EV-1"]);
    s.ok(&["request", "agree", &reference, "--by", "Gwen Thomas", "--evidence", "email 2026-11-20"]);
    s.ok(&["request", "permit", &reference, "--by", "Director", "--evidence", "memo SD/44", "--conditions", "One-off"]);
    s.ok(&["request", "confirm-legitimacy", &reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
    let account = s
        .ok(&["account", "add", "--platform", "facebook", "--handle", "council.safeguarding"])
        .stdout
        .trim()
        .to_string();
    let search = ["--platform", "facebook", "--account", &account, "--searched", "Anna Kowalska", "--result", "Public"];
    s.ok(&[&["log", "add-search", &reference][..], &search].concat());
    (reference, account)
}

fn finalise(s: &dyn Cli, reference: &str) {
    s.ok(&["log", "complete", reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
    let assessment = ["--evidence", "email EV-1", "--rating", "some", "--assessment", "It helped"];
    s.ok(&[&["log", "finalise", reference, "--by", "Rhian Evans"][..], &assessment].concat());
}

fn tool(program: &str, args: &[&str]) -> Run {
    Run::from(Command::new(program).args(args).output().unwrap())
}

/// The access entries of an SDDL DACL: `(A;OICI;FA;;;S-1-…)` → ("A", "OICI", "FA", "S-1-…").
fn aces(sddl: &str) -> Vec<(String, String, String, String)> {
    let dacl = &sddl[sddl.find("D:").expect("a DACL") + 2..];
    dacl.split('(')
        .skip(1)
        .map(|ace| {
            let fields: Vec<&str> = ace.trim_end_matches(')').split(';').collect();
            (fields[0].into(), fields[1].into(), fields[2].into(), fields[5].into())
        })
        .collect()
}

/// Only the user and SYSTEM may open it: every entry allows, and names one of the two.
fn owner_only(sddl: &str, user: &str) -> bool {
    let entries = aces(sddl);
    !entries.is_empty() && entries.iter().all(|(kind, _, _, sid)| kind == "A" && (sid == user || sid == "SY"))
}

#[test]
#[ignore = "needs the Windows build and Wine: .ci/test-all builds it and runs these"]
fn a_store_made_on_windows_keeps_its_key_in_the_credential_manager_and_is_its_owners_alone() {
    let laptop = laptop();
    let s = Store::on(laptop);
    let init = s.ok(&["init"]);
    assert!(init.stdout.contains("Windows Credential Manager"), "{}", init.stdout);
    let status = s.ok(&["status", "--json"]).json();
    assert_eq!(status["state"], "ready");
    assert_eq!(status["keystore"], "Windows Credential Manager");
    assert_eq!(status["audit"]["intact"], true);
    let database = std::fs::read(s.data_dir.join("triangulate.db")).unwrap();
    assert!(database.len() > 1000 && !database.starts_with(b"SQLite format 3"), "encrypted");

    // An export outside the data folder: a draft PDF of a request without captures.
    let (reference, _) = authorised_request(&s);
    let pdf = s.folder().join("draft.pdf");
    s.ok(&["export", "pdf", &reference, "--draft", "--out", &win(&pdf)]);

    // What Windows keeps for each: the folder protected, owner-only, its entries inherited
    // by what is made in it; every file in it and the export owner-only too.
    let mut paths = vec![s.data_dir.clone()];
    let mut files: Vec<PathBuf> = walk(&s.data_dir);
    files.sort();
    assert!(files.len() >= 4, "{files:?}");
    paths.extend(files.iter().cloned());
    paths.push(pdf.clone());
    let (user, descriptors) = laptop.security(&paths.iter().map(PathBuf::as_path).collect::<Vec<_>>());
    assert!(user.starts_with("S-1-5-21-"), "{user}");
    let folder = &descriptors[0];
    assert!(owner_only(folder, &user), "the data folder: {folder}");
    assert!(folder.starts_with(&format!("O:{user}")), "owned by the user: {folder}");
    assert!(aces(folder).iter().all(|(_, flags, rights, _)| flags == "OICI" && rights == "FA"), "{folder}");
    for (path, sddl) in paths.iter().zip(&descriptors).skip(1) {
        assert!(owner_only(sddl, &user), "{}: {sddl}", path.display());
    }
    // Wine 8 keeps the entries given but not the DACL's protected flag (SE_DACL_PROTECTED):
    // what is set is `D:P…` (the store's unit tests pin the SDDL), what Wine gives back is
    // `D:…`. On Windows the flag is kept.
    // And a file no one set anything on, beside it, is not: the check can tell.
    let plain = s.folder().join("plain.txt");
    std::fs::write(&plain, "x").unwrap();
    let (_, plain) = laptop.security(&[&plain]);
    assert!(!owner_only(&plain[0], &user), "Wine's default for a file is open to everyone: {}", plain[0]);

    // The PDF, read by poppler and qpdf on Linux.
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]).stdout;
    assert!(text.contains(&reference) && text.contains("DRAFT"), "{text}");
    assert_eq!(tool("qpdf", &["--check", pdf.to_str().unwrap()]).code, 0);
}

fn walk(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.push(path.clone());
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
#[ignore = "needs the Windows build and Wine: .ci/test-all builds it and runs these"]
fn on_another_laptop_the_store_is_refused_then_recovered_from_its_phrase() {
    let first = laptop();
    let s = Store::on(first);
    let (_, phrase) = s.init();
    s.ok(&["worker", "set", "--name", "Eilidh MacLeòid", "--role", "aaw"]);

    // The folder taken to a laptop whose Credential Manager has never held its key.
    let second = Laptop::new();
    let moved = Store { laptop: &second, _temp: tempfile::tempdir().unwrap(), data_dir: s.data_dir.clone() };
    let refused = moved.run(&["worker", "show"]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("is not in the Windows Credential Manager"), "{}", refused.stderr);
    assert!(refused.stderr.contains("triangulate recover"), "{}", refused.stderr);
    assert_eq!(moved.run(&["init"]).code, 1, "never a new store in its place");

    let mut words: Vec<&str> = phrase.split(' ').collect();
    let right = words[2];
    words[2] = "zzzzzz";
    let wrong = moved.run_with_input(&["recover"], &words.join(" "));
    assert_eq!(wrong.code, 2);
    assert!(wrong.stderr.contains("word 3"), "{}", wrong.stderr);
    words[2] = right;
    let recovered = moved.run_with_input(&["recover"], &format!("{}\n", words.join(" ")));
    assert_eq!(recovered.code, 0, "{}", recovered.stderr);
    let shown = moved.ok(&["worker", "show", "--json"]).json();
    assert_eq!(shown["name"], "Eilidh MacLeòid", "a name in Gaelic, whole, through Windows' UTF-16");
    // This laptop's Credential Manager has no copy of the chain's head either: said, and
    // accepted in a person's name, as after any move to a new laptop.
    let verify = moved.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1, "{}{}", verify.stdout, verify.stderr);
    assert!(verify.stderr.contains("can no longer be ruled out"), "{}", verify.stderr);
    moved.ok(&["audit", "accept-head", "--by", "Eilidh MacLeòid", "--reason", "Moved to a new laptop"]);
    let verified = moved.ok(&["audit", "verify", "--json"]).json();
    assert_eq!((verified["status"].as_str(), verified["rollback_ruled_out"].as_bool()), (Some("intact"), Some(true)));
}

#[test]
#[ignore = "needs the Windows build and Wine: .ci/test-all builds it and runs these"]
fn the_register_the_central_record_and_a_rollback_caught_by_the_credential_manager() {
    let s = Store::on(laptop());
    s.init();
    let (reference, _) = authorised_request(&s);
    let granted = ["--officer", "Evans, Siân (Head of Legal)", "--granted", "2026-11-02", "--person", "1"];
    let kind = ["--kind", "directed-surveillance", "--reference", "DS/2026/7"];
    s.ok(&[&["authorisation", "add", &reference][..], &kind, &granted].concat());
    let register = s.ok(&["authorisation", "register", "--json"]).json();
    let entry = register.as_array().unwrap().iter().find(|e| e["reference"] == "DS/2026/7").unwrap().clone();
    assert_eq!(entry["state"], "awaiting_approval");
    let csv = s.folder().join("central-record.csv");
    s.ok(&["authorisation", "central-record", "--out", &win(&csv)]);
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].iter().any(|cell| cell == "DS/2026/7"), "{:?}", rows[0]);
    assert!(
        rows[0].iter().any(|cell| cell == "Evans, Siân (Head of Legal)"),
        "commas and accents intact: {:?}",
        rows[0]
    );

    // A copy of the folder put back after more was recorded: the Credential Manager's copy
    // of the chain's head shows it, even with the folder's own head file gone with it.
    let copy = tempfile::tempdir().unwrap();
    copy_folder(&s.data_dir, copy.path());
    s.ok(&["staff", "add", "--name", "Someone New", "--role", "aaw"]);
    let latest = s.events();
    std::fs::remove_dir_all(&s.data_dir).unwrap();
    copy_folder(copy.path(), &s.data_dir);
    std::fs::remove_file(s.data_dir.join("audit-head.json")).unwrap();
    let verify = s.run(&["audit", "verify"]);
    assert_eq!(verify.code, 1, "{}", verify.stdout);
    assert!(verify.stderr.contains(&format!("but {latest} were recorded")), "{}", verify.stderr);
    assert_eq!(s.run(&["status", "--json"]).json()["state"], "rolled_back");
}

fn linux_verify() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_triangulate")).with_file_name("triangulate-verify")
}

#[test]
#[ignore = "needs the Windows build and Wine: .ci/test-all builds it and runs these"]
fn a_bundle_made_on_windows_verifies_on_linux_and_one_made_on_linux_verifies_on_windows() {
    let laptop = laptop();
    let s = Store::on(laptop);
    s.init();
    let (reference, _) = authorised_request(&s);
    finalise(&s, &reference);
    let zip = s.folder().join("from-windows.zip");
    let made = s.ok(&["export", "bundle", &reference, "--out", &win(&zip), "--json"]).json();
    let fingerprint = made["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(tool("unzip", &["-tq", zip.to_str().unwrap()]).code, 0);
    let checked =
        tool(linux_verify().to_str().unwrap(), &[zip.to_str().unwrap(), "--expect-fingerprint", &fingerprint]);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    let on_windows =
        Run::from(laptop.command(&exe("triangulate-verify")).args([win(&zip).as_str(), "--json"]).output().unwrap());
    assert_eq!(on_windows.code, 0, "{}{}", on_windows.stdout, on_windows.stderr);

    // Made on Linux, checked by the Windows verifier; and a changed byte is caught there.
    let linux = LinuxStore::new();
    linux.ok(&["init"]);
    let (reference, _) = authorised_request(&linux);
    finalise(&linux, &reference);
    let temp = tempfile::tempdir().unwrap();
    let from_linux = temp.path().join("from-linux.zip");
    let made = linux.ok(&["export", "bundle", &reference, "--out", from_linux.to_str().unwrap(), "--json"]).json();
    let verify_exe = exe("triangulate-verify");
    let checked = Run::from(
        laptop
            .command(&verify_exe)
            .args([win(&from_linux).as_str(), "--expect-fingerprint", made["fingerprint"].as_str().unwrap()])
            .output()
            .unwrap(),
    );
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    let mut bytes = std::fs::read(&from_linux).unwrap();
    // A byte in the middle, within one of the files it carries, changed.
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    let tampered = temp.path().join("tampered.zip");
    std::fs::write(&tampered, &bytes).unwrap();
    let caught = Run::from(laptop.command(&verify_exe).arg(win(&tampered)).output().unwrap());
    assert_ne!(caught.code, 0, "a changed byte is caught on Windows too: {}", caught.stdout);
}
