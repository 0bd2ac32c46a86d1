//! Home: the requests grouped by whom they wait for, what waits for the person using the app
//! (by their role), and what falls due — authorisation reviews and expiries within the
//! policy's notice period or overdue, requests idle too long, logs waiting for the social
//! worker's assessment. Pure: the records and today's date come in.

use chrono::NaiveDate;
use serde::Serialize;
use ts_rs::TS;

use crate::local_time::long_date;
use crate::workflow::RequestState;
use DueKind::{AuthorisationApproval, AuthorisationExpiry, AuthorisationReview, Idle, LogAssessment};

/// The groups of Home, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HomeGroup {
    /// Drafts and requests referred back: the originating social worker's to submit.
    SocialWorker,
    TeamManager,
    ServiceDirector,
    AccessWorker,
    InProgress,
    Assessment,
    Finalised,
    Closed,
}

pub const HOME_GROUPS: [HomeGroup; 8] = [
    HomeGroup::SocialWorker,
    HomeGroup::TeamManager,
    HomeGroup::ServiceDirector,
    HomeGroup::AccessWorker,
    HomeGroup::InProgress,
    HomeGroup::Assessment,
    HomeGroup::Finalised,
    HomeGroup::Closed,
];

impl HomeGroup {
    pub fn of(state: RequestState) -> HomeGroup {
        use RequestState as S;
        match state {
            S::Draft | S::ReferredBack => HomeGroup::SocialWorker,
            S::Submitted => HomeGroup::TeamManager,
            S::Agreed | S::DoubtsRaised => HomeGroup::ServiceDirector,
            S::Permitted | S::LegitimacyConfirmed => HomeGroup::AccessWorker,
            S::InProgress => HomeGroup::InProgress,
            S::LogCompleted => HomeGroup::Assessment,
            S::Finalised | S::Shared => HomeGroup::Finalised,
            S::Closed | S::Refused | S::Withdrawn => HomeGroup::Closed,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            HomeGroup::SocialWorker => "Waiting for the originating social worker to submit",
            HomeGroup::TeamManager => "Waiting for the team manager",
            HomeGroup::ServiceDirector => {
                "Waiting for the service director (or the service manager, where doubts were raised)"
            }
            HomeGroup::AccessWorker => "Waiting for the Authorised Access Worker",
            HomeGroup::InProgress => "In progress",
            HomeGroup::Assessment => "Waiting for the originating social worker's assessment",
            HomeGroup::Finalised => "Finalised",
            HomeGroup::Closed => "Closed, refused or withdrawn",
        }
    }
}

/// Why something is on the "Due" panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// A RIPA authorisation without a magistrate's approval: it allows nothing yet.
    AuthorisationApproval,
    AuthorisationReview,
    AuthorisationExpiry,
    Idle,
    LogAssessment,
    /// The originating social worker's feedback on a finalised check.
    Feedback,
    /// The longer-term usefulness of a check's information, some months after finalisation.
    Recheck,
}

/// One thing due or overdue, in words, with the request it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DueItem {
    pub kind: DueKind,
    pub request: String,
    pub overdue: bool,
    /// The date it falls due, when there is one.
    pub date: Option<NaiveDate>,
    pub text: String,
}

/// An authorisation as Home needs it.
pub struct AuthorisationDates<'a> {
    pub request: &'a str,
    pub reference: &'a str,
    pub review_due: Option<NaiveDate>,
    pub expires: NaiveDate,
    pub cancelled: bool,
    /// A RIPA authorisation with no magistrate's approval recorded.
    pub awaiting_approval: bool,
}

/// A request as Home needs it: its state and the day of its last change (UK date).
pub struct RequestActivity<'a> {
    pub reference: &'a str,
    pub state: RequestState,
    pub last_change: NaiveDate,
}

