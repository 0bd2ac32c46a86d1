//! The trail, recorded as it happens: every main-frame navigation with its redirect hops,
//! same-document navigations (pushState), new tabs and closed tabs, and each document's
//! HTTP response (status, headers, server address, TLS). Events go to the store as they
//! arrive, through one writer thread; recording stops when the browser closes.

use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::network::{
    EnableParams as NetworkEnableParams, EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent,
    EventResponseReceived, GetResponseBodyParams, ResourceType, Response,
};
use chromiumoxide::cdp::browser_protocol::page::{EventFrameNavigated, EventNavigatedWithinDocument};
use chromiumoxide::cdp::browser_protocol::target::{EventTargetCreated, EventTargetDestroyed, TargetId};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde_json::json;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;
use triangulate_evidence::{DocumentResponse, TrailEvent};

use crate::archive::{Exchange, ExchangeResponse, PageArchives, headers_of};
use crate::error::Result;

/// What the recorder hands to the writer.
pub enum Record {
    Trail(TrailEvent),
    Response(DocumentResponse),
}

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Whether recording should go on: the session was not ended and the browser is still there.
pub type StillWanted = Arc<dyn Fn() -> bool + Send + Sync>;

/// Records until the browser closes or the session ends. `sink` receives every event; the
/// caller stores them.
pub async fn record(
    devtools_url: &str,
    clock: Clock,
    sink: mpsc::Sender<Record>,
    still_wanted: StillWanted,
    archives: Arc<PageArchives>,
) -> Result<()> {
    let (browser, driver) = crate::connect(devtools_url).await?;
    let watched: Arc<Mutex<HashSet<String>>> = Arc::default();
    let trail = |kind: &str, tab: &str, url: &str, detail: serde_json::Value| {
        Record::Trail(TrailEvent { at: clock(), kind: kind.into(), tab: tab.into(), url: url.into(), detail })
    };

    let mut created = browser.event_listener::<EventTargetCreated>().await?;
    let mut destroyed = browser.event_listener::<EventTargetDestroyed>().await?;
    // Tabs open before the recorder attached: every one is watched before recording is said
    // to have started, so that nothing done after `session start` returns is missed.
    let pages = crate::open_tabs(&browser).await?;
    for page in pages {
        let url = page.url().await.ok().flatten().unwrap_or_default();
        let _ =
            sink.send(trail("tab_open", page.target_id().as_ref(), &url, json!({ "opened_before_recording": true })));
        watch(page, clock.clone(), sink.clone(), watched.clone(), archives.clone()).await;
    }
    let _ = sink.send(trail("recording_started", "", "", json!({})));
    let browser = Arc::new(browser);

    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if !still_wanted() {
                    break;
                }
            }
            event = created.next() => {
                let Some(event) = event else { break };
                let info = &event.target_info;
                if info.r#type != "page" {
                    continue;
                }
                let tab = info.target_id.as_ref().to_string();
                if watched.lock().map(|w| w.contains(&tab)).unwrap_or(true) {
                    continue;
                }
                let opener = info.opener_id.as_ref().map(|o| o.as_ref().to_string());
                let _ = sink.send(trail("new_tab", &tab, &info.url, json!({ "opener": opener })));
                let browser = browser.clone();
                let (clock, sink, watched, archives) = (clock.clone(), sink.clone(), watched.clone(), archives.clone());
                let target = info.target_id.clone();
                tokio::spawn(async move {
                    if let Some(page) = page_for(&browser, target).await {
                        let tab = page.target_id().as_ref().to_string();
                        watch(page.clone(), clock.clone(), sink.clone(), watched, archives).await;
                        // A new tab starts loading before the recorder can attach to it: if it
                        // already shows a page, that page is recorded now, marked as seen late
                        // (its headers were not seen).
                        let url: Option<String> = page.evaluate("location.href").await.ok().and_then(|r| r.into_value().ok());
                        if let Some(url) = url.filter(|u| !u.starts_with("about:")) {
                            let _ = sink.send(Record::Trail(TrailEvent {
                                at: clock(),
                                kind: "navigation".into(),
                                tab,
                                url,
                                detail: json!({ "seen_after_load": true }),
                            }));
                        }
                    }
                });
            }
            event = destroyed.next() => {
                let Some(event) = event else { break };
                let tab = event.target_id.as_ref().to_string();
                let was_watched = watched.lock().map(|mut w| w.remove(&tab)).unwrap_or(false);
                if was_watched {
                    archives.forget(&tab);
                    let _ = sink.send(trail("tab_closed", &tab, "", json!({})));
                }
            }
        }
    }
    driver.abort();
    Ok(())
}

