//! The investigation request's workflow: one table of state, step, actor and the state it
//! leads to. Every step not in the table is illegal.

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Draft,
    Submitted,
    Agreed,
    Permitted,
    Refused,
    ReferredBack,
    LegitimacyConfirmed,
    DoubtsRaised,
    InProgress,
    LogCompleted,
    Finalised,
    Shared,
    Closed,
    Withdrawn,
}

/// A step of the workflow, as the CLI names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    Submit,
    Agree,
    Permit,
    Refuse,
    ReferBack,
    ConfirmLegitimacy,
    RaiseDoubts,
    StartAccess,
    CompleteLog,
    FinaliseLog,
    Share,
    Close,
    Withdraw,
}

/// Who takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub enum Role {
    /// Originating Social Worker
    Osw,
    /// Team Manager
    Tm,
    /// Service Director
    Sd,
    /// Team Manager or Service Director
    TmOrSd,
    /// Service Manager or Service Director
    SmOrSd,
    /// Authorised Access Worker
    Aaw,
}

impl Role {
    /// Who takes the step, in words.
    pub fn label(self) -> &'static str {
        match self {
            Role::Osw => "Originating social worker",
            Role::Tm => "Team manager",
            Role::Sd => "Service director",
            Role::TmOrSd => "Team manager or service director",
            Role::SmOrSd => "Service manager or service director",
            Role::Aaw => "Authorised Access Worker",
        }
    }
}

use RequestState as S;

/// (from, step, to, actor). The single source of the workflow; ARCHITECTURE.md shows it.
pub const TRANSITIONS: &[(RequestState, Step, RequestState, Role)] = &[
    (S::Draft, Step::Submit, S::Submitted, Role::Osw),
    (S::ReferredBack, Step::Submit, S::Submitted, Role::Osw),
    (S::Submitted, Step::Agree, S::Agreed, Role::Tm),
    (S::Submitted, Step::Refuse, S::Refused, Role::Tm),
    (S::Submitted, Step::ReferBack, S::ReferredBack, Role::Tm),
    (S::Agreed, Step::Permit, S::Permitted, Role::Sd),
    (S::Agreed, Step::Refuse, S::Refused, Role::Sd),
    (S::Agreed, Step::ReferBack, S::ReferredBack, Role::Sd),
    (S::Permitted, Step::ConfirmLegitimacy, S::LegitimacyConfirmed, Role::Aaw),
    (S::Permitted, Step::RaiseDoubts, S::DoubtsRaised, Role::Aaw),
    (S::DoubtsRaised, Step::ConfirmLegitimacy, S::LegitimacyConfirmed, Role::Aaw),
    (S::DoubtsRaised, Step::Refuse, S::Refused, Role::SmOrSd),
    (S::DoubtsRaised, Step::ReferBack, S::ReferredBack, Role::SmOrSd),
    (S::LegitimacyConfirmed, Step::StartAccess, S::InProgress, Role::Aaw),
    (S::InProgress, Step::CompleteLog, S::LogCompleted, Role::Aaw),
    (S::LogCompleted, Step::FinaliseLog, S::Finalised, Role::Osw),
    (S::Finalised, Step::Share, S::Shared, Role::Osw),
    (S::Shared, Step::Close, S::Closed, Role::TmOrSd),
    (S::Draft, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::Submitted, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::Agreed, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::Permitted, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::ReferredBack, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::LegitimacyConfirmed, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::DoubtsRaised, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::InProgress, Step::Withdraw, S::Withdrawn, Role::Osw),
    (S::LogCompleted, Step::Withdraw, S::Withdrawn, Role::Osw),
];

