//! Guards: the rules checked before an access session starts and before a person's profile is
//! viewed, as pure functions of the facts they need.
//!
//! A guard never stops at the first rule that fails: it reports every refusal at once, each with
//! what forbids the action and what would allow it, so that the worker can put everything right
//! in one go. Warnings never forbid anything; they say what the worker should know before going
//! on. The facts are gathered by the caller (from the store and the clock), so every rule here is
//! tested with fixed values.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::authorisation::Timeline;
use crate::policy::RepeatViewing;
use crate::workflow::RequestState;

/// The machine-readable codes of refusals. The UI and the CLI match these, never the reasons.
pub mod code {
    /// The request is not yet permitted by the service director, or was refused.
    pub const REQUEST_NOT_PERMITTED: &str = "request_not_permitted";
    /// The request is permitted but the Authorised Access Worker has not confirmed it is
    /// legitimate, or doubts about it are unresolved.
    pub const LEGITIMACY_NOT_CONFIRMED: &str = "legitimacy_not_confirmed";
    /// The request's access is over: its log is completed, or it was closed or withdrawn.
    pub const REQUEST_ENDED: &str = "request_ended";
    /// The worker is not a registered Authorised Access Worker.
    pub const NOT_REGISTERED_AAW: &str = "not_registered_aaw";
    /// The account is not in the register of sanctioned accounts.
    pub const ACCOUNT_NOT_REGISTERED: &str = "account_not_registered";
    /// The account is not identifiable as the council's and no CHIS authorisation is in force.
    pub const CHIS_AUTHORISATION_NEEDED: &str = "chis_authorisation_needed";
    /// The local policy requires legal advice before viewing this person's pages.
    pub const LEGAL_ADVICE_NEEDED: &str = "legal_advice_needed";
    /// A prospective adopter's written consent is not recorded.
    pub const ADOPTER_CONSENT_NEEDED: &str = "adopter_consent_needed";
    /// A prospective adopter's profile may be viewed once only, and it has been.
    pub const ADOPTER_VIEWED_ONCE: &str = "adopter_viewed_once";
    /// Another view would pass the local repeat-viewing limit with no directed-surveillance
    /// authorisation in force.
    pub const REPEAT_VIEWING_LIMIT: &str = "repeat_viewing_limit";
    /// The worker is the request's own originating social worker: the access worker who
    /// confirms legitimacy and runs sessions must be someone else.
    pub const SEPARATION_OF_DUTIES: &str = "separation_of_duties";
    /// The local policy requires a directed surveillance authorisation where written consent
    /// is not obtained, and none is in force for the person.
    pub const DIRECTED_SURVEILLANCE_WITHOUT_CONSENT: &str = "directed_surveillance_without_consent";
    /// The person does not hold the role the step needs, in the staff directory.
    pub const ROLE_NOT_HELD: &str = "role_not_held";
    /// Only the request's social worker (or, once they have left, a team manager of their
    /// team) takes this step.
    pub const NOT_THE_REQUESTS_SOCIAL_WORKER: &str = "not_the_requests_social_worker";
    /// The team manager who agreed a request does not permit it too.
    pub const SAME_MANAGER_AGREES_AND_PERMITS: &str = "same_manager_agrees_and_permits";
    /// The person who completed a version of the log does not finalise it.
    pub const SAME_PERSON_COMPLETES_AND_FINALISES: &str = "same_person_completes_and_finalises";
    /// A registration as an Authorised Access Worker without the service director's
    /// decision, evidence and training date.
    pub const AAW_REGISTRATION_INCOMPLETE: &str = "aaw_registration_incomplete";
    /// The person has left, as the staff directory records.
    pub const STAFF_MEMBER_LEFT: &str = "staff_member_left";
    /// An authorisation recorded for the request (directed surveillance or CHIS) is not in
    /// force, and none of its kind is.
    pub const AUTHORISATION_NOT_IN_FORCE: &str = "authorisation_not_in_force";
    /// The service director's conditions were not confirmed before the session started.
    pub const CONDITIONS_NOT_CONFIRMED: &str = "conditions_not_confirmed";

    /// Every code, for contract tests and the UI's list of messages.
    pub const ALL: &[&str] = &[
        REQUEST_NOT_PERMITTED,
        LEGITIMACY_NOT_CONFIRMED,
        REQUEST_ENDED,
        NOT_REGISTERED_AAW,
        ACCOUNT_NOT_REGISTERED,
        CHIS_AUTHORISATION_NEEDED,
        LEGAL_ADVICE_NEEDED,
        ADOPTER_CONSENT_NEEDED,
        ADOPTER_VIEWED_ONCE,
        REPEAT_VIEWING_LIMIT,
        SEPARATION_OF_DUTIES,
        DIRECTED_SURVEILLANCE_WITHOUT_CONSENT,
        ROLE_NOT_HELD,
        NOT_THE_REQUESTS_SOCIAL_WORKER,
        SAME_MANAGER_AGREES_AND_PERMITS,
        SAME_PERSON_COMPLETES_AND_FINALISES,
        AAW_REGISTRATION_INCOMPLETE,
        STAFF_MEMBER_LEFT,
        AUTHORISATION_NOT_IN_FORCE,
        CONDITIONS_NOT_CONFIRMED,
    ];
}

/// One rule that forbids the action: what forbids it and what would allow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// One of the constants in [`code`].
    pub code: &'static str,
    pub reason: String,
    pub remedy: String,
}

impl Refusal {
    pub fn new(code: &'static str, reason: impl Into<String>, remedy: impl Into<String>) -> Self {
        Refusal { code, reason: reason.into(), remedy: remedy.into() }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; to allow it, {}", self.reason, self.remedy)
    }
}

