//! Evidence bundles through the CLI: written from a real capture, read by `unzip -t`, checked
//! by `triangulate verify` as a ZIP and as a folder, every changed byte, missing or added
//! file caught, and the same bundle zipped again by `zip` still intact.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::capture::{capture, ready_with, start};
use crate::fixture_site;
use crate::protocol::step;

/// verify.html in headless Chromium (tests/bundle/verify-html.mjs) on each case (a ZIP and,
/// optionally, the fingerprint to pin): what the page says of each.
pub(crate) fn verify_html(cases_file: &Path, page: &Path, cases: &[serde_json::Value]) -> Vec<serde_json::Value> {
    std::fs::write(cases_file, serde_json::json!({ "page": page, "cases": cases }).to_string()).unwrap();
    let browser = Command::new("node")
        .arg(crate::repo_root().join("tests/bundle/verify-html.mjs"))
        .arg(cases_file)
        .output()
        .unwrap();
    assert!(browser.status.success(), "{}", String::from_utf8_lossy(&browser.stderr));
    serde_json::from_slice(&browser.stdout).unwrap()
}

fn files_in(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() { stack.push(path) } else { found.push(path) }
        }
    }
    found.sort();
    found
}

/// A request with one capture of the fixture site, judged relevant; its log not finalised.
fn judged_capture(site: &fixture_site::Site) -> (crate::Setup, String, String) {
    let (s, reference) = ready_with(site, None, |_| {});
    let session = start(&s, &reference, &[]);
    let taken = capture(&s, &session, &["--url", &format!("{}/profile/jane", site.base)])["capture_id"].to_string();
    drop(session);
    step(
        &s,
        &[
            "capture",
            "judge",
            &taken,
            "--relevant",
            "yes",
            "--attribution",
            "verified",
            "--why",
            "Her photo",
            "--useful",
            "yes",
        ],
    );
    (s, reference, taken)
}

fn finalise(s: &crate::Setup, reference: &str) {
    let search = ["--platform", "fixture", "--account", "1", "--searched", "Jane's profile", "--result", "Her photos"];
    step(s, &[&["log", "add-search", reference][..], &search].concat());
    step(s, &["log", "complete", reference, "--by", "Sam Patel", "--evidence", "email EV-1"]);
    step(
        s,
        &[
            "log",
            "finalise",
            reference,
            "--by",
            "Rhian Evans",
            "--evidence",
            "email EV-1",
            "--rating",
            "some",
            "--assessment",
            "It helped",
        ],
    );
}