impl RequestState {
    pub const ALL: [RequestState; 14] = [
        S::Draft,
        S::Submitted,
        S::Agreed,
        S::Permitted,
        S::Refused,
        S::ReferredBack,
        S::LegitimacyConfirmed,
        S::DoubtsRaised,
        S::InProgress,
        S::LogCompleted,
        S::Finalised,
        S::Shared,
        S::Closed,
        S::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            S::Draft => "draft",
            S::Submitted => "submitted",
            S::Agreed => "agreed",
            S::Permitted => "permitted",
            S::Refused => "refused",
            S::ReferredBack => "referred_back",
            S::LegitimacyConfirmed => "legitimacy_confirmed",
            S::DoubtsRaised => "doubts_raised",
            S::InProgress => "in_progress",
            S::LogCompleted => "log_completed",
            S::Finalised => "finalised",
            S::Shared => "shared",
            S::Closed => "closed",
            S::Withdrawn => "withdrawn",
        }
    }

    /// How the UI labels the state.
    pub fn label(self) -> &'static str {
        match self {
            S::Draft => "Draft",
            S::Submitted => "Submitted to team manager",
            S::Agreed => "Agreed by team manager",
            S::Permitted => "Permitted by service director",
            S::Refused => "Refused",
            S::ReferredBack => "Referred back to social worker",
            S::LegitimacyConfirmed => "Legitimacy confirmed",
            S::DoubtsRaised => "Doubts raised",
            S::InProgress => "In progress",
            S::LogCompleted => "Log completed",
            S::Finalised => "Log finalised",
            S::Shared => "Shared",
            S::Closed => "Closed",
            S::Withdrawn => "Withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The steps that may be taken from this state.
    pub fn allowed_steps(self) -> Vec<Step> {
        TRANSITIONS.iter().filter(|(from, ..)| *from == self).map(|(_, step, ..)| *step).collect()
    }

    /// Whether the request is still open (not refused, closed or withdrawn).
    pub fn is_open(self) -> bool {
        !matches!(self, S::Refused | S::Closed | S::Withdrawn)
    }
}

impl fmt::Display for RequestState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Step {
    /// The steps the request page offers: the authorisation stage and closing the request;
    /// access sessions and the log have their own pages.
    pub const ON_REQUEST_PAGE: [Step; 9] = [
        Step::Close,
        Step::Submit,
        Step::Agree,
        Step::Permit,
        Step::Refuse,
        Step::ReferBack,
        Step::ConfirmLegitimacy,
        Step::RaiseDoubts,
        Step::Withdraw,
    ];

    pub const ALL: [Step; 13] = [
        Step::Submit,
        Step::Agree,
        Step::Permit,
        Step::Refuse,
        Step::ReferBack,
        Step::ConfirmLegitimacy,
        Step::RaiseDoubts,
        Step::StartAccess,
        Step::CompleteLog,
        Step::FinaliseLog,
        Step::Share,
        Step::Close,
        Step::Withdraw,
    ];

    /// The step whose CLI verb this is, as stored with a decision; `None` for any other text.
    pub fn parse(verb: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.verb() == verb)
    }

    /// The CLI verb.
    pub fn verb(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Agree => "agree",
            Step::Permit => "permit",
            Step::Refuse => "refuse",
            Step::ReferBack => "refer-back",
            Step::ConfirmLegitimacy => "confirm-legitimacy",
            Step::RaiseDoubts => "raise-doubts",
            Step::StartAccess => "start-access",
            Step::CompleteLog => "complete",
            Step::FinaliseLog => "finalise",
            Step::Share => "share",
            Step::Close => "close",
            Step::Withdraw => "withdraw",
        }
    }

    /// The UI's button label.
    pub fn label(self) -> &'static str {
        match self {
            Step::Submit => "Submit to team manager",
            Step::Agree => "Record team manager's agreement",
            Step::Permit => "Record service director's permission",
            Step::Refuse => "Record refusal",
            Step::ReferBack => "Refer back to social worker",
            Step::ConfirmLegitimacy => "Confirm the request is legitimate",
            Step::RaiseDoubts => "Raise doubts with service manager",
            Step::StartAccess => "Start access session",
            Step::CompleteLog => "Complete investigation log",
            Step::FinaliseLog => "Finalise investigation log",
            Step::Share => "Record sharing of the log",
            Step::Close => "Close request",
            Step::Withdraw => "Withdraw request",
        }
    }

    /// Steps that must say why.
    pub fn needs_note(self) -> bool {
        matches!(self, Step::Refuse | Step::ReferBack | Step::RaiseDoubts | Step::Withdraw)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.verb())
    }
}

/// Why a step cannot be taken: the current state and the steps that can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} is not allowed: the request is {} ({}); {}", step.verb(), state, state.label(), allowed_text(.allowed))]
pub struct IllegalStep {
    pub step: Step,
    pub state: RequestState,
    pub allowed: Vec<Step>,
}

fn allowed_text(allowed: &[Step]) -> String {
    if allowed.is_empty() {
        "no step is allowed from this state".into()
    } else {
        let verbs: Vec<&str> = allowed.iter().map(|s| s.verb()).collect();
        format!("the steps allowed are: {}", verbs.join(", "))
    }
}

