//! The register of sanctioned accounts, and RIPA authorisations (directed surveillance and
//! CHIS).

use triangulate_store::{AccountRecord, AuthorisationInput, AuthorisationRecord};

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

pub fn cancel_authorisation(host: &dyn Host, reference: &str, by: &str) -> Result<AuthorisationRecord> {
    Ok(host.store()?.cancel_authorisation(reference, by, host.now())?)
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
