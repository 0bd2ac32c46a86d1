//! The sanctioned browser over the DevTools protocol: opening it for an access session
//! (`browser`), recording the trail as the worker browses (`recorder`), and taking a
//! capture of the tab the worker is looking at (`take`). The rules — guards, hashing,
//! signing, storing whole — are the store's and the core's; this crate only talks to the
//! browser.

pub mod archive;
pub mod bridge;
pub mod browser;
mod cdp;
pub mod error;
pub mod recorder;
pub mod scroll;
pub mod take;
mod warc;

pub use error::{CaptureError, Result};

use chromiumoxide::Browser;
use chromiumoxide::handler::HandlerConfig;
use futures::StreamExt;

/// Connects to the session's browser. Certificate errors are never ignored here, and the
/// cache is off for every tab, so each document's headers are its own.
pub async fn connect(devtools_url: &str) -> Result<(Browser, tokio::task::JoinHandle<()>)> {
    let config =
        HandlerConfig { ignore_https_errors: false, cache_enabled: false, viewport: None, ..Default::default() };
    let (browser, mut handler) = Browser::connect_with_config(devtools_url, config).await?;
    let driver = tokio::spawn(async move {
        while let Some(item) = handler.next().await {
            if let Err(error) = item
                && !matches!(error, chromiumoxide::error::CdpError::InvalidMessage(..))
            {
                break;
            }
        }
    });
    Ok((browser, driver))
}