/// What falls due: reviews and expiries within `notice_days` of today or past; open
/// requests with no change for more than `idle_days`; logs waiting for the assessment.
/// Overdue first, then by date.
pub fn due(
    authorisations: &[AuthorisationDates],
    requests: &[RequestActivity],
    today: NaiveDate,
    notice_days: u32,
    idle_days: u32,
) -> Vec<DueItem> {
    let horizon = today + chrono::Days::new(notice_days as u64);
    let mut items = Vec::new();
    for a in authorisations.iter().filter(|a| !a.cancelled) {
        if a.expires < today {
            items.push(DueItem {
                kind: AuthorisationExpiry,
                request: a.request.into(),
                overdue: true,
                date: Some(a.expires),
                text: format!(
                    "Authorisation {} expired on {} and is not cancelled: cancel or renew it",
                    a.reference,
                    long_date(a.expires)
                ),
            });
            continue;
        }
        if a.awaiting_approval {
            items.push(DueItem {
                kind: AuthorisationApproval,
                request: a.request.into(),
                overdue: false,
                date: None,
                text: format!(
                    "Authorisation {} awaits a magistrate's approval: it allows nothing until one is recorded",
                    a.reference
                ),
            });
        }
        if a.expires <= horizon {
            items.push(DueItem {
                kind: AuthorisationExpiry,
                request: a.request.into(),
                overdue: false,
                date: Some(a.expires),
                text: format!("Authorisation {} expires on {}", a.reference, long_date(a.expires)),
            });
        }
        if let Some(review) = a.review_due.filter(|r| *r <= horizon) {
            let overdue = review < today;
            let text = if overdue {
                format!("Review of authorisation {} was due on {}", a.reference, long_date(review))
            } else {
                format!("Review of authorisation {} is due on {}", a.reference, long_date(review))
            };
            items.push(DueItem {
                kind: AuthorisationReview,
                request: a.request.into(),
                overdue,
                date: Some(review),
                text,
            });
        }
    }
    for r in requests {
        let idle = (today - r.last_change).num_days();
        if r.state == RequestState::LogCompleted {
            items.push(DueItem {
                kind: LogAssessment,
                request: r.reference.into(),
                overdue: idle > idle_days as i64,
                date: None,
                text: format!(
                    "The log of {} waits for the social worker's assessment and finalisation ({})",
                    r.reference,
                    days(idle)
                ),
            });
        } else if r.state.is_open() && !matches!(r.state, RequestState::Draft) && idle > idle_days as i64 {
            items.push(DueItem {
                kind: Idle,
                request: r.reference.into(),
                overdue: true,
                date: None,
                text: format!("{} has had no change for {}", r.reference, days(idle)),
            });
        }
    }
    items.sort_by_key(|i| (!i.overdue, i.date.unwrap_or(NaiveDate::MAX)));
    items
}

/// "today", "1 day", "12 days".
pub fn days(n: i64) -> String {
    match n {
        i64::MIN..=0 => "since today".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[test]
    fn every_state_has_one_group() {
        use RequestState as S;
        for state in RequestState::ALL {
            assert!(HOME_GROUPS.contains(&HomeGroup::of(state)));
        }
        assert_eq!(HomeGroup::of(S::Submitted), HomeGroup::TeamManager);
        assert_eq!(HomeGroup::of(S::LogCompleted), HomeGroup::Assessment);
    }

    #[test]
    fn reviews_and_expiries_within_notice_or_past_are_due_overdue_first() {
        let auths = [
            AuthorisationDates {
                request: "REQ-1",
                reference: "URN-A",
                review_due: Some(day(20)),
                expires: day(30),
                cancelled: false,
                awaiting_approval: false,
            },
            AuthorisationDates {
                request: "REQ-2",
                reference: "URN-B",
                review_due: None,
                expires: day(10),
                cancelled: false,
                awaiting_approval: false,
            },
            AuthorisationDates {
                request: "REQ-3",
                reference: "URN-C",
                review_due: Some(day(1)),
                expires: day(2),
                cancelled: true,
                awaiting_approval: true,
            },
            AuthorisationDates {
                request: "REQ-4",
                reference: "URN-D",
                review_due: Some(day(29)),
                expires: NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(),
                cancelled: false,
                awaiting_approval: false,
            },
        ];
        let items = due(&auths, &[], day(23), 7, 14);
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Authorisation URN-B expired on 10 November 2026 and is not cancelled: cancel or renew it",
                "Review of authorisation URN-A was due on 20 November 2026",
                "Review of authorisation URN-D is due on 29 November 2026",
                "Authorisation URN-A expires on 30 November 2026",
            ]
        );
        assert_eq!(items.iter().map(|i| i.overdue).collect::<Vec<_>>(), [true, true, false, false]);
        assert!(due(&auths[3..], &[], day(23), 5, 14).is_empty(), "beyond the notice period");
        let unapproved = [AuthorisationDates { awaiting_approval: true, cancelled: false, ..auths[3] }];
        let items = due(&unapproved, &[], day(23), 5, 14);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].kind, DueKind::AuthorisationApproval);
        assert!(items[0].text.contains("awaits a magistrate's approval"), "{}", items[0].text);
    }

    #[test]
    fn idle_requests_and_logs_waiting_for_assessment_are_due() {
        let requests = [
            RequestActivity { reference: "REQ-1", state: RequestState::Submitted, last_change: day(1) },
            RequestActivity { reference: "REQ-2", state: RequestState::Submitted, last_change: day(20) },
            RequestActivity { reference: "REQ-3", state: RequestState::Closed, last_change: day(1) },
            RequestActivity { reference: "REQ-4", state: RequestState::LogCompleted, last_change: day(22) },
            RequestActivity { reference: "REQ-5", state: RequestState::Draft, last_change: day(1) },
        ];
        let items = due(&[], &requests, day(23), 7, 14);
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "REQ-1 has had no change for 22 days",
                "The log of REQ-4 waits for the social worker's assessment and finalisation (1 day)",
            ]
        );
        assert_eq!(items[1].kind, DueKind::LogAssessment);
        assert!(!items[1].overdue);
    }
}

