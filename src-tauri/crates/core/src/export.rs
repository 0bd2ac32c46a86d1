//! Exports for the care record: which documents a PDF can hold, and the record that a PDF
//! was filed in the care record system (where, under which reference, by whom).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::validation::{FieldError, required_text};

/// What a PDF of a request holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PdfKind {
    /// Cover, request, log and every exhibit judged relevant.
    CareRecord,
    /// The investigation request (Appendix 1) with its authorisations.
    Request,
    /// The investigation log (Appendix 2).
    Log,
}

impl PdfKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PdfKind::CareRecord => "care_record",
            PdfKind::Request => "request",
            PdfKind::Log => "log",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PdfKind::CareRecord => "Care record PDF",
            PdfKind::Request => "Investigation request (Appendix 1)",
            PdfKind::Log => "Investigation log (Appendix 2)",
        }
    }
}

impl std::str::FromStr for PdfKind {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "care_record" | "care-record" => Ok(PdfKind::CareRecord),
            "request" => Ok(PdfKind::Request),
            "log" => Ok(PdfKind::Log),
            _ => Err(FieldError::new("only", "Choose request or log")),
        }
    }
}

/// The record of filing, as typed.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct FilingInput {
    /// The filed PDF's SHA-256, as the export reported it.
    pub sha256: String,
    /// Where it was filed: the care record system and its area ("Assessments").
    pub place: String,
    /// The record's reference in that system.
    pub reference: String,
    /// Who filed it.
    pub by: String,
}

/// A filing that passed validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Filing {
    pub sha256: String,
    pub place: String,
    pub reference: String,
    pub by: String,
}

impl FilingInput {
    /// The SHA-256 as given, in the form it is stored and compared in: trimmed, lower case.
    pub fn digest(&self) -> String {
        self.sha256.trim().to_ascii_lowercase()
    }

    pub fn validate(&self) -> Result<Filing, Vec<FieldError>> {
        let mut errors = Vec::new();
        let sha256 = self.digest();
        if sha256.is_empty() {
            errors.push(FieldError::new("sha256", "Enter the SHA-256 of the PDF that was filed"));
        } else if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            errors.push(FieldError::new(
                "sha256",
                "The SHA-256 must be the 64 letters and digits (0-9, a-f) the export showed",
            ));
        }
        let place = required_text(&mut errors, "where", "where it was filed", &self.place, 200);
        let reference = required_text(&mut errors, "reference", "the care record's reference", &self.reference, 100);
        let by = required_text(&mut errors, "by", "who filed it", &self.by, 100);
        if errors.is_empty() { Ok(Filing { sha256, place, reference, by }) } else { Err(errors) }
    }
}

/// Why a final PDF cannot be made yet: only a draft (DRAFT on every page) can.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The investigation log is not finalised.
    LogNotFinalised,
    /// Captures not yet judged relevant or not: the care record holds only those judged
    /// relevant, so every one is judged first.
    CapturesUnjudged(Vec<i64>),
}

impl NotReady {
    /// The refusal in words, for the request `reference`.
    pub fn message(&self, reference: &str) -> String {
        match self {
            NotReady::LogNotFinalised => format!(
                "the investigation log of {reference} is not finalised, so its PDF can only be a draft (DRAFT on every page)"
            ),
            NotReady::CapturesUnjudged(ids) => format!(
                "{} of {reference} {} not been judged: judge whether each is relevant before the care record is exported, or export a draft",
                captures_in_words(ids),
                if ids.len() == 1 { "has" } else { "have" }
            ),
        }
    }
}

/// Whether a PDF of `kind` may be made: a draft always; a final one once the log is
/// finalised, and for the care record once every capture (`unjudged` lists those not yet
/// judged) is judged.
pub fn ready(kind: PdfKind, draft: bool, log_finalised: bool, unjudged: &[i64]) -> Result<(), NotReady> {
    if draft {
        return Ok(());
    }
    if !log_finalised {
        return Err(NotReady::LogNotFinalised);
    }
    if kind == PdfKind::CareRecord && !unjudged.is_empty() {
        return Err(NotReady::CapturesUnjudged(unjudged.to_vec()));
    }
    Ok(())
}

/// "capture 3", "captures 3, 4".
pub fn captures_in_words(ids: &[i64]) -> String {
    let names: Vec<String> = ids.iter().map(i64::to_string).collect();
    match names.len() {
        1 => format!("capture {}", names[0]),
        _ => format!("captures {}", names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> FilingInput {
        FilingInput {
            sha256: "AB".repeat(32),
            place: "Mosaic, Assessments".into(),
            reference: "ASM-2231".into(),
            by: "Siân Llŷr".into(),
        }
    }

    #[test]
    fn a_filing_keeps_its_digest_in_lower_case() {
        let filing = input().validate().unwrap();
        assert_eq!(filing.sha256, "ab".repeat(32));
        assert_eq!(filing.by, "Siân Llŷr");
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        let bad =
            FilingInput { sha256: "xyz".into(), place: " ".into(), reference: "a\u{202E}b".into(), by: "".into() };
        let fields: Vec<String> = bad.validate().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["sha256", "where", "reference", "by"]);
        let short = FilingInput { sha256: "ab".repeat(31), ..input() };
        assert_eq!(short.validate().unwrap_err()[0].field, "sha256");
    }

    #[test]
    fn only_request_or_log_are_parts_of_their_own() {
        assert_eq!("log".parse::<PdfKind>().unwrap(), PdfKind::Log);
        assert_eq!(" Request ".parse::<PdfKind>().unwrap(), PdfKind::Request);
        assert!("cover".parse::<PdfKind>().is_err());
    }

    #[test]
    fn a_final_pdf_waits_for_the_finalised_log_and_for_the_care_record_every_judgement() {
        use super::{NotReady, PdfKind, ready};
        assert_eq!(ready(PdfKind::CareRecord, true, false, &[3]), Ok(()), "a draft always");
        assert_eq!(ready(PdfKind::Log, false, false, &[]), Err(NotReady::LogNotFinalised));
        assert_eq!(ready(PdfKind::CareRecord, false, true, &[3, 4]), Err(NotReady::CapturesUnjudged(vec![3, 4])));
        assert_eq!(ready(PdfKind::Request, false, true, &[3]), Ok(()), "only the care record holds the captures");
        assert_eq!(ready(PdfKind::CareRecord, false, true, &[]), Ok(()));
        let message = NotReady::CapturesUnjudged(vec![3]).message("REQ-2026-0001");
        assert!(message.starts_with("capture 3 of REQ-2026-0001 has not been judged"), "{message}");
    }
}
