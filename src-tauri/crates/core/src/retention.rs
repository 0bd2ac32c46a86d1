//! Retention: what falls due for disposal under the local policy, and why. Pure: the store
//! gives the facts (each record's state and trigger dates), the caller gives today.
//!
//! Each class of record is kept for its policy period after its trigger and falls due on the
//! day after the period ends (kept 30 days from 1 November: due on 1 December). A request on
//! legal hold, and everything of it, is never due; it is listed as held instead.

use chrono::{Months, NaiveDate};
use serde::Serialize;
use ts_rs::TS;

use crate::policy::Retention;
use crate::workflow::RequestState;

/// What a disposal removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A whole request: its content, people's links, decisions, log, sessions and captures.
    Request,
    /// One capture with every artefact.
    Capture,
    /// An access session's trail and the documents' responses it recorded.
    SessionTrail,
    /// A draft of a request.
    Draft,
    /// The oldest audit events, pruned behind a signed checkpoint; `id` is the last one's number.
    AuditEvents,
    /// An incident (a breach of the procedure) with the people it affected.
    Incident,
}

/// The policy rule that made a record due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    RefusedOrWithdrawn,
    Closed,
    Stalled,
    CaptureNotRelevant,
    CaptureRelevant,
    SessionTrail,
    AbandonedDraft,
    AuditEvents,
    Incident,
}

impl Rule {
    /// The policy key that sets its period.
    pub fn policy_key(self) -> &'static str {
        match self {
            Rule::RefusedOrWithdrawn => "retention.refused_or_withdrawn_days",
            Rule::Closed => "retention.request_years",
            Rule::Stalled => "retention.stalled_request_days",
            Rule::CaptureNotRelevant => "retention.not_relevant_capture_days",
            Rule::CaptureRelevant => "retention.relevant_capture_days",
            Rule::SessionTrail => "retention.session_trail_days",
            Rule::AbandonedDraft => "retention.abandoned_draft_days",
            Rule::AuditEvents => "retention.audit_years",
            Rule::Incident => "retention.incident_years",
        }
    }
}

/// A request as retention sees it.
#[derive(Debug, Clone)]
pub struct RequestFacts {
    pub reference: String,
    pub state: RequestState,
    /// The day it was refused, withdrawn or closed.
    pub ended_on: Option<NaiveDate>,
    /// The day anything last changed on it.
    pub last_activity: NaiveDate,
    pub on_hold: bool,
    /// An access session is open on it: nothing of it is due while its browser records.
    pub session_open: bool,
}

#[derive(Debug, Clone)]
pub struct CaptureFacts {
    pub id: i64,
    pub request: String,
    /// The worker's judgement: relevant or not, and the day it was made.
    pub judged: Option<(bool, NaiveDate)>,
}

#[derive(Debug, Clone)]
pub struct SessionFacts {
    pub id: i64,
    pub request: String,
    /// The session still has a trail (not yet disposed).
    pub has_trail: bool,
}

#[derive(Debug, Clone)]
pub struct DraftFacts {
    pub id: i64,
    /// The request it changes, or the request it was raised from.
    pub request: Option<String>,
    pub updated_on: NaiveDate,
}

/// An audit event as retention sees it, in chain order from the first kept one.
#[derive(Debug, Clone)]
pub struct AuditEventFacts {
    pub seq: u64,
    pub on: NaiveDate,
    /// It concerns a request the store still holds: kept while the request is, so that the
    /// request's own chain (as a bundle carries it) starts at its first event.
    pub request_kept: bool,
}

/// An incident as retention sees it.
#[derive(Debug, Clone)]
pub struct IncidentFacts {
    pub id: i64,
    /// The request it concerns, if any: a legal hold on it keeps the incident too.
    pub request: Option<String>,
    pub recorded_on: NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub requests: Vec<RequestFacts>,
    pub captures: Vec<CaptureFacts>,
    pub sessions: Vec<SessionFacts>,
    pub drafts: Vec<DraftFacts>,
    pub audit: Vec<AuditEventFacts>,
    pub incidents: Vec<IncidentFacts>,
}

