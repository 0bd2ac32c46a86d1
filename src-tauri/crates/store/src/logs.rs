//! The investigation log (Appendix 2) in the store, versioned: the current version is
//! edited until it is finalised; a correction starts a new version and every old version
//! stays readable.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use triangulate_core::guards::{AccountFacts, AdopterFacts, GuardDecision, SessionStartFacts, may_start_session};
use triangulate_core::log::{InvestigationLog, SearchInput};
use triangulate_core::request::{ConsentStatus, Reason};
use triangulate_core::workflow::{Decision, RequestState, Step, next_state};
use triangulate_core::{Actor, NewAuditEvent, Policy};

use crate::error::{Result, StoreError};
use crate::requests::{Recorded, RequestRecord, record_step, stamp};
use crate::{AuthorisationKind, Store};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LogVersion {
    pub version: u32,
    pub created_at: String,
    pub finalised_at: Option<String>,
    pub log: InvestigationLog,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct LogRecord {
    pub request: String,
    pub state: RequestState,
    pub version: LogVersion,
    pub versions: Vec<u32>,
}

fn read_version(tx: &rusqlite::Connection, request_id: i64, version: Option<u32>) -> Result<Option<LogVersion>> {
    let row = match version {
        Some(v) => tx
            .query_row(
                "SELECT version, created_at, finalised_at, content FROM investigation_logs WHERE request_id = ?1 AND version = ?2",
                rusqlite::params![request_id, v],
                |r| Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?)),
            )
            .optional()?,
        None => tx
            .query_row(
                "SELECT version, created_at, finalised_at, content FROM investigation_logs WHERE request_id = ?1 ORDER BY version DESC LIMIT 1",
                [request_id],
                |r| Ok((r.get::<_, u32>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?)),
            )
            .optional()?,
    };
    Ok(row.map(|(version, created_at, finalised_at, content)| LogVersion {
        version,
        created_at,
        finalised_at,
        log: serde_json::from_str(&content).unwrap_or_default(),
    }))
}

fn save_version(tx: &Transaction, request_id: i64, version: &LogVersion) -> Result<()> {
    tx.execute(
        "INSERT INTO investigation_logs (request_id, version, content, finalised_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (request_id, version) DO UPDATE SET content = excluded.content, finalised_at = excluded.finalised_at",
        rusqlite::params![
            request_id,
            version.version,
            serde_json::to_string(&version.log).expect("a log serialises"),
            version.finalised_at,
            version.created_at
        ],
    )?;
    Ok(())
}

fn fields(errors: Vec<triangulate_core::FieldError>) -> StoreError {
    StoreError::Fields(errors)
}

