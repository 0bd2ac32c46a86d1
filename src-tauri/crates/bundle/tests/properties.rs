//! The verifier on arbitrary input: whatever bytes a "bundle" holds, it answers (intact, not
//! intact, or not readable) and never panics. Bounded: a fixed number of cases per run.

use proptest::prelude::*;
use std::io::Write;

fn zip_with(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut out);
        for (name, bytes) in entries {
            if zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).is_ok() {
                let _ = zip.write_all(bytes);
            }
        }
        let _ = zip.finish();
    }
    out.into_inner()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_refused_or_reported_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zip");
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(report) = triangulate_bundle::verify_path(&path, None) {
            prop_assert!(!report.intact());
        }
    }

    #[test]
    fn arbitrary_entries_and_manifests_are_reported_never_a_panic(
        names in proptest::collection::vec("[a-z./\\\\:]{0,12}", 0..6),
        manifest in "\\PC{0,300}",
        signature in "[A-Za-z0-9+/=\\n ]{0,100}",
    ) {
        let mut entries: Vec<(String, Vec<u8>)> = names.into_iter().map(|n| (n, b"x".to_vec())).collect();
        entries.push(("manifest.json".into(), manifest.into_bytes()));
        entries.push(("manifest.sig".into(), signature.into_bytes()));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.zip");
        std::fs::write(&path, zip_with(&entries)).unwrap();
        if let Ok(report) = triangulate_bundle::verify_path(&path, None) {
            prop_assert!(!report.intact(), "nothing made up here is signed");
        }
    }
}