/// The state a step leads to, or why it is illegal.
pub fn next_state(state: RequestState, step: Step) -> Result<(RequestState, Role), IllegalStep> {
    TRANSITIONS
        .iter()
        .find(|(from, s, ..)| *from == state && *s == step)
        .map(|(_, _, to, role)| (*to, *role))
        .ok_or_else(|| IllegalStep { step, state, allowed: state.allowed_steps() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_runs_from_draft_to_closed() {
        let path = [
            (Step::Submit, S::Submitted),
            (Step::Agree, S::Agreed),
            (Step::Permit, S::Permitted),
            (Step::ConfirmLegitimacy, S::LegitimacyConfirmed),
            (Step::StartAccess, S::InProgress),
            (Step::CompleteLog, S::LogCompleted),
            (Step::FinaliseLog, S::Finalised),
            (Step::Share, S::Shared),
            (Step::Close, S::Closed),
        ];
        let mut state = S::Draft;
        for (step, expected) in path {
            state = next_state(state, step).unwrap().0;
            assert_eq!(state, expected, "{step}");
        }
    }

    #[test]
    fn every_pair_not_in_the_table_is_illegal_and_says_what_is_allowed() {
        let mut legal = 0;
        for state in RequestState::ALL {
            for step in Step::ALL {
                let in_table = TRANSITIONS.iter().any(|(f, s, ..)| *f == state && *s == step);
                match next_state(state, step) {
                    Ok(_) => {
                        assert!(in_table);
                        legal += 1;
                    }
                    Err(error) => {
                        assert!(!in_table);
                        assert_eq!(error.state, state);
                        assert_eq!(error.allowed, state.allowed_steps());
                        let text = error.to_string();
                        assert!(text.contains(state.as_str()), "{text}");
                        for allowed in &error.allowed {
                            assert!(text.contains(allowed.verb()), "{text}");
                        }
                    }
                }
            }
        }
        assert_eq!(legal, TRANSITIONS.len());
    }

    #[test]
    fn ended_requests_allow_nothing_and_open_ones_can_be_withdrawn() {
        for state in [S::Refused, S::Closed, S::Withdrawn] {
            assert!(state.allowed_steps().is_empty(), "{state}");
            assert!(!state.is_open());
            assert!(next_state(state, Step::Withdraw).unwrap_err().to_string().contains("no step is allowed"));
        }
        for state in RequestState::ALL.into_iter().filter(|s| s.is_open() && !matches!(s, S::Finalised | S::Shared)) {
            assert_eq!(next_state(state, Step::Withdraw).unwrap().0, S::Withdrawn, "{state}");
        }
    }

    #[test]
    fn no_access_before_permission_and_legitimacy() {
        for state in [S::Draft, S::Submitted, S::Agreed, S::Permitted, S::DoubtsRaised, S::ReferredBack] {
            assert!(next_state(state, Step::StartAccess).is_err(), "{state}");
        }
    }

    #[test]
    fn states_and_steps_have_distinct_names_that_parse_back() {
        for state in RequestState::ALL {
            assert_eq!(RequestState::parse(state.as_str()), Some(state));
            assert_eq!(serde_json::to_value(state).unwrap(), state.as_str());
        }
        for step in Step::ALL {
            assert_eq!(Step::parse(step.verb()), Some(step));
        }
        assert_eq!(Step::parse("launch"), None);
        assert_eq!(Step::parse(""), None);
        let mut verbs: Vec<&str> = Step::ALL.iter().map(|s| s.verb()).collect();
        verbs.sort();
        verbs.dedup();
        assert_eq!(verbs.len(), Step::ALL.len());
    }
}

/// A decision as recorded: who decided, the evidence of it, why, and any conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Decision {
    pub decided_by: String,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub conditions: Option<String>,
    /// The day it was decided (by email or in a meeting), when it was given; the day it was
    /// recorded otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<chrono::NaiveDate>,
}

/// The decision as typed on the command line or in the form.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput {
    pub decided_by: String,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub conditions: Option<String>,
    /// The day it was decided (`2026-11-20`); today when left out.
    pub decided_on: Option<String>,
}