/// What a guard decided: allowed, perhaps with warnings, or refused for every reason that
/// applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum GuardDecision {
    Allow { warnings: Vec<String> },
    Refuse { refusals: Vec<Refusal>, warnings: Vec<String> },
}

impl GuardDecision {
    /// Allowed if there are no refusals, refused otherwise.
    pub fn from_findings(refusals: Vec<Refusal>, warnings: Vec<String>) -> Self {
        if refusals.is_empty() {
            GuardDecision::Allow { warnings }
        } else {
            GuardDecision::Refuse { refusals, warnings }
        }
    }

    pub fn is_allowed(&self) -> bool {
        matches!(self, GuardDecision::Allow { .. })
    }

    /// Every refusal; empty when allowed.
    pub fn refusals(&self) -> &[Refusal] {
        match self {
            GuardDecision::Allow { .. } => &[],
            GuardDecision::Refuse { refusals, .. } => refusals,
        }
    }

    pub fn warnings(&self) -> &[String] {
        match self {
            GuardDecision::Allow { warnings } | GuardDecision::Refuse { warnings, .. } => warnings,
        }
    }

    /// The refusals' codes, in the order the rules were checked.
    pub fn refusal_codes(&self) -> Vec<&'static str> {
        self.refusals().iter().map(|refusal| refusal.code).collect()
    }

    /// Both decisions together: allowed only if both allow; every refusal and warning kept,
    /// this decision's first.
    pub fn and(self, other: GuardDecision) -> GuardDecision {
        let (mut refusals, mut warnings) = self.into_findings();
        let (other_refusals, other_warnings) = other.into_findings();
        refusals.extend(other_refusals);
        warnings.extend(other_warnings);
        GuardDecision::from_findings(refusals, warnings)
    }

    fn into_findings(self) -> (Vec<Refusal>, Vec<String>) {
        match self {
            GuardDecision::Allow { warnings } => (Vec::new(), warnings),
            GuardDecision::Refuse { refusals, warnings } => (refusals, warnings),
        }
    }
}

/// What must be known before an access session starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStartFacts {
    /// Must be `LegitimacyConfirmed` or `InProgress`: permitted, and legitimacy confirmed.
    pub request_state: RequestState,
    /// The person who would run it (the laptop's worker), from the staff directory; `None`
    /// when there is no worker profile. Separation of duties decides whether they may
    /// (`duties::refusals` for starting the access): a registered access worker, not the
    /// request's social worker, who has not left.
    pub worker: Option<crate::duties::Person>,
    /// The request's social worker, where the directory has them.
    pub social_worker: Option<crate::duties::Person>,
    /// A directed surveillance authorisation recorded for the request, none of which is in
    /// force: why each is not, in words.
    pub authorisations_not_in_force: Vec<String>,
    /// `None` when the account is not in the register of sanctioned accounts.
    pub account: Option<AccountFacts>,
    /// Whether the local policy requires legal advice before viewing this person's pages (a
    /// parent or carer).
    pub legal_advice_required: bool,
    pub legal_advice_recorded: bool,
    /// `Some` when the request's reason is a check on a prospective adopter.
    pub prospective_adopter: Option<AdopterFacts>,
}

/// What is known of the sanctioned account the session would use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountFacts {
    /// Whether a member of the public would see that the account is operated by the council.
    pub identifiable_as_council: bool,
    pub chis_authorisation_in_force: bool,
}

/// What is known of a prospective adopter's check: written consent is required, and their
/// profile may be viewed once only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdopterFacts {
    pub written_consent: bool,
    /// Access sessions in which this prospective adopter's profile was opened before.
    pub earlier_views: u32,
}

/// Whether an access session may start, with every reason it may not.
pub fn may_start_session(facts: &SessionStartFacts) -> GuardDecision {
    let mut refusals = Vec::new();
    let mut warnings = Vec::new();
    if let Some(refusal) = request_state_refusal(facts.request_state) {
        refusals.push(refusal);
    }
    match &facts.worker {
        None => refusals.push(Refusal::new(
            code::NOT_REGISTERED_AAW,
            "there is no worker profile on this laptop, and only a registered Authorised Access Worker may start an access session",
            "set up the worker profile of the Authorised Access Worker using this laptop",
        )),
        Some(worker) => {
            let parties = crate::duties::Parties {
                social_worker: facts.social_worker.as_ref(),
                social_worker_named: "",
                agreed_by: None,
                completed_by: None,
            };
            refusals.extend(crate::duties::refusals(
                crate::workflow::Step::StartAccess,
                RequestState::LegitimacyConfirmed,
                worker,
                &parties,
            ));
        }
    }
    for reason in &facts.authorisations_not_in_force {
        refusals.push(Refusal::new(
            code::AUTHORISATION_NOT_IN_FORCE,
            reason.clone(),
            "wait until it is in force: record the magistrate's approval once given, or renew it",
        ));
    }
    match facts.account {
        None => refusals.push(Refusal::new(
            code::ACCOUNT_NOT_REGISTERED,
            "this account is not in the register of sanctioned accounts",
            "use a sanctioned account, or have this account registered as one; a personal account must never be used",
        )),
        Some(account) if !account.identifiable_as_council => {
            if account.chis_authorisation_in_force {
                warnings.push(
                    "this account is not identifiable as the council's: the session relies on the CHIS authorisation in force"
                        .to_string(),
                );
            } else {
                refusals.push(Refusal::new(
                    code::CHIS_AUTHORISATION_NEEDED,
                    "this account is not identifiable as the council's, and no CHIS authorisation is in force",
                    "record a CHIS authorisation from a RIPA authorising officer, with its reference, or use an account identifiable as the council's",
                ));
            }
        }
        Some(_) => {}
    }
    if facts.legal_advice_required && !facts.legal_advice_recorded {
        refusals.push(Refusal::new(
            code::LEGAL_ADVICE_NEEDED,
            "the local policy requires legal advice before a parent's or carer's pages are viewed, and none is recorded",
            "record the legal advice and its reference",
        ));
    }
    if let Some(adopter) = facts.prospective_adopter {
        if !adopter.written_consent {
            refusals.push(Refusal::new(
                code::ADOPTER_CONSENT_NEEDED,
                "the prospective adopter's written consent is not recorded",
                "record the written consent given on the registration of interest form",
            ));
        }
        if adopter.earlier_views > 0 {
            refusals.push(Refusal::new(
                code::ADOPTER_VIEWED_ONCE,
                format!(
                    "a prospective adopter's profile may be viewed once only, and this one has already been viewed {}",
                    times_text(u64::from(adopter.earlier_views))
                ),
                "nothing allows a further view: use what was recorded when the profile was viewed",
            ));
        }
    }
    GuardDecision::from_findings(refusals, warnings)
}

