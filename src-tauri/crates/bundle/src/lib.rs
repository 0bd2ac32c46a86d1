//! Evidence bundles as ZIP files. [`BundleWriter`] writes the entries stored (pictures and
//! PDFs do not compress) and lists each with its SHA-256 and size; [`verify_path`] checks a
//! bundle or its unzipped folder through the evidence crate's [`verify_bundle`], reading
//! entries as streams: nothing is extracted to disk, and memory stays bounded whatever the
//! ZIP claims.

use std::fs::File;
use std::io::{BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use triangulate_evidence::bundle::{BundleFile, BundleReport, BundleSource, unsafe_name, verify_bundle};
use zip::write::{SimpleFileOptions, ZipWriter};

pub use triangulate_evidence::bundle;

mod layout;
pub use layout::{Entry, Layout, MAX_DIRECTORY, is_zip_problem, walk};

/// A ZIP read in place, through the entries its layout walk found ([`layout`]): a ZIP in
/// which some byte belongs to no listed entry, or an entry is not a plain stored or deflated
/// file, is reported as such and nothing in it is read.
pub struct ZipSource<R: Read + Seek> {
    reader: BufReader<R>,
    entries: Vec<Entry>,
    names: Vec<String>,
    problems: Vec<String>,
}

impl ZipSource<File> {
    pub fn open(path: &Path) -> Result<Self, String> {
        let file = File::open(path).map_err(|e| format!("{} cannot be opened: {e}", path.display()))?;
        ZipSource::new(file).map_err(|e| format!("{} is not a ZIP file: {e}", path.display()))
    }
}

impl<R: Read + Seek> ZipSource<R> {
    /// `Err` only when the file has no ZIP end record at all.
    pub fn new(reader: R) -> Result<Self, String> {
        let mut reader = BufReader::with_capacity(1 << 20, reader);
        let Layout { entries, problems } = layout::walk(&mut reader)?;
        // Names that are not UTF-8 are kept visibly wrong, so the check refuses them.
        let names = entries
            .iter()
            .map(|e| {
                String::from_utf8(e.name.clone())
                    .unwrap_or_else(|_| format!("\u{7}{}", String::from_utf8_lossy(&e.name)))
            })
            .collect();
        Ok(ZipSource { reader, entries, names, problems })
    }
}

impl<R: Read + Seek> BundleSource for ZipSource<R> {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn problems(&self) -> Vec<String> {
        self.problems.clone()
    }

    fn open(&mut self, name: &str) -> std::io::Result<Box<dyn Read + '_>> {
        let index = self.names.iter().position(|n| n == name).ok_or(std::io::ErrorKind::NotFound)?;
        let entry = &self.entries[index];
        self.reader.seek(std::io::SeekFrom::Start(entry.data))?;
        Ok(Box::new(layout::EntryReader::new((&mut self.reader).take(entry.compressed), entry)))
    }
}

/// A bundle unzipped into a folder: its files, named relative to it with `/`.
pub struct FolderSource {
    root: PathBuf,
    names: Vec<String>,
}

impl FolderSource {
    pub fn open(root: &Path) -> Result<Self, String> {
        let mut names = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(folder) = stack.pop() {
            let entries =
                std::fs::read_dir(&folder).map_err(|e| format!("{} cannot be read: {e}", folder.display()))?;
            for entry in entries {
                let entry = entry.map_err(|e| format!("{} cannot be read: {e}", folder.display()))?;
                let kind = entry.file_type().map_err(|e| e.to_string())?;
                if kind.is_symlink() {
                    return Err(format!("{} is a link: a bundle holds files only", entry.path().display()));
                }
                if kind.is_dir() {
                    stack.push(entry.path());
                } else if !kind.is_file() {
                    return Err(format!("{} is not a file: a bundle holds files only", entry.path().display()));
                } else {
                    let relative = entry.path().strip_prefix(root).expect("below the root").to_path_buf();
                    let parts: Vec<String> =
                        relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                    names.push(parts.join("/"));
                }
            }
        }
        names.sort();
        Ok(FolderSource { root: root.to_path_buf(), names })
    }
}

impl BundleSource for FolderSource {
    fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    fn open(&mut self, name: &str) -> std::io::Result<Box<dyn Read + '_>> {
        if unsafe_name(name).is_some() || !self.names.iter().any(|n| n == name) {
            return Err(std::io::ErrorKind::NotFound.into());
        }
        let path = self.root.join(name);
        // Swapped for a link or something else since it was listed: not read.
        if !std::fs::symlink_metadata(&path)?.file_type().is_file() {
            return Err(std::io::Error::other("it is no longer a plain file"));
        }
        Ok(Box::new(BufReader::with_capacity(1 << 20, File::open(path)?)))
    }
}

/// Checks a bundle: a ZIP file, or the folder it was unzipped into.
pub fn verify_path(path: &Path, expect_fingerprint: Option<&str>) -> Result<BundleReport, String> {
    if path.is_dir() {
        Ok(verify_bundle(&mut FolderSource::open(path)?, expect_fingerprint))
    } else {
        Ok(verify_bundle(&mut ZipSource::open(path)?, expect_fingerprint))
    }
}

/// Writes a bundle's entries, stored, and lists each with its digest and size.
pub struct BundleWriter<W: Write + Seek> {
    zip: ZipWriter<W>,
    listed: Vec<BundleFile>,
}

impl<W: Write + Seek> BundleWriter<W> {
    pub fn new(out: W) -> Self {
        BundleWriter { zip: ZipWriter::new(out), listed: Vec::new() }
    }

    fn options() -> SimpleFileOptions {
        SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(true)
            .unix_permissions(0o600)
    }

