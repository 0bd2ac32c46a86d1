//! Sanctioned accounts, and authorisations: RIPA directed surveillance and CHIS (in effect
//! once a justice of the peace approves them) and non-RIPA (the council's own process), with
//! their approval, reviews, renewals and cancellation.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use triangulate_core::validation::required_text;
use triangulate_core::{Actor, FieldError, NewAuditEvent, Policy};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AccountRecord {
    pub id: i64,
    pub platform: String,
    pub handle: String,
    pub identifiable_as_council: bool,
    pub created_at: String,
}

pub use triangulate_core::authorisation::AuthorisationKind;

/// An authorisation as typed.
pub struct AuthorisationInput<'a> {
    pub request: &'a str,
    pub kind: &'a str,
    pub reference: &'a str,
    pub officer: &'a str,
    pub granted: &'a str,
    pub review: Option<&'a str>,
    pub expires: Option<&'a str>,
    /// The subject number within the request, for directed surveillance and non-RIPA.
    pub person: Option<usize>,
    pub account: Option<i64>,
    /// The day a justice of the peace approved it (RIPA kinds only).
    pub approved: Option<&'a str>,
    /// Granted under the urgency procedure.
    pub urgent: bool,
    /// Confidential or legally privileged material is likely to be obtained.
    pub confidential_likely: bool,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AuthorisationRecord {
    pub id: i64,
    pub request: String,
    pub kind: AuthorisationKind,
    pub reference: String,
    pub officer: String,
    pub granted: NaiveDate,
    pub review_due: Option<NaiveDate>,
    pub expires: NaiveDate,
    pub person_id: Option<i64>,
    pub account_id: Option<i64>,
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
    pub renewals: Vec<Renewal>,
    /// The day a justice of the peace approved it, and who recorded it.
    pub approved: Option<NaiveDate>,
    pub approved_by: Option<String>,
    pub reviews: Vec<AuthorisationReview>,
    pub urgent: bool,
    pub confidential_likely: bool,
}

impl AuthorisationRecord {
    /// Its dates, as the core's rules read them.
    pub fn timeline(&self) -> triangulate_core::authorisation::Timeline {
        triangulate_core::authorisation::Timeline {
            kind: self.kind,
            granted: self.granted,
            approved: self.approved,
            review_due: self.review_due,
            expires: self.expires,
            cancelled_on: self
                .cancelled_at
                .as_deref()
                .map(|at| triangulate_core::local_time::uk_date(crate::sessions::stored_time(at))),
        }
    }
}

/// A review: its outcome, by whom, on which day, and the next review's date.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct AuthorisationReview {
    pub by: String,
    pub outcome: String,
    pub reviewed_on: NaiveDate,
    pub recorded_at: String,
    pub next_review: Option<NaiveDate>,
}

/// A renewal: the expiry moved later by the authorising officer's decision.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Renewal {
    pub by: String,
    pub recorded_at: String,
    pub previous_expiry: NaiveDate,
    pub expires: NaiveDate,
    pub review_due: Option<NaiveDate>,
}

fn date(errors: &mut Vec<FieldError>, field: &str, label: &str, text: &str) -> Option<NaiveDate> {
    if text.trim().is_empty() {
        errors.push(FieldError::new(field, format!("Enter {}", label.to_lowercase())));
        return None;
    }
    triangulate_core::validation::iso_date(errors, field, label, text)
}

