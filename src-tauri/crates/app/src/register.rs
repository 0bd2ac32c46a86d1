//! The register of sanctioned accounts, and of authorisations: RIPA directed surveillance and
//! CHIS (in effect once a justice of the peace approves them) and non-RIPA (the council's own
//! process) — approval, reviews, renewals, cancellation with a reason, each one's state today,
//! and the central record the covert surveillance code of practice asks the council to keep.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use triangulate_core::authorisation::{AuthorisationKind, AuthorisationState};
use triangulate_store::{AccountRecord, AuthorisationInput, AuthorisationRecord};
use ts_rs::TS;

use crate::error::Result;
use crate::host::Host;

pub fn accounts(host: &dyn Host) -> Result<Vec<AccountRecord>> {
    Ok(host.store()?.accounts()?)
}

/// `identifiable_as_council`: would a member of the public identify the account as the
/// council's (`None` when the worker has not said).
pub fn add_account(
    host: &dyn Host,
    platform: &str,
    handle: &str,
    identifiable_as_council: Option<bool>,
) -> Result<AccountRecord> {
    Ok(host.store()?.add_account(platform, handle, identifiable_as_council, host.now())?)
}

pub fn authorisations(host: &dyn Host) -> Result<Vec<AuthorisationRecord>> {
    Ok(host.store()?.authorisations()?)
}

/// Records an authorisation; review and expiry default from the policy.
pub fn add_authorisation(host: &dyn Host, input: &AuthorisationInput) -> Result<AuthorisationRecord> {
    let policy = host.policy()?;
    Ok(host.store()?.add_authorisation(input, &policy, host.now())?)
}

/// Records a justice of the peace's approval (RIPA section 32A).
pub fn approve_authorisation(
    host: &dyn Host,
    reference: &str,
    approved: &str,
    by: &str,
) -> Result<AuthorisationRecord> {
    Ok(host.store()?.approve_authorisation(reference, approved, by, host.now())?)
}

/// Records a review: its outcome, and the next review's date (or the policy's interval).
pub fn review_authorisation(
    host: &dyn Host,
    reference: &str,
    by: &str,
    outcome: &str,
    next: Option<&str>,
) -> Result<AuthorisationRecord> {
    let policy = host.policy()?;
    Ok(host.store()?.review_authorisation(reference, by, outcome, next, &policy, host.now())?)
}

/// Cancels an authorisation: who decided, and why.
pub fn cancel_authorisation(host: &dyn Host, reference: &str, by: &str, reason: &str) -> Result<AuthorisationRecord> {
    Ok(host.store()?.cancel_authorisation(reference, by, reason, host.now())?)
}

pub fn renew_authorisation(
    host: &dyn Host,
    reference: &str,
    by: &str,
    expires: &str,
    review: Option<&str>,
) -> Result<AuthorisationRecord> {
    Ok(host.store()?.renew_authorisation(reference, by, expires, review, host.now())?)
}

pub use triangulate_store::AuthorisationInput as NewAuthorisation;

/// One authorisation in the register: as recorded, what it covers, the request's subjects,
/// and its state today.
#[derive(Debug, Clone, Serialize, TS)]
pub struct RegisterEntry {
    #[serde(flatten)]
    pub authorisation: AuthorisationRecord,
    /// The person it covers (directed surveillance, non-RIPA) or the account (CHIS), in words.
    pub covers: String,
    /// The request's named subjects.
    pub subjects: Vec<String>,
    pub state: AuthorisationState,
    pub state_label: String,
}

/// Every authorisation across requests, each with its state today (the host's clock) and the
/// policy's notice period for reviews; those needing attention first, then by reference.
pub fn register(host: &dyn Host) -> Result<Vec<RegisterEntry>> {
    let policy = host.policy()?;
    let today = host.today();
    let store = host.store()?;
    let accounts: BTreeMap<i64, String> =
        store.accounts()?.into_iter().map(|a| (a.id, format!("{} ({})", a.handle, a.platform))).collect();
    let mut requests = BTreeMap::new();
    let mut entries = Vec::new();
    for a in store.authorisations()? {
        if !requests.contains_key(&a.request) {
            requests.insert(a.request.clone(), store.request(&a.request)?);
        }
        let request = &requests[&a.request];
        let subjects: Vec<String> = request
            .request
            .subjects
            .iter()
            .filter(|s| s.name.as_deref().is_some_and(|n| !n.trim().is_empty()))
            .map(|s| s.display_name().to_string())
            .collect();
        let covers = match (a.person_id, a.account_id) {
            (Some(person), _) => request
                .subjects
                .iter()
                .find(|link| link.person_id == Some(person))
                .and_then(|link| request.request.subjects.get(link.subject.saturating_sub(1)))
                .map(|s| s.display_name().to_string())
                .unwrap_or_else(|| format!("person {person}")),
            (None, Some(account)) => accounts.get(&account).cloned().unwrap_or_else(|| format!("account {account}")),
            (None, None) => String::new(),
        };
        let state = a.timeline().state(today, policy.home.notice_days);
        entries.push(RegisterEntry { authorisation: a, covers, subjects, state, state_label: state.label().into() });
    }
    let attention = |s: AuthorisationState| match s {
        AuthorisationState::ReviewOverdue | AuthorisationState::Expired => 0,
        AuthorisationState::AwaitingApproval | AuthorisationState::ReviewDue => 1,
        AuthorisationState::InForce => 2,
        AuthorisationState::Cancelled => 3,
    };
    entries.sort_by(|x, y| {
        (attention(x.state), &x.authorisation.reference).cmp(&(attention(y.state), &y.authorisation.reference))
    });
    Ok(entries)
}

