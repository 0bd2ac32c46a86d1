//! The investigation log (Appendix 2): searches, findings, completion, the assessment,
//! sharing and corrections.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use triangulate_core::FieldError;
use triangulate_core::local_time::{from_uk, problem_field};
use triangulate_core::log::{LatestVersion, LogDifference, SearchInput, differences};
pub use triangulate_core::log::LogActions;
use triangulate_core::request_form::DateParts;
use triangulate_core::workflow::{RequestState, Step};
use triangulate_store::{AccountRecord, LogRecord, LogVersion, WorkerRecord};
use ts_rs::TS;

use crate::error::{AppError, Result};
use crate::host::Host;

/// A search as the worker gives it; `at` defaults to now.
pub struct NewSearch<'a> {
    pub platform: &'a str,
    pub account: i64,
    pub searched: &'a str,
    pub result: &'a str,
    pub at: Option<DateTime<Utc>>,
}

/// Records a search; the first one starts the access and passes through the session guard.
pub fn add_search(host: &dyn Host, reference: &str, search: &NewSearch) -> Result<LogRecord> {
    let policy = host.policy()?;
    let now = host.now();
    let input = SearchInput {
        at: search.at.unwrap_or(now),
        platform: search.platform,
        account_id: search.account,
        searched: search.searched,
        result: search.result,
    };
    Ok(host.store()?.log_add_search(reference, &input, &policy, host.today(), now)?)
}

/// A finding, and the captures of this request it rests on.
pub fn add_finding(host: &dyn Host, reference: &str, text: &str, captures: &[i64]) -> Result<LogRecord> {
    Ok(host.store()?.log_add_finding(reference, text, captures, host.now())?)
}

/// Completes the log in the name of `by` (a person of the staff directory, by name or staff
/// ID); `evidence` when the laptop's worker records it for them.
pub fn complete(host: &dyn Host, reference: &str, by: &str, evidence: Option<&str>) -> Result<LogRecord> {
    let by = crate::people::find(host, "by", by)?;
    Ok(host.store()?.log_complete(reference, by.id, evidence, host.now())?)
}

pub fn finalise(
    host: &dyn Host,
    reference: &str,
    by: &str,
    evidence: Option<&str>,
    rating: &str,
    assessment: &str,
) -> Result<LogRecord> {
    let by = crate::people::find(host, "by", by)?;
    Ok(host.store()?.log_finalise(reference, by.id, evidence, rating, assessment, host.now())?)
}

pub fn share(host: &dyn Host, reference: &str, by: &str, evidence: Option<&str>, with: &[String]) -> Result<LogRecord> {
    let by = crate::people::find(host, "by", by)?;
    Ok(host.store()?.log_share(reference, by.id, evidence, with, host.now())?)
}

pub fn correct(host: &dyn Host, reference: &str, note: &str) -> Result<LogRecord> {
    Ok(host.store()?.log_correct(reference, note, host.now())?)
}

pub fn show(host: &dyn Host, reference: &str, version: Option<u32>) -> Result<LogRecord> {
    Ok(host.store()?.log(reference, version)?)
}

/// Records a disagreement between the social worker and the access worker about what is
/// relevant, for the service manager.
pub fn disagree(host: &dyn Host, reference: &str, by: &str, about: &str) -> Result<LogRecord> {
    let by = crate::people::find(host, "by", by)?;
    Ok(host.store()?.log_disagree(reference, &by.name, about, host.now())?)
}

/// Records the service manager's outcome of disagreement `number`.
pub fn settle(host: &dyn Host, reference: &str, number: u32, by: &str, outcome: &str) -> Result<LogRecord> {
    let by = crate::people::find(host, "by", by)?;
    Ok(host.store()?.log_settle(reference, number, &by.name, outcome, host.now())?)
}

/// A search as typed on screen: the sanctioned account chosen from the register (its
/// platform is the search's unless another is given), and the time in UK local time as
/// people write it (now when left empty).
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct SearchForm {
    pub account: Option<i64>,
    pub platform: String,
    pub searched: String,
    pub result: String,
    pub date: DateParts,
    pub time: String,
}

/// Records a search typed on screen; every mistake is returned at once, each on its field.
pub fn add_typed_search(host: &dyn Host, reference: &str, form: &SearchForm) -> Result<LogRecord> {
    let now = host.now();
    let mut errors = Vec::new();
    let at = from_uk(&form.date, &form.time).unwrap_or_else(|why| {
        errors.push(FieldError::new(problem_field(&form.date, "at", "time"), why));
        None
    });
    let mut platform = form.platform.trim().to_string();
    match form.account {
        None => errors.push(FieldError::new("account", "Select the sanctioned account the search was made on")),
        Some(id) if platform.is_empty() => match host.store()?.account(id) {
            Ok(account) => platform = account.platform,
            Err(_) => errors.push(FieldError::new("account", format!("There is no sanctioned account {id}"))),
        },
        Some(_) => {}
    }
    let input = SearchInput {
        at: at.unwrap_or(now),
        platform: &platform,
        account_id: form.account.unwrap_or(0),
        searched: &form.searched,
        result: &form.result,
    };
    if let Err(more) = input.validate(now, None) {
        errors.extend(more.into_iter().filter(|e| !(e.field == "platform" && form.account.is_none())));
    }
    if !errors.is_empty() {
        return Err(AppError::fields_error(errors));
    }
    let search = NewSearch {
        platform: &platform,
        account: form.account.unwrap_or(0),
        searched: &form.searched,
        result: &form.result,
        at,
    };
    add_search(host, reference, &search)
}