impl Store {
    pub fn add_account(
        &mut self,
        platform: &str,
        handle: &str,
        identifiable: Option<bool>,
        now: DateTime<Utc>,
    ) -> Result<AccountRecord> {
        let mut errors = Vec::new();
        let platform = required_text(&mut errors, "platform", "the platform", platform, 50).to_lowercase();
        let handle = required_text(&mut errors, "handle", "the account's handle", handle, 200);
        if identifiable.is_none() {
            errors.push(FieldError::new(
                "identifiable_as_council",
                "Select whether the account can be identified as the council's",
            ));
        }
        let Some(identifiable) = identifiable.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Fields(errors));
        };
        let actor = Actor::Worker(self.recorder()?);
        let existing: Option<i64> = self
            .conn
            .query_row("SELECT id FROM accounts WHERE platform = ?1 AND handle = ?2", [&platform, &handle], |r| {
                r.get(0)
            })
            .optional()?;
        if let Some(id) = existing {
            return Err(StoreError::Refused(format!(
                "{platform} account {handle} is already registered as account {id}"
            )));
        }
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO accounts (platform, handle, identifiable, created_at) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![platform, handle, identifiable, stamp(now)],
            )?;
            let record = AccountRecord {
                id: tx.last_insert_rowid(),
                platform: platform.clone(),
                handle: handle.clone(),
                identifiable_as_council: identifiable,
                created_at: stamp(now),
            };
            let event = NewAuditEvent::of_change(actor, "account.add", vec![format!("account:{}", record.id)], &record);
            Ok((record, event))
        })
    }

    pub fn accounts(&self) -> Result<Vec<AccountRecord>> {
        let mut statement =
            self.conn.prepare("SELECT id, platform, handle, identifiable, created_at FROM accounts ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok(AccountRecord {
                id: row.get(0)?,
                platform: row.get(1)?,
                handle: row.get(2)?,
                identifiable_as_council: row.get(3)?,
                created_at: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn account(&self, id: i64) -> Result<AccountRecord> {
        self.accounts()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| StoreError::NotFound { what: "sanctioned account", id: id.to_string() })
    }

    /// Records a directed-surveillance or CHIS authorisation; review and expiry default from
    /// the policy's terms.
    pub fn add_authorisation(
        &mut self,
        input: &AuthorisationInput,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<AuthorisationRecord> {
        let request = self.request(input.request)?;
        let actor = Actor::Worker(self.recorder()?);
        let mut errors = Vec::new();
        let kind = AuthorisationKind::parse(input.kind);
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "Select the kind: directed surveillance, a covert human intelligence source (CHIS), or non-RIPA",
            ));
        }
        let reference =
            required_text(&mut errors, "reference", "the authorisation's reference (URN)", input.reference, 100);
        let officer = required_text(&mut errors, "officer", "the authorising officer", input.officer, 200);
        let granted = date(&mut errors, "granted", "The date granted", input.granted);
        let expires = match (input.expires, granted) {
            (Some(text), _) => date(&mut errors, "expires", "The expiry date", text),
            (None, Some(g)) => g.checked_add_months(Months::new(policy.authorisation.term_months)),
            (None, None) => None,
        };
        let review = match (input.review, granted) {
            (Some(text), _) => date(&mut errors, "review", "The review date", text),
            (None, Some(g)) => g.checked_add_days(chrono::Days::new(policy.authorisation.review_interval_days.into())),
            (None, None) => None,
        };
        if let (Some(g), Some(e)) = (granted, expires)
            && e <= g
        {
            errors.push(FieldError::new("expires", "The expiry date must be after the date granted"));
        }
        if let (Some(g), Some(r), Some(e)) = (granted, review, expires)
            && (r < g || r > e)
        {
            errors.push(FieldError::new(
                "review",
                "The review date must be between the date granted and the expiry date",
            ));
        }
        let today = triangulate_core::local_time::uk_date(now);
        let approved = match (input.approved, kind) {
            (Some(_), Some(AuthorisationKind::NonRipa)) => {
                errors.push(FieldError::new(
                    "approved",
                    "A non-RIPA authorisation has no magistrate's approval: leave the date approved out",
                ));
                None
            }
            (Some(text), _) => approval_date(&mut errors, text, granted, today),
            (None, _) => None,
        };
        let mut person_id = None;
        let mut account_id = None;
        match kind {
            Some(AuthorisationKind::DirectedSurveillance | AuthorisationKind::NonRipa) => match input.person {
                None => errors.push(FieldError::new("person", "Select which person named in the request it covers")),
                Some(n) => match request.subjects.iter().find(|s| s.subject == n) {
                    Some(link) if link.person_id.is_some() => person_id = link.person_id,
                    Some(_) => errors.push(FieldError::new(
                        "person",
                        format!(
                            "Subject {n} is an unnamed suspect: a {} needs a named person",
                            kind.map_or("", |k| k.words())
                        ),
                    )),
                    None => errors
                        .push(FieldError::new("person", format!("Request {} has no subject {n}", request.reference))),
                },
            },
            Some(AuthorisationKind::Chis) => match input.account {
                None => errors.push(FieldError::new("account", "Select which sanctioned account it covers")),
                Some(id) => match self.account(id) {
                    Ok(account) => account_id = Some(account.id),
                    Err(_) => errors.push(FieldError::new("account", format!("There is no sanctioned account {id}"))),
                },
            },
            None => {}
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let (kind, granted, expires) = (kind.expect("checked"), granted.expect("checked"), expires.expect("checked"));
        let recorder_name = self.worker_profile()?.map(|w| w.name).unwrap_or_default();
        let taken: Option<i64> = self
            .conn
            .query_row("SELECT id FROM authorisations WHERE reference = ?1", [&reference], |r| r.get(0))
            .optional()?;
        if taken.is_some() {
            return Err(StoreError::Refused(format!(
                "an authorisation with reference {reference} is already recorded"
            )));
        }
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO authorisations (request_id, kind, reference, officer, granted, review_due, expires, person_id,
                     account_id, created_at, approved, approved_by, urgent, confidential_likely)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                rusqlite::params![
                    request.id, kind.as_str(), reference, officer, granted.to_string(),
                    review.map(|r| r.to_string()), expires.to_string(), person_id, account_id, stamp(now),
                    approved.map(|a| a.to_string()), approved.map(|_| recorder_name.clone()),
                    input.urgent, input.confidential_likely
                ],
            )?;
            let record = AuthorisationRecord {
                id: tx.last_insert_rowid(),
                request: request.reference.clone(),
                kind,
                reference: reference.clone(),
                officer: officer.clone(),
                granted,
                review_due: review,
                expires,
                person_id,
                account_id,
                cancelled_at: None,
                cancelled_by: None,
                cancel_reason: None,
                renewals: Vec::new(),
                approved,
                approved_by: approved.map(|_| recorder_name.clone()),
                reviews: Vec::new(),
                urgent: input.urgent,
                confidential_likely: input.confidential_likely,
            };
            let event = NewAuditEvent::of_change(
                actor,
                "authorisation.add",
                vec![format!("authorisation:{}", record.id), format!("request:{}", request.reference)],
                &record,
            );
            Ok((record, event))
        })
    }

    /// Cancels an authorisation, with who decided and why.
    pub fn cancel_authorisation(
        &mut self,
        reference: &str,
        by: &str,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<AuthorisationRecord> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who cancelled it", by, 200);
        let reason = triangulate_core::validation::required_paragraphs(
            &mut errors,
            "reason",
            "why it is cancelled",
            reason,
            2000,
        );
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let actor = Actor::Worker(self.recorder()?);
        let current = self.authorisation(reference)?;
        if let Some(at) = &current.cancelled_at {
            return Err(StoreError::Refused(format!(
                "authorisation {} was already cancelled at {at}",
                current.reference
            )));
        }
        self.write(now, |tx| {
            tx.execute(
                "UPDATE authorisations SET cancelled_at = ?1, cancelled_by = ?2, cancel_reason = ?3 WHERE id = ?4",
                rusqlite::params![stamp(now), by, reason, current.id],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "authorisation.cancel",
                vec![format!("authorisation:{}", current.id)],
                &(&current.reference, &by, &reason, stamp(now)),
            );
            Ok(((), event))
        })?;
        self.authorisation(&current.reference)
    }

    /// Renews an authorisation in force: a later expiry (and review date), recorded with
    /// who renewed it; the earlier terms stay in its renewals.
    pub fn renew_authorisation(
        &mut self,
        reference: &str,
        by: &str,
        expires: &str,
        review: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<AuthorisationRecord> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who renewed it", by, 200);
        let expires = date(&mut errors, "expires", "The new expiry date", expires);
        let review = review.and_then(|r| date(&mut errors, "review", "The review date", r));
        let current = self.authorisation(reference)?;
        if let Some(e) = expires
            && e <= current.expires
        {
            errors.push(FieldError::new(
                "expires",
                format!("The new expiry date must be after the current one, {}", current.expires),
            ));
        }
        if let (Some(r), Some(e)) = (review, expires)
            && (r < current.granted || r > e)
        {
            errors.push(FieldError::new(
                "review",
                "The review date must be between the date granted and the new expiry date",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if current.cancelled_at.is_some() {
            return Err(StoreError::Refused(format!(
                "authorisation {} is cancelled and cannot be renewed",
                current.reference
            )));
        }
        let actor = Actor::Worker(self.recorder()?);
        let expires = expires.expect("checked");
        let mut renewals = current.renewals.clone();
        renewals.push(Renewal {
            by,
            recorded_at: stamp(now),
            previous_expiry: current.expires,
            expires,
            review_due: review,
        });
        self.write(now, |tx| {
            tx.execute(
                "UPDATE authorisations SET expires = ?1, review_due = COALESCE(?2, review_due), renewals = ?3 WHERE id = ?4",
                rusqlite::params![
                    expires.to_string(),
                    review.map(|r| r.to_string()),
                    serde_json::to_string(&renewals).expect("serialises"),
                    current.id
                ],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "authorisation.renew",
                vec![format!("authorisation:{}", current.id)],
                &renewals.last(),
            );
            Ok(((), event))
        })?;
        self.authorisation(&current.reference)
    }

    /// Records a justice of the peace's approval of a RIPA authorisation: from that day it is
    /// in force (RIPA section 32A).
    pub fn approve_authorisation(
        &mut self,
        reference: &str,
        approved: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<AuthorisationRecord> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who records the approval", by, 200);
        let current = self.authorisation(reference)?;
        let today = triangulate_core::local_time::uk_date(now);
        let approved = approval_date(&mut errors, approved, Some(current.granted), today);
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if !current.kind.needs_approval() {
            return Err(StoreError::Refused(format!(
                "authorisation {} is non-RIPA: it needs no magistrate's approval",
                current.reference
            )));
        }
        if let Some(already) = current.approved {
            return Err(StoreError::Refused(format!(
                "authorisation {} was already approved on {already}",
                current.reference
            )));
        }
        if current.cancelled_at.is_some() {
            return Err(StoreError::Refused(format!("authorisation {} is cancelled", current.reference)));
        }
        let approved = approved.expect("checked");
        let actor = Actor::Worker(self.recorder()?);
        self.write(now, |tx| {
            tx.execute(
                "UPDATE authorisations SET approved = ?1, approved_by = ?2 WHERE id = ?3",
                rusqlite::params![approved.to_string(), by, current.id],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "authorisation.approve",
                vec![format!("authorisation:{}", current.id)],
                &(&current.reference, approved, &by),
            );
            Ok(((), event))
        })?;
        self.authorisation(&current.reference)
    }

    /// Records a review of an authorisation still running: its outcome, by whom, and the next
    /// review's date (`next`, or the policy's interval from today, never past the expiry).
    pub fn review_authorisation(
        &mut self,
        reference: &str,
        by: &str,
        outcome: &str,
        next: Option<&str>,
        policy: &Policy,
        now: DateTime<Utc>,
    ) -> Result<AuthorisationRecord> {
        let mut errors = Vec::new();
        let by = required_text(&mut errors, "by", "who reviewed it", by, 200);
        let outcome = triangulate_core::validation::required_paragraphs(
            &mut errors,
            "outcome",
            "the review's outcome",
            outcome,
            2000,
        );
        let next = next.and_then(|n| date(&mut errors, "next", "The next review's date", n));
        let current = self.authorisation(reference)?;
        let today = triangulate_core::local_time::uk_date(now);
        if let Some(n) = next
            && (n <= today || n > current.expires)
        {
            errors.push(FieldError::new(
                "next",
                format!("The next review's date must be after today and no later than the expiry, {}", current.expires),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if current.cancelled_at.is_some() || current.expires < today {
            return Err(StoreError::Refused(format!(
                "authorisation {} is no longer running (cancelled or expired): there is nothing to review",
                current.reference
            )));
        }
        let next = next.or_else(|| {
            today
                .checked_add_days(chrono::Days::new(policy.authorisation.review_interval_days.into()))
                .map(|n| n.min(current.expires))
        });
        let actor = Actor::Worker(self.recorder()?);
        let mut reviews = current.reviews.clone();
        reviews.push(AuthorisationReview {
            by,
            outcome,
            reviewed_on: today,
            recorded_at: stamp(now),
            next_review: next,
        });
        self.write(now, |tx| {
            tx.execute(
                "UPDATE authorisations SET reviews = ?1, review_due = ?2 WHERE id = ?3",
                rusqlite::params![
                    serde_json::to_string(&reviews).expect("serialises"),
                    next.map(|n| n.to_string()),
                    current.id
                ],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "authorisation.review",
                vec![format!("authorisation:{}", current.id)],
                &reviews.last(),
            );
            Ok(((), event))
        })?;
        self.authorisation(&current.reference)
    }

    /// Records that the central record of authorisations was exported: how many rows and the
    /// file's SHA-256 (the subjects' names left the encrypted store in it).
    pub fn record_central_record_export(&mut self, rows: usize, sha256: &str, now: DateTime<Utc>) -> Result<()> {
        let actor = Actor::Worker(self.recorder()?);
        self.write(now, |_| {
            let event = NewAuditEvent::of_change(
                actor,
                "authorisation.central_record",
                vec![format!("central-record:{sha256}")],
                &(rows, sha256),
            );
            Ok(((), event))
        })
    }

    /// One authorisation by its reference (URN).
    pub fn authorisation(&self, reference: &str) -> Result<AuthorisationRecord> {
        self.authorisations()?
            .into_iter()
            .find(|a| a.reference == reference.trim())
            .ok_or_else(|| StoreError::NotFound { what: "authorisation", id: reference.trim().to_string() })
    }

    pub fn authorisations(&self) -> Result<Vec<AuthorisationRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT a.id, r.reference, a.kind, a.reference, a.officer, a.granted, a.review_due, a.expires, a.person_id,
                    a.account_id, a.cancelled_at, a.cancelled_by, a.renewals, a.approved, a.approved_by, a.reviews,
                    a.cancel_reason, a.urgent, a.confidential_likely
             FROM authorisations a JOIN requests r ON r.id = a.request_id ORDER BY a.id",
        )?;
        let parse = |text: String| NaiveDate::parse_from_str(&text, "%Y-%m-%d").unwrap_or_default();
        let rows = statement.query_map([], |row| {
            let kind: String = row.get(2)?;
            Ok(AuthorisationRecord {
                id: row.get(0)?,
                request: row.get(1)?,
                kind: AuthorisationKind::parse(&kind).unwrap_or(AuthorisationKind::DirectedSurveillance),
                reference: row.get(3)?,
                officer: row.get(4)?,
                granted: parse(row.get(5)?),
                review_due: row.get::<_, Option<String>>(6)?.map(parse),
                expires: parse(row.get(7)?),
                person_id: row.get(8)?,
                account_id: row.get(9)?,
                cancelled_at: row.get(10)?,
                cancelled_by: row.get(11)?,
                renewals: serde_json::from_str(&row.get::<_, String>(12)?).unwrap_or_default(),
                approved: row.get::<_, Option<String>>(13)?.map(parse),
                approved_by: row.get(14)?,
                reviews: serde_json::from_str(&row.get::<_, String>(15)?).unwrap_or_default(),
                cancel_reason: row.get(16)?,
                urgent: row.get(17)?,
                confidential_likely: row.get(18)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A magistrate's approval date: a date, not before the grant, not after today.
fn approval_date(
    errors: &mut Vec<FieldError>,
    text: &str,
    granted: Option<NaiveDate>,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let approved = date(errors, "approved", "The date approved", text)?;
    if granted.is_some_and(|g| approved < g) {
        errors.push(FieldError::new("approved", "The date approved must be on or after the date granted"));
        return None;
    }
    if approved > today {
        errors.push(FieldError::new("approved", "The date approved cannot be after today"));
        return None;
    }
    Some(approved)
}
