//! Investigation requests (Appendix 1): created from a file or committed from a draft typed
//! on screen, listed and searched, and moved through the workflow one decision at a time.
//! What each next step still lacks is decided here, once, for both doors.

use serde::Serialize;
use std::collections::BTreeMap;
use triangulate_core::request::RequestInput;
use triangulate_core::request_form::{RequestForm, matches_query};
use triangulate_core::workflow::{DecisionInput, RequestState, Role, Step, TRANSITIONS};
use triangulate_store::{
    AuthorisationRecord, DraftCheck, DraftRecord, DraftSummary, PersonMatch, RequestRecord, RequestSummary, Store,
};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::host::Host;

/// Creates a draft request from the request file's text (snake_case JSON). `settled` says
/// who each possibly known subject is; `parent` links a person found during another check.
pub fn create(
    host: &dyn Host,
    file_text: &str,
    settled: &BTreeMap<usize, PersonMatch>,
    parent: Option<&str>,
) -> Result<RequestRecord> {
    let policy = host.policy()?;
    let request = RequestInput::validate_json(file_text, &policy, host.today()).map_err(AppError::fields_error)?;
    Ok(host.store()?.create_request(&request, settled, parent, host.today(), host.now())?)
}

/// Reads a request file for `create`, never more than the largest a request file may be
/// (a device that never ends, such as `/dev/zero`, is refused, not read until memory runs
/// out); text that is not UTF-8 is a field error that says where.
pub fn read_request_file(path: &std::path::Path) -> Result<String> {
    use std::io::Read;
    let limit = triangulate_core::request::MAX_REQUEST_FILE_BYTES;
    let file_error = |message: String| AppError::fields_error(vec![triangulate_core::FieldError::new("file", message)]);
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
        .map_err(|e| file_error(format!("{} cannot be read: {e}", path.display())))?;
    if bytes.len() > limit {
        return Err(file_error(format!(
            "The request file is too large: it may be at most {} bytes ({} MB)",
            limit,
            limit / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        file_error(format!(
            "The request file is not UTF-8 text: byte {} cannot be read; save it as UTF-8",
            e.utf8_error().valid_up_to() + 1
        ))
    })
}

pub fn show(host: &dyn Host, reference: &str) -> Result<RequestRecord> {
    Ok(host.store()?.request(reference)?)
}

pub fn list(host: &dyn Host) -> Result<Vec<RequestSummary>> {
    Ok(host.store()?.requests()?)
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct RequestList {
    pub requests: Vec<RequestSummary>,
    /// Forms being filled in for new requests (drafts of changes show on their request).
    pub drafts: Vec<DraftSummary>,
}

/// Requests and drafts of new requests whose reference, case reference or a person's name
/// holds every word of `query`; all of them for an empty query.
pub fn search(host: &dyn Host, query: &str) -> Result<RequestList> {
    let store = host.store()?;
    let requests = store
        .requests()?
        .into_iter()
        .filter(|r| {
            let mut texts = vec![r.reference.as_str(), r.case_reference.as_str()];
            texts.extend(r.subjects.iter().map(String::as_str));
            matches_query(query, &texts)
        })
        .collect();
    let drafts = store
        .drafts()?
        .into_iter()
        .filter(|d| d.request.is_none() && matches_query(query, &[d.title.as_str()]))
        .collect();
    Ok(RequestList { requests, drafts })
}

/// A request with what can be done next and what each next step still lacks.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RequestPage {
    pub record: RequestRecord,
    /// The draft of changes to this request, when one is open.
    pub draft: Option<i64>,
    pub can_change: bool,
    pub next_steps: Vec<NextStep>,
    pub authorisations: Vec<AuthorisationRecord>,
    /// Once legitimacy is confirmed, and while the check is in progress: what an access
    /// session still needs.
    pub access: Option<AccessReadiness>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct NextStep {
    pub step: Step,
    pub label: String,
    pub role: Role,
    /// Who takes it, in words.
    pub by: String,
    /// Whether recording it now would be for someone else, with the evidence it came in:
    /// true when the person using this laptop may not take it in their own name.
    pub needs_evidence: bool,
    pub needs_note: bool,
    pub takes_conditions: bool,
    /// What must be done before this step can be taken; empty when it can be taken now.
    pub missing: Vec<String>,
    /// Where each of `missing` is put right, in the same order.
    pub fixes: Vec<FixPlace>,
    /// The one step to offer first to the person using the app.
    pub primary: bool,
    /// Whether the person using this laptop may take it now, in their own name.
    pub yours: bool,
    /// Why they may not (separation of duties), in words; empty when they may.
    pub not_yours: Vec<String>,
    /// The people of the staff directory who may take it now, for a decision made by email
    /// and recorded here.
    pub waits_for: Vec<StaffChoice>,
}

/// A person of the directory to choose as the decider.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StaffChoice {
    pub id: i64,
    /// What the decider field takes to name them: their staff ID, or their name.
    pub value: String,
    pub name: String,
    /// "Tomasz Wiśniewski (team manager)".
    pub label: String,
}

/// Where something missing is put right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "place", rename_all = "snake_case")]
pub enum FixPlace {
    /// Nowhere the person using the app can: someone else must act.
    Elsewhere,
    WorkerProfile,
    SanctionedAccounts,
    /// The draft of changes to this request.
    Draft {
        id: i64,
    },
}

/// Whether an access can start, once legitimacy is confirmed: what is missing for it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AccessReadiness {
    pub missing: Vec<String>,
    pub fixes: Vec<FixPlace>,
    /// The service director's conditions, which the worker confirms when a session starts.
    pub conditions: Option<String>,
}

/// The people of the directory who may take `step` from `from` now, each with the role
/// they would take it in.
pub(crate) fn who_may(
    store: &Store,
    record: &RequestRecord,
    step: Step,
    from: RequestState,
    today: chrono::NaiveDate,
) -> Result<Vec<StaffChoice>> {
    let mut choices = Vec::new();
    let parties = store.duty_parties(record, step, today)?;
    for person in store.staff()? {
        if person.left_on.is_some_and(|d| d <= today) {
            continue;
        }
        if triangulate_core::duties::refusals(step, from, &person.person(today), &parties.parties(record)).is_empty() {
            let role = triangulate_core::duties::acting_role(step, from, &person.person(today));
            choices.push(StaffChoice {
                id: person.id,
                value: person.staff_id.clone().unwrap_or_else(|| person.name.clone()),
                name: person.name.clone(),
                label: match (role, &person.staff_id) {
                    (Some(role), Some(id)) => format!("{} ({}, staff ID {id})", person.name, role.words()),
                    (Some(role), None) => format!("{} ({})", person.name, role.words()),
                    (None, _) => person.label(),
                },
            });
        }
    }
    Ok(choices)
}

fn fix_for(code: &str) -> FixPlace {
    use triangulate_core::guards::code;
    match code {
        code::ACCOUNT_NOT_REGISTERED => FixPlace::SanctionedAccounts,
        code::NOT_REGISTERED_AAW | code::AAW_REGISTRATION_INCOMPLETE => FixPlace::WorkerProfile,
        _ => FixPlace::Elsewhere,
    }
}

fn page_of(
    store: &Store,
    reference: &str,
    policy: &triangulate_core::Policy,
    today: chrono::NaiveDate,
) -> Result<RequestPage> {
    let record = store.request(reference)?;
    let draft = store.drafts()?.into_iter().find(|d| d.request.as_deref() == Some(&record.reference)).map(|d| d.id);
    let can_change = matches!(record.state, RequestState::Draft | RequestState::ReferredBack);
    let worker = store.laptop_worker().ok();
    let mut next_steps = Vec::new();
    for (_, step, _, role) in
        TRANSITIONS.iter().filter(|(from, step, ..)| *from == record.state && Step::ON_REQUEST_PAGE.contains(step))
    {
        let mut missing = Vec::new();
        let mut fixes = Vec::new();
        if let (Step::Submit, Some(id)) = (*step, draft) {
            missing.push("Save or discard the changes being made to this request".to_string());
            fixes.push(FixPlace::Draft { id });
        }
        let not_yours: Vec<String> = match &worker {
            Some(worker) => store
                .duty_refusals(&record, *step, record.state, worker, today)?
                .into_iter()
                .map(|r| r.reason)
                .collect(),
            None => vec!["There is no worker profile on this laptop: set one up first".to_string()],
        };
        next_steps.push(NextStep {
            step: *step,
            label: step.label().to_string(),
            role: *role,
            by: role.label().to_string(),
            needs_evidence: !not_yours.is_empty(),
            needs_note: step.needs_note(),
            takes_conditions: *step == Step::Permit,
            missing,
            fixes,
            primary: false,
            yours: not_yours.is_empty(),
            not_yours,
            waits_for: who_may(store, &record, *step, record.state, today)?,
        });
    }
    // One primary step: the first the person using the app may take now that moves the
    // request on; refusals, referrals, doubts and withdrawals never are.
    let forward = |n: &NextStep| {
        n.yours
            && n.missing.is_empty()
            && !matches!(n.step, Step::Refuse | Step::ReferBack | Step::RaiseDoubts | Step::Withdraw)
    };
    if let Some(index) = next_steps.iter().position(forward) {
        next_steps[index].primary = true;
    }
    // Sessions start once legitimacy is confirmed, and go on while the check is in progress:
    // offered only when the guards would allow one now, and otherwise why not, in words.
    let access = if matches!(record.state, RequestState::LegitimacyConfirmed | RequestState::InProgress) {
        let mut readiness = AccessReadiness { missing: Vec::new(), fixes: Vec::new(), conditions: None };
        if store.accounts().map(|a| a.is_empty()).unwrap_or(true) {
            readiness.missing.push("No sanctioned account is registered: add the council's account first".into());
            readiness.fixes.push(FixPlace::SanctionedAccounts);
        }
        for refusal in store.access_refusals(&record, policy, today)? {
            if refusal.code == triangulate_core::guards::code::ACCOUNT_NOT_REGISTERED {
                continue;
            }
            readiness.fixes.push(fix_for(refusal.code));
            readiness.missing.push(capitalised(&refusal.reason));
        }
        readiness.conditions = permit_conditions(&record);
        Some(readiness)
    } else {
        None
    };
    let authorisations = store.authorisations()?.into_iter().filter(|a| a.request == record.reference).collect();
    Ok(RequestPage { record, draft, can_change, next_steps, authorisations, access })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The service director's conditions on the request, from the latest permission.
pub(crate) fn permit_conditions(record: &RequestRecord) -> Option<String> {
    record.decisions.iter().rev().find(|d| d.step == Step::Permit).and_then(|d| d.conditions.clone())
}

pub fn page(host: &dyn Host, reference: &str) -> Result<RequestPage> {
    let policy = host.policy()?;
    page_of(&*host.store()?, reference, &policy, host.today())
}

/// Takes a step of the workflow: refused while the step still lacks something, and the
/// decision checked for what that step needs (evidence, a note).
pub fn take_step(host: &dyn Host, reference: &str, step: Step, input: &DecisionInput) -> Result<RequestPage> {
    let policy = host.policy()?;
    let mut store = host.store()?;
    let before = page_of(&store, reference, &policy, host.today())?;
    if let Some(next) = before.next_steps.iter().find(|n| n.step == step)
        && !next.missing.is_empty()
    {
        return Err(AppError::Refused(format!("{} cannot be taken yet: {}", next.label, next.missing.join("; "))));
    }
    let decision = input.validate(step).map_err(AppError::fields_error)?;
    let decider = store.find_staff("by", &input.decided_by)?;
    store.take_step(reference, step, decider.id, &decision, host.now())?;
    page_of(&store, reference, &policy, host.today())
}

pub fn start_draft(host: &dyn Host, reference: Option<&str>) -> Result<DraftRecord> {
    Ok(host.store()?.start_draft(reference, host.now())?)
}

/// A draft of a separate request for another person whose page (`url`, a web address) was
/// found during the check on `parent`: linked to it and flagged for the service director.
pub fn start_linked_draft(host: &dyn Host, parent: &str, url: &str) -> Result<DraftRecord> {
    let mut errors = Vec::new();
    let text = triangulate_core::validation::web_address_text(&mut errors, "url", "the page's address", url);
    if text.as_deref().is_some_and(|t| !triangulate_core::request::valid_profile_url(t)) {
        errors.push(triangulate_core::FieldError::new(
            "url",
            "The page's address must start with https:// or http:// and name a site",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    Ok(host.store()?.start_linked_draft(parent, &text.unwrap_or_default(), host.now())?)
}

pub fn draft(host: &dyn Host, id: i64) -> Result<DraftRecord> {
    Ok(host.store()?.draft(id)?)
}

pub fn save_draft(host: &dyn Host, id: i64, form: &RequestForm) -> Result<DraftRecord> {
    Ok(host.store()?.save_draft(id, form, host.now())?)
}

pub fn check_draft(host: &dyn Host, id: i64) -> Result<DraftCheck> {
    let policy = host.policy()?;
    Ok(host.store()?.check_draft(id, &policy, host.today())?)
}

/// Validates a draft and creates or changes its request, settling possible person matches.
pub fn commit_draft(host: &dyn Host, id: i64, settled: &BTreeMap<usize, PersonMatch>) -> Result<RequestPage> {
    let policy = host.policy()?;
    let mut store = host.store()?;
    let record = store.commit_draft(id, settled, &policy, host.today(), host.now())?;
    page_of(&store, &record.reference, &policy, host.today())
}

pub fn discard_draft(host: &dyn Host, id: i64) -> Result<()> {
    Ok(host.store()?.discard_draft(id, host.now())?)
}
