//! What the browser received for the page each tab shows, kept by the recorder while the
//! session runs so that a capture can write it as a web archive without asking the server
//! again: every request of the page (the document, its redirect hops, its images, scripts
//! and styles), each response's status and headers, and its body as the browser holds it,
//! fetched from the browser's own buffers when it finished loading. A body that cannot be
//! had (evicted, streamed, over the policy's limit, failed) is recorded as missing with the
//! reason. A new document in a tab starts its page afresh: only the page the worker is on is
//! kept, in memory, never on disk.

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The most a tab's page may hold in bodies: past it, bodies are recorded as missing.
pub const MAX_PAGE_BYTES: usize = 512 * 1024 * 1024;

/// One request and what came back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub request_id: String,
    pub url: String,
    pub method: String,
    pub request_headers: Vec<(String, String)>,
    pub post_data: Option<String>,
    pub requested_at: DateTime<Utc>,
    /// The browser's resource type: Document, Image, Script, Stylesheet…
    pub resource_type: String,
    pub response: Option<ExchangeResponse>,
    /// The body as the browser decoded it (content encoding undone), in base64.
    pub body_base64: Option<String>,
    /// Why there is no body, when there is none.
    pub missing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExchangeResponse {
    pub status: u16,
    pub status_text: String,
    /// As the browser names it: `http/1.1`, `h2`, `h3`…
    pub protocol: Option<String>,
    pub headers: Vec<(String, String)>,
    pub mime_type: String,
    pub remote_ip_address: Option<String>,
    pub received_at: DateTime<Utc>,
}

impl Exchange {
    pub fn body(&self) -> Option<Vec<u8>> {
        self.body_base64.as_deref().and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
    }
}

/// A tab's page as the capture receives it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageArchive {
    /// The address the page's document was asked for (before redirects); empty when the
    /// recorder saw no document load in this tab.
    pub document_url: String,
    pub exchanges: Vec<Exchange>,
    /// Bodies still being fetched from the browser.
    pub pending: usize,
}

#[derive(Default)]
struct TabPage {
    page: PageArchive,
    /// Request id to the index of its latest exchange.
    latest: HashMap<String, usize>,
    body_bytes: usize,
}

/// Every tab's current page; shared by the recorder's listeners and the private channel.
pub struct PageArchives {
    tabs: Mutex<HashMap<String, TabPage>>,
    max_body_bytes: usize,
}