/// One record due for disposal: what, under which rule, from which trigger, since when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Due {
    pub kind: RecordKind,
    /// The request's reference, or the capture's, session's, draft's or incident's number.
    pub id: String,
    pub request: Option<String>,
    pub rule: Rule,
    pub trigger_on: NaiveDate,
    pub due_on: NaiveDate,
    /// In words: why it is due.
    pub why: String,
}

/// What retention would dispose of today, and what a legal hold keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct Review {
    pub due: Vec<Due>,
    /// Requests on hold whose records would otherwise be due.
    pub held: Vec<String>,
}

/// The day a capture judged not relevant on `judged` falls due for disposal: the day after
/// the policy's period ends (a request on legal hold keeps it beyond that).
pub fn not_relevant_capture_due(policy: &Retention, judged: NaiveDate) -> NaiveDate {
    plus_days(judged, policy.not_relevant_capture_days)
}

fn plus_days(day: NaiveDate, days: u32) -> NaiveDate {
    day.checked_add_days(chrono::Days::new(u64::from(days))).unwrap_or(NaiveDate::MAX)
}

fn plus_years(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_add_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MAX)
}

fn days(n: u32) -> String {
    if n == 1 { "1 day".into() } else { format!("{n} days") }
}

/// Every record due today, in the order: whole requests, then captures, trails and drafts of
/// requests not disposed whole. A record of a request on hold is never due.
/// The most the laptop's clock may differ from a time-stamping authority's for a disposal.
pub const DISPOSAL_CLOCK_TOLERANCE: chrono::TimeDelta = chrono::TimeDelta::days(1);

/// Whether a disposal may go by this clock: never when it is earlier than the latest audit
/// event, nor when a time-stamping authority's time (when one was asked) is more than
/// [`DISPOSAL_CLOCK_TOLERANCE`] away from it.
pub fn disposal_clock_problem(
    now: chrono::DateTime<chrono::Utc>,
    latest_event: Option<chrono::DateTime<chrono::Utc>>,
    authority: Option<chrono::DateTime<chrono::Utc>>,
) -> Option<DisposalClockProblem> {
    if let Some(latest) = latest_event.filter(|latest| now < *latest) {
        return Some(DisposalClockProblem::BehindTheAuditTrail { latest });
    }
    authority
        .filter(|stamped| (*stamped - now).abs() > DISPOSAL_CLOCK_TOLERANCE)
        .map(|stamped| DisposalClockProblem::OffTheAuthority { stamped })
}

/// Why a disposal may not go by the laptop's clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisposalClockProblem {
    /// The clock is earlier than the latest audit event, at `latest`.
    BehindTheAuditTrail { latest: chrono::DateTime<chrono::Utc> },
    /// The authority says `stamped`, more than a day away.
    OffTheAuthority { stamped: chrono::DateTime<chrono::Utc> },
}

