//! Bundles written and checked as ZIP files, and read back by other tools (`unzip -t`, `zip`).

use std::process::Command;
use triangulate_bundle::BundleWriter;
use triangulate_bundle::bundle::{BUNDLE_FORMAT, BundleAudit, BundleManifest};
use triangulate_evidence::audit::ChainHead;
use triangulate_evidence::{SigningKey, SigningKeyInfo, sign_manifest};

const FILES: &[(&str, &[u8])] =
    &[("care-record.pdf", b"%PDF-1.7 fake"), ("captures/1/full-page.png", b"\x89PNG fake"), ("README.txt", b"text")];

fn write(path: &std::path::Path, key: &SigningKey) {
    let mut writer = BundleWriter::new(std::fs::File::create(path).unwrap());
    for (name, bytes) in FILES {
        writer.add(name, bytes).unwrap();
    }
    let manifest = BundleManifest {
        format: BUNDLE_FORMAT.into(),
        request: "REQ-1".into(),
        created_at: "2026-11-29T10:00:00Z".into(),
        draft: false,
        files: writer.listed().to_vec(),
        captures: Vec::new(),
        authorisation_chain: serde_json::json!([]),
        audit: BundleAudit { events: Vec::new(), head: ChainHead::empty() },
        signing_key: SigningKeyInfo::of(key),
        timestamp: None,
        redactions: Vec::new(),
    };
    let text = serde_json::to_string_pretty(&manifest).unwrap();
    writer.finish(text.as_bytes(), &sign_manifest(key, &text), None).unwrap();
}

fn tool(program: &str, args: &[&str], dir: &std::path::Path) -> std::process::Output {
    Command::new(program).args(args).current_dir(dir).output().unwrap_or_else(|e| panic!("{program}: {e}"))
}

#[test]
fn a_written_bundle_passes_unzip_and_verifies_as_a_zip_as_a_folder_and_zipped_again() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[3; 32]);
    let bundle = dir.path().join("bundle.zip");
    write(&bundle, &key);
    assert!(tool("unzip", &["-t", "bundle.zip"], dir.path()).status.success());
    let report = triangulate_bundle::verify_path(&bundle, Some(&SigningKeyInfo::of(&key).fingerprint)).unwrap();
    assert!(report.intact(), "{:?}", report.problems);
    assert_eq!(report.files.len(), 3);

    let folder = dir.path().join("unzipped");
    assert!(tool("unzip", &["-q", "bundle.zip", "-d", "unzipped"], dir.path()).status.success());
    assert!(triangulate_bundle::verify_path(&folder, None).unwrap().intact());
    // Zipped again by Info-ZIP without folder entries (-D), deflated: intact; written to a
    // pipe, with data descriptors: intact. With folder entries: refused, each named.
    assert!(tool("zip", &["-q", "-r", "-D", "../again.zip", "."], &folder).status.success());
    let again = triangulate_bundle::verify_path(&dir.path().join("again.zip"), None).unwrap();
    assert!(again.intact(), "zipped again by zip: {:?}", again.problems);
    let piped = tool("sh", &["-c", "zip -q -r -D - . | cat > ../piped.zip"], &folder);
    assert!(piped.status.success());
    let bytes = std::fs::read(dir.path().join("piped.zip")).unwrap();
    assert_eq!(u16::from_le_bytes([bytes[6], bytes[7]]) & 8, 8, "written with data descriptors");
    let piped = triangulate_bundle::verify_path(&dir.path().join("piped.zip"), None).unwrap();
    assert!(piped.intact(), "zipped to a pipe by zip: {:?}", piped.problems);
    assert!(tool("zip", &["-q", "-r", "../folders.zip", "."], &folder).status.success());
    let folders = triangulate_bundle::verify_path(&dir.path().join("folders.zip"), None).unwrap();
    assert_eq!(
        folders.problems,
        [
            "captures/: a folder entry: a bundle's ZIP holds files only",
            "captures/1/: a folder entry: a bundle's ZIP holds files only"
        ]
    );

    // A byte flipped in any file of the folder is caught.
    for name in ["care-record.pdf", "captures/1/full-page.png", "README.txt", "manifest.json", "manifest.sig"] {
        let path = folder.join(name);
        let original = std::fs::read(&path).unwrap();
        let mut changed = original.clone();
        changed[original.len() / 2] ^= 0x20;
        std::fs::write(&path, &changed).unwrap();
        assert!(!triangulate_bundle::verify_path(&folder, None).unwrap().intact(), "{name} changed unseen");
        std::fs::write(&path, &original).unwrap();
    }
    assert!(triangulate_bundle::verify_path(&folder, None).unwrap().intact());
}

