//! A capture of the tab the worker is looking at, as it is: the page is never reloaded. The
//! full page beyond the viewport (capped at `FULL_PAGE_CAP_PX`, the cap recorded), the
//! visible viewport, an MHTML snapshot, and the provenance: addresses, title, times, the
//! document's HTTP response and TLS certificate as the recorder saw them (or what is unknown,
//! and why), and the browser, viewport and machine.

use base64::Engine;
use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::GetCertificateParams;
use chromiumoxide::cdp::browser_protocol::page::{
    CaptureScreenshotFormat, CaptureScreenshotParams, CaptureSnapshotFormat, CaptureSnapshotParams, Viewport,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::Duration;
use triangulate_evidence::{
    AppInfo, BrowserInfo, DocumentResponse, FullPageInfo, NewArtefact, OperatingSystemInfo, Provenance, TrailEvent,
    ViewportInfo, WorkerStatement,
};

use crate::error::{CaptureError, Result};
use crate::recorder::Clock;

/// The tallest full-page image taken, in device pixels; taller pages are cut here and the
/// cut is recorded in the provenance.
pub const FULL_PAGE_CAP_PX: f64 = 16_384.0;

/// What the store knows that the capture needs.
pub trait SessionFacts {
    /// The document's response as recorded, if the recorder saw it load; `just_loaded` when
    /// the capture navigated there itself, so the recorder may still be storing it.
    fn document_response(&self, tab: &str, url: &str, just_loaded: bool) -> Option<DocumentResponse>;
    /// The trail so far.
    fn trail(&self) -> Vec<TrailEvent>;
    /// Whether this page may be captured (scope, the session and request still open). A
    /// refusal is the caller's own error in `CaptureError::Refused`, and comes back unchanged.
    fn may_capture(&self, url: &str) -> Result<()>;
}

pub struct Taken {
    pub tab: String,
    pub url: String,
    pub artefacts: Vec<NewArtefact>,
    pub provenance: Provenance,
}

fn decode(data: impl AsRef<str>) -> Result<Vec<u8>> {
    base64::engine::general_purpose::STANDARD
        .decode(data.as_ref())
        .map_err(|e| CaptureError::DevTools(format!("the browser sent an image that is not base64: {e}")))
}

/// The tab the worker is looking at: visible and focused, else the one the trail last
/// touched, else any visible tab.
async fn current_tab(browser: &chromiumoxide::Browser, trail: &[TrailEvent]) -> Result<Page> {
    let pages = crate::open_tabs(browser).await?;
    let mut looks = Vec::new();
    for page in pages {
        let state =
            ready(&page, "({ visible: document.visibilityState === 'visible', focused: document.hasFocus() })").await;
        looks.push((page, state["visible"] == true, state["focused"] == true));
    }
    let last_tab = trail.iter().rev().find(|e| !e.tab.is_empty() && e.kind != "tab_closed").map(|e| e.tab.clone());
    let is_last = |page: &Page| last_tab.as_deref() == Some(page.target_id().as_ref());
    let pick = looks
        .iter()
        .position(|(_, visible, focused)| *visible && *focused)
        .or_else(|| looks.iter().position(|(page, visible, _)| *visible && is_last(page)))
        .or_else(|| looks.iter().position(|(page, _, _)| is_last(page)))
        .or_else(|| looks.iter().position(|(_, visible, _)| *visible))
        .or((!looks.is_empty()).then_some(0))
        .ok_or_else(|| CaptureError::DevTools("the browser has no open tab to capture".into()))?;
    Ok(looks.swap_remove(pick).0)
}

/// Waits until the connection has set the tab up (its page domain enabled, a JavaScript
/// context there): commands sent before that are lost.
/// Returns the value of `expression` once the tab answers (null if it never does).
async fn ready(page: &Page, expression: &str) -> Value {
    for _ in 0..100 {
        if let Ok(value) = page.evaluate(expression).await {
            return value.into_value().unwrap_or_default();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Value::Null
}

/// Goes to `url` in the tab and returns the tab once the new document has loaded: its time
/// origin differs from the old one's and it is complete. The DevTools client's own `goto`
/// can miss the load of a tab it attached to and wait for ever; and a first navigation from
/// `about:blank` may move the tab to another process, so the tab is looked up afresh.
async fn navigate(browser: &chromiumoxide::Browser, page: Page, url: &str) -> Result<Page> {
    const DOCUMENT: &str = "[performance.timeOrigin, document.readyState, location.href]";
    let target = page.target_id().clone();
    let before: Option<(f64, String, String)> = page.evaluate(DOCUMENT).await.ok().and_then(|r| r.into_value().ok());
    let address = serde_json::to_string(url).expect("a string serialises");
    // The document being left may not answer: the navigation has started all the same.
    let _ = page.evaluate(format!("window.location.href = {address}")).await;
    for _ in 0..600 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let Ok(current) = browser.get_page(target.clone()).await else { continue };
        let now: Option<(f64, String, String)> =
            current.evaluate(DOCUMENT).await.ok().and_then(|r| r.into_value().ok());
        // The new document, loaded, and not the empty one a tab holds before it.
        if let Some((origin, state, href)) = now
            && state == "complete"
            && !href.starts_with("about:")
            && before.as_ref().is_none_or(|(old, _, _)| *old != origin)
        {
            return Ok(current);
        }
    }
    Err(CaptureError::DevTools(format!("{url} did not finish loading within 30 seconds")))
}

/// The address the worker asked for, before redirects: the start of the redirect chain
/// that ended at `url` in this tab, or `url` itself.
pub fn original_url(trail: &[TrailEvent], tab: &str, url: &str) -> String {
    let mut current = url.to_string();
    for event in trail.iter().rev().filter(|e| e.tab == tab) {
        if event.kind == "redirect" && event.detail["to"].as_str() == Some(current.as_str()) {
            current = event.url.clone();
        } else if event.kind == "navigation" && event.url != url && current == url {
            break;
        }
    }
    current
}

pub async fn take(
    devtools_url: &str,
    navigate_to: Option<&str>,
    statement: Option<&str>,
    facts: &dyn SessionFacts,
    clock: Clock,
) -> Result<Taken> {
    let (browser, driver) = crate::connect(devtools_url).await?;
    let result = take_with(&browser, navigate_to, statement, facts, clock).await;
    driver.abort();
    result
}

async fn take_with(
    browser: &chromiumoxide::Browser,
    navigate_to: Option<&str>,
    statement: Option<&str>,
    facts: &dyn SessionFacts,
    clock: Clock,
) -> Result<Taken> {
    let timer = std::time::Instant::now();
    let mut page = current_tab(browser, &facts.trail()).await?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "tab found");
    if let Some(url) = navigate_to {
        page = navigate(browser, page, url).await?;
    }
    let tab = page.target_id().as_ref().to_string();
    // The document's own address (the client's cached frame state can lag behind), title
    // and pixel ratio, in one round trip.
    let document: Value = page
        .evaluate("({ href: location.href, title: document.title, scale: window.devicePixelRatio })")
        .await
        .ok()
        .and_then(|r| r.into_value().ok())
        .unwrap_or_default();
    let url = match document["href"].as_str() {
        Some(href) => href.to_string(),
        None => page.url().await?.unwrap_or_default(),
    };
    facts.may_capture(&url)?;
    let started: DateTime<Utc> = clock();

    let title = document["title"].as_str().unwrap_or_default().to_string();
    let scale = document["scale"].as_f64().unwrap_or(1.0);
    let metrics = page.layout_metrics().await?;
    let content = &metrics.css_content_size;
    let viewport = &metrics.css_layout_viewport;

    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "metrics read");
    let viewport_png = page
        // Lossless all the same: only the PNG encoder's effort is lower for the small image.
        .execute(
            CaptureScreenshotParams::builder().format(CaptureScreenshotFormat::Png).optimize_for_speed(true).build(),
        )
        .await?
        .result
        .data;
    let cap_css = FULL_PAGE_CAP_PX / scale;
    let captured_height = content.height.min(cap_css).floor();
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "viewport taken");
    // The full page, the MHTML and the browser's version are asked for together: the
    // screenshot is the compositor's work and the snapshot the page's, so they overlap.
    let full_page = page.execute(
        CaptureScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .capture_beyond_viewport(true)
            .clip(Viewport { x: 0.0, y: 0.0, width: content.width.floor(), height: captured_height, scale: 1.0 })
            .build(),
    );
    let snapshot = page.execute(CaptureSnapshotParams { format: Some(CaptureSnapshotFormat::Mhtml) });
    let (full_page, snapshot, version) = tokio::join!(full_page, snapshot, browser.version());
    let full_page_png = full_page?.result.data;
    let mhtml = snapshot?.result.data;
    let version = version?;
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "full page, MHTML and version taken");

    let http = http_provenance(&page, facts.document_response(&tab, &url, navigate_to.is_some())).await;
    let tls = tls_provenance(&page, &url, &http).await;
    let ended = clock();
    tracing::debug!(ms = timer.elapsed().as_millis() as u64, "provenance written");
    let provenance = Provenance {
        original_url: navigate_to.map(str::to_string).unwrap_or_else(|| original_url(&facts.trail(), &tab, &url)),
        url: url.clone(),
        title,
        tab: tab.clone(),
        capture_started_at: started.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        capture_ended_at: ended.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        http,
        tls,
        browser: BrowserInfo {
            product: version.product,
            revision: version.revision,
            protocol_version: version.protocol_version,
            user_agent: version.user_agent,
        },
        viewport: ViewportInfo {
            width: viewport.client_width,
            height: viewport.client_height,
            device_scale_factor: scale,
        },
        full_page: FullPageInfo {
            page_width_css: content.width,
            page_height_css: content.height,
            captured_height_css: captured_height,
            capped: content.height > cap_css,
            cap_device_px: FULL_PAGE_CAP_PX,
        },
        operating_system: OperatingSystemInfo {
            family: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
        },
        app: AppInfo { name: "Triangulate".to_string(), version: env!("CARGO_PKG_VERSION").to_string() },
        worker_statement: statement
            .map(|s| WorkerStatement { visible_without_friending_or_interacting: true, words: s.to_string() }),
        outside_scope_reason: None,
    };
    Ok(Taken {
        tab,
        url,
        artefacts: vec![
            NewArtefact { kind: "full_page_png", media_type: "image/png", bytes: decode(full_page_png)? },
            NewArtefact { kind: "viewport_png", media_type: "image/png", bytes: decode(viewport_png)? },
            NewArtefact { kind: "mhtml", media_type: "multipart/related", bytes: mhtml.into_bytes() },
        ],
        provenance,
    })
}