impl Store {
    pub fn log(&self, reference: &str, version: Option<u32>) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let current = read_version(&self.conn, request.id, version)?.ok_or_else(|| match version {
            Some(v) => StoreError::NotFound { what: "log version", id: format!("{} of {}", v, request.reference) },
            None => StoreError::Refused(format!(
                "request {} has no investigation log yet: it starts with the first search",
                request.reference
            )),
        })?;
        let mut statement =
            self.conn.prepare("SELECT version FROM investigation_logs WHERE request_id = ?1 ORDER BY version")?;
        let versions = statement.query_map([request.id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<u32>>>()?;
        Ok(LogRecord { request: request.reference, state: request.state, version: current, versions })
    }

    /// The request's log in its latest version, or `None` before the first search.
    pub fn latest_log(&self, reference: &str) -> Result<Option<LogRecord>> {
        let request = self.request(reference)?;
        if read_version(&self.conn, request.id, None)?.is_none() {
            return Ok(None);
        }
        self.log(reference, None).map(Some)
    }

    /// The version that may be edited now, or why none may.
    fn editable_version(&self, request: &RequestRecord, now: DateTime<Utc>) -> Result<LogVersion> {
        match read_version(&self.conn, request.id, None)? {
            Some(version) if version.finalised_at.is_some() => Err(StoreError::Refused(format!(
                "version {} of the investigation log of {} is finalised and read-only: start a correction, which makes a new version",
                version.version, request.reference
            ))),
            Some(version) => Ok(version),
            None => Ok(LogVersion {
                version: 1,
                created_at: stamp(now),
                finalised_at: None,
                log: InvestigationLog::default(),
            }),
        }
    }

    /// Why an access session of `request` could not start now for the person using this
    /// laptop, on its first sanctioned account: the guards' refusals (repeat viewing, which
    /// depends on the person, aside). Empty when one may.
    pub fn access_refusals(
        &self,
        request: &RequestRecord,
        policy: &Policy,
        today: NaiveDate,
    ) -> Result<Vec<triangulate_core::guards::Refusal>> {
        let account = self.accounts()?.first().map_or(0, |a| a.id);
        let facts = self.session_facts(request, account, policy, today)?;
        Ok(may_start_session(&facts).refusals().to_vec())
    }

    /// Why the directed surveillance authorisations recorded for the request (for `person`
    /// only, when a session is on one person) allow nothing on `today`, when none of them is
    /// in force; empty when one is, or there is none.
    pub(crate) fn authorisations_not_in_force(
        &self,
        request: &RequestRecord,
        person: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<String>> {
        let directed: Vec<_> = self
            .authorisations()?
            .into_iter()
            .filter(|a| a.request == request.reference && a.kind == AuthorisationKind::DirectedSurveillance)
            .filter(|a| person.is_none() || a.person_id == person)
            .collect();
        Ok(if directed.iter().any(|a| a.timeline().in_force(today)) {
            Vec::new()
        } else {
            directed.iter().filter_map(|a| a.timeline().not_in_force_words(&a.reference, today)).collect()
        })
    }

    pub(crate) fn session_facts(
        &self,
        request: &RequestRecord,
        account_id: i64,
        policy: &Policy,
        today: NaiveDate,
    ) -> Result<SessionStartFacts> {
        let worker = match self.laptop_worker() {
            Ok(worker) => Some(worker.person(today)),
            Err(StoreError::Refused(_)) => None,
            Err(other) => return Err(other),
        };
        let social_worker = self.social_worker_of(request, Step::StartAccess)?.map(|s| s.person(today));
        let authorisations = self.authorisations()?;
        let authorisations_not_in_force = self.authorisations_not_in_force(request, None, today)?;
        let account = match self.account(account_id) {
            Ok(account) => {
                let chis_authorisation_in_force = authorisations.iter().any(|a| {
                    a.kind == AuthorisationKind::Chis
                        && a.account_id == Some(account.id)
                        && a.timeline().in_force(today)
                });
                Some(AccountFacts {
                    identifiable_as_council: account.identifiable_as_council,
                    chis_authorisation_in_force,
                })
            }
            Err(_) => None,
        };
        let subjects = &request.request.subjects;
        Ok(SessionStartFacts {
            request_state: request.state,
            worker,
            social_worker,
            authorisations_not_in_force,
            account,
            legal_advice_required: policy.legal_advice.required_for_parent_or_carer
                && subjects.iter().any(|s| s.is_parent_or_carer()),
            legal_advice_recorded: request.request.legal_advice_reference.is_some(),
            prospective_adopter: (request.request.reason == Reason::ProspectiveAdopter).then(|| AdopterFacts {
                written_consent: request.request.consent.status == ConsentStatus::Written,
                // Views are access sessions of this request; searches recorded in the log
                // without a session count too.
                earlier_views: {
                    let sessions: u32 = self
                        .conn
                        .query_row("SELECT COUNT(*) FROM access_sessions WHERE request_id = ?1", [request.id], |r| {
                            r.get(0)
                        })
                        .unwrap_or(0);
                    let searches = read_version(&self.conn, request.id, None)
                        .ok()
                        .flatten()
                        .map_or(0, |v| v.log.searches.len() as u32);
                    sessions.max(searches)
                },
            }),
        })
    }

    /// Records a search. The first search of a request whose legitimacy is confirmed starts
    /// its access: the session-start guard must allow it.
    pub fn log_add_search(
        &mut self,
        reference: &str,
        input: &SearchInput,
        policy: &Policy,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let permitted_at = request
            .decisions
            .iter()
            .filter(|d| d.step == Step::Permit)
            .filter_map(|d| DateTime::parse_from_rfc3339(&d.at).ok())
            .map(|at| at.with_timezone(&Utc))
            .max();
        let search = input.validate(now, permitted_at).map_err(fields)?;
        if !matches!(request.state, RequestState::LegitimacyConfirmed | RequestState::InProgress) {
            next_state(request.state, Step::StartAccess)?;
        }
        let facts = self.session_facts(&request, input.account_id, policy, today)?;
        if let GuardDecision::Refuse { refusals, .. } = may_start_session(&facts) {
            return Err(StoreError::Guarded { what: "the search cannot be recorded".into(), refusals });
        }
        let mut version = self.editable_version(&request, now)?;
        version.log.searches.push(search);
        let start = if request.state == RequestState::LegitimacyConfirmed {
            let worker = self.laptop_worker()?;
            let people =
                self.check_duties(&request, Step::StartAccess, request.state, worker.id, None, None, None, now)?;
            let decision = Decision {
                decided_by: worker.name,
                evidence: None,
                note: Some("first search recorded".into()),
                conditions: None,
                decided_on: None,
            };
            Some((Step::StartAccess, RequestState::InProgress, decision, people))
        } else {
            None
        };
        let change = version.log.searches.last().cloned();
        let ids = vec![format!("account:{}", input.account_id)];
        self.save_log_change(&request, &version, start, "log.add_search", ids, &change, now)
    }

    pub fn log_add_finding(
        &mut self,
        reference: &str,
        text: &str,
        captures: &[i64],
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let mut problems = Vec::new();
        for id in captures {
            let of: Option<String> = self
                .conn
                .query_row(
                    "SELECT r.reference FROM captures c JOIN access_sessions s ON s.id = c.session_id
                     JOIN requests r ON r.id = s.request_id WHERE c.id = ?1",
                    [id],
                    |row| row.get(0),
                )
                .optional()?;
            match of {
                None => {
                    problems.push(triangulate_core::FieldError::new("captures", format!("There is no capture {id}")))
                }
                Some(other) if other != request.reference => problems.push(triangulate_core::FieldError::new(
                    "captures",
                    format!("Capture {id} belongs to request {other}, not to {}", request.reference),
                )),
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            return Err(fields(problems));
        }
        let mut version = self.editable_version(&request, now)?;
        if request.state != RequestState::InProgress && version.version == 1 {
            return Err(StoreError::Refused(format!(
                "findings are recorded while the check is in progress, and {} is {}",
                request.reference, request.state
            )));
        }
        let number = version.log.add_finding(text, captures).map_err(fields)?;
        let change = version.log.findings.last().cloned();
        self.save_log_change(
            &request,
            &version,
            None,
            "log.add_finding",
            vec![format!("finding:{number}")],
            &change,
            now,
        )
    }

    /// Records a disagreement between the social worker and the access worker about what is
    /// relevant, in the version being edited, for the service manager to settle.
    pub fn log_disagree(&mut self, reference: &str, by: &str, about: &str, now: DateTime<Utc>) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let mut version = self.existing_editable_version(&request, now)?;
        let number = version.log.raise_disagreement(by, about, now).map_err(fields)?;
        let change = version.log.disagreements.last().cloned();
        let ids = vec![format!("disagreement:{number}")];
        self.save_log_change(&request, &version, None, "log.disagreement", ids, &change, now)
    }

    /// Records the service manager's outcome of a disagreement.
    pub fn log_settle(
        &mut self,
        reference: &str,
        number: u32,
        by: &str,
        outcome: &str,
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let mut version = self.existing_editable_version(&request, now)?;
        version.log.settle_disagreement(number, by, outcome, now).map_err(fields)?;
        let change = version.log.disagreements.iter().find(|d| d.number == number).cloned();
        let ids = vec![format!("disagreement:{number}")];
        self.save_log_change(&request, &version, None, "log.disagreement_outcome", ids, &change, now)
    }

    /// The version being edited, when the log has begun (with its first search).
    fn existing_editable_version(&self, request: &RequestRecord, now: DateTime<Utc>) -> Result<LogVersion> {
        if read_version(&self.conn, request.id, None)?.is_none() {
            return Err(StoreError::Refused(format!(
                "request {} has no investigation log yet: it starts with the first search",
                request.reference
            )));
        }
        self.editable_version(request, now)
    }

    /// The AAW (`by`, a person of the staff directory) completes the log and passes it to the
    /// social worker; `evidence` when the laptop's worker records it for them.
    pub fn log_complete(
        &mut self,
        reference: &str,
        by: i64,
        evidence: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let (to, _) = next_state(request.state, Step::CompleteLog)?;
        let mut version = self.editable_version(&request, now)?;
        let people = self.check_duties(
            &request,
            Step::CompleteLog,
            request.state,
            by,
            evidence,
            Some(version.version),
            None,
            now,
        )?;
        version.log.complete(&people.decider_name, now).map_err(fields)?;
        let step = Some((Step::CompleteLog, to, signed_by(&people.decider_name, evidence), people));
        let change = version.log.completed.clone();
        self.save_log_change(&request, &version, step, "log.complete", Vec::new(), &change, now)
    }

    /// The social worker's assessment, which finalises the current version. A correction
    /// of a finalised log is finalised the same way, without moving the request's state.
    /// `by` is a person of the staff directory; `evidence` when the laptop's worker records
    /// it for them. A correction's finalisation is a decision too, with the same rule as the
    /// first, and leaves the request's state as it is.
    #[allow(clippy::too_many_arguments)]
    pub fn log_finalise(
        &mut self,
        reference: &str,
        by: i64,
        evidence: Option<&str>,
        rating: &str,
        assessment: &str,
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let mut version = self.editable_version(&request, now)?;
        let correcting = version.version > 1
            && matches!(request.state, RequestState::Finalised | RequestState::Shared | RequestState::Closed);
        let to = if correcting { request.state } else { next_state(request.state, Step::FinaliseLog)?.0 };
        let from = if correcting { RequestState::LogCompleted } else { request.state };
        let people =
            self.check_duties(&request, Step::FinaliseLog, from, by, evidence, Some(version.version), None, now)?;
        version.log.assess(&people.decider_name, rating, assessment, now).map_err(fields)?;
        version.finalised_at = Some(stamp(now));
        let step = Some((Step::FinaliseLog, to, signed_by(&people.decider_name, evidence), people));
        let action = if correcting { "log.finalise_correction" } else { "log.finalise" };
        let ids = vec![format!("log_version:{}", version.version)];
        let change = version.log.clone();
        self.save_log_change(&request, &version, step, action, ids, &change, now)
    }

    /// Records that the finalised log was shared with the team manager, service manager and
    /// service director.
    pub fn log_share(
        &mut self,
        reference: &str,
        by: i64,
        evidence: Option<&str>,
        with: &[String],
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let (to, _) = next_state(request.state, Step::Share)?;
        let mut version = read_version(&self.conn, request.id, None)?
            .ok_or_else(|| StoreError::Refused(format!("request {} has no investigation log", request.reference)))?;
        let people =
            self.check_duties(&request, Step::Share, request.state, by, evidence, Some(version.version), None, now)?;
        version.log.share(&people.decider_name, with, now).map_err(fields)?;
        let step = Some((Step::Share, to, signed_by(&people.decider_name, evidence), people));
        let change = version.log.shared.last().cloned();
        self.save_log_change(&request, &version, step, "log.share", Vec::new(), &change, now)
    }

    /// Starts a correction of a finalised log: a new version, copied from the last, that is
    /// edited and finalised again. Every earlier version stays as it was.
    pub fn log_correct(&mut self, reference: &str, note: &str, now: DateTime<Utc>) -> Result<LogRecord> {
        let request = self.request(reference)?;
        let mut errors = Vec::new();
        let note = triangulate_core::validation::required_paragraphs(
            &mut errors,
            "note",
            "why the log is corrected",
            note,
            5000,
        );
        if !errors.is_empty() {
            return Err(fields(errors));
        }
        let last = read_version(&self.conn, request.id, None)?.ok_or_else(|| {
            StoreError::Refused(format!("request {} has no investigation log to correct", request.reference))
        })?;
        if last.finalised_at.is_none() {
            return Err(StoreError::Refused(format!(
                "version {} of the log of {} is not finalised yet: edit it instead of correcting it",
                last.version, request.reference
            )));
        }
        let corrector = self.laptop_worker()?;
        let mut log = last.log.clone();
        log.correction_note = Some(note);
        log.assessment = None;
        log.corrected = Some(triangulate_core::log::Signed { by: corrector.name, at: now });
        let version = LogVersion { version: last.version + 1, created_at: stamp(now), finalised_at: None, log };
        let ids = vec![format!("log_version:{}", version.version)];
        let change = version.log.correction_note.clone();
        self.save_log_change(&request, &version, None, "log.correct", ids, &change, now)
    }

    /// Saves a log version, and the workflow step it takes if any, under one audit event;
    /// returns the log as stored.
    #[allow(clippy::too_many_arguments)]
    fn save_log_change(
        &mut self,
        request: &RequestRecord,
        version: &LogVersion,
        step: Option<(Step, RequestState, Decision, Recorded)>,
        action: &'static str,
        extra_ids: Vec<String>,
        change: &impl Serialize,
        now: DateTime<Utc>,
    ) -> Result<LogRecord> {
        let recorder = self.recorder()?;
        self.write(now, |tx| {
            if let Some((step, to, decision, people)) = &step {
                record_step(tx, request.id, request.state, *to, *step, decision, recorder, people, now)?;
            }
            save_version(tx, request.id, version)?;
            // A change to the log is a change to the request: Home counts idle days from it.
            tx.execute("UPDATE requests SET updated_at = ?1 WHERE id = ?2", rusqlite::params![stamp(now), request.id])?;
            let mut ids = vec![format!("request:{}", request.reference)];
            ids.extend(extra_ids);
            Ok(((), NewAuditEvent::of_change(Actor::Worker(recorder), action, ids, change)))
        })?;
        self.log(&request.reference, None)
    }
}

/// A log step signed by a person of the directory, with the evidence when recorded for them.
fn signed_by(by: &str, evidence: Option<&str>) -> Decision {
    Decision {
        decided_by: by.trim().to_string(),
        evidence: evidence.map(str::trim).filter(|e| !e.is_empty()).map(String::from),
        note: None,
        conditions: None,
        decided_on: None,
    }
}