/// The step of a request's state that makes a task on someone's list (refusals, referrals,
/// doubts and withdrawals are choices within a task, not tasks of their own).
pub fn task_step(state: RequestState) -> Option<crate::workflow::Step> {
    use crate::workflow::Step;
    use RequestState as S;
    Some(match state {
        S::Draft | S::ReferredBack => Step::Submit,
        S::Submitted => Step::Agree,
        S::Agreed => Step::Permit,
        S::Permitted => Step::ConfirmLegitimacy,
        S::DoubtsRaised => Step::Refuse,
        S::LegitimacyConfirmed => Step::StartAccess,
        S::InProgress => Step::CompleteLog,
        S::LogCompleted => Step::FinaliseLog,
        S::Finalised => Step::Share,
        S::Shared => Step::Close,
        S::Refused | S::Closed | S::Withdrawn => return None,
    })
}

/// A task on a person's list in words: "Run the access session for Zoë Łukasiewicz-Ó'Brien".
pub fn task_words(step: crate::workflow::Step, people: &[String]) -> String {
    use crate::workflow::Step;
    let person = match people {
        [] => "the people named".to_string(),
        [one] => one.trim().to_string(),
        [first, rest @ ..] => {
            format!("{} and {} other{}", first.trim(), rest.len(), if rest.len() == 1 { "" } else { "s" })
        }
    };
    match step {
        Step::Submit => format!("Submit the request for a check on {person}"),
        Step::Agree => format!("Decide on the request for a check on {person}: agree, refuse or refer it back"),
        Step::Permit => format!("Decide whether to permit the check on {person}"),
        Step::Refuse | Step::ReferBack => format!("Settle the doubts raised about the check on {person}"),
        Step::ConfirmLegitimacy | Step::RaiseDoubts => {
            format!("Confirm the check on {person} is legitimate, or raise doubts")
        }
        Step::StartAccess => format!("Run the access session for {person}"),
        Step::CompleteLog => format!("Complete the investigation log of the check on {person}"),
        Step::FinaliseLog => format!("Finalise the investigation log of the check on {person}"),
        Step::Share => format!("Share the finalised log of the check on {person}"),
        Step::Close => format!("Close the request for a check on {person}"),
        Step::Withdraw => format!("Withdraw the request for a check on {person}"),
    }
}

#[cfg(test)]
mod task_tests {
    use super::*;
    use crate::workflow::Step;

    #[test]
    fn each_open_state_is_someones_task_in_words() {
        let zoe = vec!["Zoë Łukasiewicz-Ó'Brien".to_string()];
        assert_eq!(task_step(RequestState::LegitimacyConfirmed), Some(Step::StartAccess));
        assert_eq!(task_words(Step::StartAccess, &zoe), "Run the access session for Zoë Łukasiewicz-Ó'Brien");
        let two = vec!["Anna".to_string(), "Piotr".to_string(), "Ola".to_string()];
        assert_eq!(task_words(Step::Permit, &two), "Decide whether to permit the check on Anna and 2 others");
        for state in RequestState::ALL {
            match task_step(state) {
                Some(step) => assert!(
                    crate::workflow::next_state(state, step).is_ok(),
                    "the task of {state} is a step the workflow allows"
                ),
                None => assert!(!state.is_open()),
            }
        }
    }
}
