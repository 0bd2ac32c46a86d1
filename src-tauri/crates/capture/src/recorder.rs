//! The trail, recorded as it happens: every main-frame navigation with its redirect hops,
//! same-document navigations (pushState), new tabs and closed tabs, and each document's
//! HTTP response (status, headers, server address, TLS), and what the browser received for
//! the page each tab shows (`archive`). The events come from the bridge's own session with
//! each tab, which a tab opened by a page has before its first request. Events go to the
//! store as they arrive, through one writer thread; recording stops when the browser closes.

use chromiumoxide::cdp::browser_protocol::network::{
    EventLoadingFailed, EventLoadingFinished, EventRequestWillBeSent, EventResponseReceived, ResourceType, Response,
};
use chromiumoxide::cdp::browser_protocol::page::{EventFrameNavigated, EventNavigatedWithinDocument};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, mpsc};
use std::time::Duration;
use triangulate_evidence::{DocumentResponse, TrailEvent};

use crate::archive::{Exchange, ExchangeResponse, PageArchives, headers_of};
use crate::bridge::{TabCommands, TabEvent, TabFeed};
use crate::error::Result;

/// What the recorder hands to the writer.
pub enum Record {
    Trail(TrailEvent),
    Response(DocumentResponse),
}

pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Whether recording should go on: the session was not ended and the browser is still there.
pub type StillWanted = Arc<dyn Fn() -> bool + Send + Sync>;

