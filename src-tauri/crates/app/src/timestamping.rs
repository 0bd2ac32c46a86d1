//! The policy's time-stamping authority (RFC 3161), asked through the `Host` (over HTTP, as
//! `post` does, unless a host says otherwise): for a bundle's manifest and for the list a
//! disposal removes. Its answer is verified against the policy's CA before anything is
//! written.

use triangulate_evidence::timestamp::{self, TimestampInfo};

use crate::error::{AppError, Result};
use crate::host::Host;

/// The policy's time-stamping authority, with its CA certificate read and parsed.
pub(crate) struct Authority {
    pub(crate) url: String,
    /// The CA certificate as the policy's file holds it.
    pub(crate) pem: Vec<u8>,
    trusted: Vec<Vec<u8>>,
    /// What does not happen when the authority fails, for its messages.
    consequence: &'static str,
}

/// How long the authority has to answer.
const TSA_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl Authority {
    /// The authority the policy names, if any, with its CA certificate read and parsed;
    /// `consequence` ends each refusal ("no bundle is made").
    pub(crate) fn from_policy(host: &dyn Host, consequence: &'static str) -> Result<Option<Authority>> {
        let policy = host.policy()?;
        let (Some(url), Some(ca)) = (policy.timestamp.url, policy.timestamp.ca_certificate) else {
            return Ok(None);
        };
        let refused = |why: String| {
            AppError::Refused(format!("the policy's timestamp.ca_certificate ({ca}) {why}: {consequence}"))
        };
        let path = host.data_dir().root().join(&ca);
        let pem = std::fs::read(&path).map_err(|e| refused(format!("cannot be read: {e}")))?;
        let trusted = timestamp::certificates_from_pem(&pem).map_err(|why| refused(format!("is not usable: {why}")))?;
        Ok(Some(Authority { url, pem, trusted, consequence }))
    }

    /// Asks the authority to stamp `bytes`' SHA-256 and verifies its answer (the digest, the
    /// nonce, the signature, the certificate and its chain to the policy's CA) before anything
    /// is written.
    pub(crate) fn stamp(&self, host: &dyn Host, bytes: &[u8]) -> Result<(Vec<u8>, TimestampInfo)> {
        let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(bytes).into();
        let mut nonce = [0u8; 8];
        getrandom::fill(&mut nonce).map_err(|e| AppError::Internal(format!("no random nonce: {e}")))?;
        let nonce = u64::from_be_bytes(nonce) >> 1;
        let query = timestamp::request(&digest, nonce);
        let url = self.url.as_str();
        let consequence = self.consequence;
        let failed =
            |why: String| AppError::Refused(format!("the time-stamping authority at {url} {why}: {consequence}"));
        let answer = host.ask_time_stamping_authority(url, query).map_err(failed)?;
        let info = timestamp::verify_response(&answer, &digest, &self.trusted, Some(nonce))
            .map_err(|why| failed(format!("gave a timestamp that does not verify ({why})")))?;
        tracing::info!(authority = %self.url, time = %info.time, "timestamped");
        Ok((answer, info))
    }
}

/// Sends an RFC 3161 query to the authority over HTTP(S) and reads its answer, on a thread of
/// its own (the blocking client must not run inside an async runtime); `Err` says in words
/// what went wrong.
pub fn post(url: &str, query: Vec<u8>) -> std::result::Result<Vec<u8>, String> {
    let target = url.to_string();
    std::thread::spawn(move || post_here(&target, query))
        .join()
        .map_err(|_| "could not be asked (the request failed)".to_string())?
}

fn post_here(url: &str, query: Vec<u8>) -> std::result::Result<Vec<u8>, String> {
    use std::io::Read;
    let client = reqwest::blocking::Client::builder()
        .timeout(TSA_TIMEOUT)
        .build()
        .map_err(|e| format!("cannot be reached: {e}"))?;
    let response = client
        .post(url)
        .header("Content-Type", timestamp::QUERY_MEDIA_TYPE)
        .body(query)
        .send()
        .map_err(|e| format!("cannot be reached ({e})"))?;
    if !response.status().is_success() {
        return Err(format!("answered HTTP {}", response.status()));
    }
    let mut answer = Vec::new();
    response
        .take(timestamp::MAX_RESPONSE_BYTES as u64 + 1)
        .read_to_end(&mut answer)
        .map_err(|e| format!("broke off its answer ({e})"))?;
    if answer.len() > timestamp::MAX_RESPONSE_BYTES {
        return Err("sent an answer too large to be a timestamp".into());
    }
    Ok(answer)
}
