//! Appendix 2, the investigation log: searches made, findings, the AAW's completion, the
//! OSW's assessment with its contribution rating, and the record of sharing. A finalised
//! version is read-only; a correction is a new version.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::validation::{FieldError, required_paragraphs, required_text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Contribution {
    Little,
    Some,
    Considerable,
    Significant,
}

impl Contribution {
    pub fn as_str(self) -> &'static str {
        match self {
            Contribution::Little => "little",
            Contribution::Some => "some",
            Contribution::Considerable => "considerable",
            Contribution::Significant => "significant",
        }
    }

    /// The rating as a document shows it.
    pub fn label(self) -> &'static str {
        match self {
            Contribution::Little => "Little",
            Contribution::Some => "Some",
            Contribution::Considerable => "Considerable",
            Contribution::Significant => "Significant",
        }
    }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Search {
    pub at: DateTime<Utc>,
    pub platform: String,
    pub account_id: i64,
    pub searched: String,
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Finding {
    pub number: u32,
    pub text: String,
    /// The captures it rests on, by id, in the order given.
    #[serde(default)]
    pub captures: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Signed {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Assessment {
    pub by: String,
    pub at: DateTime<Utc>,
    pub rating: Contribution,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Sharing {
    pub with: Vec<ShareRecipient>,
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InvestigationLog {
    pub searches: Vec<Search>,
    pub findings: Vec<Finding>,
    pub completed: Option<Signed>,
    pub assessment: Option<Assessment>,
    pub shared: Vec<Sharing>,
    /// Why this version corrects the one before it.
    pub correction_note: Option<String>,
    /// Disagreements between the social worker and the access worker about what is relevant,
    /// each with the service manager's outcome once there is one.
    #[serde(default)]
    pub disagreements: Vec<Disagreement>,
    /// Who started this version as a correction of the one before it, and when.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub corrected: Option<Signed>,
}

/// A disagreement about what is relevant; the protocol sends it to the service manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Disagreement {
    pub number: u32,
    /// What is disagreed about, and each side's view.
    pub about: String,
    pub raised_by: String,
    pub at: DateTime<Utc>,
    pub outcome: Option<Outcome>,
}

/// The service manager's outcome of a disagreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Outcome {
    pub by: String,
    pub decision: String,
    pub at: DateTime<Utc>,
}

/// One part of a log that differs between two versions, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LogDifference {
    /// Which part: "Search 2", "Finding 1", "Assessment"…
    pub part: String,
    /// The part as it was, and as it is; `None` where it did not exist.
    pub before: Option<String>,
    pub after: Option<String>,
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
    /// Records a disagreement about what is relevant, for the service manager to settle.
    pub fn raise_disagreement(&mut self, by: &str, about: &str, at: DateTime<Utc>) -> Result<u32, Vec<FieldError>> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who raised the disagreement", by, 200);
        let about = required_paragraphs(&mut errors, "about", "what is disagreed about", about, 10_000);
        if !errors.is_empty() {
            return Err(errors);
        }
        let number = self.disagreements.len() as u32 + 1;
        self.disagreements.push(Disagreement { number, about, raised_by: by, at, outcome: None });
        Ok(number)
    }

    /// The service manager's outcome of disagreement `number`; given once.
    pub fn settle_disagreement(
        &mut self,
        number: u32,
        by: &str,
        decision: &str,
        at: DateTime<Utc>,
    ) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "the service manager who decided", by, 200);
        let decision = required_paragraphs(&mut errors, "outcome", "the service manager's outcome", decision, 10_000);
        match self.disagreements.iter().find(|d| d.number == number) {
            None => errors.push(FieldError::new("disagreement", format!("There is no disagreement {number}"))),
            Some(d) if d.outcome.is_some() => errors.push(FieldError::new(
                "disagreement",
                format!("Disagreement {number} already has the service manager's outcome"),
            )),
            Some(_) => {}
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let disagreement = self.disagreements.iter_mut().find(|d| d.number == number).expect("found above");
        disagreement.outcome = Some(Outcome { by, decision, at });
        Ok(())
    }

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

/// What differs between two versions of a log, part by part, in the order the log reads.
pub fn differences(before: &InvestigationLog, after: &InvestigationLog) -> Vec<LogDifference> {
    let mut out = Vec::new();
    let mut part = |name: String, a: Option<String>, b: Option<String>| {
        if a != b {
            out.push(LogDifference { part: name, before: a, after: b });
        }
    };
    let time = |at: &DateTime<Utc>| crate::local_time::uk_time(&at.to_rfc3339());
    let search = |s: &Search| {
        format!("{}, {} (account {}): {} — {}", time(&s.at), s.platform, s.account_id, s.searched, s.result)
    };
    for i in 0..before.searches.len().max(after.searches.len()) {
        part(format!("Search {}", i + 1), before.searches.get(i).map(search), after.searches.get(i).map(search));
    }
    let finding = |f: &Finding| {
        let captures: Vec<String> = f.captures.iter().map(|c| format!("capture {c}")).collect();
        if captures.is_empty() { f.text.clone() } else { format!("{} (rests on {})", f.text, captures.join(", ")) }
    };
    for i in 0..before.findings.len().max(after.findings.len()) {
        part(format!("Finding {}", i + 1), before.findings.get(i).map(finding), after.findings.get(i).map(finding));
    }
    let disagreement = |d: &Disagreement| {
        let outcome =
            d.outcome.as_ref().map_or("no outcome yet".to_string(), |o| format!("outcome by {}: {}", o.by, o.decision));
        format!("{} (raised by {}); {}", d.about, d.raised_by, outcome)
    };
    for i in 0..before.disagreements.len().max(after.disagreements.len()) {
        part(
            format!("Disagreement {}", i + 1),
            before.disagreements.get(i).map(disagreement),
            after.disagreements.get(i).map(disagreement),
        );
    }
    let signed = |s: &Signed| format!("{}, {}", s.by, time(&s.at));
    part("Completion".into(), before.completed.as_ref().map(signed), after.completed.as_ref().map(signed));
    let assessment =
        |a: &Assessment| format!("{} ({} contribution), {}: {}", a.by, a.rating.as_str(), time(&a.at), a.text);
    part("Assessment".into(), before.assessment.as_ref().map(assessment), after.assessment.as_ref().map(assessment));
    part("Why this version corrects the last".into(), before.correction_note.clone(), after.correction_note.clone());
    out
}

/// The latest version of a log, as far as what may be done to it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatestVersion {
    /// 1 for the first version; a correction is a later one.
    pub number: u32,
    pub finalised: bool,
}