#[test]
fn a_bundle_verifies_offline_and_every_tamper_is_caught() {
    let site = fixture_site::start();
    let (s, reference, taken) = judged_capture(&site);
    let dir = s.data_dir.parent().unwrap().to_path_buf();
    let zip = dir.join("bundle.zip");

    let early = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap(), "--json"]);
    assert_eq!(early.code, 1, "{}", early.stderr);
    assert_eq!(early.json()["error"]["code"], "log_not_finalised");
    assert!(!zip.exists());
    finalise(&s, &reference);

    let made = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap(), "--json"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let made = made.json();
    let fingerprint = made["fingerprint"].as_str().unwrap().to_string();
    let again = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap()]);
    assert_eq!(again.code, 2, "never over a file: {}", again.stderr);

    let tested = Command::new("unzip").arg("-t").arg(&zip).output().unwrap();
    assert!(tested.status.success(), "{}", String::from_utf8_lossy(&tested.stdout));
    let manifest = Command::new("unzip").arg("-p").arg(&zip).arg("manifest.json").output().unwrap().stdout;
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(&manifest)), made["manifest_sha256"].as_str().unwrap());
    let manifest: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let events = manifest["audit"]["events"].as_array().unwrap();
    assert!(events.len() > 5, "the request's own events");
    assert!(events.iter().all(|e| e["request"] == reference.as_str()), "nothing about any other request");
    let listed: Vec<&str> = manifest["files"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    for expected in [
        "care-record.pdf",
        "README.txt",
        "signing-key.txt",
        &format!("captures/{taken}/full-page-png.png"),
        &format!("captures/{taken}/warc.warc"),
        &format!("captures/{taken}/manifest.json"),
    ] {
        assert!(listed.contains(&expected), "{expected} in {listed:?}");
    }

    // Nothing stored twice: the capture's WARC holds what the browser received and the
    // provenance, not the pictures and MHTML carried beside it, so the bundle is within 1.1×
    // its PDF and the distinct files it carries, a copy inside the WARC counted once.
    let files = manifest["files"].as_array().unwrap();
    let mut distinct = std::collections::BTreeMap::new();
    for file in files {
        distinct.insert(file["sha256"].as_str().unwrap().to_string(), file["size"].as_u64().unwrap());
    }
    let warc = dir.join("bundled.warc");
    let warc_bytes =
        Command::new("unzip").arg("-p").arg(&zip).arg(format!("captures/{taken}/warc.warc")).output().unwrap().stdout;
    std::fs::write(&warc, &warc_bytes).unwrap();
    let digests = Command::new(crate::capture::python_tool("warcio"))
        .args(["index", "-f", "warc-type,warc-payload-digest,warc-block-digest"])
        .arg(&warc)
        .output()
        .unwrap();
    let digests = String::from_utf8_lossy(&digests.stdout).to_string();
    assert!(digests.contains("\"warc-type\": \"response\""), "{digests}");
    let mut copied = 0;
    for file in files {
        let path = file["path"].as_str().unwrap();
        let sha256 = hex::decode(file["sha256"].as_str().unwrap()).unwrap();
        if path.ends_with(".warc") || path.ends_with(".json") || path.ends_with(".sig") || path.ends_with(".txt") {
            continue;
        }
        let digest = format!("sha256:{}", triangulate_evidence::warc::base32(&sha256));
        if digests.contains(&digest) {
            eprintln!("{path} ({} bytes) is carried again inside the WARC", file["size"]);
            copied += file["size"].as_u64().unwrap();
        }
    }
    let pdf = files.iter().find(|f| f["path"] == "care-record.pdf").unwrap()["size"].as_u64().unwrap();
    let carried: u64 = distinct.values().sum::<u64>() - copied;
    let size = std::fs::metadata(&zip).unwrap().len();
    println!(
        "bundle {size} bytes; the PDF {pdf} and the distinct files it carries {carried} bytes ({:.3}×); the WARC {} bytes",
        size as f64 / carried as f64,
        warc_bytes.len()
    );
    assert_eq!(copied, 0, "the WARC carries files the bundle carries beside it");
    assert!(size as f64 <= 1.1 * carried as f64, "bundle {size} bytes against {carried} bytes of distinct files");

    let verify = |target: &Path, extra: &[&str]| {
        let mut args = vec!["verify", target.to_str().unwrap()];
        args.extend_from_slice(extra);
        s.run(&args)
    };
    let intact = verify(&zip, &["--expect-fingerprint", &fingerprint]);
    assert_eq!(intact.code, 0, "{}{}", intact.stdout, intact.stderr);
    assert!(intact.stdout.contains("bundle intact"), "{}", intact.stdout);
    for path in &listed {
        assert!(intact.stdout.lines().any(|l| l.starts_with("ok") && l.ends_with(path)), "a line for {path}");
    }
    let pinned = verify(&zip, &["--expect-fingerprint", &"ab".repeat(32)]);
    assert_eq!(pinned.code, 1);
    assert!(pinned.stdout.contains("not the expected"), "{}", pinned.stdout);

    // Unzipped: a byte flipped in each file in turn, a file removed, a file added.
    let folder = dir.join("unzipped");
    assert!(Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(&folder).status().unwrap().success());
    assert_eq!(verify(&folder, &[]).code, 0);
    let all = files_in(&folder);
    assert!(all.len() >= 10, "{all:?}");
    for path in &all {
        let original = std::fs::read(path).unwrap();
        let mut changed = original.clone();
        let at = original.len() / 3;
        changed[at] ^= 0x04;
        std::fs::write(path, &changed).unwrap();
        let run = verify(&folder, &[]);
        assert_eq!(run.code, 1, "{} changed at {at} went unseen", path.display());
        std::fs::write(path, &original).unwrap();
    }
    let readme = folder.join("README.txt");
    let text = std::fs::read(&readme).unwrap();
    std::fs::remove_file(&readme).unwrap();
    let missing = verify(&folder, &[]);
    assert!(missing.code == 1 && missing.stdout.contains("README.txt is missing"), "{}", missing.stdout);
    std::fs::write(&readme, &text).unwrap();
    std::fs::write(folder.join("extra.txt"), b"added").unwrap();
    let added = verify(&folder, &[]);
    assert!(added.code == 1 && added.stdout.contains("extra.txt is not in the manifest"), "{}", added.stdout);
    std::fs::remove_file(folder.join("extra.txt")).unwrap();

    // verify.html, in headless Chromium with the network off: the good bundle, a wrong pin,
    // and the bundle zipped again with each file changed in turn.
    let signature_file = folder.join("manifest.sig");
    let signature = std::fs::read_to_string(&signature_file).unwrap();
    let swapped =
        if signature.starts_with('A') { signature.replacen('A', "B", 1) } else { format!("A{}", &signature[1..]) };
    std::fs::write(&signature_file, &swapped).unwrap();
    assert!(
        Command::new("zip")
            .arg("-q")
            .arg("-r")
            .arg("-D")
            .arg(dir.join("tampered-signature.zip"))
            .arg(".")
            .current_dir(&folder)
            .status()
            .unwrap()
            .success()
    );
    std::fs::write(&signature_file, &signature).unwrap();
    let rezipped = dir.join("rezipped.zip");
    assert!(
        Command::new("zip")
            .arg("-q")
            .arg("-r")
            .arg("-D")
            .arg(&rezipped)
            .arg(".")
            .current_dir(&folder)
            .status()
            .unwrap()
            .success()
    );
    let mut cases = vec![
        serde_json::json!({ "zip": zip, "expect": fingerprint }),
        serde_json::json!({ "zip": zip, "expect": "cd".repeat(32) }),
        serde_json::json!({ "zip": rezipped, "expect": fingerprint }),
        serde_json::json!({ "zip": zip, "expect": fingerprint, "withoutWebCryptoEd25519": true }),
        serde_json::json!({ "zip": dir.join("tampered-signature.zip"), "withoutWebCryptoEd25519": true }),
    ];
    for (k, path) in all.iter().enumerate() {
        let original = std::fs::read(path).unwrap();
        let mut changed = original.clone();
        changed[original.len() / 3] ^= 0x04;
        std::fs::write(path, &changed).unwrap();
        let tampered = dir.join(format!("tampered-{k}.zip"));
        assert!(
            Command::new("zip")
                .arg("-q")
                .arg("-r")
                .arg("-D")
                .arg(&tampered)
                .arg(".")
                .current_dir(&folder)
                .status()
                .unwrap()
                .success()
        );
        std::fs::write(path, &original).unwrap();
        cases.push(serde_json::json!({ "zip": tampered }));
    }
    let results = verify_html(&dir.join("cases.json"), &folder.join("verify.html"), &cases);
    assert_eq!(results[0]["state"], "intact", "{}", results[0]);
    assert_eq!(results[0]["files"].as_u64().unwrap() as usize, listed.len());
    assert_eq!(results[1]["state"], "not-intact");
    assert!(results[1]["problems"].to_string().contains("not the expected"), "{}", results[1]);
    assert_eq!(results[2]["state"], "intact", "deflated by zip, read by the page: {}", results[2]);
    assert!(results[0]["facts"].as_str().unwrap().contains("the browser's Web Crypto"), "{}", results[0]);
    assert_eq!(results[3]["state"], "intact", "the fallback checks the signature: {}", results[3]);
    assert!(results[3]["facts"].as_str().unwrap().contains("noble-ed25519"), "{}", results[3]);
    assert_eq!(results[4]["state"], "not-intact", "the fallback refuses a changed signature: {}", results[4]);
    assert!(results[4]["problems"].to_string().contains("signature does not match"), "{}", results[4]);
    for (k, result) in results[5..].iter().enumerate() {
        assert_eq!(result["state"], "not-intact", "{} changed went unseen by verify.html: {result}", all[k].display());
    }
    assert!(results.iter().all(|r| r["requests"] == serde_json::json!([])), "no network");

    // Zipped again by another tool, still intact.
    assert!(
        Command::new("zip")
            .args(["-q", "-r", "-D", "../rezipped.zip", "."])
            .current_dir(&folder)
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(verify(&dir.join("rezipped.zip"), &[]).code, 0);

    // The export is in the audit chain with the manifest's digest.
    let events = s.run(&["audit", "verify"]);
    assert_eq!(events.code, 0);
    let text = String::from_utf8_lossy(&std::fs::read(&readme).unwrap()).into_owned();
    assert!(text.contains(&fingerprint), "the README names the fingerprint");
    let bad = verify(&dir.join("no-such.zip"), &[]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    // The page the council publishes is the page in every bundle.
    let published = dir.join("verify.html");
    let page = s.run(&["export", "verify-page", "--out", published.to_str().unwrap(), "--json"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    let in_bundle = std::fs::read(folder.join("verify.html")).unwrap();
    assert_eq!(std::fs::read(&published).unwrap(), in_bundle);
    assert_eq!(page.json()["sha256"], hex::encode(sha2::Sha256::digest(&in_bundle)));
    assert_eq!(s.run(&["export", "verify-page", "--out", published.to_str().unwrap()]).code, 2, "never over a file");
    let unpinned = verify(&zip, &[]);
    assert_eq!(unpinned.code, 0);
    assert!(unpinned.stdout.contains("the signer was not checked"), "{}", unpinned.stdout);

    // A capture's file changed in the store behind its back is never signed into a bundle.
    {
        let store = triangulate_store::Store::open(
            &triangulate_store::DataDir::new(&s.data_dir),
            &triangulate_store::Keystore::kernel_keyring().unwrap(),
        )
        .unwrap();
        let changed = store
            .connection_for_tests()
            .execute("UPDATE capture_artefacts SET bytes = X'00' WHERE kind = 'mhtml'", [])
            .unwrap();
        assert_eq!(changed, 1);
    }
    let refused = s.run(&["export", "bundle", &reference, "--out", dir.join("after-damage.zip").to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("does not match the digest its signed manifest gives"), "{}", refused.stderr);
    assert!(!dir.join("after-damage.zip").exists());
    let leftovers = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().ends_with(".partial"))
        .count();
    assert_eq!(leftovers, 0, "no partial file with personal data is left behind");
}

/// A local time-stamping authority: `openssl ts -reply` behind a few lines of HTTP server
/// (`tests/tsa/serve.py`), stopped when dropped.
pub(crate) struct Tsa {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) url: String,
    server: std::process::Child,
}

impl Tsa {
    pub(crate) fn start() -> Tsa {
        let dir = tempfile::tempdir().unwrap();
        let tsa = crate::repo_root().join("tests/tsa");
        assert!(
            Command::new("bash").arg(tsa.join("make-tsa.sh")).arg(dir.path()).arg("rsa").status().unwrap().success()
        );
        let port_file = dir.path().join("port");
        let server = Command::new("python3").arg(tsa.join("serve.py")).arg(dir.path()).arg(&port_file).spawn().unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !port_file.exists() {
            assert!(std::time::Instant::now() < deadline, "the TSA did not start");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let port = std::fs::read_to_string(&port_file).unwrap();
        Tsa { url: format!("http://127.0.0.1:{}/tsa", port.trim()), dir, server }
    }

    fn requests(&self) -> usize {
        std::fs::read_to_string(self.dir.path().join("requests")).map(|t| t.lines().count()).unwrap_or(0)
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

fn use_tsa(s: &crate::Setup, url: &str, ca: &Path) {
    std::fs::copy(ca, s.data_dir.join("tsa-ca.pem")).unwrap();
    std::fs::write(
        s.data_dir.join("policy.toml"),
        format!("[timestamp]\nurl = \"{url}\"\nca_certificate = \"tsa-ca.pem\"\n"),
    )
    .unwrap();
}

#[test]
fn a_timestamped_bundle_is_checked_by_us_by_openssl_and_by_the_page() {
    let site = fixture_site::start();
    let (s, reference, _) = judged_capture(&site);
    finalise(&s, &reference);
    let dir = s.data_dir.parent().unwrap().to_path_buf();
    let tsa = Tsa::start();
    let stranger = Tsa::start();

    // An authority whose answers do not chain to the policy's CA: refused, nothing written.
    use_tsa(&s, &tsa.url, &stranger.dir.path().join("ca.crt"));
    let zip = dir.join("stamped.zip");
    let refused = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("does not chain"), "{}", refused.stderr);
    assert!(!zip.exists());
    // An authority that does not answer: refused, nothing written.
    use_tsa(&s, &tsa.url, &tsa.dir.path().join("ca.crt"));
    std::fs::write(tsa.dir.path().join("refuse"), b"").unwrap();
    let refused = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap()]);
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("HTTP 503"), "{}", refused.stderr);
    assert!(!zip.exists());
    std::fs::remove_file(tsa.dir.path().join("refuse")).unwrap();

    let asked = tsa.requests();
    let made = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap(), "--json"]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    assert_eq!(tsa.requests(), asked + 1);
    let requests = std::fs::read_to_string(tsa.dir.path().join("requests")).unwrap();
    assert!(requests.lines().all(|l| l == "application/timestamp-query"), "{requests}");
    let made = made.json();
    let at = chrono::DateTime::parse_from_rfc3339(made["timestamped_at"].as_str().unwrap()).unwrap();
    assert!((chrono::Utc::now() - at.to_utc()).num_seconds().abs() < 300, "{at}");

    let verified = s.run(&["verify", zip.to_str().unwrap(), "--json"]);
    assert_eq!(verified.code, 0, "{}", verified.stdout);
    let report = verified.json();
    assert!(report["timestamp"]["tsa"].as_str().unwrap().contains("Test Time-Stamping Authority"), "{report}");
    let human = s.run(&["verify", zip.to_str().unwrap()]);
    assert!(
        human.stdout.contains("timestamped") && human.stdout.contains("Test Timestamp Root CA"),
        "{}",
        human.stdout
    );

    // OpenSSL agrees, from the unzipped bundle, with the command the README gives.
    let folder = dir.join("stamped");
    assert!(Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(&folder).status().unwrap().success());
    let readme = std::fs::read_to_string(folder.join("README.txt")).unwrap();
    assert!(readme.contains("openssl ts -verify -data manifest.json -in manifest.tsr -CAfile timestamp-ca.pem"));
    assert!(readme.contains(&tsa.url));
    let openssl = |folder: &Path| {
        let out = Command::new("openssl")
            .args(["ts", "-verify", "-data", "manifest.json", "-in", "manifest.tsr", "-CAfile", "timestamp-ca.pem"])
            .current_dir(folder)
            .output()
            .unwrap();
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Verification: OK")
    };
    assert!(openssl(&folder), "openssl ts -verify refuses our timestamp");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(folder.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["timestamp"]["authority"], tsa.url.as_str());

    // A changed byte in the timestamp, a timestamp over other bytes, or none at all: refused.
    let answer_file = folder.join("manifest.tsr");
    let answer = std::fs::read(&answer_file).unwrap();
    let mut changed = answer.clone();
    *changed.last_mut().unwrap() ^= 0x01;
    std::fs::write(&answer_file, &changed).unwrap();
    let run = s.run(&["verify", folder.to_str().unwrap()]);
    assert!(run.code == 1 && run.stdout.contains("manifest.tsr"), "{}", run.stdout);
    assert!(!openssl(&folder), "openssl too refuses a changed signature");
    std::fs::write(folder.join("other.txt"), b"other bytes").unwrap();
    let query = Command::new("openssl")
        .args(["ts", "-query", "-data", "other.txt", "-sha256", "-cert", "-out", "other.tsq"])
        .current_dir(&folder)
        .status()
        .unwrap();
    assert!(query.success());
    let reply = Command::new("openssl")
        .arg("ts")
        .arg("-reply")
        .arg("-config")
        .arg(tsa.dir.path().join("tsa.cnf"))
        .args(["-queryfile", "other.tsq", "-out", "manifest.tsr"])
        .current_dir(&folder)
        .status()
        .unwrap();
    assert!(reply.success());
    std::fs::remove_file(folder.join("other.txt")).unwrap();
    std::fs::remove_file(folder.join("other.tsq")).unwrap();
    let run = s.run(&["verify", folder.to_str().unwrap()]);
    assert!(run.code == 1 && run.stdout.contains("over another digest"), "{}", run.stdout);
    assert!(!openssl(&folder));
    let rezip = |name: &str| {
        let out = dir.join(name);
        assert!(
            Command::new("zip")
                .args(["-q", "-r", "-D"])
                .arg(&out)
                .arg(".")
                .current_dir(&folder)
                .status()
                .unwrap()
                .success()
        );
        out
    };
    let replaced = rezip("replaced-timestamp.zip");
    std::fs::remove_file(&answer_file).unwrap();
    let run = s.run(&["verify", folder.to_str().unwrap()]);
    assert!(run.code == 1 && run.stdout.contains("manifest.tsr is missing"), "{}", run.stdout);
    let removed = rezip("removed-timestamp.zip");
    std::fs::write(&answer_file, &answer).unwrap();
    assert_eq!(s.run(&["verify", folder.to_str().unwrap()]).code, 0);

    // verify.html: the stamped digest is this manifest's; a replaced or removed timestamp is not.
    let cases = [
        serde_json::json!({ "zip": zip }),
        serde_json::json!({ "zip": replaced }),
        serde_json::json!({ "zip": removed }),
    ];
    let results = verify_html(&dir.join("stamped-cases.json"), &folder.join("verify.html"), &cases);
    assert_eq!(results[0]["state"], "intact", "{}", results[0]);
    let facts = results[0]["factList"].as_array().unwrap();
    let fact = facts.iter().find(|f| f.as_str().unwrap().starts_with("timestamped ")).expect("a timestamp fact");
    assert!(fact.as_str().unwrap().contains(report["timestamp"]["serial"].as_str().unwrap()), "{fact}");
    assert!(!results[0]["facts"].as_str().unwrap().contains("not timestamped"), "{}", results[0]);
    assert!(results[0]["facts"].as_str().unwrap().contains(&at.format("%Y-%m-%d %H:%M").to_string()), "{}", results[0]);
    assert_eq!(results[1]["state"], "not-intact");
    assert!(results[1]["problems"].to_string().contains("another digest"), "{}", results[1]);
    assert_eq!(results[2]["state"], "not-intact");
    assert!(results[2]["problems"].to_string().contains("manifest.tsr is missing"), "{}", results[2]);
}

/// The hostile-ZIP corpus (`tests/bundle/hostile-zips.py`, made from a real bundle) and
/// Info-ZIP's own rewrites, through the three verifiers: `triangulate verify`,
/// `triangulate-verify` (built beside this binary by `cargo test --workspace`, or by `cargo
/// build -p triangulate-bundle`) and `verify.html` in headless Chromium. They give the same
/// verdict on every one and the same problems in the same words, and report the same facts
/// of the genuine bundle.
#[test]
fn the_three_verifiers_agree_on_every_hostile_zip_and_on_the_facts() {
    let standalone = Path::new(env!("CARGO_BIN_EXE_triangulate")).with_file_name("triangulate-verify");
    assert!(standalone.exists(), "{} is not built: cargo build -p triangulate-bundle", standalone.display());
    let site = fixture_site::start();
    let (s, reference, _) = judged_capture(&site);
    finalise(&s, &reference);
    let dir = s.data_dir.parent().unwrap().to_path_buf();
    let zip = dir.join("bundle.zip");
    let made = s.run(&["export", "bundle", &reference, "--out", zip.to_str().unwrap(), "--json"]);
    assert_eq!(made.code, 0, "{}", made.stderr);

    // Info-ZIP's rewrites: without folder entries, deflated, intact; to a pipe, with data
    // descriptors, intact; with folder entries, refused.
    let folder = dir.join("unzipped");
    assert!(Command::new("unzip").arg("-q").arg(&zip).arg("-d").arg(&folder).status().unwrap().success());
    let shell = |command: &str| {
        let status = Command::new("sh").args(["-c", command]).current_dir(&folder).status().unwrap();
        assert!(status.success(), "{command}");
    };
    shell("zip -q -r -D ../info-zip.zip .");
    shell("zip -q -r -D - . | cat > ../info-zip-piped.zip");
    shell("zip -q -r ../info-zip-folders.zip .");
    let mut cases = vec![
        ("genuine".to_string(), zip.clone(), None),
        ("info-zip".to_string(), dir.join("info-zip.zip"), None),
        ("info-zip-piped".to_string(), dir.join("info-zip-piped.zip"), None),
        ("info-zip-folders".to_string(), dir.join("info-zip-folders.zip"), Some("folder".to_string())),
    ];
    let corpus = Command::new("python3")
        .arg(crate::repo_root().join("tests/bundle/hostile-zips.py"))
        .arg(&zip)
        .arg(dir.join("hostile"))
        .output()
        .unwrap();
    assert!(corpus.status.success(), "{}", String::from_utf8_lossy(&corpus.stderr));
    let variants: Vec<serde_json::Value> = serde_json::from_slice(&corpus.stdout).unwrap();
    for v in &variants {
        cases.push((
            v["variant"].as_str().unwrap().to_string(),
            PathBuf::from(v["zip"].as_str().unwrap()),
            v["problem"].as_str().map(str::to_string),
        ));
    }
    assert!(cases.len() > 30, "{}", cases.len());

    // The hidden entry really is another file to a streaming extractor (Java's jar).
    let hidden = &cases.iter().find(|(name, _, _)| name == "hidden-entry").unwrap().1;
    let extracted = dir.join("jar-extracted");
    std::fs::create_dir(&extracted).unwrap();
    let jar = Command::new("jar")
        .arg("x")
        .stdin(std::fs::File::open(hidden).unwrap())
        .current_dir(&extracted)
        .output()
        .expect("jar (openjdk-17-jdk-headless)");
    assert!(jar.status.success(), "{}", String::from_utf8_lossy(&jar.stderr));
    let streamed = std::fs::read(extracted.join("care-record.pdf")).unwrap();
    assert_ne!(streamed, std::fs::read(folder.join("care-record.pdf")).unwrap(), "jar extracts the hidden copy");
    assert!(crate::contains(&streamed, "% forged"));

    let page = dir.join("verify.html");
    assert_eq!(s.run(&["export", "verify-page", "--out", page.to_str().unwrap()]).code, 0);
    let html_cases: Vec<serde_json::Value> =
        cases.iter().map(|(_, zip, _)| serde_json::json!({ "zip": zip })).collect();
    let html = verify_html(&dir.join("corpus-cases.json"), &page, &html_cases);

    for ((name, zip, problem), page) in cases.iter().zip(&html) {
        let cli = s.run(&["verify", zip.to_str().unwrap(), "--json"]);
        let alone = Command::new(&standalone).arg(zip).arg("--json").output().unwrap();
        let expected = if problem.is_some() { 1 } else { 0 };
        assert_eq!(cli.code, expected, "{name}: triangulate verify: {}{}", cli.stdout, cli.stderr);
        assert_eq!(alone.status.code(), Some(expected), "{name}: triangulate-verify");
        let report = cli.json();
        let alone: serde_json::Value = serde_json::from_slice(&alone.stdout).unwrap();
        assert_eq!(report, alone, "{name}: the two command-line verifiers report the same");
        assert_eq!(page["state"], if expected == 0 { "intact" } else { "not-intact" }, "{name}: verify.html: {page}");
        assert_eq!(page["problems"], report["problems"], "{name}: verify.html names the same problems");
        if let Some(key) = problem {
            let problems = report["problems"].as_array().unwrap();
            assert!(
                problems.iter().any(|p| triangulate_bundle::is_zip_problem(p.as_str().unwrap(), key)),
                "{name}: {key} in {problems:?}"
            );
        } else {
            // The same facts: each fact line of the CLI is one of the page's, and the page's
            // table is the CLI's files.
            let lines = s.run(&["verify", zip.to_str().unwrap()]).stdout;
            let facts: Vec<&str> = page["factList"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
            let fact_lines: Vec<&str> = lines
                .lines()
                .filter(|l| {
                    ["request ", "signed by ", "DRAFT", "audit chain", "redacted copies", "not timestamped"]
                        .iter()
                        .any(|start| l.starts_with(start))
                })
                .collect();
            assert_eq!(fact_lines.len(), 4, "{lines}");
            for line in fact_lines {
                assert!(facts.contains(&line), "{name}: {line:?} is not among the page's facts {facts:?}");
            }
            assert!(facts.contains(&"not timestamped: its times are the installation's clock's"), "{facts:?}");
            let rows: Vec<(String, u64, String)> = page["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r[1].as_str().unwrap().into(),
                        r[2].as_str().unwrap().parse().unwrap(),
                        r[3].as_str().unwrap().into(),
                    )
                })
                .collect();
            let files: Vec<(String, u64, String)> = report["files"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["path"].as_str().unwrap().into(),
                        f["size"].as_u64().unwrap(),
                        f["sha256"].as_str().unwrap().into(),
                    )
                })
                .collect();
            assert_eq!(rows, files, "{name}: the page's files are the CLI's");
        }
    }
}