/// The service director's conditions, which the worker confirms before a session starts;
/// allowed when there are none.
pub fn conditions_confirmation(conditions: Option<&str>, confirmed: bool) -> GuardDecision {
    let refusals = match conditions.filter(|c| !c.trim().is_empty()) {
        Some(conditions) if !confirmed => vec![Refusal::new(
            code::CONDITIONS_NOT_CONFIRMED,
            format!(
                "the service director permitted this check on conditions, which the worker has not confirmed: {}",
                conditions.trim()
            ),
            "read the conditions and confirm them when starting the session",
        )],
        _ => Vec::new(),
    };
    GuardDecision::from_findings(refusals, Vec::new())
}

/// The local policy's consent rule (`[consent] directed_surveillance_without_written_consent`):
/// where it is on and the request has no written consent, a directed-surveillance
/// authorisation must be in force for the person.
pub fn consent_rule(
    policy_requires: bool,
    written_consent: bool,
    directed_surveillance_in_force: bool,
) -> GuardDecision {
    if policy_requires && !written_consent && !directed_surveillance_in_force {
        return GuardDecision::from_findings(
            vec![Refusal::new(
                code::DIRECTED_SURVEILLANCE_WITHOUT_CONSENT,
                "written consent is not recorded for this request, and the local policy ([consent] directed_surveillance_without_written_consent) requires a directed surveillance authorisation in force for the person where it is not; none is",
                "record a directed surveillance authorisation for this person from a RIPA authorising officer, or obtain the family's written consent",
            )],
            Vec::new(),
        );
    }
    GuardDecision::from_findings(Vec::new(), Vec::new())
}

/// Why the request's state forbids a session, or `None` if it allows one. Every state is named,
/// so a new state cannot be added without deciding here.
fn request_state_refusal(state: RequestState) -> Option<Refusal> {
    use RequestState as S;
    let (code, reason, remedy) = match state {
        S::LegitimacyConfirmed | S::InProgress => return None,
        S::Draft => (
            code::REQUEST_NOT_PERMITTED,
            "the request is a draft, not yet submitted to the team manager",
            "submit the request, then record the team manager's agreement and the service director's permission",
        ),
        S::Submitted => (
            code::REQUEST_NOT_PERMITTED,
            "the request is submitted, not yet permitted by the service director",
            "record the team manager's agreement and the service director's permission",
        ),
        S::Agreed => (
            code::REQUEST_NOT_PERMITTED,
            "the request is agreed by the team manager, not yet permitted by the service director",
            "record the service director's permission",
        ),
        S::ReferredBack => (
            code::REQUEST_NOT_PERMITTED,
            "the request was referred back to the social worker and is not permitted",
            "the social worker must revise and resubmit it, then record the team manager's agreement and the service director's permission",
        ),
        S::Refused => (
            code::REQUEST_NOT_PERMITTED,
            "the request was refused",
            "a new investigation request must be made, agreed by the team manager and permitted by the service director",
        ),
        S::Permitted => (
            code::LEGITIMACY_NOT_CONFIRMED,
            "the request is permitted, but you have not yet confirmed that it is legitimate",
            "confirm the request is legitimate, or raise doubts with the service manager",
        ),
        S::DoubtsRaised => (
            code::LEGITIMACY_NOT_CONFIRMED,
            "doubts have been raised about whether the request is legitimate, and they are not resolved",
            "the service manager or service director must resolve the doubts, then confirm the request is legitimate",
        ),
        S::LogCompleted => (
            code::REQUEST_ENDED,
            "the request's investigation log is completed, so its access is over",
            "make a new investigation request if another check is needed",
        ),
        S::Finalised => (
            code::REQUEST_ENDED,
            "the request's investigation log is finalised, so its access is over",
            "make a new investigation request if another check is needed",
        ),
        S::Shared => (
            code::REQUEST_ENDED,
            "the request's investigation log is shared, so its access is over",
            "make a new investigation request if another check is needed",
        ),
        S::Closed => (
            code::REQUEST_ENDED,
            "the request is closed",
            "make a new investigation request if another check is needed",
        ),
        S::Withdrawn => (
            code::REQUEST_ENDED,
            "the request was withdrawn",
            "make a new investigation request if a check is still needed",
        ),
    };
    Some(Refusal::new(code, reason, remedy))
}

/// An authorisation that covers a person, as recorded: RIPA directed surveillance (in force
/// only once a magistrate approves it) or non-RIPA (the council's own process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectedSurveillance {
    pub reference: String,
    pub timeline: Timeline,
}

impl DirectedSurveillance {
    /// In force from the day it is granted (and, for RIPA, approved) to the day it expires,
    /// both included, unless it was cancelled on or before `today`.
    pub fn is_in_force(&self, today: NaiveDate) -> bool {
        self.timeline.in_force(today)
    }

