//! The screens that read across the store: Home (the requests grouped by whom they wait for,
//! what waits for the person using the app, what falls due), a request's audit trail as a
//! person reads it, and the settings in force. Each is read here once, for both doors.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use triangulate_core::PolicyEntry;
use triangulate_core::audit::{ChainReport, describe_action, verify_request_chain};
use triangulate_core::home::{AuthorisationDates, DueItem, HOME_GROUPS, HomeGroup, RequestActivity, days, due};
use triangulate_core::local_time::{uk_date, uk_time};
use triangulate_core::workflow::{RequestState, Step};
use triangulate_store::{AawRecord, DecisionRecord, DraftSummary, RequestSummary, WorkerRecord};
use ts_rs::TS;

use crate::error::Result;
use crate::host::Host;

/// A request on Home: what identifies it, and how long it has waited since its last change.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeRequest {
    pub reference: String,
    pub case_reference: String,
    pub subjects: Vec<String>,
    pub state: RequestState,
    pub state_label: String,
    pub last_change: String,
    /// "3 days", "since today".
    pub waited: String,
    pub flagged_for_sd: bool,
}

/// A task on the list of the person using this laptop: a step they may take now, in their
/// own name, in words.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeTask {
    pub reference: String,
    pub step: triangulate_core::workflow::Step,
    /// "Run the access session for Zoë Łukasiewicz-Ó'Brien".
    pub words: String,
    pub waited: String,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HomeSection {
    pub group: HomeGroup,
    pub title: String,
    pub requests: Vec<HomeRequest>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct HomePage {
    /// Who is using the app, and in what role.
    pub worker: Option<WorkerRecord>,
    /// The requests with a step the person using this laptop may take now; empty without a
    /// profile.
    pub waiting_for_you: Vec<HomeRequest>,
    /// Those steps, one per request, in words: the person's task list.
    pub tasks: Vec<HomeTask>,
    /// Every group, in order, each with its requests (possibly none).
    pub sections: Vec<HomeSection>,
    pub due: Vec<DueItem>,
    /// Forms being filled in for new requests.
    pub drafts: Vec<DraftSummary>,
    pub notice_days: u32,
    pub idle_days: u32,
}

fn day_of(stored: &str, fallback: NaiveDate) -> NaiveDate {
    DateTime::parse_from_rfc3339(stored).map(|t| uk_date(t.with_timezone(&Utc))).unwrap_or(fallback)
}

/// Home, read from the store with today's date and the policy's notice periods.
pub fn home(host: &dyn Host) -> Result<HomePage> {
    let policy = host.policy()?;
    let today = host.today();
    let store = host.store()?;
    let summaries: Vec<RequestSummary> = store.requests()?;
    let worker = store.worker_profile()?;
    let authorisations = store.authorisations()?;
    let item = |r: &RequestSummary| HomeRequest {
        reference: r.reference.clone(),
        case_reference: r.case_reference.clone(),
        subjects: r.subjects.clone(),
        state: r.state,
        state_label: r.state_label.to_string(),
        last_change: r.updated_at.clone(),
        waited: days((today - day_of(&r.updated_at, today)).num_days()),
        flagged_for_sd: r.flagged_for_sd,
    };
    // Longest waiting first.
    let mut ordered: Vec<&RequestSummary> = summaries.iter().collect();
    ordered.sort_by(|a, b| a.updated_at.cmp(&b.updated_at));
    // Each person's own list: the requests whose next step separation of duties lets the
    // laptop's worker take now.
    let mut tasks = Vec::new();
    let mut waiting_for_you = Vec::new();
    if let Ok(staff) = store.laptop_worker() {
        let me = staff.person(today);
        for summary in &ordered {
            let Some(step) = triangulate_core::home::task_step(summary.state) else { continue };
            // No role of theirs takes the step: the request is not read.
            if triangulate_core::duties::acting_role(step, summary.state, &me).is_none() {
                continue;
            }
            let record = store.request(&summary.reference)?;
            if store.duty_refusals(&record, step, record.state, &staff, today)?.is_empty() {
                tasks.push(HomeTask {
                    reference: summary.reference.clone(),
                    step,
                    words: triangulate_core::home::task_words(step, &summary.subjects),
                    waited: days((today - day_of(&summary.updated_at, today)).num_days()),
                });
                waiting_for_you.push(item(summary));
            }
        }
    }
    let sections = HOME_GROUPS
        .iter()
        .map(|group| HomeSection {
            group: *group,
            title: group.title().to_string(),
            requests: ordered.iter().filter(|r| HomeGroup::of(r.state) == *group).map(|r| item(r)).collect(),
        })
        .collect();
    let dates: Vec<AuthorisationDates> = authorisations
        .iter()
        .map(|a| AuthorisationDates {
            request: &a.request,
            reference: &a.reference,
            review_due: a.review_due,
            expires: a.expires,
            cancelled: a.cancelled_at.is_some(),
            awaiting_approval: a.kind.needs_approval() && a.approved.is_none(),
        })
        .collect();
    let activity: Vec<RequestActivity> = summaries
        .iter()
        .map(|r| RequestActivity { reference: &r.reference, state: r.state, last_change: day_of(&r.updated_at, today) })
        .collect();
    let mut due = due(&dates, &activity, today, policy.home.notice_days, policy.home.idle_days);
    // The pilot's feedback until it is given, and the re-check once it falls due.
    let finalised = store.feedback_facts()?;
    let feedback: Vec<triangulate_core::pilot::FeedbackFacts> = finalised
        .iter()
        .map(|(reference, finalised_on, feedback_given, recheck_given)| triangulate_core::pilot::FeedbackFacts {
            request: reference,
            finalised_on: Some(*finalised_on),
            feedback_given: *feedback_given,
            recheck_given: *recheck_given,
        })
        .collect();
    due.extend(triangulate_core::pilot::due(&feedback, today, policy.pilot.recheck_months));
    let drafts = store.drafts()?.into_iter().filter(|d| d.request.is_none()).collect();
    Ok(HomePage {
        worker,
        waiting_for_you,
        tasks,
        sections,
        due,
        drafts,
        notice_days: policy.home.notice_days,
        idle_days: policy.home.idle_days,
    })
}

/// One event of a request's audit trail, as a person reads it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditLine {
    pub seq: u64,
    pub at: String,
    /// UK local time.
    pub when: String,
    pub who: String,
    pub what: String,
    /// The decision, for an event that recorded one ("Record team manager's agreement: Tom
    /// Manager").
    pub detail: Option<String>,
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct AuditTrail {
    pub reference: String,
    pub events: Vec<AuditLine>,
    /// Whether the request's own events verify as a chain, and why not.
    pub request_chain_intact: bool,
    pub request_chain_problem: Option<String>,
    /// The whole store's chain: whether it verifies, and how many events it holds.
    pub store_chain_intact: bool,
    pub store_chain_message: String,
    pub store_events: u64,
}

/// A request's audit events in words, with both chains' verification.
pub fn audit_trail(host: &dyn Host, reference: &str) -> Result<AuditTrail> {
    let store = host.store()?;
    let request = store.request(reference)?;
    let (events, head) = store.request_audit_events(&request.reference)?;
    let worker = store.worker_profile()?;
    let (request_chain_intact, request_chain_problem) = match verify_request_chain(&events, &request.reference, &head) {
        ChainReport::Intact { .. } => (true, None),
        ChainReport::Broken { event, reason } => (false, Some(format!("broken at event {event}: {reason}"))),
    };
    let whole = store.audit_verify()?;
    let store_events = store.audit_head()?.count;
    let (store_chain_intact, store_chain_message) = match &whole {
        ChainReport::Intact { events } => (true, format!("intact: {events} events")),
        ChainReport::Broken { event, reason } => (false, format!("broken at event {event}: {reason}")),
    };
    // Each event that recorded a decision takes the next decision of its kind, in order:
    // the request's steps, the first search (which starts the access), and the log's steps.
    let kind_of_step = |step: Step| match step {
        Step::StartAccess => "log.add_search",
        Step::CompleteLog => "log.complete",
        Step::FinaliseLog => "log.finalise",
        Step::Share => "log.share",
        _ => "request.step",
    };
    let mut decisions: std::collections::BTreeMap<&str, std::collections::VecDeque<&DecisionRecord>> =
        std::collections::BTreeMap::new();
    for d in &request.decisions {
        decisions.entry(kind_of_step(d.step)).or_default().push_back(d);
    }
    let lines = events
        .iter()
        .map(|e| {
            let who = match e.actor.strip_prefix("worker:").and_then(|id| id.parse::<i64>().ok()) {
                Some(id) => match &worker {
                    Some(w) if w.id == id => w.name.clone(),
                    _ => format!("Worker profile {id}"),
                },
                None if e.actor == "system" => "Triangulate".to_string(),
                None => e.actor.clone(),
            };
            let detail = decisions
                .get_mut(e.action.as_str())
                .and_then(|queue| queue.pop_front())
                .map(|d| format!("{}: {}", d.step_label, d.in_words));
            AuditLine {
                seq: e.seq,
                at: e.at.clone(),
                when: uk_time(&e.at),
                who,
                what: describe_action(&e.action),
                detail,
                ids: e.object_ids.clone(),
            }
        })
        .collect();
    Ok(AuditTrail {
        reference: request.reference,
        events: lines,
        request_chain_intact,
        request_chain_problem,
        store_chain_intact,
        store_chain_message,
        store_events,
    })
}

/// The settings in force, read-only where the policy is concerned.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SettingsPage {
    pub data_folder: String,
    /// The local `policy.toml`, when there is one.
    pub policy_file: Option<String>,
    /// Why the local policy file cannot be used, when it cannot.
    pub policy_problem: Option<String>,
    pub policy: Vec<PolicyEntry>,
    pub worker: Option<WorkerRecord>,
    pub aaws: Vec<AawRecord>,
    /// The installation's signing-key fingerprint, for the council to publish.
    pub fingerprint: String,
    pub keystore: String,
    pub recovery_warning: Option<String>,
}

pub fn settings(host: &dyn Host) -> Result<SettingsPage> {
    let status = crate::admin::status(host);
    let path = host.data_dir().policy_file();
    let local = std::fs::read(&path).ok();
    let (policy, policy_problem) = match crate::admin::policy(host) {
        Ok((policy, _)) => (policy, None),
        Err(error) => (triangulate_core::Policy::default(), Some(error.to_string())),
    };
    let text = local.as_deref().and_then(|b| std::str::from_utf8(b).ok());
    let entries = policy.entries(if policy_problem.is_none() { text } else { None });
    let mut store = host.store()?;
    let fingerprint = store.signing_key_info(host.now())?.fingerprint;
    Ok(SettingsPage {
        data_folder: host.data_dir().root().display().to_string(),
        policy_file: local.is_some().then(|| path.display().to_string()),
        policy_problem,
        policy: entries,
        worker: store.worker_profile()?,
        aaws: store.aaws()?,
        fingerprint,
        keystore: status.keystore,
        recovery_warning: status.recovery_warning,
    })
}