/// What may be done to the log now, as the workflow has it; the screen offers these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct LogActions {
    pub add_search: bool,
    pub add_finding: bool,
    pub disagree: bool,
    pub complete: bool,
    pub finalise: bool,
    pub share: bool,
    pub correct: bool,
    pub close: bool,
}

/// What may be done to a request's log in `state`, with its latest version (`None` before the
/// first search): searches while the check is under way and the version is not finalised;
/// findings once begun, in progress or while correcting; completion, finalising, sharing and
/// closing as the workflow allows them; a correction of a finalised version.
pub fn actions(state: crate::workflow::RequestState, latest: Option<LatestVersion>) -> LogActions {
    use crate::workflow::{RequestState, Step, next_state};
    let begun = latest.is_some();
    let editable = latest.is_none_or(|v| !v.finalised);
    let finalised = latest.is_some_and(|v| v.finalised);
    let correcting = latest.is_some_and(|v| v.number > 1);
    let allowed = |step: Step| next_state(state, step).is_ok();
    let after_finalising = matches!(state, RequestState::Finalised | RequestState::Shared | RequestState::Closed);
    LogActions {
        add_search: editable && matches!(state, RequestState::LegitimacyConfirmed | RequestState::InProgress),
        add_finding: begun && editable && (state == RequestState::InProgress || correcting),
        disagree: begun && editable,
        complete: begun && editable && allowed(Step::CompleteLog),
        finalise: begun && editable && (allowed(Step::FinaliseLog) || (correcting && after_finalising)),
        share: finalised && allowed(Step::Share),
        correct: finalised,
        close: allowed(Step::Close),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_disagreement_is_raised_and_settled_once() {
        let mut log = InvestigationLog::default();
        assert_eq!(
            log.raise_disagreement("Rhian Evans", "Capture 3 is of a cousin, not the father", at(9)).unwrap(),
            1
        );
        let errors = log.raise_disagreement(" ", "", at(9)).unwrap_err();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["by", "about"]);
        assert_eq!(log.settle_disagreement(2, "Jo Price", "Keep it", at(10)).unwrap_err()[0].field, "disagreement");
        log.settle_disagreement(1, "Jo Price", "Not relevant: remove from the findings", at(10)).unwrap();
        assert_eq!(log.disagreements[0].outcome.as_ref().unwrap().by, "Jo Price");
        let again = log.settle_disagreement(1, "Jo Price", "Keep it", at(11)).unwrap_err();
        assert!(again[0].message.contains("already"), "{}", again[0].message);
    }

    #[test]
    fn differences_name_each_changed_part_and_nothing_else() {
        let mut first = InvestigationLog::default();
        first.searches.push(Search {
            at: at(9),
            platform: "facebook".into(),
            account_id: 1,
            searched: "Anna".into(),
            result: "Found".into(),
        });
        first.add_finding("Photo with Mr Nowak", &[4]).unwrap();
        first.complete("Sam Patel", at(10)).unwrap();
        first.assess("Rhian Evans", "some", "Helped", at(11)).unwrap();
        assert!(differences(&first, &first).is_empty());
        let mut second = first.clone();
        second.findings[0].text = "Photo with Mr Nowak, dated 3 November".into();
        second.add_finding("Check-in at his address", &[]).unwrap();
        second.correction_note = Some("The photo's date was missing".into());
        let found = differences(&first, &second);
        let parts: Vec<&str> = found.iter().map(|d| d.part.as_str()).collect();
        assert_eq!(parts, ["Finding 1", "Finding 2", "Why this version corrects the last"]);
        assert_eq!(found[0].before.as_deref(), Some("Photo with Mr Nowak (rests on capture 4)"));
        assert_eq!(found[1].before, None);
        assert_eq!(found[1].after.as_deref(), Some("Check-in at his address"));
    }

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
        let signed = VersionSigned::of(2, &log);
        assert_eq!(
            signed.in_words,
            "Version 2: completed by Aaw One on 23 November 2026; finalised by Rhian Evans on 23 November 2026"
        );
        assert_eq!(
            VersionSigned::of(1, &InvestigationLog::default()).in_words,
            "Version 1: not completed; not finalised"
        );
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

    #[test]
    fn what_may_be_done_to_a_log_follows_its_state_and_latest_version() {
        use crate::workflow::RequestState as S;
        let none = super::actions(S::LegitimacyConfirmed, None);
        assert!(none.add_search && !none.add_finding && !none.complete && !none.correct, "{none:?}");
        let open = LatestVersion { number: 1, finalised: false };
        let going = super::actions(S::InProgress, Some(open));
        assert!(going.add_search && going.add_finding && going.disagree && going.complete && !going.share, "{going:?}");
        let done = LatestVersion { number: 1, finalised: true };
        let finalised = super::actions(S::Finalised, Some(done));
        assert!(!finalised.add_search && !finalised.add_finding && finalised.share && finalised.correct && !finalised.finalise, "{finalised:?}");
        // A correction of a shared log may have findings and be finalised again.
        let correcting = super::actions(S::Shared, Some(LatestVersion { number: 2, finalised: false }));
        assert!(correcting.add_finding && correcting.finalise && !correcting.share && !correcting.add_search, "{correcting:?}");
        // A refused request's log offers nothing but what the workflow allows.
        assert_eq!(super::actions(S::Refused, None), LogActions { close: super::actions(S::Refused, None).close, ..LogActions::default() });
    }
}