#[test]
fn hostile_zips_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    // A name that climbs out, an absolute one, a duplicate, a "folder" entry carrying data, and
    // an empty folder entry whose name climbs out.
    for hostile in ["../outside.txt", "/tmp/absolute.txt", "README.txt", "hidden/", "../../up/"] {
        // Python's zipfile writes what a careful writer refuses: names that climb out, absolute
        // names, the same name twice.
        let path = dir.path().join("hostile.zip");
        let script = format!(
            "import zipfile, warnings\nwarnings.simplefilter('ignore')\nz = zipfile.ZipFile({:?}, 'w')\n\
             [z.writestr(n, b'' if n.startswith('../../') else b'x') for n in ['care-record.pdf', 'README.txt', {:?}]]\nz.close()",
            path.to_str().unwrap(),
            hostile
        );
        assert!(Command::new("python3").args(["-c", &script]).status().unwrap().success());
        let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        match triangulate_bundle::verify_path(&path, None) {
            Ok(report) => assert!(!report.intact() && report.files.is_empty(), "{hostile}: {:?}", report.problems),
            Err(why) => assert!(!why.is_empty()),
        }
        let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(before, after, "nothing extracted");
        assert!(!std::path::Path::new("/tmp/absolute.txt").exists());
    }
    std::fs::write(dir.path().join("not.zip"), b"not a zip at all").unwrap();
    assert!(triangulate_bundle::verify_path(&dir.path().join("not.zip"), None).is_err());
}

#[test]
fn the_standalone_verifier_says_intact_or_names_the_problem_with_its_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[3; 32]);
    let bundle = dir.path().join("bundle.zip");
    write(&bundle, &key);
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_triangulate-verify")).args(args).output().unwrap();
    let fingerprint = SigningKeyInfo::of(&key).fingerprint;
    let good = run(&[bundle.to_str().unwrap(), "--expect-fingerprint", &fingerprint]);
    assert_eq!(good.status.code(), Some(0));
    let text = String::from_utf8(good.stdout).unwrap();
    assert!(text.ends_with("bundle intact\n") && text.contains(&fingerprint), "{text}");
    // Apostrophes as they are; control characters from a ZIP's names escaped.
    assert!(text.contains("not timestamped: its times are the installation's clock's\n"), "{text}");
    assert!(!text.contains('\\'), "nothing escaped in a plain report: {text}");
    let hostile = dir.path().join("escape.zip");
    let script = format!(
        "import zipfile\nz = zipfile.ZipFile({:?}, 'w')\nz.writestr('red\\x1b[31m/', b'')\nz.close()",
        hostile.to_str().unwrap()
    );
    assert!(Command::new("python3").args(["-c", &script]).status().unwrap().success());
    let refused = run(&[hostile.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let text = String::from_utf8(refused.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("PROBLEM: red\\u{1b}[31m/: a folder entry"), "{text}");
    let pinned = run(&[bundle.to_str().unwrap(), "--expect-fingerprint", &"00".repeat(32)]);
    assert_eq!(pinned.status.code(), Some(1));
    assert!(String::from_utf8(pinned.stdout).unwrap().contains("not the expected"));
    let json = run(&[bundle.to_str().unwrap(), "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["problems"], serde_json::json!([]));
    assert_eq!(run(&[dir.path().join("missing.zip").to_str().unwrap()]).status.code(), Some(2));
    assert_eq!(run(&[]).status.code(), Some(2));
}

#[test]
fn a_zip_bomb_is_read_no_further_than_the_manifest_says() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[3; 32]);
    // The manifest says bomb.bin holds ten bytes; the ZIP holds 512 MiB of zeros, deflated.
    let manifest = BundleManifest {
        format: BUNDLE_FORMAT.into(),
        request: "REQ-1".into(),
        created_at: "2026-11-29T10:00:00Z".into(),
        draft: false,
        files: vec![triangulate_bundle::bundle::BundleFile {
            path: "bomb.bin".into(),
            sha256: triangulate_evidence::sha256_hex(b"0123456789"),
            size: 10,
        }],
        captures: Vec::new(),
        authorisation_chain: serde_json::json!([]),
        audit: BundleAudit { events: Vec::new(), head: ChainHead::empty() },
        signing_key: SigningKeyInfo::of(&key),
        timestamp: None,
        redactions: Vec::new(),
    };
    let text = serde_json::to_string_pretty(&manifest).unwrap();
    std::fs::write(dir.path().join("manifest.json"), &text).unwrap();
    std::fs::write(dir.path().join("manifest.sig"), format!("{}\n", sign_manifest(&key, &text))).unwrap();
    let bomb = dir.path().join("bomb.zip");
    let script = format!(
        "import zipfile\nz = zipfile.ZipFile({:?}, 'w', zipfile.ZIP_DEFLATED)\n\
         z.write({:?}, 'manifest.json')\nz.write({:?}, 'manifest.sig')\n\
         with z.open('bomb.bin', 'w', force_zip64=True) as f:\n    chunk = bytes(1 << 24)\n    [f.write(chunk) for _ in range(32)]\nz.close()",
        bomb.to_str().unwrap(),
        dir.path().join("manifest.json").to_str().unwrap(),
        dir.path().join("manifest.sig").to_str().unwrap()
    );
    assert!(Command::new("python3").args(["-c", &script]).status().unwrap().success());
    assert!(std::fs::metadata(&bomb).unwrap().len() < 8 << 20, "a small file that inflates to 512 MiB");
    let report = triangulate_bundle::verify_path(&bomb, None).unwrap();
    assert_eq!(report.problems, ["bomb.bin has changed: its SHA-256 or size is not the manifest's"]);
    assert_eq!(report.files[0].size, 11, "one byte more than listed was read, no more: never inflated to its end");
}

#[cfg(unix)]
#[test]
fn a_folder_with_something_other_than_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("manifest.json"), b"{}").unwrap();
    assert!(Command::new("mkfifo").arg(dir.path().join("pipe")).status().unwrap().success());
    let refused = triangulate_bundle::verify_path(dir.path(), None).unwrap_err();
    assert!(refused.contains("is not a file"), "{refused}");
    std::fs::remove_file(dir.path().join("pipe")).unwrap();
    std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link")).unwrap();
    assert!(triangulate_bundle::verify_path(dir.path(), None).unwrap_err().contains("is a link"));
}