/// Records until the browser closes or the session ends, from the bridge's own sessions with
/// the tabs (`bridge::TabFeed`): every tab is listened to from its first request, a tab opened
/// by a page included. `sink` receives every event; the caller stores them.
pub async fn record(
    mut feed: TabFeed,
    clock: Clock,
    sink: mpsc::Sender<Record>,
    still_wanted: StillWanted,
    archives: Arc<PageArchives>,
) -> Result<()> {
    let trail = |kind: &str, tab: &str, url: &str, detail: serde_json::Value| {
        Record::Trail(TrailEvent { at: clock(), kind: kind.into(), tab: tab.into(), url: url.into(), detail })
    };
    // Each tab's main frame, once a navigation has named it (a tab's main frame has the
    // tab's id until then).
    let mut main_frames: HashMap<String, String> = HashMap::new();
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                if !still_wanted() {
                    break;
                }
            }
            event = feed.events.recv() => {
                let Some(event) = event else { break };
                match event {
                    TabEvent::Opened { tab, url, before_recording: true, .. } => {
                        let _ = sink.send(trail("tab_open", &tab, &url, json!({ "opened_before_recording": true })));
                    }
                    TabEvent::Opened { tab, url, opener, before_recording: false } => {
                        let _ = sink.send(trail("new_tab", &tab, &url, json!({ "opener": opener })));
                    }
                    TabEvent::Ready => {
                        let _ = sink.send(trail("recording_started", "", "", json!({})));
                    }
                    TabEvent::Closed { tab } => {
                        main_frames.remove(&tab);
                        archives.forget(&tab);
                        let _ = sink.send(trail("tab_closed", &tab, "", json!({})));
                    }
                    TabEvent::Event { tab, method, params } => {
                        let main_frame = main_frames.get(&tab).cloned().unwrap_or_else(|| tab.clone());
                        let on = Tab { tab: &tab, main_frame: &main_frame, clock: &clock, sink: &sink, archives: &archives };
                        if let Some(frame) = on.event(&method, params, &feed.commands) {
                            main_frames.insert(tab, frame);
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

/// One tab's event, turned into the trail, its document's response and its page archive.
struct Tab<'a> {
    tab: &'a str,
    main_frame: &'a str,
    clock: &'a Clock,
    sink: &'a mpsc::Sender<Record>,
    archives: &'a Arc<PageArchives>,
}

impl Tab<'_> {
    fn trail(&self, kind: &str, url: &str, detail: serde_json::Value) {
        let _ = self.sink.send(Record::Trail(TrailEvent {
            at: (self.clock)(),
            kind: kind.into(),
            tab: self.tab.into(),
            url: url.into(),
            detail,
        }));
    }

    /// Handles one event; a main-frame navigation returns the main frame's id.
    fn event(&self, method: &str, params: serde_json::Value, commands: &TabCommands) -> Option<String> {
        let clock = self.clock;
        match method {
            "Page.frameNavigated" => {
                let event: EventFrameNavigated = serde_json::from_value(params).ok()?;
                if event.frame.parent_id.is_some() {
                    return None;
                }
                let url = format!("{}{}", event.frame.url, event.frame.url_fragment.clone().unwrap_or_default());
                self.trail("navigation", &url, json!({ "type": format!("{:?}", event.r#type).to_lowercase() }));
                return Some(event.frame.id.as_ref().to_string());
            }
            "Page.navigatedWithinDocument" => {
                let event: EventNavigatedWithinDocument = serde_json::from_value(params).ok()?;
                if event.frame_id.as_ref() == self.main_frame {
                    let detail = json!({ "type": format!("{:?}", event.navigation_type).to_lowercase() });
                    self.trail("same_document", &event.url, detail);
                }
            }
            "Network.requestWillBeSent" => {
                let event: EventRequestWillBeSent = serde_json::from_value(params).ok()?;
                let is_document = event.r#type == Some(ResourceType::Document);
                let in_main_frame = event.frame_id.as_ref().is_none_or(|frame| frame.as_ref() == self.main_frame);
                if let (true, true, Some(redirect)) = (is_document, in_main_frame, &event.redirect_response) {
                    self.trail(
                        "redirect",
                        &redirect.url,
                        json!({ "status": redirect.status, "to": event.request.url, "location": header(&redirect.headers, "location") }),
                    );
                }
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
                    self.archives.request(self.tab, exchange, new_document, redirected);
                }
            }
            "Network.responseReceived" => {
                let event: EventResponseReceived = serde_json::from_value(params).ok()?;
                self.archives.response(self.tab, event.request_id.inner(), exchange_response(&event.response, clock()));
                let in_main_frame = event.frame_id.as_ref().is_none_or(|frame| frame.as_ref() == self.main_frame);
                if event.r#type == ResourceType::Document && in_main_frame {
                    let _ = self.sink.send(Record::Response(DocumentResponse {
                        at: clock(),
                        tab: self.tab.into(),
                        url: event.response.url.clone(),
                        response: serde_json::to_value(&event.response).unwrap_or_default(),
                    }));
                }
            }
            "Network.loadingFinished" => {
                let event: EventLoadingFinished = serde_json::from_value(params).ok()?;
                let id = event.request_id.inner().clone();
                if self.archives.finished(self.tab, &id, event.encoded_data_length) {
                    // Read from the browser's buffer, never from the server again.
                    let (commands, archives, tab) = (commands.clone(), self.archives.clone(), self.tab.to_string());
                    tokio::spawn(async move {
                        let body = commands
                            .call(&tab, "Network.getResponseBody", json!({ "requestId": id }))
                            .await
                            .and_then(|reply| {
                                let text = reply["body"].as_str().unwrap_or_default();
                                if reply["base64Encoded"] == true {
                                    use base64::Engine;
                                    base64::engine::general_purpose::STANDARD
                                        .decode(text)
                                        .map_err(|e| format!("its body was not base64: {e}"))
                                } else {
                                    Ok(text.as_bytes().to_vec())
                                }
                            });
                        archives.body(&tab, &id, body);
                    });
                }
            }
            "Network.loadingFailed" => {
                let event: EventLoadingFailed = serde_json::from_value(params).ok()?;
                self.archives.failed(self.tab, event.request_id.inner(), &event.error_text);
            }
            _ => {}
        }
        None
    }
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
