//! An authorisation's life: granted, approved by a justice of the peace where RIPA asks for it
//! (section 32A: a local authority's directed surveillance and CHIS authorisations take effect
//! only once approved), reviewed, renewed, expired or cancelled — and so its state on a given
//! day, and whether it allows anything then. Pure: the dates and today come in.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of authorisation it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuthorisationKind {
    /// RIPA directed surveillance of a named person; needs a magistrate's approval.
    DirectedSurveillance,
    /// RIPA covert human intelligence source: a sanctioned account not identifiable as the
    /// council's; needs a magistrate's approval.
    Chis,
    /// Surveillance below RIPA's crime threshold (most child-protection checks), authorised
    /// under the council's own process: the same term, reviews and cancellation, no magistrate.
    NonRipa,
}

impl AuthorisationKind {
    /// As stored and as the JSON gives it.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorisationKind::DirectedSurveillance => "directed_surveillance",
            AuthorisationKind::Chis => "chis",
            AuthorisationKind::NonRipa => "non_ripa",
        }
    }

    /// As the command line takes it (`--kind`).
    pub fn flag(self) -> &'static str {
        match self {
            AuthorisationKind::DirectedSurveillance => "directed-surveillance",
            AuthorisationKind::Chis => "chis",
            AuthorisationKind::NonRipa => "non-ripa",
        }
    }

    /// From the command line's or the store's spelling.
    pub fn parse(text: &str) -> Option<AuthorisationKind> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "directed-surveillance" => Some(AuthorisationKind::DirectedSurveillance),
            "chis" => Some(AuthorisationKind::Chis),
            "non-ripa" => Some(AuthorisationKind::NonRipa),
            _ => None,
        }
    }

    /// In words, for sentences: "directed surveillance authorisation URN-1".
    pub fn words(self) -> &'static str {
        match self {
            AuthorisationKind::DirectedSurveillance => "directed surveillance authorisation",
            AuthorisationKind::Chis => "CHIS authorisation",
            AuthorisationKind::NonRipa => "non-RIPA authorisation",
        }
    }

    /// Whether it takes effect only once a justice of the peace approves it.
    pub fn needs_approval(self) -> bool {
        !matches!(self, AuthorisationKind::NonRipa)
    }

    /// Whether it covers a named person (directed surveillance and non-RIPA) rather than an
    /// account (CHIS).
    pub fn covers_a_person(self) -> bool {
        !matches!(self, AuthorisationKind::Chis)
    }
}

/// Where an authorisation stands on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum AuthorisationState {
    /// Not yet in effect: a RIPA authorisation without a magistrate's approval (or approved,
    /// or granted, for a later day). It allows nothing.
    AwaitingApproval,
    InForce,
    /// In force, with its review within the notice period.
    ReviewDue,
    /// In force, with its review date passed and no review recorded since.
    ReviewOverdue,
    /// Past its expiry and not cancelled: it should be cancelled (or should have been renewed).
    Expired,
    Cancelled,
}

impl AuthorisationState {
    /// Whether it allows what it authorises: in force, whatever its review.
    pub fn allows(self) -> bool {
        matches!(self, AuthorisationState::InForce | AuthorisationState::ReviewDue | AuthorisationState::ReviewOverdue)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AuthorisationState::AwaitingApproval => "awaiting_approval",
            AuthorisationState::InForce => "in_force",
            AuthorisationState::ReviewDue => "review_due",
            AuthorisationState::ReviewOverdue => "review_overdue",
            AuthorisationState::Expired => "expired",
            AuthorisationState::Cancelled => "cancelled",
        }
    }

    /// In words, for a screen.
    pub fn label(self) -> &'static str {
        match self {
            AuthorisationState::AwaitingApproval => "Awaiting approval",
            AuthorisationState::InForce => "In force",
            AuthorisationState::ReviewDue => "Review due",
            AuthorisationState::ReviewOverdue => "Review overdue",
            AuthorisationState::Expired => "Expired",
            AuthorisationState::Cancelled => "Cancelled",
        }
    }
}