#[test]
fn an_entry_named_differently_in_its_own_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[3; 32]);
    let bundle = dir.path().join("bundle.zip");
    write(&bundle, &key);
    assert!(triangulate_bundle::verify_path(&bundle, None).unwrap().intact());
    // Rename README.txt in its local header only (same length), as a crafted ZIP would.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let at = bytes.windows(10).position(|w| w == b"README.txt").expect("the local header's name comes first");
    bytes[at..at + 10].copy_from_slice(b"READXE.txt");
    std::fs::write(&bundle, &bytes).unwrap();
    let report = triangulate_bundle::verify_path(&bundle, None).unwrap();
    assert!(report.problems.iter().any(|p| p.contains("named differently")), "{:?}", report.problems);
}

#[test]
fn every_hostile_zip_of_the_corpus_is_refused_naming_its_problem() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[3; 32]);
    let bundle = dir.path().join("bundle.zip");
    write(&bundle, &key);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../tests/bundle/hostile-zips.py");
    let made = Command::new("python3").arg(script).arg(&bundle).arg(dir.path().join("hostile")).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let variants: Vec<serde_json::Value> = serde_json::from_slice(&made.stdout).unwrap();
    assert!(variants.len() >= 25, "{}", variants.len());
    for variant in &variants {
        let name = variant["variant"].as_str().unwrap();
        let report = triangulate_bundle::verify_path(std::path::Path::new(variant["zip"].as_str().unwrap()), None)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if variant["intact"] == true {
            assert!(report.intact(), "{name}: {:?}", report.problems);
            continue;
        }
        let key = variant["problem"].as_str().unwrap();
        assert!(!report.intact(), "{name} is called intact");
        assert!(
            report.problems.iter().any(|p| triangulate_bundle::is_zip_problem(p, key)),
            "{name}: {key} not in {:?}",
            report.problems
        );
    }
}
