//! The capture's web archive: what the browser received for the page, as the recorder kept
//! it, written as WARC 1.1 — a `request` and a `response` record for each exchange (a body
//! that could not be had is written as missing, with the reason, never made up) and the
//! provenance as a `metadata` record about the page's response. The pictures and the MHTML
//! are artefacts of their own beside the WARC, never copied into it (a bundle would carry
//! them twice): the `warcinfo` record names each by kind, size and SHA-256.

use chrono::{DateTime, Utc};
use triangulate_evidence::warc::{Body, HttpRequest, HttpResponse, RecordId, Truncation, WarcInfo, WarcWriter};
use triangulate_evidence::{NewArtefact, Provenance};

use crate::archive::PageArchive;

fn random_id() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    // A record id needs to be unique, not secret: a failure of the system's source (which
    // does not happen on a working machine) still yields distinct ids from the clock.
    if getrandom::fill(&mut bytes).is_err() {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        bytes = nanos.to_le_bytes();
    }
    bytes
}

/// How a body that is not there is described: over a limit, or anything else.
fn truncation(reason: &str) -> Truncation {
    if reason.contains("over the policy's limit") || reason.contains("already passed") {
        Truncation::Length
    } else {
        Truncation::Unspecified
    }
}

pub fn write(
    archive: &PageArchive,
    provenance: &Provenance,
    artefacts: &[NewArtefact],
    date: DateTime<Utc>,
) -> Vec<u8> {
    let info = WarcInfo {
        software: format!("Triangulate {}", env!("CARGO_PKG_VERSION")),
        filename: None,
        description: Some(format!(
            "What the browser received for {} when the worker loaded it, with the capture's provenance; \
             its pictures and MHTML stand beside this file, named below",
            provenance.url
        )),
        is_part_of: None,
        operator: None,
        extra: std::iter::once(("browser".to_string(), provenance.browser.product.clone()))
            .chain(artefacts.iter().map(|artefact| {
                (
                    "artefact".to_string(),
                    format!(
                        "{} {} {} bytes sha256:{}",
                        artefact.kind,
                        artefact.media_type,
                        artefact.bytes.len(),
                        triangulate_evidence::sha256_hex(&artefact.bytes)
                    ),
                )
            }))
            .collect(),
    };
    let mut warc = WarcWriter::new(date, &info, random_id);
    let page_url = provenance.url.split('#').next().unwrap_or(&provenance.url).to_string();
    let mut page_response: Option<RecordId> = None;
    for exchange in &archive.exchanges {
        let request = HttpRequest {
            url: exchange.url.clone(),
            date: exchange.requested_at,
            method: exchange.method.clone(),
            protocol: exchange.response.as_ref().and_then(|r| r.protocol.clone()).unwrap_or_else(|| "http/1.1".into()),
            headers: exchange.request_headers.clone(),
            body: None,
        };
        let Some(response) = &exchange.response else {
            // Asked for, never answered: the request alone is what happened.
            warc.request(&request, None);
            continue;
        };
        let body = match (exchange.body(), &exchange.missing) {
            (Some(bytes), _) => Body::Complete(bytes),
            (None, Some(reason)) => Body::Missing { truncated: truncation(reason), reason: reason.clone() },
            (None, None) => Body::Missing {
                truncated: Truncation::Unspecified,
                reason: "its body had not finished loading when the page was captured".into(),
            },
        };
        let written = warc.response(
            &HttpResponse {
                url: exchange.url.clone(),
                date: response.received_at,
                status: response.status,
                status_text: response.status_text.clone(),
                protocol: response.protocol.clone().unwrap_or_else(|| "http/1.1".into()),
                headers: response.headers.clone(),
                body,
                remote_ip: response.remote_ip_address.clone(),
            },
            None,
        );
        warc.request(&request, Some(&written));
        if exchange.url == page_url && !(300..400).contains(&response.status) {
            page_response = Some(written);
        }
    }
    let provenance_json = serde_json::to_vec_pretty(provenance).expect("a provenance serialises");
    // Named as a record of its own, not as the page: a replay tool asked for the page's address
    // must find the page's response, never this JSON.
    let provenance_uri = format!("urn:triangulate:provenance:{page_url}");
    warc.metadata(&provenance_uri, date, "application/json", &provenance_json, page_response.as_ref());
    warc.finish()
}