pub fn review(policy: &Retention, facts: &Facts, today: NaiveDate) -> Review {
    let long = |d: NaiveDate| crate::local_time::long_date(d);
    let mut review = Review::default();
    let mut whole = Vec::new();
    let mut held = std::collections::BTreeSet::new();
    let mut consider = |due: Due, held_by: Option<&str>, review: &mut Review| {
        if due.due_on > today {
            return;
        }
        match held_by {
            Some(reference) => {
                held.insert(reference.to_string());
            }
            None => review.due.push(due),
        }
    };
    let on_hold = |reference: &str| facts.requests.iter().any(|r| r.reference == reference && r.on_hold);
    let recording = |reference: &str| facts.requests.iter().any(|r| r.reference == reference && r.session_open);
    for r in facts.requests.iter().filter(|r| !r.session_open) {
        let hold = r.on_hold.then_some(r.reference.as_str());
        let due = match (r.state, r.ended_on) {
            (RequestState::Refused | RequestState::Withdrawn, Some(ended)) => Some(Due {
                kind: RecordKind::Request,
                id: r.reference.clone(),
                request: Some(r.reference.clone()),
                rule: Rule::RefusedOrWithdrawn,
                trigger_on: ended,
                due_on: plus_days(ended, policy.refused_or_withdrawn_days),
                why: format!(
                    "{} on {}; kept {} after that",
                    if r.state == RequestState::Refused { "refused" } else { "withdrawn" },
                    long(ended),
                    days(policy.refused_or_withdrawn_days)
                ),
            }),
            (RequestState::Closed, Some(ended)) => Some(Due {
                kind: RecordKind::Request,
                id: r.reference.clone(),
                request: Some(r.reference.clone()),
                rule: Rule::Closed,
                trigger_on: ended,
                due_on: plus_years(ended, policy.request_years),
                why: format!("closed on {}; kept {} years after closing", long(ended), policy.request_years),
            }),
            (RequestState::Refused | RequestState::Withdrawn | RequestState::Closed, None) => None,
            _ => Some(Due {
                kind: RecordKind::Request,
                id: r.reference.clone(),
                request: Some(r.reference.clone()),
                rule: Rule::Stalled,
                trigger_on: r.last_activity,
                due_on: plus_days(r.last_activity, policy.stalled_request_days),
                why: format!(
                    "never closed, and nothing has changed since {}; a stalled request is kept {}",
                    long(r.last_activity),
                    days(policy.stalled_request_days)
                ),
            }),
        };
        if let Some(due) = due {
            if due.due_on <= today && hold.is_none() {
                whole.push(r.reference.clone());
            }
            consider(due, hold, &mut review);
        }
    }
    let gone = |reference: &str| whole.iter().any(|w| w == reference);
    let closed_on = |reference: &str| {
        facts
            .requests
            .iter()
            .find(|r| r.reference == reference && r.state == RequestState::Closed)
            .and_then(|r| r.ended_on)
    };
    for c in &facts.captures {
        if gone(&c.request) {
            continue;
        }
        let hold = on_hold(&c.request).then_some(c.request.as_str());
        let due = match c.judged {
            Some((false, judged)) => Some(Due {
                kind: RecordKind::Capture,
                id: c.id.to_string(),
                request: Some(c.request.clone()),
                rule: Rule::CaptureNotRelevant,
                trigger_on: judged,
                due_on: not_relevant_capture_due(policy, judged),
                why: format!(
                    "judged not relevant on {}; kept {}",
                    long(judged),
                    days(policy.not_relevant_capture_days)
                ),
            }),
            Some((true, _)) => closed_on(&c.request).map(|closed| Due {
                kind: RecordKind::Capture,
                id: c.id.to_string(),
                request: Some(c.request.clone()),
                rule: Rule::CaptureRelevant,
                trigger_on: closed,
                due_on: plus_days(closed, policy.relevant_capture_days),
                why: format!(
                    "relevant, and its request closed on {}: the care record holds the exhibit; kept {} after closing",
                    long(closed),
                    days(policy.relevant_capture_days)
                ),
            }),
            None => None,
        };
        if let Some(due) = due {
            consider(due, hold, &mut review);
        }
    }
    for s in facts.sessions.iter().filter(|s| s.has_trail) {
        if gone(&s.request) || recording(&s.request) {
            continue;
        }
        let hold = on_hold(&s.request).then_some(s.request.as_str());
        if let Some(closed) = closed_on(&s.request) {
            let due = Due {
                kind: RecordKind::SessionTrail,
                id: s.id.to_string(),
                request: Some(s.request.clone()),
                rule: Rule::SessionTrail,
                trigger_on: closed,
                due_on: plus_days(closed, policy.session_trail_days),
                why: format!(
                    "the trail of access session {}; its request closed on {}; kept {} after closing",
                    s.id,
                    long(closed),
                    days(policy.session_trail_days)
                ),
            };
            consider(due, hold, &mut review);
        }
    }
    for d in &facts.drafts {
        if d.request.as_deref().is_some_and(gone) {
            continue;
        }
        let hold = d.request.as_deref().filter(|r| on_hold(r));
        let due = Due {
            kind: RecordKind::Draft,
            id: d.id.to_string(),
            request: d.request.clone(),
            rule: Rule::AbandonedDraft,
            trigger_on: d.updated_on,
            due_on: plus_days(d.updated_on, policy.abandoned_draft_days),
            why: format!(
                "a draft not changed since {}; an abandoned draft is kept {}",
                long(d.updated_on),
                days(policy.abandoned_draft_days)
            ),
        };
        consider(due, hold, &mut review);
    }
    for i in &facts.incidents {
        // An incident is the council's record of a breach, kept for its own period whether or
        // not its request still exists; a hold on its request keeps it.
        let hold = i.request.as_deref().filter(|r| on_hold(r));
        let due = Due {
            kind: RecordKind::Incident,
            id: i.id.to_string(),
            request: i.request.clone(),
            rule: Rule::Incident,
            trigger_on: i.recorded_on,
            due_on: plus_years(i.recorded_on, policy.incident_years),
            why: format!(
                "an incident recorded on {}; incidents are kept {} years",
                long(i.recorded_on),
                policy.incident_years
            ),
        };
        consider(due, hold, &mut review);
    }
    review.held = held.into_iter().collect();
    review.due.extend(audit_prefix(policy, &facts.audit, today));
    review
}

