//! The worker's judgement of a capture and its validation. What makes a capture an exhibit
//! as data (the manifest, canonical JSON, digests, the signature) belongs to
//! `triangulate-evidence`; the format's name, canonical JSON and the digests are re-exported
//! here. Pure: nothing is read or written here.

use serde::{Deserialize, Serialize};

use crate::validation::{FieldError, optional_paragraphs, optional_text};

/// The manifest's wire format, canonical JSON and digests live in `triangulate-evidence`;
/// they are named here too so that the domain's paths keep working.
pub use triangulate_evidence::{MANIFEST_FORMAT, canonical_json, png_dimensions, sha256_hex};

/// How sure the worker is that a profile is the person's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    Verified,
    Probable,
    Unverified,
}

/// The worker's judgement of a capture, as typed.
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
pub struct JudgementInput {
    pub relevant: Option<bool>,
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub attribution: Option<Attribution>,
    pub attribution_reason: Option<String>,
    pub collateral_intrusion: Option<String>,
    pub useful_and_unique: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Judgement {
    pub relevant: bool,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub attribution: Attribution,
    pub attribution_reason: Option<String>,
    /// Who else appears in the capture, and what was done about it.
    pub collateral_intrusion: Option<String>,
    pub useful_and_unique: bool,
}

impl JudgementInput {
    pub fn validate(&self) -> Result<Judgement, Vec<FieldError>> {
        let mut errors = Vec::new();
        let notes = optional_paragraphs(&mut errors, "notes", "the notes", self.notes.as_deref(), 5000);
        let attribution_reason =
            optional_paragraphs(&mut errors, "attribution_reason", "why", self.attribution_reason.as_deref(), 2000);
        let collateral_intrusion = optional_paragraphs(
            &mut errors,
            "collateral_intrusion",
            "the collateral intrusion",
            self.collateral_intrusion.as_deref(),
            2000,
        );
        let mut tags = Vec::new();
        for (i, tag) in self.tags.iter().enumerate() {
            match optional_text(&mut errors, &format!("tags[{}]", i + 1), "the tag", Some(tag), 50) {
                Some(tag) if !tags.contains(&tag) => tags.push(tag),
                _ => {}
            }
        }
        if self.relevant.is_none() {
            errors.push(FieldError::new("relevant", "Say whether the capture is relevant to the concern"));
        }
        if self.useful_and_unique.is_none() {
            errors.push(FieldError::new(
                "useful_and_unique",
                "Say whether the capture adds useful information not available elsewhere",
            ));
        }
        match self.attribution {
            None => errors.push(FieldError::new(
                "attribution",
                "Say how sure you are that the profile is the person's: verified, probable or unverified",
            )),
            Some(Attribution::Verified | Attribution::Probable) if attribution_reason.is_none() => {
                errors.push(FieldError::new("attribution_reason", "Say why you believe the profile is the person's"))
            }
            _ => {}
        }
        match (self.relevant, self.attribution, self.useful_and_unique) {
            (Some(relevant), Some(attribution), Some(useful_and_unique)) if errors.is_empty() => Ok(Judgement {
                relevant,
                notes,
                tags,
                attribution,
                attribution_reason,
                collateral_intrusion,
                useful_and_unique,
            }),
            _ => Err(errors),
        }
    }
}

/// The worker's own words on a capture (the statement, the reason a page outside the
/// profiles belongs to the person): paragraphs, no other control characters; every problem.
pub fn check_worker_text(statement: Option<&str>, outside_scope_reason: Option<&str>) -> Result<(), Vec<crate::FieldError>> {
    use crate::validation::optional_paragraphs;
    let mut errors = Vec::new();
    optional_paragraphs(&mut errors, "statement", "the statement", statement, 2000);
    optional_paragraphs(&mut errors, "outside_scope_reason", "why the page belongs to this person", outside_scope_reason, 2000);
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The address a capture is asked to go to: a web page's (http or https, naming a site),
/// with nothing hidden in it.
pub fn check_capture_address(url: &str) -> Result<(), Vec<crate::FieldError>> {
    let mut errors = Vec::new();
    let label = "the address of the page to capture";
    if let Some(text) = crate::validation::web_address_text(&mut errors, "url", label, url) {
        match url::Url::parse(&text) {
            Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.host_str().is_some() => {}
            _ => errors.push(crate::FieldError::new(
                "url",
                "Only a web page can be captured: its address must start with https:// or http:// and name a site",
            )),
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_judgement_needs_relevance_usefulness_and_a_reasoned_attribution() {
        let fields = |input: JudgementInput| -> Vec<String> {
            input.validate().err().unwrap_or_default().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(JudgementInput::default()), ["relevant", "useful_and_unique", "attribution"]);
        let probable = JudgementInput {
            relevant: Some(true),
            useful_and_unique: Some(false),
            attribution: Some(Attribution::Probable),
            ..Default::default()
        };
        assert_eq!(fields(probable.clone()), ["attribution_reason"]);
        let reasoned = JudgementInput {
            attribution_reason: Some("Same photo as on the school's record".into()),
            tags: vec!["party".into(), "party".into(), "car".into()],
            ..probable
        };
        assert_eq!(reasoned.validate().unwrap().tags, ["party", "car"]);
    }

    #[test]
    fn the_reasons_and_notes_take_paragraphs_and_tags_stay_on_one_line() {
        let input = JudgementInput {
            relevant: Some(true),
            useful_and_unique: Some(true),
            attribution: Some(Attribution::Verified),
            attribution_reason: Some("Same photo as on the school's record.\r\nSame date of birth.".into()),
            notes: Some("At the party.\n\n\n\nWith Mr Nowak.".into()),
            collateral_intrusion: Some("Two other adults.\nFaces not recorded.".into()),
            ..Default::default()
        };
        let judgement = input.clone().validate().unwrap();
        assert_eq!(
            judgement.attribution_reason.as_deref(),
            Some("Same photo as on the school's record.\nSame date of birth.")
        );
        assert_eq!(judgement.notes.as_deref(), Some("At the party.\n\nWith Mr Nowak."));
        assert_eq!(judgement.collateral_intrusion.as_deref(), Some("Two other adults.\nFaces not recorded."));
        let errors = JudgementInput { tags: vec!["party\nnight".into()], notes: Some("a\u{202E}b".into()), ..input }
            .validate()
            .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["notes", "tags[1]"]);
    }

    #[test]
    fn a_capture_goes_only_to_a_web_page_and_the_workers_words_are_paragraphs() {
        use super::{check_capture_address, check_worker_text};
        assert!(check_capture_address("https://facebook.com/jane").is_ok());
        for refused in ["file:///etc/passwd", "javascript:alert(1)", "https://", "facebook.com/jane"] {
            let errors = check_capture_address(refused).expect_err(refused);
            assert_eq!(errors[0].field, "url", "{refused}");
        }
        assert!(check_worker_text(Some("Seen.\n\nTwice."), None).is_ok());
        let errors = check_worker_text(Some("bell\u{7}"), Some("escape\u{1b}[31m")).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["statement", "outside_scope_reason"], "every problem at once");
    }
}
