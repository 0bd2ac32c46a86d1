//! Drafts of the Appendix 1 form, saved as the worker types so that nothing typed is lost,
//! however incomplete. A draft is either a new request not yet created or changes to a
//! request that may still be changed (a draft, or one referred back). Committing a draft
//! validates it and creates or changes the request in the same transaction that removes it.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;
use std::collections::BTreeMap;
use triangulate_core::request_form::RequestForm;
use triangulate_core::workflow::RequestState;
use triangulate_core::{Actor, FieldError, NewAuditEvent, Policy};

use crate::Store;
use crate::error::{Result, StoreError};
use crate::requests::{PersonMatch, PossibleMatch, RequestRecord, insert_request, replace_request, stamp};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DraftRecord {
    pub id: i64,
    /// The request this draft changes; `None` for a new request.
    pub request: Option<String>,
    /// For a new request about another person found during a check: the request of that
    /// check. The request made from it is linked and flagged for the service director.
    pub parent: Option<String>,
    pub form: RequestForm,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DraftSummary {
    pub id: i64,
    pub request: Option<String>,
    pub title: String,
    pub updated_at: String,
}

/// What stands between a draft and a saved request: the form's errors, and the named
/// subjects who may be persons already known.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DraftCheck {
    pub errors: Vec<FieldError>,
    pub possible_matches: Vec<PossibleMatch>,
}

fn may_change(state: RequestState) -> bool {
    matches!(state, RequestState::Draft | RequestState::ReferredBack)
}