    /// Why it is not in force on `today`, or `None` if it is.
    fn why_not_in_force(&self, today: NaiveDate) -> Option<String> {
        self.timeline.why_not_in_force(&self.reference, today)
    }
}

/// Whether the person's profile may be viewed again under the local repeat-viewing limit.
///
/// `earlier_views` are the times of earlier access sessions in which this person's profile was
/// opened, under any request; those with `now - window_days < at <= now` count. The view being
/// started is one more. `authorisations` are the directed surveillance authorisations recorded
/// for this person; one in force on `today` allows views past the limit.
pub fn repeat_viewing(
    now: DateTime<Utc>,
    today: NaiveDate,
    policy: &RepeatViewing,
    earlier_views: &[DateTime<Utc>],
    authorisations: &[DirectedSurveillance],
) -> GuardDecision {
    // A window reaching before the earliest time chrono can hold counts every earlier view.
    let window_start =
        TimeDelta::try_days(i64::from(policy.window_days)).and_then(|window| now.checked_sub_signed(window));
    let counted =
        earlier_views.iter().filter(|at| **at <= now && window_start.is_none_or(|start| **at > start)).count() as u64;
    let this_view = counted + 1;
    let max_views = u64::from(policy.max_views);
    if this_view < max_views {
        return GuardDecision::Allow { warnings: Vec::new() };
    }
    let window = days_text(policy.window_days);
    // Of several in force, the one that runs longest is named.
    let in_force = authorisations
        .iter()
        .filter(|authorisation| authorisation.is_in_force(today))
        .max_by_key(|a| a.timeline.expires);
    if let Some(authorisation) = in_force {
        let mut warnings = vec![format!(
            "view {this_view} of this person within {window} is covered by {} {}, in force until {}",
            authorisation.timeline.kind.words(),
            authorisation.reference,
            long_date(authorisation.timeline.expires)
        )];
        if let Some(review_due) = authorisation.timeline.review_due.filter(|review_due| *review_due < today) {
            warnings.push(format!(
                "the review of {} {} was due on {} and is overdue",
                authorisation.timeline.kind.words(),
                authorisation.reference,
                long_date(review_due)
            ));
        }
        return GuardDecision::Allow { warnings };
    }
    if this_view == max_views {
        return GuardDecision::Allow {
            warnings: vec![format!(
                "this is view {this_view} of this person within {window}, the last allowed without a directed surveillance authorisation: any further view within {window} will need one"
            )],
        };
    }
    // An authorisation recorded but not in force is named, with why, in the refusal itself.
    let not_in_force: Vec<String> =
        authorisations.iter().filter_map(|authorisation| authorisation.why_not_in_force(today)).collect();
    let mut refusal = Refusal::new(
        code::REPEAT_VIEWING_LIMIT,
        format!(
            "this person's profile has been viewed {} in the last {window}, and the local policy allows no more than {} within {window} without a directed surveillance authorisation",
            times_text(counted),
            views_text(max_views)
        ),
        "a directed surveillance authorisation covering this person must be recorded",
    );
    if !not_in_force.is_empty() {
        refusal.reason = format!("{} ({})", refusal.reason, not_in_force.join("; "));
    }
    let warnings = not_in_force;
    GuardDecision::Refuse { refusals: vec![refusal], warnings }
}

/// A date as British English writes it: 23 November 2026.
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn times_text(count: u64) -> String {
    match count {
        1 => "once".to_string(),
        2 => "twice".to_string(),
        n => format!("{n} times"),
    }
}

fn views_text(count: u64) -> String {
    if count == 1 { "1 view".to_string() } else { format!("{count} views") }
}