pub fn headers_of(headers: &Value) -> Vec<(String, String)> {
    headers
        .as_object()
        .map(|object| {
            object
                .iter()
                .map(|(name, value)| {
                    (name.clone(), value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string()))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl PageArchives {
    pub fn new(max_body_bytes: usize) -> Arc<PageArchives> {
        Arc::new(PageArchives { tabs: Mutex::default(), max_body_bytes })
    }

    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes
    }

    fn with_tab<T>(&self, tab: &str, f: impl FnOnce(&mut TabPage) -> T) -> T {
        let mut tabs = self.tabs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(tabs.entry(tab.to_string()).or_default())
    }

    /// A request is sent. `new_document` when it loads a new document into the tab's main
    /// frame (not a redirect hop): the tab's page starts afresh. `redirected` is the response
    /// that sent the browser here, which completes the hop before it.
    pub fn request(&self, tab: &str, exchange: Exchange, new_document: bool, redirected: Option<ExchangeResponse>) {
        self.with_tab(tab, |t| {
            if new_document {
                *t = TabPage::default();
                t.page.document_url = exchange.url.clone();
            }
            if let Some(response) = redirected
                && let Some(&at) = t.latest.get(&exchange.request_id)
            {
                let hop = &mut t.page.exchanges[at];
                hop.response = Some(response);
                hop.missing = Some("a redirect: the browser keeps no body for it".into());
            }
            t.latest.insert(exchange.request_id.clone(), t.page.exchanges.len());
            t.page.exchanges.push(exchange);
        });
    }

    pub fn response(&self, tab: &str, request_id: &str, response: ExchangeResponse) {
        self.with_tab(tab, |t| {
            if let Some(&at) = t.latest.get(request_id) {
                t.page.exchanges[at].response = Some(response);
            }
        });
    }

    /// The request finished loading: whether its body should be fetched now (it is one of
    /// this page's, and not over the limits; otherwise it is marked missing with why).
    pub fn finished(&self, tab: &str, request_id: &str, encoded_length: f64) -> bool {
        let max = self.max_body_bytes;
        self.with_tab(tab, |t| {
            let Some(&at) = t.latest.get(request_id) else { return false };
            let exchange = &mut t.page.exchanges[at];
            if encoded_length > max as f64 {
                exchange.missing =
                    Some(format!("its body of {encoded_length:.0} bytes is over the policy's limit of {max} bytes"));
                return false;
            }
            if t.body_bytes > MAX_PAGE_BYTES {
                exchange.missing = Some(format!("the page's bodies already passed {MAX_PAGE_BYTES} bytes"));
                return false;
            }
            t.page.pending += 1;
            true
        })
    }

    /// The body the browser gave for a request, or why it gave none.
    pub fn body(&self, tab: &str, request_id: &str, body: Result<Vec<u8>, String>) {
        let max = self.max_body_bytes;
        self.with_tab(tab, |t| {
            t.page.pending = t.page.pending.saturating_sub(1);
            let Some(&at) = t.latest.get(request_id) else { return };
            let exchange = &mut t.page.exchanges[at];
            match body {
                Ok(bytes) if bytes.len() > max => {
                    exchange.missing =
                        Some(format!("its body of {} bytes is over the policy's limit of {max} bytes", bytes.len()))
                }
                Ok(bytes) => {
                    t.body_bytes += bytes.len();
                    exchange.body_base64 = Some(base64::engine::general_purpose::STANDARD.encode(bytes));
                }
                Err(reason) => exchange.missing = Some(format!("the browser did not give its body: {reason}")),
            }
        });
    }

    pub fn failed(&self, tab: &str, request_id: &str, reason: &str) {
        self.with_tab(tab, |t| {
            if let Some(&at) = t.latest.get(request_id) {
                t.page.exchanges[at].missing = Some(format!("it failed to load: {reason}"));
            }
        });
    }

    pub fn forget(&self, tab: &str) {
        if let Ok(mut tabs) = self.tabs.lock() {
            tabs.remove(tab);
        }
    }

    /// The tab's page, as the private channel sends it to a capture.
    pub fn page(&self, tab: &str) -> PageArchive {
        let tabs = self.tabs.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        tabs.get(tab).map(|t| t.page.clone()).unwrap_or_default()
    }

    /// Answers `Triangulate.pageArchive {tab}` on the private channel.
    pub fn answer(&self, params: &Value) -> Value {
        match params["tab"].as_str() {
            Some(tab) => serde_json::to_value(self.page(tab)).unwrap_or_default(),
            None => json!({ "error": "no tab named" }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(id: &str, url: &str) -> Exchange {
        Exchange {
            request_id: id.into(),
            url: url.into(),
            method: "GET".into(),
            request_headers: vec![],
            post_data: None,
            requested_at: Utc::now(),
            resource_type: "Document".into(),
            response: None,
            body_base64: None,
            missing: None,
        }
    }

    fn response(status: u16) -> ExchangeResponse {
        ExchangeResponse {
            status,
            status_text: String::new(),
            protocol: Some("http/1.1".into()),
            headers: vec![],
            mime_type: "text/html".into(),
            remote_ip_address: None,
            received_at: Utc::now(),
        }
    }

    #[test]
    fn a_page_keeps_its_redirect_hops_and_bodies_and_a_new_document_starts_afresh() {
        let archives = PageArchives::new(100);
        archives.request("T", exchange("1", "http://x/r1"), true, None);
        archives.request("T", exchange("1", "http://x/page"), false, Some(response(302)));
        archives.response("T", "1", response(200));
        assert!(archives.finished("T", "1", 10.0));
        assert_eq!(archives.page("T").pending, 1);
        archives.body("T", "1", Ok(b"<html>".to_vec()));
        archives.request("T", exchange("2", "http://x/big.png"), false, None);
        assert!(!archives.finished("T", "2", 1000.0), "over the limit: not fetched");
        let page = archives.page("T");
        assert_eq!(page.document_url, "http://x/r1");
        assert_eq!(page.pending, 0);
        assert_eq!(page.exchanges.len(), 3);
        assert_eq!(page.exchanges[0].response.as_ref().unwrap().status, 302);
        assert_eq!(page.exchanges[1].body().unwrap(), b"<html>");
        assert!(page.exchanges[2].missing.as_ref().unwrap().contains("over the policy's limit"));

        archives.request("T", exchange("3", "http://x/next"), true, None);
        assert_eq!(archives.page("T").exchanges.len(), 1);
        assert_eq!(archives.page("other").exchanges.len(), 0);
    }
}