impl DecisionInput {
    /// Every problem at once for this step: a note for a refusal, a referral back, doubts or a withdrawal; conditions only with a
    /// permission.
    pub fn validate(&self, step: Step) -> Result<Decision, Vec<crate::FieldError>> {
        use crate::validation::{optional_paragraphs, optional_text, required_text};
        let mut errors = Vec::new();
        let decided_by = required_text(&mut errors, "by", "who decided", &self.decided_by, 200);
        let evidence = optional_text(&mut errors, "evidence", "the evidence reference", self.evidence.as_deref(), 200);
        let note = optional_paragraphs(&mut errors, "note", "the note", self.note.as_deref(), 5000);
        let conditions =
            optional_paragraphs(&mut errors, "conditions", "the conditions", self.conditions.as_deref(), 5000);
        if step.needs_note() && note.is_none() {
            errors.push(crate::FieldError::new(
                "note",
                format!("Enter why: \"{}\" needs a note of the reason", step.label()),
            ));
        }
        if conditions.is_some() && step != Step::Permit {
            errors.push(crate::FieldError::new(
                "conditions",
                "Conditions can only be recorded with the service director's permission",
            ));
        }
        let decided_on = self
            .decided_on
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .and_then(|d| crate::validation::iso_date(&mut errors, "decided_on", "The date of the decision", d));
        if errors.is_empty() {
            Ok(Decision { decided_by, evidence, note, conditions, decided_on })
        } else {
            Err(errors)
        }
    }
}

