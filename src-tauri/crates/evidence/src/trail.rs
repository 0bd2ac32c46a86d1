//! The trail of an access session and the documents' HTTP responses, as the recorder saw
//! them; the manifest quotes the trail up to the capture.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One step of the trail, as the recorder saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrailEvent {
    pub at: DateTime<Utc>,
    /// `navigation`, `redirect`, `same_document`, `new_tab`, `tab_closed`, `attached`.
    pub kind: String,
    /// The DevTools target id of the tab.
    pub tab: String,
    pub url: String,
    /// Event-specific facts: the redirect's status, the opener of a new tab.
    pub detail: serde_json::Value,
}

/// A document's HTTP response as the recorder saw it: status, headers, server address, TLS.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentResponse {
    pub at: DateTime<Utc>,
    pub tab: String,
    pub url: String,
    pub response: serde_json::Value,
}
