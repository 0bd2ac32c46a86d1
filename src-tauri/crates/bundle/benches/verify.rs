//! Verify throughput: a bundle of 1 GiB (eight stored entries of 128 MiB that do not
//! compress), checked by `verify_path` as a ZIP, against `sha256sum` and `openssl dgst
//! -sha256` over the same bytes as plain files, in the same run, with the page cache warm.
//! Target: at least 0.9× OpenSSL's throughput.
//!
//!   cargo bench -p triangulate-bundle --bench verify

use std::process::Command;
use std::time::{Duration, Instant};
use triangulate_bundle::BundleWriter;
use triangulate_bundle::bundle::{BUNDLE_FORMAT, BundleAudit, BundleManifest};
use triangulate_evidence::audit::ChainHead;
use triangulate_evidence::{SigningKey, SigningKeyInfo, sign_manifest};

const ENTRIES: usize = 8;
const ENTRY_BYTES: usize = 128 << 20;
const ROUNDS: usize = 3;

fn noise(seed: u64, bytes: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(bytes);
    while out.len() < bytes {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(bytes);
    out
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let key = SigningKey::from_bytes(&[5; 32]);
    let zip = dir.path().join("bundle.zip");
    let mut writer = BundleWriter::new(std::io::BufWriter::new(std::fs::File::create(&zip).unwrap()));
    let mut plain = Vec::new();
    for k in 0..ENTRIES {
        let bytes = noise(k as u64 + 1, ENTRY_BYTES);
        let name = format!("captures/{k}/full-page-png.png");
        writer.add(&name, &bytes).unwrap();
        let path = dir.path().join(format!("plain-{k}.bin"));
        std::fs::write(&path, &bytes).unwrap();
        plain.push(path.to_str().unwrap().to_string());
    }
    let manifest = BundleManifest {
        format: BUNDLE_FORMAT.into(),
        request: "BENCH".into(),
        created_at: "2026-11-29T10:00:00Z".into(),
        draft: false,
        files: writer.listed().to_vec(),
        captures: Vec::new(),
        authorisation_chain: serde_json::json!([]),
        audit: BundleAudit { events: Vec::new(), head: ChainHead::empty() },
        signing_key: SigningKeyInfo::of(&key),
        timestamp: None,
        redactions: Vec::new(),
    };
    let text = serde_json::to_string_pretty(&manifest).unwrap();
    writer
        .finish(text.as_bytes(), &sign_manifest(&key, &text), None)
        .unwrap()
        .into_inner()
        .unwrap()
        .sync_all()
        .unwrap();
    let total = (ENTRIES * ENTRY_BYTES) as f64;
    // Warm the page cache for both forms.
    let _ = triangulate_bundle::verify_path(&zip, None).unwrap();
    let _ = Command::new("cat").args(&plain).stdout(std::process::Stdio::null()).status();

    let (mut ours, mut sha256sum, mut openssl) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let report = triangulate_bundle::verify_path(&zip, None).unwrap();
        ours.push(started.elapsed());
        assert!(report.intact(), "{:?}", report.problems);
        let started = Instant::now();
        assert!(Command::new("sha256sum").args(&plain).stdout(std::process::Stdio::null()).status().unwrap().success());
        sha256sum.push(started.elapsed());
        let started = Instant::now();
        assert!(
            Command::new("openssl")
                .args(["dgst", "-sha256"])
                .args(&plain)
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap()
                .success()
        );
        openssl.push(started.elapsed());
    }
    let rate = |d: Duration| total / d.as_secs_f64() / 1e9;
    let (ours, sha256sum, openssl) = (median(ours), median(sha256sum), median(openssl));
    println!(
        "verify throughput over {:.2} GiB ({ROUNDS} rounds, medians, page cache warm):",
        total / (1u64 << 30) as f64
    );
    println!(
        "  triangulate verify (ZIP read in place, CRC and SHA-256): {:.3} s  {:.2} GB/s",
        ours.as_secs_f64(),
        rate(ours)
    );
    println!(
        "  sha256sum over the same bytes as files:                  {:.3} s  {:.2} GB/s",
        sha256sum.as_secs_f64(),
        rate(sha256sum)
    );
    println!(
        "  openssl dgst -sha256 over the same files:                {:.3} s  {:.2} GB/s",
        openssl.as_secs_f64(),
        rate(openssl)
    );
    let ratio = rate(ours) / rate(openssl);
    println!(
        "  verify / openssl throughput: {ratio:.2} (target at least 0.9: {})",
        if ratio >= 0.9 { "met" } else { "NOT MET" }
    );
}