/// The oldest audit events past their period, as one record: the chain can only be cut at
/// its start, so the prefix ends before the first event still in its period or of a request
/// still held.
fn audit_prefix(policy: &Retention, events: &[AuditEventFacts], today: NaiveDate) -> Option<Due> {
    let due_on = |e: &AuditEventFacts| plus_years(e.on, policy.audit_years);
    let prunable = events.iter().take_while(|e| !e.request_kept && due_on(e) <= today).count();
    let (first, last) = (events.first()?, &events[..prunable].last()?);
    let count = prunable;
    Some(Due {
        kind: RecordKind::AuditEvents,
        id: last.seq.to_string(),
        request: None,
        rule: Rule::AuditEvents,
        trigger_on: last.on,
        due_on: due_on(last),
        why: format!(
            "{} from {} to {}; the audit chain is kept {} years, and the events left start from a signed checkpoint",
            if count == 1 { "1 audit event".to_string() } else { format!("{count} audit events") },
            crate::local_time::long_date(first.on),
            crate::local_time::long_date(last.on),
            policy.audit_years
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn policy() -> Retention {
        crate::Policy::default().retention
    }

    fn request(reference: &str, state: RequestState, ended_on: Option<NaiveDate>, last: NaiveDate) -> RequestFacts {
        RequestFacts {
            reference: reference.into(),
            state,
            ended_on,
            last_activity: last,
            on_hold: false,
            session_open: false,
        }
    }

    #[test]
    fn each_class_falls_due_the_day_after_its_period_ends_and_not_before() {
        let p = policy();
        let judged = day(2026, 11, 1);
        let facts = Facts {
            requests: vec![request("REQ-2026-0001", RequestState::InProgress, None, day(2026, 11, 1))],
            captures: vec![CaptureFacts { id: 7, request: "REQ-2026-0001".into(), judged: Some((false, judged)) }],
            ..Facts::default()
        };
        let last_kept = plus_days(judged, p.not_relevant_capture_days - 1);
        assert!(review(&p, &facts, last_kept).due.is_empty(), "still within its period on {last_kept}");
        let first_due = plus_days(judged, p.not_relevant_capture_days);
        let due = review(&p, &facts, first_due).due;
        assert_eq!(due.len(), 1);
        assert_eq!(
            (due[0].kind, due[0].rule, due[0].due_on),
            (RecordKind::Capture, Rule::CaptureNotRelevant, first_due)
        );
        assert!(due[0].why.contains("judged not relevant on 1 November 2026"), "{}", due[0].why);
    }

    #[test]
    fn a_whole_request_takes_its_records_with_it_and_a_hold_keeps_everything() {
        let p = policy();
        let closed = day(2020, 1, 10);
        let mut facts = Facts {
            requests: vec![request("REQ-2020-0001", RequestState::Closed, Some(closed), closed)],
            captures: vec![CaptureFacts { id: 1, request: "REQ-2020-0001".into(), judged: Some((true, closed)) }],
            sessions: vec![SessionFacts { id: 1, request: "REQ-2020-0001".into(), has_trail: true }],
            drafts: vec![],
            audit: vec![],
            incidents: vec![],
        };
        let today = plus_years(closed, p.request_years);
        let due = review(&p, &facts, today).due;
        assert_eq!(due.len(), 1, "the request alone: its captures and trail go with it: {due:?}");
        assert_eq!((due[0].kind, due[0].rule), (RecordKind::Request, Rule::Closed));
        // A year after closing: the relevant capture and the trail, not yet the request.
        let earlier = review(&p, &facts, plus_days(closed, 366)).due;
        let kinds: Vec<RecordKind> = earlier.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [RecordKind::Capture, RecordKind::SessionTrail]);
        facts.requests[0].session_open = true;
        let recording = review(&p, &facts, today).due;
        assert_eq!(
            recording.iter().map(|d| d.kind).collect::<Vec<_>>(),
            [RecordKind::Capture],
            "neither the request nor its trail while a session records"
        );
        facts.requests[0].session_open = false;
        facts.requests[0].on_hold = true;
        let held = review(&p, &facts, today);
        assert!(held.due.is_empty());
        assert_eq!(held.held, ["REQ-2020-0001"]);
    }

    #[test]
    fn refused_withdrawn_stalled_requests_and_abandoned_drafts_fall_due() {
        let p = policy();
        let start = day(2026, 1, 5);
        let facts = Facts {
            requests: vec![
                request("REQ-2026-0001", RequestState::Refused, Some(start), start),
                request("REQ-2026-0002", RequestState::Withdrawn, Some(start), start),
                request("REQ-2026-0003", RequestState::Submitted, None, start),
            ],
            drafts: vec![DraftFacts { id: 4, request: None, updated_on: start }],
            ..Facts::default()
        };
        let far = day(2030, 1, 1);
        let rules: Vec<Rule> = review(&p, &facts, far).due.iter().map(|d| d.rule).collect();
        assert_eq!(rules, [Rule::RefusedOrWithdrawn, Rule::RefusedOrWithdrawn, Rule::Stalled, Rule::AbandonedDraft]);
        let draft_due = plus_days(start, p.abandoned_draft_days);
        let on_the_day = review(&p, &facts, draft_due).due;
        assert!(on_the_day.iter().any(|d| d.kind == RecordKind::Draft && d.due_on == draft_due));
        assert!(
            !review(&p, &facts, plus_days(start, p.abandoned_draft_days - 1))
                .due
                .iter()
                .any(|d| d.kind == RecordKind::Draft)
        );
    }

    #[test]
    fn an_incident_is_kept_its_own_period_and_a_hold_on_its_request_keeps_it() {
        let p = policy();
        let recorded = day(2026, 3, 2);
        let mut facts = Facts {
            requests: vec![request("REQ-2026-0001", RequestState::InProgress, None, day(2032, 1, 1))],
            incidents: vec![
                IncidentFacts { id: 3, request: Some("REQ-2026-0001".into()), recorded_on: recorded },
                IncidentFacts { id: 4, request: None, recorded_on: day(2026, 3, 3) },
                // Its request was disposed of already: the incident keeps its own period.
                IncidentFacts { id: 5, request: Some("REQ-2025-0009".into()), recorded_on: recorded },
            ],
            ..Facts::default()
        };
        let due_on = plus_years(recorded, p.incident_years);
        assert_eq!(due_on, day(2026 + p.incident_years as i32, 3, 2));
        assert!(review(&p, &facts, due_on.pred_opt().unwrap()).due.is_empty(), "kept to the end of its period");
        let due = review(&p, &facts, due_on).due;
        let ids: Vec<(&str, RecordKind, Rule)> = due.iter().map(|d| (d.id.as_str(), d.kind, d.rule)).collect();
        assert_eq!(ids, [("3", RecordKind::Incident, Rule::Incident), ("5", RecordKind::Incident, Rule::Incident)]);
        assert!(due[0].why.contains("recorded on 2 March 2026"), "{}", due[0].why);
        facts.requests[0].on_hold = true;
        let held = review(&p, &facts, due_on);
        assert_eq!(held.due.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(), ["5"]);
        assert_eq!(held.held, ["REQ-2026-0001"]);
    }

    #[test]
    fn the_oldest_audit_events_fall_due_as_one_prefix_that_stops_at_a_kept_request_or_a_young_event() {
        let p = policy();
        let event = |seq: u64, on: NaiveDate, request_kept: bool| AuditEventFacts { seq, on, request_kept };
        let old = day(2026, 11, 1);
        let audit =
            vec![event(4, old, false), event(5, old, false), event(6, day(2026, 11, 2), true), event(7, old, false)];
        let facts = Facts { audit, ..Facts::default() };
        let period_end = plus_years(old, p.audit_years);
        assert_eq!(period_end, day(2026 + p.audit_years as i32, 11, 1));
        let before = period_end.pred_opt().unwrap();
        assert!(review(&p, &facts, before).due.is_empty(), "kept to the end of its period");
        let due = review(&p, &facts, period_end).due;
        assert_eq!(due.len(), 1, "{due:?}");
        let d = &due[0];
        assert_eq!((d.kind, d.rule, d.id.as_str()), (RecordKind::AuditEvents, Rule::AuditEvents, "5"));
        assert!(d.why.starts_with("2 audit events from 1 November 2026 to 1 November 2026"), "{}", d.why);
        // Event 6 concerns a request still held: the prefix stops there however old it is.
        let years_later = plus_years(period_end, 20);
        assert_eq!(review(&p, &facts, years_later).due[0].id, "5");
        // A young event stops it too, and a chain that starts with one has nothing due.
        let young_first =
            Facts { audit: vec![event(1, day(2030, 1, 1), false), event(2, old, false)], ..Facts::default() };
        assert!(review(&p, &young_first, period_end).due.is_empty());
        assert!(review(&p, &Facts::default(), years_later).due.is_empty());
    }

    #[test]
    fn a_disposal_never_goes_by_a_clock_behind_the_trail_or_a_day_off_the_authority() {
        use chrono::{TimeDelta, TimeZone, Utc};
        let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
        assert_eq!(disposal_clock_problem(now, None, None), None);
        assert_eq!(disposal_clock_problem(now, Some(now), None), None, "an event at the same moment");
        let later = now + TimeDelta::seconds(1);
        assert_eq!(
            disposal_clock_problem(now, Some(later), None),
            Some(DisposalClockProblem::BehindTheAuditTrail { latest: later })
        );
        let within = now - DISPOSAL_CLOCK_TOLERANCE;
        assert_eq!(disposal_clock_problem(now, Some(within), Some(within)), None, "a day off exactly is allowed");
        let off = now + DISPOSAL_CLOCK_TOLERANCE + TimeDelta::seconds(1);
        assert_eq!(
            disposal_clock_problem(now, None, Some(off)),
            Some(DisposalClockProblem::OffTheAuthority { stamped: off })
        );
    }
}
