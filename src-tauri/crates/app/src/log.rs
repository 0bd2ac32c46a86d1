//! The investigation log (Appendix 2): searches, findings, completion, the assessment,
//! sharing and corrections.

use chrono::{DateTime, Utc};
use triangulate_core::log::SearchInput;
use triangulate_store::LogRecord;

use crate::error::Result;
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

pub fn complete(host: &dyn Host, reference: &str, by: &str) -> Result<LogRecord> {
    Ok(host.store()?.log_complete(reference, by, host.now())?)
}

pub fn finalise(host: &dyn Host, reference: &str, by: &str, rating: &str, assessment: &str) -> Result<LogRecord> {
    Ok(host.store()?.log_finalise(reference, by, rating, assessment, host.now())?)
}

pub fn share(host: &dyn Host, reference: &str, by: &str, with: &[String]) -> Result<LogRecord> {
    Ok(host.store()?.log_share(reference, by, with, host.now())?)
}

pub fn correct(host: &dyn Host, reference: &str, note: &str) -> Result<LogRecord> {
    Ok(host.store()?.log_correct(reference, note, host.now())?)
}

pub fn show(host: &dyn Host, reference: &str, version: Option<u32>) -> Result<LogRecord> {
    Ok(host.store()?.log(reference, version)?)
}