/// The page for a new target, once the connection has attached to it.
async fn page_for(browser: &chromiumoxide::Browser, target: TargetId) -> Option<Page> {
    for _ in 0..50 {
        if let Ok(page) = browser.get_page(target.clone()).await {
            return Some(page);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Listens to one tab's main-frame navigations, redirects and document responses; returns
/// once its listeners are in place.
async fn watch(
    page: Page,
    clock: Clock,
    sink: mpsc::Sender<Record>,
    watched: Arc<Mutex<HashSet<String>>>,
    archives: Arc<PageArchives>,
) {
    let tab = page.target_id().as_ref().to_string();
    if let Ok(mut set) = watched.lock()
        && !set.insert(tab.clone())
    {
        return;
    }
    let Ok(mut navigated) = page.event_listener::<EventFrameNavigated>().await else { return };
    let Ok(mut within) = page.event_listener::<EventNavigatedWithinDocument>().await else { return };
    let Ok(mut requests) = page.event_listener::<EventRequestWillBeSent>().await else { return };
    let Ok(mut responses) = page.event_listener::<EventResponseReceived>().await else { return };
    let Ok(mut finished) = page.event_listener::<EventLoadingFinished>().await else { return };
    let Ok(mut failed) = page.event_listener::<EventLoadingFailed>().await else { return };
    // Bodies stay in the browser's buffers until the recorder fetches them: room for a page's
    // worth, so that none is evicted before it is read.
    let buffers = NetworkEnableParams::builder()
        .max_total_buffer_size(256 * 1024 * 1024)
        .max_resource_buffer_size(archives.max_body_bytes().min(i64::MAX as usize) as i64)
        .build();
    let _ = page.execute(buffers).await;
    tokio::spawn(async move {
        let mut main_frame = page.mainframe().await.ok().flatten().map(|f| f.as_ref().to_string());
        let send = |record: Record| {
            let _ = sink.send(record);
        };
        loop {
            tokio::select! {
                event = navigated.next() => {
                    let Some(event) = event else { break };
                    if event.frame.parent_id.is_some() {
                        continue;
                    }
                    main_frame = Some(event.frame.id.as_ref().to_string());
                    let url = format!("{}{}", event.frame.url, event.frame.url_fragment.clone().unwrap_or_default());
                    send(Record::Trail(TrailEvent {
                        at: clock(),
                        kind: "navigation".into(),
                        tab: tab.clone(),
                        url,
                        detail: json!({ "type": format!("{:?}", event.r#type).to_lowercase() }),
                    }));
                }
                event = within.next() => {
                    let Some(event) = event else { break };
                    if main_frame.as_deref().is_some_and(|m| m != event.frame_id.as_ref()) {
                        continue;
                    }
                    send(Record::Trail(TrailEvent {
                        at: clock(),
                        kind: "same_document".into(),
                        tab: tab.clone(),
                        url: event.url.clone(),
                        detail: json!({ "type": format!("{:?}", event.navigation_type).to_lowercase() }),
                    }));
                }
                event = requests.next() => {
                    let Some(event) = event else { break };
                    let is_document = event.r#type == Some(ResourceType::Document);
                    let in_main_frame = match (&main_frame, &event.frame_id) {
                        (Some(main), Some(frame)) => main == frame.as_ref(),
                        _ => true,
                    };
                    if event.request.url.starts_with("http://") || event.request.url.starts_with("https://") {
                        let exchange = Exchange {
                            request_id: event.request_id.inner().clone(),
                            url: event.request.url.clone(),
                            method: event.request.method.clone(),
                            request_headers: headers_of(event.request.headers.inner()),
                            post_data: None,
                            requested_at: clock(),
                            resource_type: event.r#type.as_ref().map(|t| format!("{t:?}")).unwrap_or_default(),
                            response: None,
                            body_base64: None,
                            missing: None,
                        };
                        let redirected = event.redirect_response.as_ref().map(|r| exchange_response(r, clock()));
                        let new_document = is_document && in_main_frame && redirected.is_none();
                        archives.request(&tab, exchange, new_document, redirected);
                    }
                    if let (true, true, Some(redirect)) = (is_document, in_main_frame, &event.redirect_response) {
                        send(Record::Trail(TrailEvent {
                            at: clock(),
                            kind: "redirect".into(),
                            tab: tab.clone(),
                            url: redirect.url.clone(),
                            detail: json!({ "status": redirect.status, "to": event.request.url, "location": header(&redirect.headers, "location") }),
                        }));
                    }
                }
                event = responses.next() => {
                    let Some(event) = event else { break };
                    archives.response(&tab, event.request_id.inner(), exchange_response(&event.response, clock()));
                    let in_main_frame = match (&main_frame, &event.frame_id) {
                        (Some(main), Some(frame)) => main == frame.as_ref(),
                        _ => true,
                    };
                    if event.r#type == ResourceType::Document && in_main_frame {
                        send(Record::Response(DocumentResponse {
                            at: clock(),
                            tab: tab.clone(),
                            url: event.response.url.clone(),
                            response: serde_json::to_value(&event.response).unwrap_or_default(),
                        }));
                    }
                }
                event = finished.next() => {
                    let Some(event) = event else { break };
                    let id = event.request_id.inner().clone();
                    if archives.finished(&tab, &id, event.encoded_data_length) {
                        // Read from the browser's buffer, never from the server again.
                        let (page, archives, tab) = (page.clone(), archives.clone(), tab.clone());
                        tokio::spawn(async move {
                            let body = match page.execute(GetResponseBodyParams::new(event.request_id.clone())).await {
                                Ok(reply) if reply.result.base64_encoded => {
                                    use base64::Engine;
                                    base64::engine::general_purpose::STANDARD
                                        .decode(&reply.result.body)
                                        .map_err(|e| format!("its body was not base64: {e}"))
                                }
                                Ok(reply) => Ok(reply.result.body.clone().into_bytes()),
                                Err(error) => Err(error.to_string()),
                            };
                            archives.body(&tab, &id, body);
                        });
                    }
                }
                event = failed.next() => {
                    let Some(event) = event else { break };
                    archives.failed(&tab, event.request_id.inner(), &event.error_text);
                }
            }
        }
    });
}

fn exchange_response(response: &Response, at: DateTime<Utc>) -> ExchangeResponse {
    ExchangeResponse {
        status: u16::try_from(response.status).unwrap_or(0),
        status_text: response.status_text.clone(),
        protocol: response.protocol.clone(),
        headers: headers_of(response.headers.inner()),
        mime_type: response.mime_type.clone(),
        remote_ip_address: response.remote_ip_address.clone(),
        received_at: at,
    }
}

fn header(headers: &chromiumoxide::cdp::browser_protocol::network::Headers, name: &str) -> Option<String> {
    headers
        .inner()
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .and_then(|(_, value)| value.as_str().map(str::to_string))
}