/// The document's response as the recorder saw it; when it loaded before the recorder
/// attached, the status from the page's own navigation timing and what is not known.
async fn http_provenance(page: &Page, recorded: Option<DocumentResponse>) -> Value {
    if let Some(recorded) = recorded {
        let r = &recorded.response;
        return json!({
            "known": true,
            "recorded_at": recorded.at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "status": r["status"],
            "status_text": r["statusText"],
            "headers": r["headers"],
            "mime_type": r["mimeType"],
            "protocol": r["protocol"],
            "remote_ip_address": r["remoteIPAddress"],
            "remote_port": r["remotePort"],
            "security_state": r["securityState"],
            "security_details": r["securityDetails"],
        });
    }
    let status: Option<i64> = page
        .evaluate("performance.getEntriesByType('navigation')[0]?.responseStatus ?? null")
        .await
        .ok()
        .and_then(|r| r.into_value().ok());
    json!({
        "known": false,
        "why": "the page was loaded before the session's recorder saw it: its headers, server address and certificate were not recorded",
        "status_from_navigation_timing": status,
    })
}

/// The TLS facts of an HTTPS document: protocol, certificate subject, issuer, validity and
/// the SHA-256 fingerprint of the leaf certificate (DER).
async fn tls_provenance(page: &Page, url: &str, http: &Value) -> Value {
    if !url.starts_with("https://") {
        return json!({ "https": false });
    }
    let details = &http["security_details"];
    let origin = url::Url::parse(url).map(|u| u.origin().ascii_serialization()).unwrap_or_default();
    let fingerprint = match page.execute(GetCertificateParams::new(origin)).await {
        Ok(reply) => reply.result.table_names.first().and_then(|der| {
            base64::engine::general_purpose::STANDARD.decode(der).ok().map(|bytes| hex::encode(Sha256::digest(bytes)))
        }),
        Err(_) => None,
    };
    json!({
        "https": true,
        "protocol": details["protocol"],
        "cipher": details["cipher"],
        "subject": details["subjectName"],
        "issuer": details["issuer"],
        "valid_from": details["validFrom"],
        "valid_to": details["validTo"],
        "san_list": details["sanList"],
        "certificate_sha256": fingerprint,
        "details_recorded": !details.is_null(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, tab: &str, url: &str, detail: Value) -> TrailEvent {
        TrailEvent { at: Utc::now(), kind: kind.into(), tab: tab.into(), url: url.into(), detail }
    }

    #[test]
    fn the_original_url_is_the_start_of_the_redirect_chain() {
        let trail = vec![
            event("navigation", "A", "http://x/home", json!({})),
            event("redirect", "A", "http://x/r1", json!({ "to": "http://x/r2" })),
            event("redirect", "A", "http://x/r2", json!({ "to": "http://x/profile" })),
            event("navigation", "A", "http://x/profile", json!({})),
            event("redirect", "B", "http://x/other", json!({ "to": "http://x/profile" })),
        ];
        assert_eq!(original_url(&trail, "A", "http://x/profile"), "http://x/r1");
        assert_eq!(original_url(&trail, "A", "http://x/home"), "http://x/home");
        assert_eq!(original_url(&trail, "C", "http://x/profile"), "http://x/profile");
    }
}
