//! Appendix 2, the investigation log: searches made, findings, the AAW's completion, the
//! OSW's assessment with its contribution rating, and the record of sharing. A finalised
//! version is read-only; a correction is a new version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::validation::{FieldError, required_paragraphs, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Contribution {
    Little,
    Some,
    Considerable,
    Significant,
}

impl std::str::FromStr for Contribution {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "little" => Ok(Contribution::Little),
            "some" => Ok(Contribution::Some),
            "considerable" => Ok(Contribution::Considerable),
            "significant" => Ok(Contribution::Significant),
            _ => Err(FieldError::new("rating", "Rating must be little, some, considerable or significant")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareRecipient {
    Tm,
    Sm,
    Sd,
}

impl std::str::FromStr for ShareRecipient {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, FieldError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "tm" => Ok(ShareRecipient::Tm),
            "sm" => Ok(ShareRecipient::Sm),
            "sd" => Ok(ShareRecipient::Sd),
            _ => Err(FieldError::new("with", "Share with tm, sm or sd")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Search {
    pub at: DateTime<Utc>,
    pub platform: String,
    pub account_id: i64,
    pub searched: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub number: u32,
    pub text: String,
    /// The captures it rests on, by id, in the order given.
    #[serde(default)]
    pub captures: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub by: String,
    pub at: DateTime<Utc>,
    pub rating: Contribution,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub with: Vec<ShareRecipient>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvestigationLog {
    pub searches: Vec<Search>,
    pub findings: Vec<Finding>,
    pub completed: Option<Signed>,
    pub assessment: Option<Assessment>,
    pub shared: Vec<Sharing>,
    /// Why this version corrects the one before it.
    pub correction_note: Option<String>,
}

/// A search as typed.
pub struct SearchInput<'a> {
    pub at: DateTime<Utc>,
    pub platform: &'a str,
    pub account_id: i64,
    pub searched: &'a str,
    pub result: &'a str,
}

impl SearchInput<'_> {
    /// `permitted_at` is when the service director permitted the check: no search made
    /// before it can belong to it.
    pub fn validate(&self, now: DateTime<Utc>, permitted_at: Option<DateTime<Utc>>) -> Result<Search, Vec<FieldError>> {
        let mut errors = Vec::new();
        let platform = required_text(&mut errors, "platform", "the platform", self.platform, 50);
        let searched = required_text(&mut errors, "searched", "what was searched", self.searched, 2000);
        let result = required_paragraphs(&mut errors, "result", "the result of the search", self.result, 5000);
        if self.at > now {
            errors.push(FieldError::new("at", "The time of the search must not be in the future"));
        }
        if let Some(permitted) = permitted_at
            && self.at < permitted
        {
            errors.push(FieldError::new(
                "at",
                format!(
                    "The time of the search must not be before the check was permitted ({})",
                    crate::local_time::uk_time(&permitted.to_rfc3339())
                ),
            ));
        }
        if errors.is_empty() {
            Ok(Search { at: self.at, platform, account_id: self.account_id, searched, result })
        } else {
            Err(errors)
        }
    }
}

impl InvestigationLog {
    /// A finding and the captures it rests on (each named once, in the order given; the
    /// store checks that they are this request's).
    pub fn add_finding(&mut self, text: &str, captures: &[i64]) -> Result<u32, Vec<FieldError>> {
        let mut errors = Vec::new();
        let text = required_paragraphs(&mut errors, "text", "the finding", text, 10_000);
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut named = Vec::new();
        for id in captures {
            if !named.contains(id) {
                named.push(*id);
            }
        }
        let number = self.findings.len() as u32 + 1;
        self.findings.push(Finding { number, text, captures: named });
        Ok(number)
    }

    /// The AAW's completion: needs at least one search recorded.
    pub fn complete(&mut self, by: &str, at: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who completed the log", by, 200);
        if self.searches.is_empty() {
            errors.push(FieldError::new("searches", "Record at least one search before completing the log"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.completed = Some(Signed { by, at });
        Ok(())
    }

    /// The OSW's assessment, which finalises the log.
    pub fn assess(&mut self, by: &str, rating: &str, text: &str, at: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who assessed the findings", by, 200);
        let rating = rating.parse::<Contribution>().map_err(|e| errors.push(e)).ok();
        let text = required_paragraphs(&mut errors, "assessment", "the assessment of the information", text, 10_000);
        match rating {
            Some(rating) if errors.is_empty() => {
                self.assessment = Some(Assessment { by, at, rating, text });
                Ok(())
            }
            _ => Err(errors),
        }
    }

    pub fn share(&mut self, by: &str, with: &[String], at: DateTime<Utc>) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who shared the log", by, 200);
        let mut recipients = Vec::new();
        for item in with.iter().flat_map(|w| w.split(',')).filter(|w| !w.trim().is_empty()) {
            match item.parse::<ShareRecipient>() {
                Ok(r) if !recipients.contains(&r) => recipients.push(r),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        if recipients.is_empty() && errors.is_empty() {
            errors.push(FieldError::new("with", "Say who the log was shared with: tm, sm and sd"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        self.shared.push(Sharing { with: recipients, by, at });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0).unwrap()
    }

    #[test]
    fn a_log_is_completed_assessed_and_shared() {
        let mut log = InvestigationLog::default();
        assert!(log.complete("A", at(9)).is_err(), "no search yet");
        let search = SearchInput {
            at: at(9),
            platform: "facebook",
            account_id: 1,
            searched: "Anna Kowalska",
            result: "Profile found",
        };
        log.searches.push(search.validate(at(10), None).unwrap());
        assert_eq!(log.add_finding("Photo with Mr Nowak dated 3 November", &[4, 7, 4]).unwrap(), 1);
        assert_eq!(log.add_finding("Check-in at his address", &[]).unwrap(), 2);
        assert_eq!(log.findings[0].captures, [4, 7], "each capture once, in the order given");
        log.complete("Aaw One", at(11)).unwrap();
        log.assess("Rhian Evans", "considerable", "Contradicts the claimed separation", at(12)).unwrap();
        assert_eq!(log.assessment.as_ref().unwrap().rating, Contribution::Considerable);
        log.share("Rhian Evans", &["tm,sd".into(), "sm".into(), "tm".into()], at(13)).unwrap();
        assert_eq!(log.shared[0].with, [ShareRecipient::Tm, ShareRecipient::Sd, ShareRecipient::Sm]);
    }

    #[test]
    fn bad_entries_name_their_fields() {
        let search = SearchInput { at: at(12), platform: " ", account_id: 1, searched: "", result: "x" };
        let errors = search.validate(at(11), None).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["platform", "searched", "at"]);
        let early = SearchInput { at: at(9), platform: "facebook", account_id: 1, searched: "Anna", result: "x" };
        let errors = early.validate(at(11), Some(at(10))).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert!(errors[0].field == "at" && errors[0].message.contains("before the check was permitted"));
        assert!(early.validate(at(11), Some(at(9))).is_ok());
        let mut log = InvestigationLog::default();
        let errors = log.assess("", "huge", "", at(1)).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["by", "rating", "assessment"]);
        assert!(log.share("A", &["everyone".into()], at(1)).is_err());
        assert!(log.share("A", &[], at(1)).is_err());
        assert!(log.add_finding("  ", &[]).is_err());
        assert!(log.add_finding("\u{200B}\u{2060}", &[]).is_err(), "invisible characters alone are blank");
    }

    #[test]
    fn results_findings_and_assessments_take_paragraphs() {
        let search = SearchInput {
            at: at(9),
            platform: "facebook",
            account_id: 1,
            searched: "Anna Kowalska",
            result: "Profile found.\r\n\r\n\r\nPrivate since May.  ",
        };
        assert_eq!(search.validate(at(10), None).unwrap().result, "Profile found.\n\nPrivate since May.");
        let mut log = InvestigationLog::default();
        log.add_finding("Photo with Mr Nowak.\nDated 3 November.", &[]).unwrap();
        assert_eq!(log.findings[0].text, "Photo with Mr Nowak.\nDated 3 November.");
        log.assess("Rhian Evans", "some", "Contradicts the separation.\n\nNot conclusive.", at(12)).unwrap();
        assert_eq!(log.assessment.as_ref().unwrap().text, "Contradicts the separation.\n\nNot conclusive.");

        let errors = log.add_finding("Photo\twith Mr Nowak", &[]).unwrap_err();
        assert!(errors[0].message.contains("line breaks are allowed"), "{}", errors[0].message);
        let search = SearchInput { searched: "Anna\nKowalska", result: "x", ..search };
        let errors = search.validate(at(10), None).unwrap_err();
        assert_eq!(errors[0].field, "searched", "what was searched stays on one line");
    }
}
