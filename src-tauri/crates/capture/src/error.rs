//! What can go wrong with the browser; none of it carries page content.

#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("the browser could not be opened: {0}")]
    Launch(String),
    #[error("the DevTools connection failed: {0}")]
    DevTools(String),
    /// The session's recorder did not answer: nothing may be captured unrecorded.
    #[error("the session's recorder is not running: {0}")]
    RecorderGone(String),
    /// The caller's rules refused the capture (`take::SessionFacts::may_capture`). The
    /// caller's own error is kept whole, so that it can take it back with `downcast`.
    #[error("{0}")]
    Refused(Box<dyn std::error::Error + Send + Sync>),
}

impl From<chromiumoxide::error::CdpError> for CaptureError {
    fn from(error: chromiumoxide::error::CdpError) -> Self {
        CaptureError::DevTools(error.to_string())
    }
}

pub type Result<T, E = CaptureError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, thiserror::Error)]
    #[error("outside the listed profiles")]
    struct CallersError(u32);

    #[test]
    fn a_refusal_carries_the_callers_error_back_unchanged() {
        let refused = CaptureError::Refused(Box::new(CallersError(7)));
        assert_eq!(refused.to_string(), "outside the listed profiles");
        let CaptureError::Refused(inner) = refused else { unreachable!() };
        assert_eq!(*inner.downcast::<CallersError>().unwrap(), CallersError(7));
    }
}