/// A capture of the request that a finding may rest on.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CaptureChoice {
    pub id: i64,
    pub url: String,
    pub title: String,
    pub taken_at: String,
    /// The worker's judgement, once made.
    pub relevant: Option<bool>,
}

/// Two versions of the log compared.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LogComparison {
    pub from: u32,
    pub to: u32,
    pub differences: Vec<LogDifference>,
}

/// The investigation log screen: the version shown (the latest unless asked), every version
/// there is, what may be done now, and what the forms choose from.
#[derive(Debug, Clone, Serialize, TS)]
pub struct LogPage {
    pub reference: String,
    pub case_reference: String,
    pub state: RequestState,
    pub state_label: String,
    /// `None` before the first search.
    pub shown: Option<LogVersion>,
    pub versions: Vec<u32>,
    /// Whether the version shown is the latest (an earlier one is only read).
    pub latest: bool,
    pub actions: LogActions,
    pub accounts: Vec<AccountRecord>,
    pub captures: Vec<CaptureChoice>,
    pub worker: Option<WorkerRecord>,
    pub comparison: Option<LogComparison>,
    /// For each of completing, finalising and sharing that `actions` allows now: whether the
    /// person using this laptop may take it in their own name, why not, and who may.
    pub offers: Vec<StepOffer>,
}

/// A step of the log as it is offered to the person using this laptop.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StepOffer {
    pub step: Step,
    pub yours: bool,
    /// Why they may not (separation of duties), in words.
    pub not_yours: Vec<String>,
    /// Who in the staff directory may take it now, for a decision recorded for them.
    pub waits_for: Vec<crate::requests::StaffChoice>,
}

/// The log screen of a request; `version` to read an earlier one, `compare` to set another
/// version beside it.
pub fn page(host: &dyn Host, reference: &str, version: Option<u32>, compare: Option<u32>) -> Result<LogPage> {
    let store = host.store()?;
    let request = store.request(reference)?;
    let latest = store.latest_log(reference)?;
    let shown = match version {
        Some(v) => Some(store.log(reference, Some(v))?),
        None => latest.clone(),
    };
    let latest_version = latest.as_ref().map(|l| l.version.version);
    let is_latest = shown.as_ref().map(|s| s.version.version) == latest_version;
    let actions =
        if is_latest { actions(request.state, latest.as_ref().map(|l| &l.version)) } else { LogActions::default() };
    let comparison = match (compare, &shown) {
        (Some(other), Some(shown)) if other != shown.version.version => {
            let other = store.log(reference, Some(other))?;
            let (a, b) = if other.version.version < shown.version.version { (&other, shown) } else { (shown, &other) };
            Some(LogComparison {
                from: a.version.version,
                to: b.version.version,
                differences: differences(&a.version.log, &b.version.log),
            })
        }
        _ => None,
    };
    let today = host.today();
    let worker = store.laptop_worker().ok();
    let mut offers = Vec::new();
    for (allowed, step) in
        [(actions.complete, Step::CompleteLog), (actions.finalise, Step::FinaliseLog), (actions.share, Step::Share)]
    {
        if !allowed {
            continue;
        }
        // A correction is finalised under the rule of the first finalisation.
        let from = if step == Step::FinaliseLog && request.state != RequestState::LogCompleted {
            RequestState::LogCompleted
        } else {
            request.state
        };
        let not_yours: Vec<String> = match &worker {
            Some(worker) => {
                store.duty_refusals(&request, step, from, worker, today)?.into_iter().map(|r| r.reason).collect()
            }
            None => vec!["There is no worker profile on this laptop: set one up first".to_string()],
        };
        offers.push(StepOffer {
            step,
            yours: not_yours.is_empty(),
            not_yours,
            waits_for: crate::requests::who_may(&store, &request, step, from, today)?,
        });
    }
    let captures = store
        .captures_of_request(reference)?
        .into_iter()
        .map(|record| {
            let manifest: Option<triangulate_evidence::Manifest> = serde_json::from_str(&record.manifest).ok();
            CaptureChoice {
                id: record.id,
                url: manifest.as_ref().map(|m| m.provenance.url.clone()).unwrap_or_default(),
                title: manifest.as_ref().map(|m| m.provenance.title.clone()).unwrap_or_default(),
                taken_at: record.created_at,
                relevant: record.judgement.map(|j| j.relevant),
            }
        })
        .collect();
    Ok(LogPage {
        reference: request.reference.clone(),
        case_reference: request.request.case_reference.clone(),
        state: request.state,
        state_label: request.state.label().to_string(),
        versions: shown.as_ref().map(|s| s.versions.clone()).unwrap_or_default(),
        shown: shown.map(|s| s.version),
        latest: is_latest,
        actions,
        accounts: store.accounts()?,
        captures,
        worker: store.worker_profile()?,
        comparison,
        offers,
    })
}

/// What the store would accept now, from the request's state and the latest version.
fn actions(state: RequestState, latest: Option<&LogVersion>) -> LogActions {
    triangulate_core::log::actions(state, latest.map(|v| LatestVersion { number: v.version, finalised: v.finalised_at.is_some() }))
}
