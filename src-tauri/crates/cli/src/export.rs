//! `export pdf` and `export filed`: PDFs of a request for the care record, and the record
//! that one was filed there.

use clap::Subcommand;
use std::path::PathBuf;
use triangulate_app::export::{self, PdfOrder};
use triangulate_core::FieldError;
use triangulate_core::export::{FilingInput, PdfKind};

use crate::out::{inline, say};
use crate::{CliHost, Result, print_json};

#[derive(Subcommand)]
pub enum ExportCommand {
    /// Write a PDF of a request for the care record: a cover, the request, the log and every
    /// capture judged relevant as an exhibit. Never replaces a file
    Pdf {
        /// The request's reference
        reference: String,
        /// The PDF to write
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Before the log is finalised or while captures are unjudged: DRAFT on every page
        #[arg(long)]
        draft: bool,
        /// Only the request (Appendix 1) or only the log (Appendix 2)
        #[arg(long, value_name = "request|log")]
        only: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Write the evidence bundle of a request for a legal team: a ZIP with the care-record PDF,
    /// every original file of every capture judged relevant, the signed manifest, the public
    /// key and README.txt. Never replaces a file
    Bundle {
        /// The request's reference
        reference: String,
        /// The ZIP to write
        #[arg(long, value_name = "FILE.zip")]
        out: PathBuf,
        /// Before the log is finalised or while captures are unjudged: a draft bundle
        #[arg(long)]
        draft: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write the offline page that checks bundles (verify.html) on its own, for the council to
    /// publish with its SHA-256; the same page is in every bundle
    VerifyPage {
        #[arg(long, value_name = "FILE.html")]
        out: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Record that an exported PDF was filed in the care record system
    Filed {
        /// The request's reference
        reference: String,
        /// The filed PDF's SHA-256, as `export pdf` showed it
        #[arg(long, value_name = "HEX")]
        sha256: String,
        /// Where it was filed, such as "Mosaic: Assessments"
        #[arg(long = "where", value_name = "TEXT")]
        place: String,
        /// The care record's reference for it
        #[arg(long = "reference", value_name = "TEXT")]
        reference_in_record: String,
        /// Who filed it
        #[arg(long)]
        by: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn export(command: ExportCommand, host: &CliHost) -> Result<()> {
    match command {
        ExportCommand::Pdf { reference, out, draft, only, json } => {
            let only = match only.as_deref() {
                None => None,
                Some(text) => match text.parse::<PdfKind>() {
                    Ok(PdfKind::CareRecord) | Err(_) => {
                        return Err(triangulate_app::AppError::fields_error(vec![FieldError::new(
                            "only",
                            "--only is request or log",
                        )]));
                    }
                    Ok(kind) => Some(kind),
                },
            };
            let done = export::export_pdf(host, &PdfOrder { reference: reference.clone(), out, draft, only })?;
            if json {
                print_json(&serde_json::to_value(&done).expect("serialises"));
            } else {
                let e = &done.export;
                say!(
                    "Wrote {}: {}{}, {} pages, {} exhibits, {} bytes.",
                    inline(&done.path),
                    e.kind.label(),
                    if e.draft { " (DRAFT)" } else { "" },
                    e.pages,
                    e.exhibits.len(),
                    e.bytes
                );
                say!("SHA-256 {}", e.sha256);
                if !e.draft {
                    say!(
                        "Once it is filed, record where: triangulate export filed {} --sha256 {} --where TEXT --reference TEXT --by NAME",
                        inline(&reference),
                        e.sha256
                    );
                }
            }
            Ok(())
        }
        ExportCommand::Bundle { reference, out, draft, json } => {
            let done = triangulate_app::bundle::export_bundle(host, &reference, &out, draft)?;
            if json {
                print_json(&serde_json::to_value(&done).expect("serialises"));
            } else {
                say!(
                    "Wrote {}: {} files{}, {} bytes.",
                    inline(&done.path),
                    done.files,
                    if done.draft { " (DRAFT)" } else { "" },
                    done.bytes
                );
                say!("Manifest SHA-256 {}", done.manifest_sha256);
                say!("Signing key fingerprint {}", done.fingerprint);
                if let Some(at) = &done.timestamped_at {
                    say!("Timestamped {at} by the policy's time-stamping authority");
                }
            }
            Ok(())
        }
        ExportCommand::VerifyPage { out, json } => {
            let (path, sha256) = triangulate_app::bundle::write_verify_page(&out)?;
            if json {
                print_json(&serde_json::json!({ "path": path, "sha256": sha256 }));
            } else {
                say!("Wrote {}: publish it with its SHA-256 {sha256}", inline(&path));
            }
            Ok(())
        }
        ExportCommand::Filed { reference, sha256, place, reference_in_record, by, json } => {
            let input = FilingInput { sha256, place, reference: reference_in_record, by };
            let filed = export::record_filing(host, &reference, &input)?;
            if json {
                print_json(&serde_json::to_value(&filed).expect("serialises"));
            } else {
                say!(
                    "Recorded: the PDF with SHA-256 {} was filed in {} as {} by {}.",
                    filed.sha256,
                    inline(&filed.place),
                    inline(&filed.record_reference),
                    inline(&filed.filed_by)
                );
            }
            Ok(())
        }
    }
}

/// `verify BUNDLE [--expect-fingerprint FP] [--json]`: exit 0 when intact, 1 when not.
pub fn verify(path: &std::path::Path, expect_fingerprint: Option<&str>, json: bool) -> Result<()> {
    let report = triangulate_app::bundle::verify(path, expect_fingerprint)?;
    if json {
        print_json(&serde_json::to_value(&report).expect("serialises"));
    } else {
        for line in triangulate_app::bundle::report_lines(&report) {
            say!("{line}");
        }
    }
    if report.intact() {
        Ok(())
    } else {
        Err(triangulate_app::AppError::Refused(format!("the bundle is not intact: {}", report.problems.join("; "))))
    }
}