/// An authorisation's dates, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timeline {
    pub kind: AuthorisationKind,
    pub granted: NaiveDate,
    /// The day a justice of the peace approved it.
    pub approved: Option<NaiveDate>,
    /// The next review's date.
    pub review_due: Option<NaiveDate>,
    /// The last day it is in force.
    pub expires: NaiveDate,
    /// The UK day it was cancelled: not in force from that day.
    pub cancelled_on: Option<NaiveDate>,
}

impl Timeline {
    /// Its state on `today`; a review within `notice_days` is due.
    pub fn state(&self, today: NaiveDate, notice_days: u32) -> AuthorisationState {
        use AuthorisationState as S;
        if self.cancelled_on.is_some_and(|c| c <= today) {
            return S::Cancelled;
        }
        if self.expires < today {
            return S::Expired;
        }
        let approved = !self.kind.needs_approval() || self.approved.is_some_and(|a| a <= today);
        if !approved || self.granted > today {
            return S::AwaitingApproval;
        }
        match self.review_due {
            Some(review) if review < today => S::ReviewOverdue,
            Some(review) if review <= today + chrono::Days::new(u64::from(notice_days)) => S::ReviewDue,
            _ => S::InForce,
        }
    }

    /// Whether it allows what it authorises on `today`.
    pub fn in_force(&self, today: NaiveDate) -> bool {
        self.state(today, 0).allows()
    }

    /// Why it allows nothing on `today`, as the request page and the session's guard say it
    /// ("the directed surveillance authorisation URN-2026-19 is not in force: it awaits a
    /// magistrate's approval"), or `None` when it is in force.
    pub fn not_in_force_words(&self, reference: &str, today: NaiveDate) -> Option<String> {
        let long = crate::local_time::long_date;
        let why = match self.state(today, 0) {
            AuthorisationState::Cancelled => {
                format!("it was cancelled on {}", long(self.cancelled_on.unwrap_or(today)))
            }
            AuthorisationState::Expired => format!("it expired on {}", long(self.expires)),
            AuthorisationState::AwaitingApproval if self.granted > today => {
                format!("it starts on {}", long(self.granted))
            }
            AuthorisationState::AwaitingApproval => match self.approved {
                Some(approved) => format!("it is approved from {}", long(approved)),
                None => "it awaits a magistrate's approval".to_string(),
            },
            _ => return None,
        };
        Some(format!("the {} {reference} is not in force: {why}", self.kind.words()))
    }

