//! What the desktop's first screen and `triangulate status` show: is there a store, is it
//! unlocked, where is its key, is its audit chain intact.

use serde::Serialize;
use triangulate_core::ChainReport;

use crate::error::{Result, StoreError};
use crate::{DataDir, Keystore, Store, load_policy};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum StoreState {
    NotInitialised,
    Ready,
    KeyMissing,
    WrongKey,
    /// The database is behind (or apart from) the audit head recorded outside it.
    RolledBack,
    /// A store's files are here but damaged or incomplete.
    Damaged,
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AuditSummary {
    pub intact: bool,
    pub events: u64,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct StoreStatus {
    pub state: StoreState,
    pub data_dir: String,
    pub message: String,
    pub store_id: Option<String>,
    pub keystore: String,
    pub keystore_warning: Option<String>,
    /// The recovery file is missing, unreadable or not this store's: the store is lost when
    /// the key is.
    pub recovery_warning: Option<String>,
    /// The local policy file is not valid: commands that need the policy refuse until fixed.
    pub policy_problem: Option<String>,
    /// A copy of the audit chain's head kept outside the database is missing or cannot be
    /// read: a rollback to an earlier copy of the store can no longer be ruled out, until a
    /// person accepts the store as it stands.
    pub rollback_warning: Option<String>,
    pub schema_version: Option<i64>,
    pub audit: Option<AuditSummary>,
    pub organisation: String,
    pub protective_marking: String,
}

impl AuditSummary {
    pub fn from_report(report: &ChainReport, head_count: u64) -> Self {
        match report {
            ChainReport::Intact { events } => {
                AuditSummary { intact: true, events: *events, message: report.to_string() }
            }
            ChainReport::Broken { .. } => {
                AuditSummary { intact: false, events: head_count, message: report.to_string() }
            }
        }
    }
}

/// Looks at the store without changing anything a worker stored.
pub fn store_status(data_dir: &DataDir, keystore: &Result<Keystore>) -> StoreStatus {
    let (policy, policy_problem) = match load_policy(data_dir) {
        Ok((policy, _)) => (policy, None),
        Err(error) => (Default::default(), Some(error.to_string())),
    };
    let mut status = StoreStatus {
        state: StoreState::Unavailable,
        data_dir: data_dir.root().display().to_string(),
        message: String::new(),
        store_id: None,
        keystore: String::new(),
        keystore_warning: None,
        recovery_warning: None,
        policy_problem: policy_problem.clone(),
        rollback_warning: None,
        schema_version: None,
        audit: None,
        organisation: policy.organisation.clone(),
        protective_marking: policy.protective_marking.clone(),
    };
    let keystore = match keystore {
        Ok(keystore) => keystore,
        Err(error) => {
            status.keystore = "none".into();
            status.message = error.to_string();
            return status;
        }
    };
    status.keystore = keystore.label().into();
    status.keystore_warning = keystore.warning();
    match Store::open(data_dir, keystore) {
        Ok(store) => {
            status.store_id = Some(store.store_id().to_string());
            status.schema_version = store.schema_version().ok();
            let head = store.audit_head().map(|h| h.count).unwrap_or(0);
            match store.audit_verify() {
                Ok(report) => status.audit = Some(AuditSummary::from_report(&report, head)),
                Err(error) => status.message = error.to_string(),
            }
            status.state = StoreState::Ready;
            status.recovery_warning = crate::recovery::problem(data_dir, store.store_id());
            match store.missing_head_warning() {
                Ok(warning) => status.rollback_warning = warning,
                Err(error) => status.message = error.to_string(),
            }
            if status.message.is_empty() {
                status.message = match &policy_problem {
                    Some(problem) => format!(
                        "The store is open, but the local policy is not valid: {problem}. Commands that apply the policy refuse until it is corrected."
                    ),
                    None => format!(
                        "Its database key was found in the {}, and every record is encrypted with it.",
                        keystore.label()
                    ),
                };
            }
        }
        Err(error) => {
            status.state = match error {
                StoreError::NotInitialised(_) => StoreState::NotInitialised,
                StoreError::KeyMissing { .. } => StoreState::KeyMissing,
                StoreError::WrongKey { .. } => StoreState::WrongKey,
                StoreError::RolledBack { .. } => StoreState::RolledBack,
                StoreError::Damaged { .. } | StoreError::Recovery(_) | StoreError::NewerSchema { .. } => {
                    StoreState::Damaged
                }
                _ => StoreState::Unavailable,
            };
            status.message = error.to_string();
        }
    }
    status
}