fn days_text(count: u32) -> String {
    if count == 1 { "1 day".to_string() } else { format!("{count} days") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authorisation::AuthorisationKind;
    use chrono::TimeZone;

    // Session start

    fn allowed_facts() -> SessionStartFacts {
        SessionStartFacts {
            request_state: RequestState::LegitimacyConfirmed,
            worker: Some(access_worker()),
            social_worker: Some(social_worker()),
            authorisations_not_in_force: Vec::new(),
            account: Some(AccountFacts { identifiable_as_council: true, chis_authorisation_in_force: false }),
            legal_advice_required: false,
            legal_advice_recorded: false,
            prospective_adopter: None,
        }
    }

    fn access_worker() -> crate::duties::Person {
        crate::duties::Person {
            id: 2,
            name: "Ana Access".into(),
            roles: vec![crate::staff::StaffRole::Aaw],
            team: None,
            left: false,
            aaw: crate::duties::AawRegistration::Registered,
        }
    }

    fn social_worker() -> crate::duties::Person {
        crate::duties::Person {
            id: 1,
            name: "Ada Worker".into(),
            roles: vec![crate::staff::StaffRole::Osw, crate::staff::StaffRole::Aaw],
            team: None,
            left: false,
            aaw: crate::duties::AawRegistration::Registered,
        }
    }

    fn unregistered(f: &mut SessionStartFacts) {
        if let Some(worker) = f.worker.as_mut() {
            worker.aaw = crate::duties::AawRegistration::NotRegistered;
        }
    }

    #[test]
    fn the_requests_own_social_worker_may_not_act_as_its_access_worker() {
        let refused = may_start_session(&SessionStartFacts { worker: Some(social_worker()), ..allowed_facts() });
        assert_eq!(refused.refusal_codes(), [code::SEPARATION_OF_DUTIES]);
        assert!(refused.refusals()[0].reason.contains("Ada Worker is this request's social worker"));
        let awaiting =
            "the directed surveillance authorisation URN-2026-19 is not in force: it awaits a magistrate's approval";
        let refused = may_start_session(&SessionStartFacts {
            authorisations_not_in_force: vec![awaiting.into()],
            ..allowed_facts()
        });
        assert_eq!(refused.refusal_codes(), [code::AUTHORISATION_NOT_IN_FORCE]);
        assert_eq!(refused.refusals()[0].reason, awaiting);
        let refused = may_start_session(&SessionStartFacts { worker: None, ..allowed_facts() });
        assert_eq!(refused.refusal_codes(), [code::NOT_REGISTERED_AAW]);
    }

    #[test]
    fn without_written_consent_the_policy_switch_asks_for_directed_surveillance() {
        assert!(consent_rule(false, false, false).is_allowed(), "off by default");
        assert!(consent_rule(true, true, false).is_allowed(), "written consent");
        assert!(consent_rule(true, false, true).is_allowed(), "an authorisation in force");
        let refused = consent_rule(true, false, false);
        assert_eq!(refused.refusal_codes(), [code::DIRECTED_SURVEILLANCE_WITHOUT_CONSENT]);
        assert!(refused.refusals()[0].reason.contains("[consent] directed_surveillance_without_written_consent"));
    }

    #[test]
    fn a_session_starts_only_when_every_rule_is_met_and_each_failing_rule_is_named() {
        type Change = fn(&mut SessionStartFacts);
        let cases: &[(&str, Change, &[&str])] = &[
            ("everything in order", |_| {}, &[]),
            ("in progress", |f| f.request_state = RequestState::InProgress, &[]),
            ("submitted", |f| f.request_state = RequestState::Submitted, &[code::REQUEST_NOT_PERMITTED]),
            ("permitted only", |f| f.request_state = RequestState::Permitted, &[code::LEGITIMACY_NOT_CONFIRMED]),
            ("doubts raised", |f| f.request_state = RequestState::DoubtsRaised, &[code::LEGITIMACY_NOT_CONFIRMED]),
            ("log completed", |f| f.request_state = RequestState::LogCompleted, &[code::REQUEST_ENDED]),
            ("not an aaw", unregistered, &[code::NOT_REGISTERED_AAW]),
            ("unregistered account", |f| f.account = None, &[code::ACCOUNT_NOT_REGISTERED]),
            (
                "account not the council's, no chis",
                |f| {
                    f.account =
                        Some(AccountFacts { identifiable_as_council: false, chis_authorisation_in_force: false })
                },
                &[code::CHIS_AUTHORISATION_NEEDED],
            ),
            (
                "account not the council's, chis in force",
                |f| {
                    f.account = Some(AccountFacts { identifiable_as_council: false, chis_authorisation_in_force: true })
                },
                &[],
            ),
            (
                "the council's account with a chis authorisation too",
                |f| f.account = Some(AccountFacts { identifiable_as_council: true, chis_authorisation_in_force: true }),
                &[],
            ),
            ("legal advice required, not recorded", |f| f.legal_advice_required = true, &[code::LEGAL_ADVICE_NEEDED]),
            (
                "legal advice required and recorded",
                |f| {
                    f.legal_advice_required = true;
                    f.legal_advice_recorded = true;
                },
                &[],
            ),
            ("legal advice recorded though not required", |f| f.legal_advice_recorded = true, &[]),
            (
                "adopter with consent, first view",
                |f| f.prospective_adopter = Some(AdopterFacts { written_consent: true, earlier_views: 0 }),
                &[],
            ),
            (
                "adopter without consent",
                |f| f.prospective_adopter = Some(AdopterFacts { written_consent: false, earlier_views: 0 }),
                &[code::ADOPTER_CONSENT_NEEDED],
            ),
            (
                "adopter viewed once before",
                |f| f.prospective_adopter = Some(AdopterFacts { written_consent: true, earlier_views: 1 }),
                &[code::ADOPTER_VIEWED_ONCE],
            ),
            (
                "adopter without consent, viewed before",
                |f| f.prospective_adopter = Some(AdopterFacts { written_consent: false, earlier_views: 3 }),
                &[code::ADOPTER_CONSENT_NEEDED, code::ADOPTER_VIEWED_ONCE],
            ),
            (
                "not an aaw, with no sanctioned account, before permission",
                |f| {
                    f.request_state = RequestState::Agreed;
                    unregistered(f);
                    f.account = None;
                },
                &[code::REQUEST_NOT_PERMITTED, code::NOT_REGISTERED_AAW, code::ACCOUNT_NOT_REGISTERED],
            ),
            (
                "every rule broken",
                |f| {
                    f.request_state = RequestState::Draft;
                    unregistered(f);
                    f.account =
                        Some(AccountFacts { identifiable_as_council: false, chis_authorisation_in_force: false });
                    f.legal_advice_required = true;
                    f.prospective_adopter = Some(AdopterFacts { written_consent: false, earlier_views: 1 });
                },
                &[
                    code::REQUEST_NOT_PERMITTED,
                    code::NOT_REGISTERED_AAW,
                    code::CHIS_AUTHORISATION_NEEDED,
                    code::LEGAL_ADVICE_NEEDED,
                    code::ADOPTER_CONSENT_NEEDED,
                    code::ADOPTER_VIEWED_ONCE,
                ],
            ),
        ];
        for (name, change, codes) in cases {
            let mut facts = allowed_facts();
            change(&mut facts);
            let decision = may_start_session(&facts);
            assert_eq!(decision.refusal_codes(), *codes, "{name}");
            assert_eq!(decision.is_allowed(), codes.is_empty(), "{name}");
        }
    }

    #[test]
    fn every_request_state_is_decided_and_only_confirmed_or_in_progress_allow_a_session() {
        use RequestState as S;
        let expected = |state: RequestState| match state {
            S::LegitimacyConfirmed | S::InProgress => None,
            S::Draft | S::Submitted | S::Agreed | S::ReferredBack | S::Refused => Some(code::REQUEST_NOT_PERMITTED),
            S::Permitted | S::DoubtsRaised => Some(code::LEGITIMACY_NOT_CONFIRMED),
            S::LogCompleted | S::Finalised | S::Shared | S::Closed | S::Withdrawn => Some(code::REQUEST_ENDED),
        };
        let mut reasons = Vec::new();
        for state in RequestState::ALL {
            let decision = may_start_session(&SessionStartFacts { request_state: state, ..allowed_facts() });
            assert_eq!(decision.refusal_codes(), expected(state).into_iter().collect::<Vec<_>>(), "{state}");
            reasons.extend(decision.refusals().iter().map(|refusal| refusal.reason.clone()));
        }
        // Each state that refuses says so in its own words.
        let count = reasons.len();
        reasons.sort();
        reasons.dedup();
        assert_eq!(reasons.len(), count);
    }

    #[test]
    fn refusals_say_what_forbids_the_session_and_what_would_allow_it() {
        let decision =
            may_start_session(&SessionStartFacts { request_state: RequestState::Submitted, ..allowed_facts() });
        assert_eq!(
            decision.refusals(),
            &[Refusal::new(
                code::REQUEST_NOT_PERMITTED,
                "the request is submitted, not yet permitted by the service director",
                "record the team manager's agreement and the service director's permission",
            )]
        );
        assert_eq!(
            decision.refusals()[0].to_string(),
            "the request is submitted, not yet permitted by the service director; to allow it, record the team manager's agreement and the service director's permission"
        );
        let decision = may_start_session(&SessionStartFacts {
            prospective_adopter: Some(AdopterFacts { written_consent: true, earlier_views: 2 }),
            ..allowed_facts()
        });
        assert!(decision.refusals()[0].reason.ends_with("has already been viewed twice"), "{decision:?}");
    }

    #[test]
    fn every_reason_remedy_and_warning_is_plain_text_without_a_trailing_full_stop() {
        let mut decisions = Vec::new();
        for state in RequestState::ALL {
            decisions.push(may_start_session(&SessionStartFacts {
                request_state: state,
                worker: Some(social_worker()),
                social_worker: Some(social_worker()),
                authorisations_not_in_force: vec![
                    "the directed surveillance authorisation DS/9 is not in force: it awaits a magistrate's approval"
                        .into(),
                ],
                account: Some(AccountFacts {
                    identifiable_as_council: false,
                    chis_authorisation_in_force: state.is_open(),
                }),
                legal_advice_required: true,
                legal_advice_recorded: false,
                prospective_adopter: Some(AdopterFacts { written_consent: false, earlier_views: 1 }),
            }));
        }
        decisions.push(may_start_session(&SessionStartFacts { account: None, ..allowed_facts() }));
        let policy = RepeatViewing { max_views: 2, window_days: 30 };
        let authorisations = [
            authorisation("DS/1", -100, Some(-70), -10, None),
            authorisation("DS/2", -10, Some(-1), 80, None),
            authorisation("DS/3", -10, None, 80, Some(0)),
            authorisation("DS/4", 1, None, 80, None),
        ];
        decisions.push(repeat_viewing(now(), today(), &policy, &views_days_ago(&[1, 2]), &authorisations));
        decisions.push(repeat_viewing(now(), today(), &policy, &views_days_ago(&[1, 2]), &authorisations[..1]));
        decisions.push(repeat_viewing(now(), today(), &policy, &views_days_ago(&[1]), &[]));
        decisions.push(consent_rule(true, false, false));
        decisions.push(conditions_confirmation(Some("One look at each profile"), false));
        // The rule of separation of duties, for the steps of the request.
        let mut left = access_worker();
        left.left = true;
        left.aaw = crate::duties::AawRegistration::Incomplete;
        let manager = crate::duties::Person { id: 3, roles: vec![crate::staff::StaffRole::Tm], ..access_worker() };
        let parties = crate::duties::Parties {
            social_worker: Some(&left),
            social_worker_named: "",
            agreed_by: Some(left.id),
            completed_by: Some(left.id),
        };
        for (step, from) in [
            (crate::workflow::Step::Permit, RequestState::Agreed),
            (crate::workflow::Step::FinaliseLog, RequestState::LogCompleted),
            (crate::workflow::Step::ConfirmLegitimacy, RequestState::Permitted),
        ] {
            decisions
                .push(GuardDecision::from_findings(crate::duties::refusals(step, from, &left, &parties), Vec::new()));
            decisions.push(GuardDecision::from_findings(
                crate::duties::refusals(step, from, &manager, &parties),
                Vec::new(),
            ));
        }
        let mut seen_codes = Vec::new();
        for decision in &decisions {
            for refusal in decision.refusals() {
                seen_codes.push(refusal.code);
                for text in [&refusal.reason, &refusal.remedy] {
                    assert!(!text.is_empty() && !text.ends_with('.'), "{text:?}");
                }
            }
            for warning in decision.warnings() {
                assert!(!warning.is_empty() && !warning.ends_with('.'), "{warning:?}");
            }
        }
        // Every code is used and is snake case.
        for code in code::ALL {
            assert!(seen_codes.contains(code), "{code} is never given");
            assert!(code.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{code}");
        }
    }

    #[test]
    fn a_chis_authorisation_in_force_allows_an_unidentifiable_account_with_a_warning() {
        let decision = may_start_session(&SessionStartFacts {
            account: Some(AccountFacts { identifiable_as_council: false, chis_authorisation_in_force: true }),
            ..allowed_facts()
        });
        assert!(decision.is_allowed());
        assert_eq!(decision.warnings().len(), 1);
        assert!(decision.warnings()[0].contains("CHIS authorisation"), "{decision:?}");
        assert!(may_start_session(&allowed_facts()).warnings().is_empty());
    }

    #[test]
    fn decisions_combine_and_serialise_for_the_ui() {
        let mut facts = allowed_facts();
        unregistered(&mut facts);
        let refused = may_start_session(&facts);
        let warned = GuardDecision::Allow { warnings: vec!["a warning".into()] };
        let quiet = GuardDecision::Allow { warnings: Vec::new() };

        assert_eq!(quiet.clone().and(warned.clone()), warned);
        let combined = warned.clone().and(refused.clone());
        assert!(!combined.is_allowed());
        assert_eq!(combined.refusal_codes(), vec![code::NOT_REGISTERED_AAW]);
        assert_eq!(combined.warnings(), &["a warning".to_string()]);
        assert_eq!(refused.clone().and(refused.clone()).refusals().len(), 2);
        assert_eq!(
            GuardDecision::from_findings(Vec::new(), vec!["w".into()]),
            GuardDecision::Allow { warnings: vec!["w".into()] }
        );

        assert_eq!(serde_json::to_value(&quiet).unwrap(), serde_json::json!({"decision": "allow", "warnings": []}));
        let json = serde_json::to_value(&refused).unwrap();
        assert_eq!(json["decision"], "refuse");
        assert_eq!(json["refusals"][0]["code"], "not_registered_aaw");
        assert!(json["refusals"][0]["reason"].is_string() && json["refusals"][0]["remedy"].is_string());
        assert_eq!(json["warnings"], serde_json::json!([]));
    }

    // Repeat viewing

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn day(offset: i64) -> NaiveDate {
        today() + TimeDelta::days(offset)
    }

    fn views_days_ago(days: &[i64]) -> Vec<DateTime<Utc>> {
        days.iter().map(|days| now() - TimeDelta::days(*days)).collect()
    }

    fn authorisation(
        reference: &str,
        granted: i64,
        review_due: Option<i64>,
        expires: i64,
        cancelled_on: Option<i64>,
    ) -> DirectedSurveillance {
        DirectedSurveillance {
            reference: reference.to_string(),
            timeline: Timeline {
                kind: AuthorisationKind::DirectedSurveillance,
                granted: day(granted),
                approved: Some(day(granted)),
                review_due: review_due.map(day),
                expires: day(expires),
                cancelled_on: cancelled_on.map(day),
            },
        }
    }

    /// What a repeat-viewing decision should be: how many warnings, and text that some warning
    /// must contain.
    #[derive(Debug)]
    enum Expected {
        Allow(usize, &'static [&'static str]),
        Refuse(usize, &'static [&'static str]),
    }

    /// (what the case shows, earlier views, authorisations recorded, what is expected)
    type RepeatViewingCase = (&'static str, Vec<DateTime<Utc>>, Vec<DirectedSurveillance>, Expected);

    #[test]
    fn repeat_viewing_counts_views_in_the_rolling_window_and_needs_an_authorisation_past_the_limit() {
        let policy = RepeatViewing { max_views: 2, window_days: 30 };
        let in_force = || authorisation("DS/2026/014", -20, Some(8), 70, None);
        let second = TimeDelta::seconds(1);
        let cases: Vec<RepeatViewingCase> = vec![
            ("first view", vec![], vec![], Expected::Allow(0, &[])),
            (
                "second view is the last allowed",
                views_days_ago(&[10]),
                vec![],
                Expected::Allow(1, &["view 2", "the last allowed"]),
            ),
            (
                "a view exactly 30 days ago is outside the window",
                views_days_ago(&[30]),
                vec![],
                Expected::Allow(0, &[]),
            ),
            (
                "a view a second inside the window counts",
                vec![now() - TimeDelta::days(30) + second],
                vec![],
                Expected::Allow(1, &["view 2"]),
            ),
            ("a view at this very moment counts", vec![now()], vec![], Expected::Allow(1, &["view 2"])),
            ("a view recorded in the future does not count", vec![now() + second], vec![], Expected::Allow(0, &[])),
            ("third view is refused", views_days_ago(&[1, 29]), vec![], Expected::Refuse(0, &[])),
            ("two views, one exactly on the edge", views_days_ago(&[1, 30]), vec![], Expected::Allow(1, &["view 2"])),
            ("old views do not count", views_days_ago(&[31, 45, 300]), vec![], Expected::Allow(0, &[])),
            ("many views are refused", views_days_ago(&[0, 1, 2, 3, 4]), vec![], Expected::Refuse(0, &[])),
            (
                "third view covered by an authorisation",
                views_days_ago(&[1, 2]),
                vec![in_force()],
                Expected::Allow(
                    1,
                    &["view 3", "covered by directed surveillance authorisation DS/2026/014", "1 February 2027"],
                ),
            ),
            (
                "at the limit an authorisation just says it is covered",
                views_days_ago(&[1]),
                vec![in_force()],
                Expected::Allow(
                    1,
                    &[
                        "view 2 of this person within 30 days is covered by directed surveillance authorisation DS/2026/014",
                    ],
                ),
            ),
            (
                "below the limit nothing is said",
                vec![],
                vec![authorisation("DS/1", -100, Some(-60), 10, None)],
                Expected::Allow(0, &[]),
            ),
            (
                "an authorisation expiring today is in force",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -90, None, 0, None)],
                Expected::Allow(1, &["DS/1", "23 November 2026"]),
            ),
            (
                "an authorisation that expired yesterday is not",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -91, None, -1, None)],
                Expected::Refuse(1, &["DS/1 expired on 22 November 2026"]),
            ),
            (
                "an authorisation cancelled today is not in force",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -10, None, 80, Some(0))],
                Expected::Refuse(1, &["DS/1 was cancelled on 23 November 2026"]),
            ),
            (
                "an authorisation cancelled last week is not in force",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -10, None, 80, Some(-7))],
                Expected::Refuse(1, &["DS/1 was cancelled on 16 November 2026"]),
            ),
            (
                "a cancellation dated tomorrow has not taken effect",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -10, None, 80, Some(1))],
                Expected::Allow(1, &["covered by directed surveillance authorisation DS/1"]),
            ),
            (
                "an authorisation granted tomorrow is not yet in force",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", 1, None, 91, None)],
                Expected::Refuse(1, &["DS/1 does not start until 24 November 2026"]),
            ),
            (
                "an authorisation granted today is in force",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", 0, None, 90, None)],
                Expected::Allow(1, &["covered by directed surveillance authorisation DS/1"]),
            ),
            (
                "a review overdue is warned of",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -40, Some(-1), 50, None)],
                Expected::Allow(
                    2,
                    &[
                        "covered by directed surveillance authorisation DS/1",
                        "review of directed surveillance authorisation DS/1 was due on 22 November 2026 and is overdue",
                    ],
                ),
            ),
            (
                "a review due today is not yet overdue",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -28, Some(0), 62, None)],
                Expected::Allow(1, &["covered by directed surveillance authorisation DS/1"]),
            ),
            (
                "of several authorisations, only those not in force are listed when refused",
                views_days_ago(&[1, 2]),
                vec![authorisation("DS/1", -100, None, -10, None), authorisation("DS/2", 5, None, 95, None)],
                Expected::Refuse(
                    2,
                    &["DS/1 expired on 13 November 2026", "DS/2 does not start until 28 November 2026"],
                ),
            ),
            (
                "of several authorisations in force, the longest running is named",
                views_days_ago(&[1, 2]),
                vec![
                    authorisation("DS/old", -100, None, -10, None),
                    authorisation("DS/long", -5, None, 85, None),
                    authorisation("DS/short", -80, Some(-3), 10, None),
                ],
                Expected::Allow(1, &["covered by directed surveillance authorisation DS/long"]),
            ),
        ];
        for (name, views, authorisations, expected) in cases {
            let decision = repeat_viewing(now(), today(), &policy, &views, &authorisations);
            let (allowed, warning_count, texts) = match expected {
                Expected::Allow(count, texts) => (true, count, texts),
                Expected::Refuse(count, texts) => (false, count, texts),
            };
            assert_eq!(decision.is_allowed(), allowed, "{name}: {decision:?}");
            assert_eq!(decision.warnings().len(), warning_count, "{name}: {decision:?}");
            for text in texts {
                assert!(
                    decision.warnings().iter().any(|warning| warning.contains(text)),
                    "{name}: no warning has {text:?} in {decision:?}"
                );
            }
            if !allowed {
                assert_eq!(decision.refusal_codes(), vec![code::REPEAT_VIEWING_LIMIT], "{name}");
            }
        }
    }

    #[test]
    fn repeat_viewing_texts_say_the_numbers() {
        let policy = RepeatViewing { max_views: 2, window_days: 30 };
        let decision = repeat_viewing(now(), today(), &policy, &views_days_ago(&[3]), &[]);
        assert_eq!(
            decision.warnings(),
            &["this is view 2 of this person within 30 days, the last allowed without a directed surveillance authorisation: any further view within 30 days will need one".to_string()]
        );
        let decision = repeat_viewing(now(), today(), &policy, &views_days_ago(&[3, 4]), &[]);
        assert_eq!(
            decision.refusals(),
            &[Refusal::new(
                code::REPEAT_VIEWING_LIMIT,
                "this person's profile has been viewed twice in the last 30 days, and the local policy allows no more than 2 views within 30 days without a directed surveillance authorisation",
                "a directed surveillance authorisation covering this person must be recorded",
            )]
        );
        assert!(decision.warnings().is_empty());
        let policy = RepeatViewing { max_views: 1, window_days: 1 };
        let decision = repeat_viewing(now(), today(), &policy, &views_days_ago(&[0, 0, 0]), &[]);
        assert!(decision.refusals()[0].reason.contains("viewed 3 times in the last 1 day"), "{decision:?}");
        assert!(decision.refusals()[0].reason.contains("no more than 1 view within 1 day"), "{decision:?}");
    }

    #[test]
    fn repeat_viewing_follows_the_policy_numbers() {
        // (max_views, window_days, earlier views in days ago, allowed, warnings)
        let cases: &[(u32, u32, &[i64], bool, usize)] = &[
            (1, 30, &[], true, 1),
            (1, 30, &[5], false, 0),
            (1, 7, &[7], true, 1),
            (3, 30, &[1], true, 0),
            (3, 30, &[1, 2], true, 1),
            (3, 30, &[1, 2, 3], false, 0),
            (3, 1, &[1, 2, 3], true, 0),
            (2, 3660, &[3000, 3659], false, 0),
            (2, 3660, &[3000, 3660], true, 1),
            // A window longer than chrono's calendar counts every earlier view without panicking.
            (2, u32::MAX, &[100_000, 200_000], false, 0),
        ];
        for (max_views, window_days, days_ago, allowed, warnings) in cases {
            let policy = RepeatViewing { max_views: *max_views, window_days: *window_days };
            let decision = repeat_viewing(now(), today(), &policy, &views_days_ago(days_ago), &[]);
            let case = format!("{max_views} in {window_days} days, views {days_ago:?} days ago");
            assert_eq!(decision.is_allowed(), *allowed, "{case}: {decision:?}");
            assert_eq!(decision.warnings().len(), *warnings, "{case}: {decision:?}");
        }
    }
}