/// The request chain check of verify.html (verifyRequestChain in verify.js, run by
/// tests/bundle/request-chain.mjs) gives the app's verdict on each chain: untouched, several
/// events in one second, a clock set back, a time that is not a time.
#[test]
fn verify_html_and_the_app_agree_on_a_requests_chain_and_its_times() {
    use chrono::TimeZone;
    use triangulate_evidence::audit::{self, Actor, AuditEvent, ChainHead, ChainReport, NewAuditEvent, RequestLink};
    let sealed = |times: &[chrono::DateTime<chrono::Utc>]| {
        let mut head = ChainHead::empty();
        let mut events: Vec<AuditEvent> = Vec::new();
        for (i, at) in times.iter().enumerate() {
            let prev_hash = events.last().map_or_else(|| audit::GENESIS_HASH.to_string(), |e| e.hash.clone());
            let new =
                NewAuditEvent::of_change(Actor::Worker(1), "log.add_search", vec!["request:REQ-2026-0001".into()], &i);
            let event = audit::seal(&head, *at, new, Some(RequestLink { request: "REQ-2026-0001".into(), prev_hash }));
            head = ChainHead { count: event.seq, hash: event.hash.clone() };
            events.push(event);
        }
        (events, head)
    };
    let t = chrono::Utc.with_ymd_and_hms(2026, 11, 24, 9, 30, 0).unwrap() + chrono::Duration::microseconds(123_456);
    let faked = chrono::Utc.with_ymd_and_hms(2032, 12, 1, 9, 30, 0).unwrap();
    let second = chrono::Duration::seconds(1);
    let mut chains = vec![
        sealed(&[t, t + second, t + second * 60]),
        sealed(&[t, t, t - second, t + second]),
        sealed(&[t, faked, t + second, t + second * 2]),
    ];
    let (mut events, _) = sealed(&[t, t + second]);
    events[1].at = "the 24th".into();
    events[1].hash = audit::event_hash(&events[1]);
    let head = ChainHead { count: 2, hash: events[1].hash.clone() };
    chains.push((events, head));

    let cases: Vec<serde_json::Value> = chains
        .iter()
        .map(|(events, head)| serde_json::json!({ "events": events, "request": "REQ-2026-0001", "head": head }))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("chains.json");
    std::fs::write(&file, serde_json::to_vec(&cases).unwrap()).unwrap();
    let node = Command::new("node")
        .arg(crate::repo_root().join("tests/bundle/request-chain.mjs"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(node.status.success(), "{}", String::from_utf8_lossy(&node.stderr));
    let page: Vec<Option<String>> = serde_json::from_slice(&node.stdout).unwrap();
    for ((events, head), problem) in chains.iter().zip(&page) {
        let app = audit::verify_request_chain(events, "REQ-2026-0001", head);
        assert_eq!(matches!(app, ChainReport::Intact { .. }), problem.is_none(), "app: {app}; page: {problem:?}");
    }
    assert_eq!(page[0], None);
    assert_eq!(page[1], None, "events within the same second");
    let set_back = page[2].as_deref().unwrap();
    assert!(
        set_back.contains(
            "event 3 is dated 2026-11-24T09:30:01Z, earlier than event 2 before it, dated 2032-12-01T09:30:00Z"
        ),
        "{set_back}"
    );
    assert!(page[3].as_deref().unwrap().contains("\"the 24th\" is not a time"), "{:?}", page[3]);
}