impl Store {
    /// A new draft, or one for changing `request`; a request has at most one draft, and
    /// asking again returns the one there is.
    pub fn start_draft(&mut self, request: Option<&str>, now: DateTime<Utc>) -> Result<DraftRecord> {
        let recorder = self.recorder()?;
        let (request_id, form) = match request {
            None => {
                // A social worker starting a request is its originating social worker.
                let mut form = RequestForm::default();
                if let Some(worker) = self.worker_profile()?.filter(|w| w.role == triangulate_core::WorkerRole::Osw) {
                    form.originating_worker.name = worker.name;
                }
                (None, form)
            }
            Some(reference) => {
                let record = self.request(reference)?;
                if !may_change(record.state) {
                    return Err(StoreError::Refused(format!(
                        "request {} is {} and can no longer be changed: only a draft or a request referred back can",
                        record.reference,
                        record.state_label.to_lowercase()
                    )));
                }
                if let Some(id) = self.draft_for(record.id)? {
                    return self.draft(id);
                }
                (Some(record.id), RequestForm::from_request(&record.request))
            }
        };
        let content = serde_json::to_string(&form).expect("a form serialises");
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO request_drafts (request_id, content, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                rusqlite::params![request_id, content, stamp(now)],
            )?;
            let id = tx.last_insert_rowid();
            let event = NewAuditEvent::of_change(Actor::Worker(recorder), "draft.start", draft_ids(tx, id)?, &content);
            Ok((id, event))
        })?;
        self.draft(id)
    }

    /// A new draft for another person whose page (`url`) was found during a check on
    /// `parent`: prefilled from it, and linked to it.
    pub fn start_linked_draft(&mut self, parent: &str, url: &str, now: DateTime<Utc>) -> Result<DraftRecord> {
        let recorder = self.recorder()?;
        let record = self.request(parent)?;
        let form = RequestForm::linked(&record.reference, &record.request, url);
        let content = serde_json::to_string(&form).expect("a form serialises");
        let id = self.write(now, |tx| {
            tx.execute(
                "INSERT INTO request_drafts (parent_id, content, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
                rusqlite::params![record.id, content, stamp(now)],
            )?;
            let id = tx.last_insert_rowid();
            let mut ids = draft_ids(tx, id)?;
            ids.push(format!("request:{}", record.reference));
            let event = NewAuditEvent::of_change(Actor::Worker(recorder), "draft.start", ids, &content);
            Ok((id, event))
        })?;
        self.draft(id)
    }

    fn draft_for(&self, request_id: i64) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row("SELECT id FROM request_drafts WHERE request_id = ?1", [request_id], |row| row.get(0))
            .optional()?)
    }

    pub fn draft(&self, id: i64) -> Result<DraftRecord> {
        self.draft_rows(Some(id))?.pop().ok_or_else(|| StoreError::NotFound { what: "draft", id: id.to_string() })
    }

    pub fn drafts(&self) -> Result<Vec<DraftSummary>> {
        Ok(self
            .draft_rows(None)?
            .into_iter()
            .map(|d| DraftSummary { id: d.id, title: d.form.title(), request: d.request, updated_at: d.updated_at })
            .collect())
    }

    fn draft_rows(&self, id: Option<i64>) -> Result<Vec<DraftRecord>> {
        let mut statement = self.conn.prepare(
            "SELECT d.id, r.reference, d.content, d.created_at, d.updated_at, p.reference
             FROM request_drafts d LEFT JOIN requests r ON r.id = d.request_id
             LEFT JOIN requests p ON p.id = d.parent_id
             WHERE ?1 IS NULL OR d.id = ?1 ORDER BY d.id",
        )?;
        type Row = (i64, Option<String>, String, String, String, Option<String>);
        let raw = statement
            .query_map([id], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get(1)?,
                    row.get::<_, String>(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<Row>>>()?;
        raw.into_iter()
            .map(|(id, request, content, created_at, updated_at, parent)| {
                let form = serde_json::from_str(&content).map_err(|e| StoreError::Damaged {
                    data_dir: self.data_dir.root().to_path_buf(),
                    reason: format!("draft {id} cannot be read: {e}"),
                })?;
                Ok(DraftRecord { id, request, parent, form, created_at, updated_at })
            })
            .collect()
    }

    /// Saves the form as typed: nothing is checked but the draft's existence.
    pub fn save_draft(&mut self, id: i64, form: &RequestForm, now: DateTime<Utc>) -> Result<DraftRecord> {
        let recorder = self.recorder()?;
        let content = serde_json::to_string(form).expect("a form serialises");
        self.write(now, |tx| {
            let changed = tx.execute(
                "UPDATE request_drafts SET content = ?1, updated_at = ?2 WHERE id = ?3",
                rusqlite::params![content, stamp(now), id],
            )?;
            if changed != 1 {
                return Err(StoreError::NotFound { what: "draft", id: id.to_string() });
            }
            let event = NewAuditEvent::of_change(Actor::Worker(recorder), "draft.save", draft_ids(tx, id)?, &content);
            Ok(((), event))
        })?;
        self.draft(id)
    }

    pub fn discard_draft(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        let recorder = self.recorder()?;
        self.write(now, |tx| {
            // Named before the row goes, so the event still belongs to its request.
            let ids = draft_ids(tx, id)?;
            if tx.execute("DELETE FROM request_drafts WHERE id = ?1", [id])? != 1 {
                return Err(StoreError::NotFound { what: "draft", id: id.to_string() });
            }
            let event = NewAuditEvent::of_change(Actor::Worker(recorder), "draft.discard", ids, &id);
            Ok(((), event))
        })
    }

    /// The request's own persons, when the draft changes one.
    fn draft_links(&self, draft: &DraftRecord) -> Result<Option<(i64, Vec<i64>)>> {
        match &draft.request {
            None => Ok(None),
            Some(reference) => {
                let request_id = self.request_id(reference)?;
                Ok(Some((request_id, self.linked_persons(request_id)?)))
            }
        }
    }

    /// Check your answers: every field error, and (when there are none) the named subjects
    /// who may be persons already known and are not this request's own.
    pub fn check_draft(&self, id: i64, policy: &Policy, today: NaiveDate) -> Result<DraftCheck> {
        let draft = self.draft(id)?;
        match draft.form.to_input().validate(policy, today) {
            Err(errors) => Ok(DraftCheck { errors, possible_matches: Vec::new() }),
            Ok(request) => {
                let own = self.draft_links(&draft)?.map(|(_, persons)| persons).unwrap_or_default();
                let possible_matches = self
                    .possible_person_matches(&request)?
                    .into_iter()
                    .filter(|m| !own.contains(&m.person.id))
                    .collect();
                Ok(DraftCheck { errors: Vec::new(), possible_matches })
            }
        }
    }

    /// Validates the draft and creates the request it describes, or changes the request it
    /// was started from, removing the draft in the same transaction.
    pub fn commit_draft(
        &mut self,
        id: i64,
        settled: &BTreeMap<usize, PersonMatch>,
        policy: &Policy,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<RequestRecord> {
        let recorder = self.recorder()?;
        let draft = self.draft(id)?;
        let request = draft.form.to_input().validate(policy, today).map_err(StoreError::Fields)?;
        let links = self.draft_links(&draft)?;
        let own = links.as_ref().map(|(_, persons)| persons.clone()).unwrap_or_default();
        let settled = self.settle_persons(&request, settled, &own)?;
        let content = serde_json::to_string(&request).expect("a request serialises");
        let reference = self.write(now, |tx| {
            let (reference, mut object_ids, action) = match &links {
                None => {
                    let parent_id: Option<i64> =
                        tx.query_row("SELECT parent_id FROM request_drafts WHERE id = ?1", [id], |row| row.get(0))?;
                    let (reference, ids) = insert_request(tx, &request, &settled, parent_id, today, now)?;
                    (reference, ids, "request.create")
                }
                Some((request_id, _)) => {
                    let ids = replace_request(tx, *request_id, &request, &settled, now)?;
                    let reference = draft.request.clone().expect("a draft with links names its request");
                    let mut all = vec![format!("request:{reference}")];
                    all.extend(ids);
                    (reference, all, "request.change")
                }
            };
            tx.execute("DELETE FROM request_drafts WHERE id = ?1", [id])?;
            object_ids.push(format!("draft:{id}"));
            let event = NewAuditEvent::of_change(Actor::Worker(recorder), action, object_ids, &(&reference, &content));
            Ok((reference, event))
        })?;
        self.request(&reference)
    }
}

/// A draft's ids for its audit events: the draft, and the request it changes, if any.
fn draft_ids(conn: &rusqlite::Connection, id: i64) -> Result<Vec<String>> {
    let request: Option<String> = conn
        .query_row(
            "SELECT r.reference FROM request_drafts d JOIN requests r ON r.id = d.request_id WHERE d.id = ?1",
            [id],
            |row| row.get(0),
        )
        .optional()?;
    let mut ids = vec![format!("draft:{id}")];
    ids.extend(request.map(|reference| format!("request:{reference}")));
    Ok(ids)
}
