//! Investigation requests in the store: creation with person matching, the workflow's
//! decisions, and the register of Authorised Access Workers.

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use rusqlite::{OptionalExtension, Transaction};
use serde::Serialize;
use std::collections::BTreeMap;
use triangulate_core::request::Request;
use triangulate_core::workflow::{Decision, RequestState, Step, next_state};
use triangulate_core::{Actor, NewAuditEvent};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::persons::PersonRecord;

/// How the worker settled a named subject who may be someone already known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonMatch {
    /// A new person.
    New,
    /// The same person as this known one.
    Same(i64),
}

/// A subject (numbered from 1) who may be a person already known.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct PossibleMatch {
    pub subject: usize,
    pub person: PersonRecord,
    /// The earlier requests that name this person, by reference with their case, so the
    /// worker can tell whether it is the same family.
    pub earlier_requests: Vec<EarlierRequest>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct EarlierRequest {
    pub reference: String,
    pub case_reference: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SubjectLink {
    pub subject: usize,
    pub person_id: Option<i64>,
}

/// A person of the staff directory as a record names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StaffRef {
    /// Their entry in the staff directory (`None` only for a record the directory could not
    /// be matched to).
    pub id: Option<i64>,
    pub staff_id: Option<String>,
    /// The name as the record gives it.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DecisionRecord {
    pub step: Step,
    pub step_label: &'static str,
    pub from_state: RequestState,
    pub to_state: RequestState,
    /// Who decided, by name as recorded.
    pub decided_by: String,
    /// Who decided: a person of the staff directory.
    pub decider: StaffRef,
    /// The role they decided in, where known.
    pub decided_as: Option<triangulate_core::staff::StaffRole>,
    /// Who recorded it on this laptop, by name: the same person, or someone recording it for
    /// them with the evidence it came in.
    pub recorded_by: String,
    /// The same as `recorded_by`, kept for scripts written before the staff directory.
    pub recorded_by_name: String,
    /// Who recorded it: a person of the staff directory.
    pub recorder: StaffRef,
    /// The log version a log step concerns.
    pub log_version: Option<u32>,
    /// The decision in one sentence, as the screens and the PDFs say it.
    pub in_words: String,
    pub evidence: Option<String>,
    pub note: Option<String>,
    pub conditions: Option<String>,
    /// When it was recorded.
    pub at: String,
    /// The day it was decided; `None` for decisions recorded before dates were kept.
    pub decided_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RequestRecord {
    pub id: i64,
    pub reference: String,
    pub state: RequestState,
    pub state_label: &'static str,
    pub allowed_steps: Vec<Step>,
    pub parent: Option<String>,
    pub flagged_for_sd: bool,
    pub created_at: String,
    pub updated_at: String,
    pub request: Request,
    pub subjects: Vec<SubjectLink>,
    pub decisions: Vec<DecisionRecord>,
    /// Each version of the investigation log: who completed it and who finalised it.
    pub log_versions: Vec<triangulate_core::log::VersionSigned>,
    /// The PDFs of this request filed in the care record system.
    pub filed: Vec<crate::exports::FilingRecord>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct RequestSummary {
    pub reference: String,
    pub state: RequestState,
    pub state_label: &'static str,
    pub case_reference: String,
    pub subjects: Vec<String>,
    pub parent: Option<String>,
    pub flagged_for_sd: bool,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AawRecord {
    pub id: i64,
    pub name: String,
    /// The person of the staff directory.
    pub person: StaffRef,
    /// The service director whose decision it is.
    pub decided_by: Option<StaffRef>,
    pub registered_at: String,
    /// The reference of the service director's decision to register them.
    pub evidence: Option<String>,
    /// When they were trained in the protocol.
    pub trained_on: Option<chrono::NaiveDate>,
    /// Registered without the service director's decision, the evidence or the training
    /// date: the register flags it, and they take no access worker's step until completed.
    pub incomplete: bool,
}

/// One row of `requests`, its content parsed.
struct RequestRow {
    reference: String,
    state: RequestState,
    request: Request,
    parent: Option<String>,
    flagged_for_sd: bool,
    created_at: String,
    updated_at: String,
}

pub(crate) fn stamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn state_from(text: String) -> rusqlite::Result<RequestState> {
    RequestState::parse(&text).ok_or_else(|| rusqlite::Error::InvalidColumnType(0, text, rusqlite::types::Type::Text))
}

impl Store {
    /// The worker profile's id, which every recorded decision needs.
    /// Refused unless there is a worker to record a change in the audit chain as: asked
    /// before an export writes anything, since every export is an audit event.
    pub fn check_recorder(&self) -> Result<()> {
        self.recorder().map(|_| ())
    }

    pub(crate) fn recorder(&self) -> Result<i64> {
        self.worker_profile()?
            .map(|w| w.id)
            .ok_or_else(|| StoreError::Refused("there is no worker profile on this laptop: set one up first".into()))
    }

    /// Registers a person of the directory as an Authorised Access Worker: the service
    /// director's decision (`decided_by`, a service director), its evidence and the day they
    /// were trained, all required. A registration made before these were asked for is
    /// completed the same way.
    pub fn register_aaw(
        &mut self,
        person: i64,
        decided_by: i64,
        evidence: &str,
        trained_on: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<AawRecord> {
        let today = triangulate_core::local_time::uk_date(now);
        let mut errors = Vec::new();
        let evidence = triangulate_core::validation::required_text(
            &mut errors,
            "evidence",
            "the reference of the service director's decision",
            evidence,
            200,
        );
        if trained_on > today {
            errors.push(triangulate_core::FieldError::new("trained", "The date of training must not be in the future"));
        }
        let worker = self.staff_member(person)?;
        let director = self.staff_member(decided_by)?;
        if !worker.roles.contains(&triangulate_core::staff::StaffRole::Aaw) {
            errors.push(triangulate_core::FieldError::new(
                "name",
                format!(
                    "{} is not an Authorised Access Worker in the staff directory: give them that role first",
                    worker.name
                ),
            ));
        }
        if !director.roles.contains(&triangulate_core::staff::StaffRole::Sd) {
            errors.push(triangulate_core::FieldError::new(
                "decided_by",
                format!(
                    "{} is not a service director in the staff directory, and the register is the service director's decision",
                    director.name
                ),
            ));
        } else if director.person(today).left {
            errors.push(triangulate_core::FieldError::new(
                "decided_by",
                format!("{} has left, as the staff directory records", director.name),
            ));
        }
        if worker.person(today).left {
            errors.push(triangulate_core::FieldError::new(
                "name",
                format!("{} has left, as the staff directory records", worker.name),
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Fields(errors));
        }
        let actor = Actor::Worker(self.recorder()?);
        let existing: Option<i64> = self
            .conn
            .query_row("SELECT id FROM aaw_register WHERE staff = ?1", [person], |row| row.get(0))
            .optional()?;
        if existing.is_some() && worker.aaw == triangulate_core::duties::AawRegistration::Registered {
            return Err(StoreError::Refused(format!(
                "{} is already registered as an Authorised Access Worker",
                worker.name
            )));
        }
        let id = self.write(now, |tx| {
            let (id, action) = match existing {
                Some(id) => {
                    tx.execute(
                        "UPDATE aaw_register SET decided_by = ?1, evidence = ?2, trained_on = ?3 WHERE id = ?4",
                        rusqlite::params![decided_by, evidence, trained_on.to_string(), id],
                    )?;
                    (id, "aaw.complete")
                }
                None => {
                    tx.execute(
                        "INSERT INTO aaw_register (name, name_key, registered_at, evidence, trained_on, staff, decided_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                        rusqlite::params![
                            worker.name,
                            format!("staff:{person}"),
                            stamp(now),
                            evidence,
                            trained_on.to_string(),
                            person,
                            decided_by
                        ],
                    )?;
                    (tx.last_insert_rowid(), "aaw.register")
                }
            };
            let ids = vec![format!("aaw:{id}"), format!("staff:{person}"), format!("staff:{decided_by}")];
            let event = NewAuditEvent::of_change(actor, action, ids, &(person, decided_by, &evidence, trained_on));
            Ok((id, event))
        })?;
        self.aaws()?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| StoreError::NotFound { what: "registration", id: id.to_string() })
    }

    /// The register of Authorised Access Workers, in the order they were registered.
    pub fn aaws(&self) -> Result<Vec<AawRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT a.id, COALESCE(s.name, a.name), a.registered_at, a.evidence, a.trained_on, a.staff, s.staff_id,
                    a.decided_by, d.name, d.staff_id
             FROM aaw_register a LEFT JOIN staff s ON s.id = a.staff LEFT JOIN staff d ON d.id = a.decided_by ORDER BY a.id",
        )?;
        let rows = statement.query_map([], |row| {
            let evidence: Option<String> = row.get(3)?;
            let trained_on: Option<chrono::NaiveDate> = row.get::<_, Option<String>>(4)?.and_then(|d| d.parse().ok());
            let decided_by = match row.get::<_, Option<i64>>(7)? {
                Some(id) => Some(StaffRef { id: Some(id), name: row.get(8)?, staff_id: row.get(9)? }),
                None => None,
            };
            let name: String = row.get(1)?;
            Ok(AawRecord {
                id: row.get(0)?,
                person: StaffRef { id: row.get(5)?, staff_id: row.get(6)?, name: name.clone() },
                name,
                registered_at: row.get(2)?,
                incomplete: evidence.is_none() || trained_on.is_none() || decided_by.is_none(),
                decided_by,
                evidence,
                trained_on,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Known persons that a named subject of this request may be: the same name, and the
    /// same date of birth where both are known.
    pub fn possible_person_matches(&self, request: &Request) -> Result<Vec<PossibleMatch>> {
        let persons = self.persons()?;
        let mut matches = Vec::new();
        for (index, subject) in request.subjects.iter().enumerate() {
            let Some(name) = &subject.name else { continue };
            for person in &persons {
                let same_name = name_key(&person.name) == name_key(name)
                    || person.aliases.iter().any(|a| name_key(a) == name_key(name))
                    || subject.aliases.iter().any(|a| name_key(a) == name_key(&person.name));
                let dob = subject.date_of_birth.map(|d| d.to_string());
                let dob_agrees = match (&person.date_of_birth, &dob) {
                    (Some(a), Some(b)) => a == b,
                    _ => true,
                };
                if same_name && dob_agrees {
                    let earlier_requests = self.requests_naming(person.id)?;
                    matches.push(PossibleMatch { subject: index + 1, person: person.clone(), earlier_requests });
                }
            }
        }
        Ok(matches)
    }

    /// The requests that name a person, oldest first.
    fn requests_naming(&self, person: i64) -> Result<Vec<EarlierRequest>> {
        let mut statement = self.conn.prepare(
            "SELECT DISTINCT r.id, r.reference FROM requests r JOIN request_subjects s ON s.request_id = r.id \
             WHERE s.person_id = ?1 ORDER BY r.id",
        )?;
        let references =
            statement.query_map([person], |row| row.get::<_, String>(1))?.collect::<rusqlite::Result<Vec<_>>>()?;
        references
            .into_iter()
            .map(|reference| {
                let record = self.request(&reference)?;
                Ok(EarlierRequest { reference: record.reference, case_reference: record.request.case_reference })
            })
            .collect()
    }

    /// Checks the worker's settlement of possible matches: every subject named exists, every
    /// person named is known, and every named subject who may be a known person is settled.
    /// Persons in `already_linked` (the request's own, when it is being changed) settle
    /// themselves.
    pub(crate) fn settle_persons(
        &self,
        request: &Request,
        settled: &BTreeMap<usize, PersonMatch>,
        already_linked: &[i64],
    ) -> Result<BTreeMap<usize, PersonMatch>> {
        let known = self.persons()?;
        for (subject, choice) in settled {
            if *subject == 0 || *subject > request.subjects.len() {
                return Err(StoreError::Fields(vec![triangulate_core::FieldError::new(
                    "subjects",
                    format!("There is no subject {subject}: the request has {}", request.subjects.len()),
                )]));
            }
            if let PersonMatch::Same(id) = choice
                && !known.iter().any(|p| p.id == *id)
            {
                return Err(StoreError::NotFound { what: "person", id: id.to_string() });
            }
        }
        let mut settled = settled.clone();
        let mut unsettled = Vec::new();
        for possible in self.possible_person_matches(request)? {
            if settled.contains_key(&possible.subject) {
                continue;
            }
            if already_linked.contains(&possible.person.id) {
                settled.insert(possible.subject, PersonMatch::Same(possible.person.id));
            } else {
                unsettled.push(possible);
            }
        }
        if !unsettled.is_empty() {
            let lines: Vec<String> = unsettled
                .iter()
                .map(|m| {
                    format!(
                        "subject {} may be person {} ({}{})",
                        m.subject,
                        m.person.id,
                        m.person.name,
                        m.person.date_of_birth.as_ref().map(|d| format!(", born {d}")).unwrap_or_default()
                    )
                })
                .collect();
            return Err(StoreError::Refused(format!(
                "confirm who these are before the request is saved: {}. Say for each whether they are the known person or someone new",
                lines.join("; ")
            )));
        }
        Ok(settled)
    }

    /// Creates a draft request. Every named subject who may be a known person must be settled
    /// in `settled` (same person or new); `parent` makes it a separate request for a person
    /// found during another check, flagged for the service director.
    pub fn create_request(
        &mut self,
        request: &Request,
        settled: &BTreeMap<usize, PersonMatch>,
        parent: Option<&str>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<RequestRecord> {
        let recorder = self.recorder()?;
        let settled = self.settle_persons(request, settled, &[])?;
        let parent_id = match parent {
            Some(reference) => Some(self.request_id(reference)?),
            None => None,
        };
        let reference = self.write(now, |tx| {
            let (reference, object_ids) = insert_request(tx, request, &settled, parent_id, today, now)?;
            let content = serde_json::to_string(request).expect("a request serialises");
            let event = NewAuditEvent::of_change(
                Actor::Worker(recorder),
                "request.create",
                object_ids,
                &(&reference, &content),
            );
            Ok((reference, event))
        })?;
        self.request(&reference)
    }

    /// The ids of the persons this request names.
    pub(crate) fn linked_persons(&self, request_id: i64) -> Result<Vec<i64>> {
        let mut statement = self
            .conn
            .prepare("SELECT person_id FROM request_subjects WHERE request_id = ?1 AND person_id IS NOT NULL")?;
        let ids = statement.query_map([request_id], |row| row.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    pub(crate) fn request_id(&self, reference: &str) -> Result<i64> {
        self.conn
            .query_row("SELECT id FROM requests WHERE reference = ?1", [reference.trim()], |row| row.get(0))
            .optional()?
            .ok_or_else(|| StoreError::NotFound { what: "request", id: reference.trim().to_string() })
    }

    /// A request with its subjects and every decision taken on it.
    pub fn request(&self, reference: &str) -> Result<RequestRecord> {
        let id = self.request_id(reference)?;
        let row = self
            .request_rows(Some(id))?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "request", id: reference.trim().to_string() })?;
        let mut statement = self
            .conn
            .prepare("SELECT position, person_id FROM request_subjects WHERE request_id = ?1 ORDER BY position")?;
        let subjects = statement
            .query_map([id], |row| Ok(SubjectLink { subject: row.get::<_, i64>(0)? as usize, person_id: row.get(1)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut statement = self.conn.prepare(
            "SELECT d.step, d.from_state, d.to_state, d.decided_by, d.recorder, d.evidence, d.note, d.conditions, d.at,
                    COALESCE(rs.name, w.name), d.id, d.decided_on, d.decider, ds.staff_id, rs.staff_id, d.decider_role, d.log_version
             FROM decisions d JOIN worker_profile w ON w.id = d.recorded_by
             LEFT JOIN staff ds ON ds.id = d.decider LEFT JOIN staff rs ON rs.id = d.recorder
             WHERE d.request_id = ?1 ORDER BY d.id",
        )?;
        // A step this version does not know is damage: it is never read as some other step.
        let decisions = statement
            .query_map([id], |row| {
                let Some(step) = Step::parse(&row.get::<_, String>(0)?) else {
                    return Ok(Err(row.get::<_, i64>(10)?));
                };
                let decider = StaffRef { id: row.get(12)?, staff_id: row.get(13)?, name: row.get(3)? };
                let recorder = StaffRef { id: row.get(4)?, staff_id: row.get(14)?, name: row.get(9)? };
                let decided_as =
                    row.get::<_, Option<String>>(15)?.and_then(|r| triangulate_core::staff::StaffRole::parse(&r));
                let at: String = row.get(8)?;
                let decided_on: Option<NaiveDate> = row.get::<_, Option<String>>(11)?.and_then(|d| d.parse().ok());
                let evidence: Option<String> = row.get(5)?;
                let log_version: Option<u32> = row.get(16)?;
                let recorded_on = DateTime::parse_from_rfc3339(&at)
                    .map(|t| triangulate_core::local_time::uk_date(t.with_timezone(&Utc)))
                    .unwrap_or_default();
                let in_words = triangulate_core::workflow::DecisionWords {
                    step,
                    decider: &decider.name,
                    role: decided_as,
                    decided_on: decided_on.unwrap_or(recorded_on),
                    evidence: evidence.as_deref(),
                    recorded: (decider.id != recorder.id || decider.id.is_none())
                        .then_some((recorder.name.as_str(), recorded_on)),
                    log_version,
                }
                .to_string();
                Ok(Ok(DecisionRecord {
                    step,
                    step_label: step.label(),
                    from_state: state_from(row.get(1)?)?,
                    to_state: state_from(row.get(2)?)?,
                    decided_by: decider.name.clone(),
                    decider,
                    decided_as,
                    recorded_by: recorder.name.clone(),
                    recorded_by_name: recorder.name.clone(),
                    recorder,
                    log_version,
                    in_words,
                    evidence,
                    note: row.get(6)?,
                    conditions: row.get(7)?,
                    at,
                    decided_on,
                }))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .collect::<std::result::Result<Vec<_>, i64>>()
            .map_err(|decision| StoreError::Damaged {
                data_dir: self.data_dir.root().to_path_buf(),
                reason: format!(
                    "decision {decision} of request {} records a workflow step this version does not know",
                    row.reference
                ),
            })?;
        Ok(RequestRecord {
            id,
            reference: row.reference,
            state: row.state,
            state_label: row.state.label(),
            allowed_steps: row.state.allowed_steps(),
            parent: row.parent,
            flagged_for_sd: row.flagged_for_sd,
            created_at: row.created_at,
            updated_at: row.updated_at,
            request: row.request,
            subjects,
            decisions,
            log_versions: self.log_versions_signed(id)?,
            filed: self.filings_where("care_record_filings.request_id = ?1", id)?,
        })
    }

    fn log_versions_signed(&self, request_id: i64) -> Result<Vec<triangulate_core::log::VersionSigned>> {
        let mut statement = self
            .conn
            .prepare("SELECT version, content FROM investigation_logs WHERE request_id = ?1 ORDER BY version")?;
        let rows = statement.query_map([request_id], |row| Ok((row.get::<_, u32>(0)?, row.get::<_, String>(1)?)))?;
        let mut versions = Vec::new();
        for row in rows {
            let (version, content) = row?;
            let log: triangulate_core::log::InvestigationLog = serde_json::from_str(&content).unwrap_or_default();
            versions.push(triangulate_core::log::VersionSigned::of(version, &log));
        }
        Ok(versions)
    }

    fn parse_request(&self, reference: &str, content: &str) -> Result<Request> {
        serde_json::from_str(content).map_err(|e| StoreError::Damaged {
            data_dir: self.data_dir.root().to_path_buf(),
            reason: format!("request {reference} cannot be read: {e}"),
        })
    }

    pub fn requests(&self) -> Result<Vec<RequestSummary>> {
        let summaries = self.request_rows(None)?.into_iter().map(|row| RequestSummary {
            case_reference: row.request.case_reference.clone(),
            subjects: row.request.subjects.iter().map(|s| s.display_name().to_string()).collect(),
            reference: row.reference,
            state: row.state,
            state_label: row.state.label(),
            parent: row.parent,
            flagged_for_sd: row.flagged_for_sd,
            updated_at: row.updated_at,
        });
        Ok(summaries.collect())
    }

    /// The request with this id, or every request in reference order.
    fn request_rows(&self, id: Option<i64>) -> Result<Vec<RequestRow>> {
        // One request by its key, or all in order: an `OR` in one query would scan every row.
        let condition = if id.is_some() { "r.id = ?1" } else { "?1 IS NULL" };
        let mut statement = self.conn.prepare(&format!(
            "SELECT r.reference, r.state, r.content, p.reference, r.flagged_for_sd, r.created_at, r.updated_at
             FROM requests r LEFT JOIN requests p ON p.id = r.parent_id
             WHERE {condition} ORDER BY r.year, r.number"
        ))?;
        let raw = statement
            .query_map([id], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    state_from(row.get(1)?)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Option<String>>(3)?,
                    row.get::<_, bool>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter()
            .map(|(reference, state, content, parent, flagged_for_sd, created_at, updated_at)| {
                let request = self.parse_request(&reference, &content)?;
                Ok(RequestRow { reference, state, request, parent, flagged_for_sd, created_at, updated_at })
            })
            .collect()
    }

    /// Takes a workflow step: checks it is legal from the current state and that its rules
    /// hold — separation of duties for `decider` (a person of the staff directory), and the
    /// evidence when the laptop's worker records it for them — records the decision, moves
    /// the state, and appends the audit event.
    pub fn take_step(
        &mut self,
        reference: &str,
        step: Step,
        decider: i64,
        decision: &Decision,
        now: DateTime<Utc>,
    ) -> Result<RequestRecord> {
        let recorder = self.recorder()?;
        let current = self.request(reference)?;
        let (to, _) = next_state(current.state, step)?;
        // The decision's date: never in the future, never before the step it follows.
        let follows = current.decisions.last().and_then(|d| {
            d.decided_on.or_else(|| {
                DateTime::parse_from_rfc3339(&d.at)
                    .ok()
                    .map(|t| triangulate_core::local_time::uk_date(t.with_timezone(&Utc)))
            })
        });
        if let Some(day) = decision.decided_on
            && let Err(error) = triangulate_core::workflow::check_decision_date(
                day,
                triangulate_core::local_time::uk_date(now),
                follows,
            )
        {
            return Err(StoreError::Fields(vec![error]));
        }
        let people = self.check_duties(
            &current,
            step,
            current.state,
            decider,
            decision.evidence.as_deref(),
            None,
            decision.decided_on,
            now,
        )?;
        let decision = Decision { decided_by: people.decider_name.clone(), ..decision.clone() };
        self.write(now, |tx| {
            record_step(tx, current.id, current.state, to, step, &decision, recorder, &people, now)?;
            let event = NewAuditEvent::of_change(
                Actor::Worker(recorder),
                "request.step",
                vec![format!("request:{}", current.reference), format!("staff:{}", people.decider)],
                &(step, current.state, to, &decision),
            );
            Ok(((), event))
        })?;
        self.request(reference)
    }

    /// The request's social worker: who submitted it (for a submission, and before one,
    /// the person the form names, when the directory has exactly one of that name).
    pub(crate) fn social_worker_of(&self, request: &RequestRecord, step: Step) -> Result<Option<crate::StaffRecord>> {
        let submitted_by = request.decisions.iter().rev().find(|d| d.step == Step::Submit).and_then(|d| d.decider.id);
        match submitted_by.filter(|_| step != Step::Submit) {
            Some(id) => self.staff_member(id).map(Some),
            None => {
                let key = triangulate_core::staff::name_key(&request.request.originating_worker.name);
                let mut named = self.staff()?.into_iter().filter(|s| triangulate_core::staff::name_key(&s.name) == key);
                match (named.next(), named.next()) {
                    (Some(one), None) => Ok(Some(one)),
                    _ => Ok(None),
                }
            }
        }
    }

    /// What separation of duties says of `person` taking `step` from `from` on `request` on
    /// `today`: every rule that forbids it, none when they may.
    pub fn duty_refusals(
        &self,
        request: &RequestRecord,
        step: Step,
        from: RequestState,
        person: &crate::StaffRecord,
        today: NaiveDate,
    ) -> Result<Vec<triangulate_core::guards::Refusal>> {
        let parties = self.duty_parties(request, step, today)?;
        Ok(triangulate_core::duties::refusals(step, from, &person.person(today), &parties.parties(request)))
    }

    /// What the request records about who took part, as separation of duties reads it for
    /// `step`: read once, for trying many people.
    pub fn duty_parties(&self, request: &RequestRecord, step: Step, today: NaiveDate) -> Result<DutyParties> {
        let last_by = |step: Step| request.decisions.iter().rev().find(|d| d.step == step).and_then(|d| d.decider.id);
        Ok(DutyParties {
            social_worker: self.social_worker_of(request, step)?.map(|s| s.person(today)),
            agreed_by: last_by(Step::Agree),
            completed_by: last_by(Step::CompleteLog),
        })
    }

    /// Separation of duties for `decider` taking `step` on `request` now, recorded by the
    /// laptop's worker (with `evidence` when that is someone else): the evidence as a field's
    /// problem, the rule's refusals as guards; the people and the role the decider acts in.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_duties(
        &self,
        request: &RequestRecord,
        step: Step,
        from: RequestState,
        decider: i64,
        evidence: Option<&str>,
        log_version: Option<u32>,
        decided_on: Option<NaiveDate>,
        now: DateTime<Utc>,
    ) -> Result<Recorded> {
        // The decider's standing (left or not) on the day they decided, which may be before
        // it is recorded.
        let today = decided_on.unwrap_or_else(|| triangulate_core::local_time::uk_date(now));
        let decider = self.staff_member(decider)?;
        let recorder = self.laptop_worker()?;
        let who = decider.person(today);
        if let Some(problem) = triangulate_core::duties::proxy_evidence_problem(&who, &recorder.person(today), evidence)
        {
            return Err(StoreError::Fields(vec![problem]));
        }
        let refusals = self.duty_refusals(request, step, from, &decider, today)?;
        if !refusals.is_empty() {
            return Err(StoreError::Guarded {
                what: format!("\"{}\" cannot be recorded for {}", step.label(), decider.name),
                refusals,
            });
        }
        Ok(Recorded {
            decider: decider.id,
            decider_name: decider.name.clone(),
            role: triangulate_core::duties::acting_role(step, from, &who),
            recorder: recorder.id,
            log_version,
        })
    }
}

/// Who took part in a request so far, for the rule of separation of duties.
#[derive(Debug, Clone)]
pub struct DutyParties {
    pub social_worker: Option<triangulate_core::duties::Person>,
    pub agreed_by: Option<i64>,
    pub completed_by: Option<i64>,
}

impl DutyParties {
    pub fn parties<'a>(&'a self, request: &'a RequestRecord) -> triangulate_core::duties::Parties<'a> {
        triangulate_core::duties::Parties {
            social_worker: self.social_worker.as_ref(),
            social_worker_named: &request.request.originating_worker.name,
            agreed_by: self.agreed_by,
            completed_by: self.completed_by,
        }
    }
}

/// Who a decision is recorded for and by, from the staff directory.
#[derive(Debug, Clone)]
pub(crate) struct Recorded {
    pub decider: i64,
    pub decider_name: String,
    /// The role the decider acted in.
    pub role: Option<triangulate_core::staff::StaffRole>,
    /// The laptop's worker who recorded it.
    pub recorder: i64,
    pub log_version: Option<u32>,
}

/// Records a decision and moves the request's state, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_step(
    tx: &Transaction,
    request_id: i64,
    from: RequestState,
    to: RequestState,
    step: Step,
    decision: &Decision,
    profile: i64,
    people: &Recorded,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.execute(
        "INSERT INTO decisions (request_id, step, from_state, to_state, decided_by, recorded_by, evidence, note, conditions, at, decided_on,
                                decider, recorder, decider_role, log_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        rusqlite::params![
            request_id,
            step.verb(),
            from.as_str(),
            to.as_str(),
            people.decider_name,
            profile,
            decision.evidence,
            decision.note,
            decision.conditions,
            stamp(now),
            decision.decided_on.unwrap_or_else(|| triangulate_core::local_time::uk_date(now)).to_string(),
            people.decider,
            people.recorder,
            people.role.map(|r| r.as_str()),
            people.log_version,
        ],
    )?;
    let moved = tx.execute(
        "UPDATE requests SET state = ?1, updated_at = ?2 WHERE id = ?3 AND state = ?4",
        rusqlite::params![to.as_str(), stamp(now), request_id, from.as_str()],
    )?;
    if moved != 1 {
        return Err(StoreError::Refused("the request changed while this step was being recorded: try again".into()));
    }
    Ok(())
}

/// Inserts a new draft request and links its subjects, inside the caller's transaction;
/// returns its reference and the ids the audit event names.
pub(crate) fn insert_request(
    tx: &Transaction,
    request: &Request,
    settled: &BTreeMap<usize, PersonMatch>,
    parent_id: Option<i64>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(String, Vec<String>)> {
    let content = serde_json::to_string(request).expect("a request serialises");
    let at = stamp(now);
    let year = today.year();
    // A disposed request's number is never given again: its tombstone keeps it.
    let number: i64 = tx.query_row(
        "SELECT COALESCE(MAX(n), 0) + 1 FROM (
             SELECT number AS n FROM requests WHERE year = ?1
             UNION ALL SELECT CAST(substr(object, 10) AS INTEGER) FROM disposals
                 WHERE kind = 'request' AND object LIKE 'REQ-' || ?1 || '-%')",
        [year],
        |row| row.get(0),
    )?;
    let reference = format!("REQ-{year}-{number:04}");
    tx.execute(
        "INSERT INTO requests (reference, year, number, state, content, parent_id, flagged_for_sd, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?7)",
        rusqlite::params![reference, year, number, content, parent_id, parent_id.is_some(), at],
    )?;
    let request_id = tx.last_insert_rowid();
    let mut object_ids = vec![format!("request:{reference}")];
    object_ids.extend(link_subjects(tx, request_id, request, settled, now)?);
    Ok((reference, object_ids))
}

/// Replaces the content of a request that may still be changed (a draft, or referred back)
/// and links its subjects afresh, inside the caller's transaction.
pub(crate) fn replace_request(
    tx: &Transaction,
    request_id: i64,
    request: &Request,
    settled: &BTreeMap<usize, PersonMatch>,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let content = serde_json::to_string(request).expect("a request serialises");
    let changed = tx.execute(
        "UPDATE requests SET content = ?1, updated_at = ?2 WHERE id = ?3 AND state IN ('draft', 'referred_back')",
        rusqlite::params![content, stamp(now), request_id],
    )?;
    if changed != 1 {
        return Err(StoreError::Refused(
            "only a draft or a request referred back can be changed: this one has moved on".into(),
        ));
    }
    tx.execute("DELETE FROM request_subjects WHERE request_id = ?1", [request_id])?;
    link_subjects(tx, request_id, request, settled, now)
}

/// Links each subject (numbered from 1) to a person: the settled one, or a new person for a
/// named subject; an unnamed suspected associate has none. Returns the persons' audit ids.
fn link_subjects(
    tx: &Transaction,
    request_id: i64,
    request: &Request,
    settled: &BTreeMap<usize, PersonMatch>,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let mut object_ids = Vec::new();
    for (index, subject) in request.subjects.iter().enumerate() {
        let position = index + 1;
        let person_id = match (settled.get(&position), &subject.name) {
            (Some(PersonMatch::Same(id)), _) => Some(*id),
            (_, Some(name)) => {
                tx.execute(
                    "INSERT INTO persons (name, aliases, date_of_birth, created_at) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![
                        name,
                        serde_json::to_string(&subject.aliases).expect("serialises"),
                        subject.date_of_birth.map(|d| d.to_string()),
                        stamp(now)
                    ],
                )?;
                Some(tx.last_insert_rowid())
            }
            (_, None) => None,
        };
        tx.execute(
            "INSERT INTO request_subjects (request_id, position, person_id) VALUES (?1, ?2, ?3)",
            rusqlite::params![request_id, position as i64, person_id],
        )?;
        if let Some(id) = person_id {
            object_ids.push(format!("person:{id}"));
        }
    }
    Ok(object_ids)
}