/// The columns of the central record, in order.
pub const CENTRAL_RECORD_COLUMNS: [&str; 13] = [
    "kind",
    "unique_reference",
    "request",
    "subjects",
    "authorising_officer",
    "date_granted",
    "magistrate_approval",
    "urgency",
    "confidential_or_privileged_likely",
    "reviews",
    "renewals",
    "date_cancelled",
    "state",
];

/// A central record written.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CentralRecord {
    pub path: String,
    pub rows: u32,
    pub sha256: String,
}

/// The UK day of a time as stored (RFC 3339), as the record's other dates are given.
fn uk_day(stored: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(stored)
        .map(|t| triangulate_core::local_time::uk_date(t.with_timezone(&chrono::Utc)).to_string())
        .unwrap_or_default()
}

/// One row of the central record: lists joined with `; `.
fn central_row(e: &RegisterEntry) -> [String; 13] {
    let a = &e.authorisation;
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    let subjects = if a.kind.covers_a_person() { vec![e.covers.clone()] } else { e.subjects.clone() };
    let reviews: Vec<String> =
        a.reviews.iter().map(|r| format!("{} by {}: {}", r.reviewed_on, r.by, r.outcome.replace('\n', " "))).collect();
    let renewals: Vec<String> =
        a.renewals.iter().map(|r| format!("{} by {}: to {}", uk_day(&r.recorded_at), r.by, r.expires)).collect();
    let cancelled = a.timeline().cancelled_on.map(|d| d.to_string()).unwrap_or_default();
    let approval = match (a.kind, a.approved) {
        (AuthorisationKind::NonRipa, _) => "not required".to_string(),
        (_, Some(day)) => day.to_string(),
        (_, None) => String::new(),
    };
    [
        a.kind.flag().to_string(),
        a.reference.clone(),
        a.request.clone(),
        subjects.join("; "),
        a.officer.clone(),
        a.granted.to_string(),
        approval,
        if a.urgent { "urgent".into() } else { "normal".into() },
        yes_no(a.confidential_likely),
        reviews.join("; "),
        renewals.join("; "),
        cancelled,
        e.state.as_str().to_string(),
    ]
}

/// Writes the central record of every authorisation as a UTF-8 CSV with a header row, to a new
/// file. The subjects' names leave the encrypted store in it: the export is an audit event.
pub fn central_record(host: &dyn Host, out: &Path) -> Result<CentralRecord> {
    crate::export::check_destination(out)?;
    let entries = register(host)?;
    let (written, rows) = crate::export::write_new_file(out, |file| {
        let mut writer = csv::Writer::from_writer(file);
        writer.write_record(CENTRAL_RECORD_COLUMNS).map_err(std::io::Error::other)?;
        for entry in &entries {
            writer.write_record(central_row(entry)).map_err(std::io::Error::other)?;
        }
        writer.flush()?;
        Ok(entries.len())
    })?;
    if let Err(error) = host.store()?.record_central_record_export(rows, &written.sha256, host.now()) {
        let _ = std::fs::remove_file(&written.path);
        return Err(error.into());
    }
    // Known for disposal: it names the people of every request in it.
    let mut requests: Vec<String> = entries.iter().map(|e| e.authorisation.request.clone()).collect();
    requests.sort();
    requests.dedup();
    if let Err(error) = crate::tracked::record(
        host,
        "central_record",
        "central_record",
        &requests,
        &[],
        std::slice::from_ref(&written.path),
        &[],
    ) {
        let _ = std::fs::remove_file(&written.path);
        return Err(error);
    }
    tracing::info!(rows, "central record of authorisations exported");
    Ok(CentralRecord { path: written.path.display().to_string(), rows: rows as u32, sha256: written.sha256 })
}