/// A decision's date against the calendar: never in the future, never before the step it
/// follows was decided.
pub fn check_decision_date(
    decided_on: chrono::NaiveDate,
    today: chrono::NaiveDate,
    follows: Option<chrono::NaiveDate>,
) -> Result<(), crate::FieldError> {
    use crate::local_time::long_date;
    if decided_on > today {
        return Err(crate::FieldError::new("decided_on", "The date of the decision must not be in the future"));
    }
    if let Some(before) = follows.filter(|before| decided_on < *before) {
        return Err(crate::FieldError::new(
            "decided_on",
            format!(
                "The date of the decision must not be before the step it follows, decided on {}",
                long_date(before)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod decision_tests {
    use super::*;

    fn input(by: &str, evidence: Option<&str>, note: Option<&str>, conditions: Option<&str>) -> DecisionInput {
        DecisionInput {
            decided_by: by.into(),
            evidence: evidence.map(Into::into),
            note: note.map(Into::into),
            conditions: conditions.map(Into::into),
            decided_on: None,
        }
    }

    #[test]
    fn a_decision_has_its_own_date_never_in_the_future_nor_before_the_step_it_follows() {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let typed = DecisionInput { decided_on: Some("2026-11-20".into()), ..input("Sue", Some("memo"), None, None) };
        assert_eq!(typed.validate(Step::Permit).unwrap().decided_on, Some(day(20)));
        let bad = DecisionInput { decided_on: Some("20/11/2026".into()), ..input("Sue", Some("memo"), None, None) };
        assert_eq!(bad.validate(Step::Permit).unwrap_err()[0].field, "decided_on");
        assert!(check_decision_date(day(20), day(23), Some(day(19))).is_ok());
        assert!(check_decision_date(day(20), day(23), Some(day(20))).is_ok(), "the same day as the step before");
        let future = check_decision_date(day(24), day(23), None).unwrap_err();
        assert!(future.message.contains("future"));
        let early = check_decision_date(day(18), day(23), Some(day(19))).unwrap_err();
        assert_eq!(
            early.message,
            "The date of the decision must not be before the step it follows, decided on 19 November 2026"
        );
    }

    #[test]
    fn each_step_asks_for_what_it_needs() {
        let fields = |step: Step, i: DecisionInput| -> Vec<String> {
            i.validate(step).err().unwrap_or_default().into_iter().map(|e| e.field).collect()
        };
        assert!(
            fields(Step::Permit, input("SD", None, None, Some("One-off only"))).is_empty(),
            "evidence is asked of a decision recorded for someone else, by the store"
        );
        assert!(fields(Step::Permit, input("SD", Some("email 12/11"), None, Some("One-off only"))).is_empty());
        assert_eq!(fields(Step::Refuse, input("SD", Some("memo"), None, None)), ["note"]);
        assert_eq!(fields(Step::Agree, input("", None, None, Some("x"))), ["by", "conditions"]);
        assert!(fields(Step::Submit, input("OSW", None, None, None)).is_empty());
        assert_eq!(fields(Step::RaiseDoubts, input("AAW", None, None, None)), ["note"]);
        assert_eq!(fields(Step::RaiseDoubts, input("AAW", None, Some("\u{200B}\u{200C}"), None)), ["note"]);
    }

    #[test]
    fn notes_and_conditions_take_paragraphs() {
        let decision = input(
            "SD",
            Some("email 12/11"),
            Some("Agreed.\r\nSee the memo."),
            Some("One-off only.\n\n\nNo monitoring."),
        )
        .validate(Step::Permit)
        .unwrap();
        assert_eq!(decision.note.as_deref(), Some("Agreed.\nSee the memo."));
        assert_eq!(decision.conditions.as_deref(), Some("One-off only.\n\nNo monitoring."));
        let errors = input("SD\nSmith", Some("email"), Some("Tab\there"), None).validate(Step::Refuse).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["by", "note"], "who decided stays on one line; a note refuses tabs");
    }
}

/// What a step did, in the past tense, for a sentence that starts with who did it.
pub fn past_tense(step: Step, log_version: Option<u32>) -> String {
    let log = |verb: &str| match log_version {
        Some(version) => format!("{verb} version {version} of the log"),
        None => format!("{verb} the log"),
    };
    match step {
        Step::Submit => "submitted the request".into(),
        Step::Agree => "agreed".into(),
        Step::Permit => "permitted".into(),
        Step::Refuse => "refused".into(),
        Step::ReferBack => "referred it back".into(),
        Step::ConfirmLegitimacy => "confirmed the request is legitimate".into(),
        Step::RaiseDoubts => "raised doubts".into(),
        Step::StartAccess => "started the access".into(),
        Step::CompleteLog => log("completed"),
        Step::FinaliseLog => log("finalised"),
        Step::Share => log("shared"),
        Step::Close => "closed the request".into(),
        Step::Withdraw => "withdrew the request".into(),
    }
}

/// The evidence of a decision in words: "by email EMAIL-1" where the reference says what it
/// is, "on the evidence of REF" where it does not.
pub fn evidence_in_words(evidence: &str) -> String {
    const KINDS: [&str; 7] = ["email", "e-mail", "memo", "letter", "minutes", "meeting", "message"];
    let evidence = evidence.trim();
    let lower = evidence.to_lowercase();
    match KINDS.iter().find(|kind| lower.starts_with(*kind)) {
        Some(kind) if lower[kind.len()..].starts_with(char::is_whitespace) || lower.len() == kind.len() => {
            format!("by {evidence}")
        }
        Some(kind) => format!("by {} {evidence}", kind.replace("e-mail", "email")),
        None => format!("on the evidence of {evidence}"),
    }
}

/// A decision in one sentence: "Tomasz Wiśniewski (team manager) agreed on 3 December 2026,
/// by email EMAIL-1; recorded by Ana Access on 4 December 2026". The recorder is named when
/// they are someone else.
pub struct DecisionWords<'a> {
    pub step: Step,
    pub decider: &'a str,
    pub role: Option<crate::staff::StaffRole>,
    pub decided_on: chrono::NaiveDate,
    pub evidence: Option<&'a str>,
    pub recorded: Option<(&'a str, chrono::NaiveDate)>,
    pub log_version: Option<u32>,
}

impl fmt::Display for DecisionWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::local_time::long_date;
        write!(f, "{}", self.decider.trim())?;
        if let Some(role) = self.role {
            write!(f, " ({})", role.words())?;
        }
        write!(f, " {} on {}", past_tense(self.step, self.log_version), long_date(self.decided_on))?;
        if let Some(evidence) = self.evidence.filter(|e| !e.trim().is_empty()) {
            write!(f, ", {}", evidence_in_words(evidence))?;
        }
        if let Some((recorder, on)) = self.recorded {
            write!(f, "; recorded by {} on {}", recorder.trim(), long_date(on))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod words_tests {
    use super::*;
    use crate::staff::StaffRole;

    #[test]
    fn a_decision_reads_as_a_sentence_naming_the_decider_their_role_the_evidence_and_the_recorder() {
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let words = DecisionWords {
            step: Step::Agree,
            decider: "Tomasz Wiśniewski",
            role: Some(StaffRole::Tm),
            decided_on: day(3),
            evidence: Some("EMAIL-1"),
            recorded: Some(("Ana Access", day(4))),
            log_version: None,
        };
        assert_eq!(
            words.to_string(),
            "Tomasz Wiśniewski (team manager) agreed on 3 December 2026, by email EMAIL-1; recorded by Ana Access on 4 December 2026"
        );
        let own = DecisionWords {
            step: Step::FinaliseLog,
            decider: "Siân Pritchard-Jones",
            role: Some(StaffRole::Osw),
            decided_on: day(5),
            evidence: None,
            recorded: None,
            log_version: Some(2),
        };
        assert_eq!(
            own.to_string(),
            "Siân Pritchard-Jones (social worker) finalised version 2 of the log on 5 December 2026"
        );
        assert_eq!(evidence_in_words("memo 12/11"), "by memo 12/11");
        assert_eq!(evidence_in_words("E-mail-77"), "by email E-mail-77");
        assert_eq!(evidence_in_words("REF-9"), "on the evidence of REF-9");
    }
}
