//! The store itself: creating it, its status, putting a lost key back, the audit chain and
//! the policy in force.

use serde::Serialize;
use std::path::PathBuf;
use triangulate_core::{ChainReport, Policy};
use triangulate_store::{AcceptedHead, AcceptedRestore, HeadCopy, RecoveryPhrase, Store, StoreStatus};

use crate::error::Result;
use crate::host::Host;

/// A new store and its recovery phrase, to be shown once.
pub struct Initialised {
    pub store_id: String,
    pub keystore_label: &'static str,
    pub keystore_warning: Option<String>,
    pub phrase: RecoveryPhrase,
}

pub fn init(host: &dyn Host) -> Result<Initialised> {
    let keystore = host.keystore()?;
    let (store, phrase) = Store::init(host.data_dir(), &keystore, host.now())?;
    Ok(Initialised {
        store_id: store.store_id().to_string(),
        keystore_label: keystore.label(),
        keystore_warning: keystore.warning(),
        phrase,
    })
}

/// Whether the store opens, where its key is kept and whether its audit chain is intact.
pub fn status(host: &dyn Host) -> StoreStatus {
    triangulate_store::store_status(host.data_dir(), &triangulate_store::Keystore::from_environment())
}

/// Puts a lost database key back from the recovery phrase as typed; returns the keystore's
/// name, the audit chain's report and, when the credential store lost its copy of the
/// head with the key (a restart on the kernel keyring), the warning that a rollback can no
/// longer be ruled out: recovering the key does not vouch for the data folder.
pub fn recover(host: &dyn Host, typed: &str) -> Result<(&'static str, ChainReport, Option<String>)> {
    let keystore = host.keystore()?;
    let phrase = RecoveryPhrase::parse(typed).map_err(triangulate_store::StoreError::from)?;
    let store = Store::recover(host.data_dir(), &keystore, &phrase, host.now())?;
    Ok((keystore.label(), store.audit_verify()?, store.missing_head_warning()?))
}

/// A new recovery phrase for the store's key, replacing the recovery file; shown once.
pub fn renew_recovery_phrase(host: &dyn Host) -> Result<RecoveryPhrase> {
    let now = host.now();
    Ok(host.store()?.renew_recovery_phrase(now)?)
}

/// Accepts a database restored from a copy (who, why); the chain goes on from it.
pub fn accept_restore(host: &dyn Host, by: &str, reason: &str) -> Result<AcceptedRestore> {
    let keystore = host.keystore()?;
    let (_, accepted) = Store::accept_restore(host.data_dir(), &keystore, by, reason, host.now())?;
    Ok(accepted)
}

/// Accepts the store as it stands while a copy of its recorded head is missing (who, why);
/// both copies are made again.
pub fn accept_head(host: &dyn Host, by: &str, reason: &str) -> Result<AcceptedHead> {
    let keystore = host.keystore()?;
    let (_, accepted) = Store::accept_head(host.data_dir(), &keystore, by, reason, host.now())?;
    Ok(accepted)
}

/// The audit chain's check, and whether its head recorded outside the database can still
/// rule out a rollback to an earlier copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerified {
    #[serde(flatten)]
    pub report: ChainReport,
    /// False while a copy of the head is missing: the chain may be whole and still be an
    /// earlier copy's.
    pub rollback_ruled_out: bool,
    pub head_copies_missing: Vec<HeadCopy>,
    pub rollback_warning: Option<String>,
}

pub fn audit_verify(host: &dyn Host) -> Result<AuditVerified> {
    let store = host.store()?;
    let report = store.audit_verify()?;
    let missing = store.missing_head_copies()?;
    Ok(AuditVerified {
        report,
        rollback_ruled_out: missing.is_empty(),
        rollback_warning: store.missing_head_warning()?,
        head_copies_missing: missing,
    })
}

/// The policy in force and the file it was read from, if any.
pub fn policy(host: &dyn Host) -> Result<(Policy, Option<PathBuf>)> {
    Ok(triangulate_store::load_policy(host.data_dir())?)
}
