//! What can go wrong with the browser; none of it carries page content.

use triangulate_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("no browser to open: {0}. Give its path with --browser or TRIANGULATE_BROWSER")]
    BrowserNotFound(String),
    #[error("the browser could not be opened: {0}")]
    Launch(String),
    #[error("the DevTools connection failed: {0}")]
    DevTools(String),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl From<chromiumoxide::error::CdpError> for CaptureError {
    fn from(error: chromiumoxide::error::CdpError) -> Self {
        CaptureError::DevTools(error.to_string())
    }
}

pub type Result<T, E = CaptureError> = std::result::Result<T, E>;