/// Who completed and who finalised one version of the log, as `request show`, the log
/// screen and every PDF say it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct VersionSigned {
    pub version: u32,
    /// Who started it as a correction of the version before, when it is one.
    pub corrected_by: Option<String>,
    pub completed_by: Option<String>,
    pub completed_on: Option<chrono::NaiveDate>,
    pub finalised_by: Option<String>,
    pub finalised_on: Option<chrono::NaiveDate>,
    /// "Version 2: completed by Ana Access on 4 December 2026; finalised by Siân
    /// Pritchard-Jones on 6 December 2026".
    pub in_words: String,
}

impl VersionSigned {
    pub fn of(version: u32, log: &InvestigationLog) -> VersionSigned {
        use crate::local_time::{long_date, uk_date};
        let completed_on = log.completed.as_ref().map(|s| uk_date(s.at));
        let finalised_on = log.assessment.as_ref().map(|a| uk_date(a.at));
        let completed = match (&log.completed, completed_on) {
            (Some(signed), Some(on)) => format!("completed by {} on {}", signed.by, long_date(on)),
            _ => "not completed".to_string(),
        };
        // A correction is not completed again: it corrects the log as completed before.
        let completed = match &log.corrected {
            Some(corrected) => format!(
                "a correction by {} on {} of the log {}",
                corrected.by,
                long_date(uk_date(corrected.at)),
                completed
            ),
            None => completed,
        };
        let finalised = match (&log.assessment, finalised_on) {
            (Some(assessment), Some(on)) => format!("finalised by {} on {}", assessment.by, long_date(on)),
            _ => "not finalised".to_string(),
        };
        VersionSigned {
            version,
            corrected_by: log.corrected.as_ref().map(|c| c.by.clone()),
            completed_by: log.completed.as_ref().map(|s| s.by.clone()),
            completed_on,
            finalised_by: log.assessment.as_ref().map(|a| a.by.clone()),
            finalised_on,
            in_words: format!("Version {version}: {completed}; {finalised}"),
        }
    }
}
