//! RFC 3161 timestamps against a real TSA: OpenSSL's `ts -reply` with a CA and a TSA
//! certificate made for the test (`tests/tsa/make-tsa.sh`). Our check and `openssl ts -verify`
//! must agree on every answer, good or changed.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;
use triangulate_evidence::timestamp::{TimestampInfo, certificates_from_pem, request, verify_response};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../tests/tsa/make-tsa.sh")
}

fn make_tsa(dir: &Path, kind: &str) {
    let status = Command::new("bash").arg(script()).arg(dir).arg(kind).status().unwrap();
    assert!(status.success(), "make-tsa.sh failed");
}

/// The TSA's answer to our own request for `data`'s digest.
fn stamp(dir: &Path, data: &[u8], nonce: u64) -> Vec<u8> {
    let digest: [u8; 32] = Sha256::digest(data).into();
    std::fs::write(dir.join("q.tsq"), request(&digest, nonce)).unwrap();
    let out = Command::new("openssl")
        .args(["ts", "-reply", "-config"])
        .arg(dir.join("tsa.cnf"))
        .arg("-queryfile")
        .arg(dir.join("q.tsq"))
        .arg("-out")
        .arg(dir.join("r.tsr"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(dir.join("r.tsr")).unwrap()
}

/// `openssl ts -verify` of an answer over `data`, against `ca`.
fn openssl_verifies(dir: &Path, data: &[u8], answer: &[u8], ca: &Path) -> bool {
    std::fs::write(dir.join("data"), data).unwrap();
    std::fs::write(dir.join("check.tsr"), answer).unwrap();
    let out = Command::new("openssl")
        .args(["ts", "-verify", "-data"])
        .arg(dir.join("data"))
        .arg("-in")
        .arg(dir.join("check.tsr"))
        .arg("-CAfile")
        .arg(ca)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    out.status.success() && said.contains("Verification: OK")
}

fn ours(data: &[u8], answer: &[u8], ca: &Path, nonce: Option<u64>) -> Result<TimestampInfo, String> {
    let trusted = certificates_from_pem(&std::fs::read(ca).unwrap()).unwrap();
    verify_response(answer, &Sha256::digest(data).into(), &trusted, nonce)
}

#[test]
fn a_real_tsa_answer_verifies_and_openssl_agrees_for_rsa_and_ecdsa() {
    for kind in ["rsa", "ec"] {
        let dir = tempfile::tempdir().unwrap();
        make_tsa(dir.path(), kind);
        let data = b"{\"format\": \"triangulate-bundle/1\"}";
        let answer = stamp(dir.path(), data, 42);
        let ca = dir.path().join("ca.crt");
        let info = ours(data, &answer, &ca, Some(42)).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(openssl_verifies(dir.path(), data, &answer, &ca), "{kind}: openssl disagrees");
        assert!(info.tsa.contains("Test Time-Stamping Authority"), "{info:?}");
        assert!(info.ca.contains("Test Timestamp Root CA"), "{info:?}");
        assert_eq!(info.policy, "1.2.3.4.1");
        let pem = std::fs::read(&ca).unwrap();
        assert_eq!(info.ca_sha256, hex::encode(Sha256::digest(&certificates_from_pem(&pem).unwrap()[0])));
        let age = chrono::Utc::now() - info.time;
        assert!(age.num_seconds().abs() < 120, "{kind}: the stamped time is {}", info.time);
        // Stored and checked later, without the nonce.
        assert!(ours(data, &answer, &ca, None).is_ok());
    }
}

#[test]
fn other_data_another_nonce_and_another_ca_are_refused_by_both() {
    let dir = tempfile::tempdir().unwrap();
    make_tsa(dir.path(), "rsa");
    let other = tempfile::tempdir().unwrap();
    make_tsa(other.path(), "rsa");
    let data = b"the manifest";
    let answer = stamp(dir.path(), data, 7);
    let ca = dir.path().join("ca.crt");

    let error = ours(b"the manifest, changed", &answer, &ca, None).unwrap_err();
    assert!(error.contains("another digest"), "{error}");
    assert!(!openssl_verifies(dir.path(), b"the manifest, changed", &answer, &ca));

    let error = ours(data, &answer, &ca, Some(8)).unwrap_err();
    assert!(error.contains("nonce"), "{error}");

    let stranger = other.path().join("ca.crt");
    let error = ours(data, &answer, &stranger, None).unwrap_err();
    assert!(error.contains("does not chain"), "{error}");
    assert!(!openssl_verifies(dir.path(), data, &answer, &stranger));
}

#[test]
fn every_changed_byte_of_the_answer_that_openssl_refuses_we_refuse() {
    let dir = tempfile::tempdir().unwrap();
    make_tsa(dir.path(), "ec");
    let data = b"bytes stamped";
    let answer = stamp(dir.path(), data, 1);
    let ca = dir.path().join("ca.crt");
    // A spread of positions through the answer: status, TSTInfo, certificates, signature.
    let step = (answer.len() / 60).max(1);
    let mut refused = 0;
    for at in (0..answer.len()).step_by(step) {
        let mut changed = answer.clone();
        changed[at] ^= 0x01;
        let theirs = openssl_verifies(dir.path(), data, &changed, &ca);
        let mine = ours(data, &changed, &ca, None).is_ok();
        // We may be stricter than OpenSSL, never laxer.
        assert!(!mine || theirs, "byte {at} changed: we accept what openssl refuses");
        if !theirs {
            refused += 1;
        }
    }
    assert!(refused > 40, "only {refused} changes were refused by openssl");
    // The last byte is the signature's.
    let mut changed = answer.clone();
    *changed.last_mut().unwrap() ^= 0x01;
    assert!(ours(data, &changed, &ca, None).is_err());
}

#[test]
fn a_refusal_from_the_tsa_is_reported_as_one() {
    // PKIStatusInfo { status rejection(2) }, no token.
    let refused = [0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02];
    let error = verify_response(&refused, &[0; 32], &[], None).unwrap_err();
    assert!(error.contains("refused"), "{error}");
}

/// The TSA's `certs` line set as a supplier might: none (the signer's certificate only), the
/// CA (the chain), or the TSA's own certificate and the CA (the chain including itself, which
/// makes OpenSSL put the TSA's certificate in the token twice).
fn configure_certs(dir: &Path, certs: Option<&[&str]>) {
    let config = std::fs::read_to_string(dir.join("tsa.cnf")).unwrap();
    let mut lines: Vec<String> = config.lines().filter(|l| !l.starts_with("certs")).map(String::from).collect();
    if let Some(files) = certs {
        let mut chain = Vec::new();
        for file in files {
            chain.extend(std::fs::read(dir.join(file)).unwrap());
        }
        std::fs::write(dir.join("chain.pem"), chain).unwrap();
        lines.push(format!("certs = {}", dir.join("chain.pem").display()));
    }
    std::fs::write(dir.join("tsa.cnf"), lines.join("\n") + "\n").unwrap();
}

/// How many times the TSA's own certificate is in the answer's bytes.
fn times_held(answer: &[u8], certificate: &[u8]) -> usize {
    answer.windows(certificate.len()).filter(|w| *w == certificate).count()
}

#[test]
fn every_tsa_configuration_openssl_accepts_we_accept_a_repeated_certificate_included() {
    for kind in ["rsa", "ec"] {
        let dir = tempfile::tempdir().unwrap();
        make_tsa(dir.path(), kind);
        let ca = dir.path().join("ca.crt");
        let tsa = certificates_from_pem(&std::fs::read(dir.path().join("tsa.crt")).unwrap()).unwrap().remove(0);
        for (name, certs, copies) in [
            ("the signer's certificate only", None, 1),
            ("with the chain", Some(&["ca.crt"][..]), 1),
            ("with the chain including itself", Some(&["tsa.crt", "ca.crt"][..]), 2),
        ] {
            configure_certs(dir.path(), certs);
            let data = format!("manifest stamped {name}");
            let answer = stamp(dir.path(), data.as_bytes(), 9);
            assert_eq!(times_held(&answer, &tsa), copies, "{kind}, {name}: the token's certificates");
            assert!(openssl_verifies(dir.path(), data.as_bytes(), &answer, &ca), "{kind}, {name}: openssl refuses");
            let info = ours(data.as_bytes(), &answer, &ca, Some(9)).unwrap_or_else(|e| panic!("{kind}, {name}: {e}"));
            assert!(info.tsa.contains("Test Time-Stamping Authority"), "{kind}, {name}: {info:?}");
            // A changed manifest is still refused, by both.
            let error = ours(b"another manifest", &answer, &ca, None).unwrap_err();
            assert!(error.contains("another digest"), "{kind}, {name}: {error}");
        }
    }
}