    /// Why it allows nothing on `today`, in words, or `None` when it is in force.
    pub fn why_not_in_force(&self, reference: &str, today: NaiveDate) -> Option<String> {
        let what = format!("{} {reference}", self.kind.words());
        let long = crate::local_time::long_date;
        match self.state(today, 0) {
            AuthorisationState::Cancelled => {
                Some(format!("{what} was cancelled on {}", long(self.cancelled_on.unwrap_or(today))))
            }
            AuthorisationState::Expired => Some(format!("{what} expired on {}", long(self.expires))),
            AuthorisationState::AwaitingApproval if self.granted > today => {
                Some(format!("{what} does not start until {}", long(self.granted)))
            }
            AuthorisationState::AwaitingApproval => match self.approved {
                Some(approved) => Some(format!("{what} is approved from {}", long(approved))),
                None => Some(format!(
                    "{what} has no magistrate's approval recorded, and takes effect only once a justice of the peace approves it"
                )),
            },
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AuthorisationState as S;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn why_an_authorisation_is_not_in_force_is_said_in_one_sentence() {
        let awaiting = Timeline { approved: None, ..ripa() };
        assert_eq!(
            awaiting.not_in_force_words("URN-2026-19", day(11, 20)).unwrap(),
            "the directed surveillance authorisation URN-2026-19 is not in force: it awaits a magistrate's approval"
        );
        assert_eq!(ripa().not_in_force_words("URN-1", day(11, 20)), None);
        assert!(
            ripa()
                .not_in_force_words("URN-1", day(12, 31) + chrono::Days::new(1))
                .unwrap()
                .ends_with("it expired on 31 December 2026")
        );
    }

    fn ripa() -> Timeline {
        Timeline {
            kind: AuthorisationKind::DirectedSurveillance,
            granted: day(11, 2),
            approved: Some(day(11, 5)),
            review_due: Some(day(11, 30)),
            expires: day(12, 31),
            cancelled_on: None,
        }
    }

    #[test]
    fn each_state_at_its_boundary_days() {
        let t = ripa();
        // Granted on 2 November, approved on 5 November: awaiting until the 4th.
        assert_eq!(t.state(day(11, 1), 7), S::AwaitingApproval, "before it is granted");
        assert_eq!(t.state(day(11, 4), 7), S::AwaitingApproval, "the day before its approval");
        assert_eq!(t.state(day(11, 5), 7), S::InForce, "the day it is approved");
        // Review on 30 November with 7 days' notice: due from the 23rd, overdue from 1 December.
        assert_eq!(t.state(day(11, 22), 7), S::InForce);
        assert_eq!(t.state(day(11, 23), 7), S::ReviewDue);
        assert_eq!(t.state(day(11, 30), 7), S::ReviewDue, "on the review day itself");
        assert_eq!(t.state(day(12, 1), 7), S::ReviewOverdue);
        // In force to its expiry day, both included; expired the day after.
        assert_eq!(t.state(day(12, 31), 7), S::ReviewOverdue);
        assert_eq!(t.state(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(), 7), S::Expired);
        // Cancelled from the day of its cancellation, before or after expiry.
        let cancelled = Timeline { cancelled_on: Some(day(11, 10)), ..t.clone() };
        assert_eq!(cancelled.state(day(11, 9), 7), S::InForce);
        assert_eq!(cancelled.state(day(11, 10), 7), S::Cancelled);
        assert_eq!(cancelled.state(NaiveDate::from_ymd_opt(2027, 2, 1).unwrap(), 7), S::Cancelled);
    }

    #[test]
    fn a_ripa_authorisation_without_approval_allows_nothing_and_a_non_ripa_one_needs_none() {
        let unapproved = Timeline { approved: None, ..ripa() };
        assert_eq!(unapproved.state(day(12, 1), 7), S::AwaitingApproval);
        assert!(!unapproved.in_force(day(12, 1)));
        let why = unapproved.why_not_in_force("URN-1", day(12, 1)).unwrap();
        assert!(why.contains("no magistrate's approval"), "{why}");
        let chis = Timeline { kind: AuthorisationKind::Chis, ..unapproved.clone() };
        assert!(!chis.in_force(day(12, 1)));
        let internal = Timeline { kind: AuthorisationKind::NonRipa, ..unapproved };
        assert_eq!(internal.state(day(11, 2), 7), S::InForce, "from the day it is granted");
        assert!(internal.in_force(day(12, 31)));
        assert!(!internal.in_force(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
        assert!(ripa().why_not_in_force("URN-1", day(11, 6)).is_none());
    }

    #[test]
    fn only_states_in_force_allow_and_kinds_read_back() {
        let allowing: Vec<S> =
            [S::AwaitingApproval, S::InForce, S::ReviewDue, S::ReviewOverdue, S::Expired, S::Cancelled]
                .into_iter()
                .filter(|s| s.allows())
                .collect();
        assert_eq!(allowing, [S::InForce, S::ReviewDue, S::ReviewOverdue]);
        for kind in [AuthorisationKind::DirectedSurveillance, AuthorisationKind::Chis, AuthorisationKind::NonRipa] {
            assert_eq!(AuthorisationKind::parse(kind.flag()), Some(kind));
            assert_eq!(AuthorisationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(AuthorisationKind::parse("surveillance"), None);
    }
}