    /// Adds a file that the manifest lists.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), String> {
        if let Some(why) = unsafe_name(path) {
            return Err(format!("{path:?} is {why}"));
        }
        self.zip.start_file(path, Self::options()).map_err(|e| format!("{path}: {e}"))?;
        self.zip.write_all(bytes).map_err(|e| format!("{path}: {e}"))?;
        self.listed.push(BundleFile {
            path: path.to_string(),
            sha256: triangulate_evidence::sha256_hex(bytes),
            size: bytes.len() as u64,
        });
        Ok(())
    }

    /// The files added so far, for the manifest.
    pub fn listed(&self) -> &[BundleFile] {
        &self.listed
    }

    /// Adds the manifest, its signature and its timestamp (if any), which the manifest does
    /// not list, and finishes.
    pub fn finish(mut self, manifest: &[u8], signature: &str, timestamp: Option<&[u8]>) -> Result<W, String> {
        let signature = format!("{signature}\n");
        let mut last = vec![(bundle::MANIFEST_PATH, manifest), (bundle::SIGNATURE_PATH, signature.as_bytes())];
        if let Some(answer) = timestamp {
            last.push((bundle::TIMESTAMP_PATH, answer));
        }
        for (path, bytes) in last {
            self.zip.start_file(path, Self::options()).map_err(|e| format!("{path}: {e}"))?;
            self.zip.write_all(bytes).map_err(|e| format!("{path}: {e}"))?;
        }
        self.zip.finish().map_err(|e| format!("the ZIP cannot be finished: {e}"))
    }
}

/// A ZIP of the given files, stored (not deflated) in the order given, as a WACZ is made:
/// a player reads the WARC's records in place, at the offsets its index names.
pub fn zip_stored(files: &[(&str, Vec<u8>)]) -> Result<Vec<u8>, String> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(files.iter().any(|(_, bytes)| bytes.len() as u64 >= u32::MAX as u64))
        .unix_permissions(0o600);
    for (path, bytes) in files {
        if let Some(why) = unsafe_name(path) {
            return Err(format!("{path:?} is {why}"));
        }
        zip.start_file(*path, options).map_err(|e| format!("{path}: {e}"))?;
        zip.write_all(bytes).map_err(|e| format!("{path}: {e}"))?;
    }
    Ok(zip.finish().map_err(|e| format!("the ZIP cannot be finished: {e}"))?.into_inner())
}

/// `verify.html`: the offline page that checks a bundle in a browser, its script inline and
/// allowed by its hash alone (no other script, no network).
pub fn verify_page() -> String {
    use base64::Engine;
    const TEMPLATE: &str = include_str!("../../../../assets/verify/verify.html");
    const NOBLE: &str = include_str!("../../../../assets/verify/noble-ed25519.js");
    const CHECK: &str = include_str!("../../../../assets/verify/verify.js");
    const TEXTS: &str = include_str!("../../../../assets/verify/report-texts.json");
    let script = format!(
        "const nobleEd25519 = (() => {{\n{NOBLE}\nreturn {{ verifyAsync }};\n}})();\nconst REPORT_TEXTS = {};\n{CHECK}",
        TEXTS.trim_end()
    );
    let digest = triangulate_evidence::sha256_hex(script.as_bytes());
    let raw: Vec<u8> =
        (0..digest.len()).step_by(2).map(|i| u8::from_str_radix(&digest[i..i + 2], 16).expect("hex")).collect();
    TEMPLATE
        .replace("{{SCRIPT_SHA256_BASE64}}", &base64::engine::general_purpose::STANDARD.encode(raw))
        .replace("{{SCRIPT}}", &script)
}

/// A line as a terminal shows it: every control character (line breaks too) and every
/// bidirectional control escaped, so that no name from a bundle can move the cursor, clear
/// the screen or reorder the line; anything else, quotes and apostrophes too, as it is.
pub fn printable(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// The report as people read it: a line per file, then "bundle intact" or each problem.
pub fn report_lines(report: &BundleReport) -> Vec<String> {
    let mut lines = Vec::new();
    let fact = |key: &str, values: &[(&str, &str)]| layout::text("facts", key, values);
    if let Some(request) = &report.request {
        lines.push(fact("request", &[("request", request)]));
    }
    if let Some(fingerprint) = &report.fingerprint {
        lines.push(fact("signed_by", &[("fingerprint", fingerprint)]));
    }
    for file in &report.files {
        lines.push(format!(
            "{}  {}  {} bytes  {}",
            if file.ok { "ok     " } else { "CHANGED" },
            file.sha256,
            file.size,
            file.path
        ));
    }
    if report.draft == Some(true) {
        lines.push(fact("draft", &[]));
    }
    if report.intact() {
        lines.push(fact("audit", &[("count", &report.audit_events.to_string())]));
        if report.redactions > 0 {
            lines.push(fact("redactions", &[("count", &report.redactions.to_string())]));
        }
        match &report.timestamp {
            Some(stamp) => lines.push(format!(
                "timestamped {} UTC by {} (serial {}), under the CA {} whose certificate's SHA-256 is {}",
                stamp.time.format("%Y-%m-%d %H:%M:%S"),
                stamp.tsa,
                stamp.serial,
                stamp.ca,
                stamp.ca_sha256
            )),
            None => lines.push(fact("not_timestamped", &[])),
        }
        if !report.pinned {
            lines.push(
                "the signer was not checked: compare the fingerprint above with the one the council publishes, or give --expect-fingerprint"
                    .into(),
            );
        }
        lines.push("bundle intact".into());
    } else {
        for problem in &report.problems {
            lines.push(format!("PROBLEM: {problem}"));
        }
        lines.push("bundle NOT intact".into());
    }
    lines
}
