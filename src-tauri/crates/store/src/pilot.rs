//! The pilot's evaluation in the store: the social worker's feedback after a check, the
//! six-month re-check, ratings of the authorisation process, the repeat-viewing warnings and
//! refusals met, and each request's figures read in a few set-wide queries.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::HashMap;
use triangulate_core::local_time::uk_date;
use triangulate_core::pilot::{FeedbackFigures, MAX_MINUTES, MAX_PIECES, PilotRecord, ProcessFigures, Rating};
use triangulate_core::validation::{optional_paragraphs, required_text};
use triangulate_core::{Actor, FieldError, NewAuditEvent};
use triangulate_evidence::sha256_hex;

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::stamp;
use crate::sessions::stored_time;

/// The feedback form as typed: numbers already read as numbers by the door.
#[derive(Clone, Copy)]
pub struct FeedbackInput<'a> {
    pub time_minutes: Option<u32>,
    pub useful: Option<u32>,
    pub unique: Option<u32>,
    pub rating: &'a str,
    pub comments: Option<&'a str>,
    pub by: &'a str,
}

/// What the pilot holds about one request, for its page and its forms.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PilotFeedback {
    pub finalised_on: Option<NaiveDate>,
    /// The access sessions' minutes, summed: what the time taken is prefilled with.
    pub session_minutes: u32,
    pub feedback: Option<FeedbackRecord>,
    pub recheck: Option<RecheckRecord>,
    pub process: Vec<ProcessRecord>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct FeedbackRecord {
    pub time_minutes: u32,
    pub useful: u32,
    pub unique: u32,
    pub rating: Rating,
    pub comments: Option<String>,
    pub given_by: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RecheckRecord {
    pub rating: Rating,
    pub comments: Option<String>,
    pub given_by: String,
    pub recorded_at: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ProcessRecord {
    pub ease: u8,
    pub effectiveness: u8,
    pub comments: Option<String>,
    pub given_by: String,
    pub recorded_at: String,
}

fn rating(errors: &mut Vec<FieldError>, text: &str) -> Option<Rating> {
    match text.parse::<Rating>() {
        Ok(r) => Some(r),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

fn count(errors: &mut Vec<FieldError>, field: &str, what: &str, value: Option<u32>, max: u32) -> Option<u32> {
    match value {
        None => {
            errors.push(FieldError::new(field, format!("Enter {what}")));
            None
        }
        Some(n) if n > max => {
            errors.push(FieldError::new(field, format!("{} must be {max} or fewer", capitalised(what))));
            None
        }
        Some(n) => Some(n),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().collect::<String>() + chars.as_str()).unwrap_or_default()
}

fn score(errors: &mut Vec<FieldError>, field: &str, what: &str, value: Option<u8>) -> Option<u8> {
    match value {
        Some(n @ 1..=5) => Some(n),
        _ => {
            errors.push(FieldError::new(field, format!("Rate {what} from 1 (poor) to 5 (very good)")));
            None
        }
    }
}

fn rating_of(text: String) -> Rating {
    text.parse().unwrap_or(Rating::Little)
}

fn day(stored: &str) -> NaiveDate {
    uk_date(stored_time(stored))
}

/// An access session's minutes, a part minute counted whole.
fn session_minutes(started: &str, ended: &str) -> u32 {
    let seconds = (stored_time(ended) - stored_time(started)).num_seconds().max(0);
    ((seconds + 59) / 60) as u32
}

impl Store {
    /// The request's id and the day its log was first finalised, if it was.
    fn finalised(&self, reference: &str) -> Result<(i64, String, Option<NaiveDate>)> {
        let id = self.request_id(reference)?;
        let finalised: Option<String> = self.conn.query_row(
            "SELECT MIN(finalised_at) FROM investigation_logs WHERE request_id = ?1 AND finalised_at IS NOT NULL",
            [id],
            |r| r.get(0),
        )?;
        Ok((id, reference.trim().to_string(), finalised.as_deref().map(day)))
    }

    fn session_minutes(&self, request_id: i64) -> Result<u32> {
        let mut statement = self.conn.prepare(
            "SELECT started_at, ended_at FROM access_sessions WHERE request_id = ?1 AND ended_at IS NOT NULL",
        )?;
        let rows = statement.query_map([request_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut minutes = 0;
        for row in rows {
            let (start, end) = row?;
            minutes += session_minutes(&start, &end);
        }
        Ok(minutes)
    }

    /// Records the originating social worker's feedback on a check whose log is finalised.
    pub fn give_feedback(
        &mut self,
        reference: &str,
        input: &FeedbackInput,
        now: DateTime<Utc>,
    ) -> Result<PilotFeedback> {
        let mut errors = Vec::new();
        let time = count(&mut errors, "time_minutes", "the time taken, in minutes", input.time_minutes, MAX_MINUTES);
        if time == Some(0) {
            errors.push(FieldError::new("time_minutes", "The time taken must be at least 1 minute"));
        }
        let useful = count(&mut errors, "useful", "how many useful pieces of information", input.useful, MAX_PIECES);
        let unique = count(&mut errors, "unique", "how many unique pieces of information", input.unique, MAX_PIECES);
        if let (Some(u), Some(q)) = (useful, unique)
            && q > u
        {
            errors.push(FieldError::new(
                "unique",
                format!("The unique pieces are some of the useful ones: no more than {u}"),
            ));
        }
        let rating = rating(&mut errors, input.rating);
        let comments = optional_paragraphs(&mut errors, "comments", "comments", input.comments, 5000);
        let by = required_text(&mut errors, "by", "who gave the feedback", input.by, 200);
        let (id, reference, finalised) = self.finalised(reference)?;
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if finalised.is_none() {
            return Err(StoreError::Refused(format!(
                "the log of {reference} is not finalised: feedback follows the social worker's assessment"
            )));
        }
        if self.pilot_feedback(&reference)?.feedback.is_some() {
            return Err(StoreError::Refused(format!("the feedback on {reference} is already recorded")));
        }
        let actor = Actor::Worker(self.recorder()?);
        let (time, useful, unique, rating) =
            (time.expect("checked"), useful.expect("checked"), unique.expect("checked"), rating.expect("checked"));
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO pilot_feedback (request_id, time_minutes, useful, unique_found, rating, comments, given_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![id, time, useful, unique, rating.as_str(), comments, by, stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "pilot.feedback",
                vec![format!("request:{reference}")],
                &(time, useful, unique, rating.as_str(), &comments, &by),
            );
            Ok(((), event))
        })?;
        self.pilot_feedback(&reference)
    }

    /// Records how useful the information proved in the longer term.
    pub fn give_recheck(
        &mut self,
        reference: &str,
        rating_text: &str,
        comments: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<PilotFeedback> {
        let mut errors = Vec::new();
        let rating = rating(&mut errors, rating_text);
        let comments = optional_paragraphs(&mut errors, "comments", "comments", comments, 5000);
        let by = required_text(&mut errors, "by", "who gave the rating", by, 200);
        let (id, reference, finalised) = self.finalised(reference)?;
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if finalised.is_none() {
            return Err(StoreError::Refused(format!(
                "the log of {reference} is not finalised: there is nothing to re-check"
            )));
        }
        if self.pilot_feedback(&reference)?.recheck.is_some() {
            return Err(StoreError::Refused(format!("the re-check of {reference} is already recorded")));
        }
        let actor = Actor::Worker(self.recorder()?);
        let rating = rating.expect("checked");
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO pilot_rechecks (request_id, rating, comments, given_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![id, rating.as_str(), comments, by, stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "pilot.recheck",
                vec![format!("request:{reference}")],
                &(rating.as_str(), &comments, &by),
            );
            Ok(((), event))
        })?;
        self.pilot_feedback(&reference)
    }

    /// Records one person's rating of the authorisation process for a request submitted.
    pub fn give_process_rating(
        &mut self,
        reference: &str,
        ease: Option<u8>,
        effectiveness: Option<u8>,
        comments: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<PilotFeedback> {
        let mut errors = Vec::new();
        let ease = score(&mut errors, "ease", "how easy the process was", ease);
        let effectiveness = score(&mut errors, "effectiveness", "how effective the process was", effectiveness);
        let comments = optional_paragraphs(&mut errors, "comments", "comments", comments, 5000);
        let by = required_text(&mut errors, "by", "who gave the rating", by, 200);
        let request = self.request(reference)?;
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        if request.state == triangulate_core::workflow::RequestState::Draft {
            return Err(StoreError::Refused(format!(
                "request {} has not been submitted: there is no authorisation process to rate yet",
                request.reference
            )));
        }
        if self.pilot_feedback(&request.reference)?.process.iter().any(|p| p.given_by.eq_ignore_ascii_case(&by)) {
            return Err(StoreError::Refused(format!(
                "{by} has already rated the authorisation process of {}",
                request.reference
            )));
        }
        let id = self.request_id(&request.reference)?;
        let actor = Actor::Worker(self.recorder()?);
        let (ease, effectiveness) = (ease.expect("checked"), effectiveness.expect("checked"));
        let reference = request.reference.clone();
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO pilot_process_ratings (request_id, ease, effectiveness, comments, given_by, recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![id, ease, effectiveness, comments, by, stamp(now)],
            )?;
            let event = NewAuditEvent::of_change(
                actor,
                "pilot.process",
                vec![format!("request:{reference}")],
                &(ease, effectiveness, &comments, &by),
            );
            Ok(((), event))
        })?;
        self.pilot_feedback(&reference)
    }

    /// Counts a repeat-viewing warning accepted, or a refusal met, when a session started or
    /// was refused: a figure for the pilot, with its audit event.
    pub fn record_repeat_viewing(&mut self, reference: &str, refused: bool, now: DateTime<Utc>) -> Result<()> {
        let id = self.request_id(reference)?;
        let reference = reference.trim();
        let actor = self.worker_profile()?.map(|w| Actor::Worker(w.id)).unwrap_or(Actor::System);
        let outcome = if refused { "refusal" } else { "warning" };
        self.write(now, |tx| {
            tx.execute(
                "INSERT INTO repeat_viewing_events (request_id, outcome, at) VALUES (?1, ?2, ?3)",
                rusqlite::params![id, outcome, stamp(now)],
            )?;
            let event =
                NewAuditEvent::of_change(actor, "pilot.repeat_viewing", vec![format!("request:{reference}")], &outcome);
            Ok(((), event))
        })
    }

    /// Records that this laptop's pilot figures were exported: how many and the file's digest.
    pub fn record_pilot_export(&mut self, records: usize, sha256: &str, now: DateTime<Utc>) -> Result<()> {
        let actor = Actor::Worker(self.recorder()?);
        self.write(now, |_| {
            let event = NewAuditEvent::of_change(
                actor,
                "pilot.export",
                vec![format!("pilot-export:{sha256}")],
                &(records, sha256),
            );
            Ok(((), event))
        })
    }

    /// What Home asks for: each request whose log is finalised, the day it first was, and
    /// whether its feedback and re-check are recorded. One query, read from indexes.
    pub fn feedback_facts(&self) -> Result<Vec<(String, NaiveDate, bool, bool)>> {
        let mut statement = self.conn.prepare(
            "SELECT r.reference, MIN(l.finalised_at),
                    EXISTS (SELECT 1 FROM pilot_feedback f WHERE f.request_id = r.id),
                    EXISTS (SELECT 1 FROM pilot_rechecks c WHERE c.request_id = r.id)
             FROM requests r JOIN investigation_logs l ON l.request_id = r.id AND l.finalised_at IS NOT NULL
             GROUP BY r.id ORDER BY r.id",
        )?;
        let rows = statement.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, day(&r.get::<_, String>(1)?), r.get::<_, bool>(2)?, r.get::<_, bool>(3)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What the pilot holds about one request.
    pub fn pilot_feedback(&self, reference: &str) -> Result<PilotFeedback> {
        let (id, _, finalised_on) = self.finalised(reference)?;
        let feedback = self
            .conn
            .query_row(
                "SELECT time_minutes, useful, unique_found, rating, comments, given_by, recorded_at FROM pilot_feedback WHERE request_id = ?1",
                [id],
                |r| {
                    Ok(FeedbackRecord {
                        time_minutes: r.get(0)?,
                        useful: r.get(1)?,
                        unique: r.get(2)?,
                        rating: rating_of(r.get(3)?),
                        comments: r.get(4)?,
                        given_by: r.get(5)?,
                        recorded_at: r.get(6)?,
                    })
                },
            )
            .optional()?;
        let recheck = self
            .conn
            .query_row(
                "SELECT rating, comments, given_by, recorded_at FROM pilot_rechecks WHERE request_id = ?1",
                [id],
                |r| {
                    Ok(RecheckRecord {
                        rating: rating_of(r.get(0)?),
                        comments: r.get(1)?,
                        given_by: r.get(2)?,
                        recorded_at: r.get(3)?,
                    })
                },
            )
            .optional()?;
        let mut statement = self.conn.prepare(
            "SELECT ease, effectiveness, comments, given_by, recorded_at FROM pilot_process_ratings WHERE request_id = ?1 ORDER BY id",
        )?;
        let process = statement
            .query_map([id], |r| {
                Ok(ProcessRecord {
                    ease: r.get(0)?,
                    effectiveness: r.get(1)?,
                    comments: r.get(2)?,
                    given_by: r.get(3)?,
                    recorded_at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(PilotFeedback { finalised_on, session_minutes: self.session_minutes(id)?, feedback, recheck, process })
    }

    /// Every request's pilot figures, with its reference (which stays on this laptop): a few
    /// queries over the whole store, not one per request.
    pub fn pilot_records(&self) -> Result<Vec<(String, PilotRecord)>> {
        let store_id = self.store_id().to_string();
        let mut records: Vec<(i64, String, PilotRecord)> = Vec::new();
        {
            let mut statement =
                self.conn.prepare("SELECT id, reference, created_at, state FROM requests ORDER BY id")?;
            let rows = statement.query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?;
            for row in rows {
                let (id, reference, created, state) = row?;
                let mut record =
                    PilotRecord::new(sha256_hex(format!("{store_id}:{reference}").as_bytes()), day(&created));
                record.refused = state == "refused";
                records.push((id, reference, record));
            }
        }
        let index: HashMap<i64, usize> = records.iter().enumerate().map(|(k, (id, _, _))| (*id, k)).collect();
        let mut each = |sql: &str,
                        apply: &mut dyn FnMut(&mut PilotRecord, &rusqlite::Row) -> rusqlite::Result<()>|
         -> Result<()> {
            let mut statement = self.conn.prepare(sql)?;
            let mut rows = statement.query([])?;
            while let Some(row) = rows.next()? {
                if let Some(k) = index.get(&row.get::<_, i64>(0)?) {
                    apply(&mut records[*k].2, row)?;
                }
            }
            Ok(())
        };
        each(
            "SELECT request_id, to_state, COALESCE(decided_on, substr(at, 1, 10)), at FROM decisions ORDER BY id",
            &mut |r, row| {
                let to: String = row.get(1)?;
                let on = NaiveDate::parse_from_str(&row.get::<_, String>(2)?, "%Y-%m-%d")
                    .unwrap_or_else(|_| day(&row.get::<_, String>(3).unwrap_or_default()));
                match to.as_str() {
                    "submitted" if r.submitted_on.is_none() => r.submitted_on = Some(on),
                    // Access started: the check was done (with a session, or searches logged).
                    "in_progress" if r.checked_on.is_none() => r.checked_on = Some(on),
                    "permitted" if r.permitted_on.is_none() => r.permitted_on = Some(on),
                    "referred_back" => r.referred_back += 1,
                    "refused" => r.refused = true,
                    _ => {}
                }
                Ok(())
            },
        )?;
        each("SELECT request_id, started_at, ended_at FROM access_sessions ORDER BY started_at", &mut |r, row| {
            let started: String = row.get(1)?;
            let first = day(&started);
            r.checked_on = Some(r.checked_on.map_or(first, |d| d.min(first)));
            if let Some(ended) = row.get::<_, Option<String>>(2)? {
                r.session_minutes += session_minutes(&started, &ended);
            }
            Ok(())
        })?;
        each(
            "SELECT request_id, MIN(finalised_at) FROM investigation_logs WHERE finalised_at IS NOT NULL GROUP BY request_id",
            &mut |r, row| {
                r.finalised_on = Some(day(&row.get::<_, String>(1)?));
                Ok(())
            },
        )?;
        each("SELECT request_id, time_minutes, useful, unique_found, rating FROM pilot_feedback", &mut |r, row| {
            r.feedback = Some(FeedbackFigures {
                time_minutes: row.get(1)?,
                useful: row.get(2)?,
                unique: row.get(3)?,
                rating: rating_of(row.get(4)?),
            });
            Ok(())
        })?;
        each("SELECT request_id, rating FROM pilot_rechecks", &mut |r, row| {
            r.recheck = Some(rating_of(row.get(1)?));
            Ok(())
        })?;
        each("SELECT request_id, ease, effectiveness FROM pilot_process_ratings ORDER BY id", &mut |r, row| {
            r.process.push(ProcessFigures { ease: row.get(1)?, effectiveness: row.get(2)? });
            Ok(())
        })?;
        each("SELECT request_id, outcome FROM repeat_viewing_events", &mut |r, row| {
            if row.get::<_, String>(1)? == "refusal" {
                r.repeat_viewing_refusals += 1;
            } else {
                r.repeat_viewing_warnings += 1;
            }
            Ok(())
        })?;
        Ok(records.into_iter().map(|(_, reference, record)| (reference, record)).collect())
    }
}
