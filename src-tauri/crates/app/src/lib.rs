//! The application layer: the one path from each door (the `triangulate` command line and
//! the desktop's IPC commands) to the store, the browser and the rules. Every orchestration
//! lives here once — a request's steps, the log, an access session with its recorder, a
//! capture, an export — written against the narrow [`Host`] trait, so that the bodies run the
//! same under the CLI, the desktop and a headless test host.
//!
//! The doors parse their input, make one call here and show what it returns; they never
//! open the store themselves. Nothing here prints or knows a command-line flag.

pub mod admin;
pub mod browser;
pub mod bundle;
pub mod captures;
pub mod error;
pub mod export;
pub mod host;
pub mod incidents;
pub mod log;
pub mod overview;
pub mod people;
pub mod pilot;
pub mod progress;
pub mod recorder;
pub mod register;
pub mod requests;
pub mod retention;
pub mod sessions;
pub mod subject_access;
mod timestamping;
mod tracked;

pub use error::{AppError, ErrorCode, Result};
pub use host::{Host, KeptStore, OpenStore, RecorderOrder, spawn_recorder_process};
pub use progress::{Progress, Work};
pub use triangulate_evidence::redaction::RedactionBox;

/// What the doors show, as the store and the core give it: re-exported so that no door
/// depends on the store itself.
pub use triangulate_store::{
    AawRecord, Acceptance, AcceptedRestore, AccountRecord, ArtefactRecord, AuditSummary, AuthorisationKind, AuthorisationRecord,
    AuthorisationReview, BrowserChoiceRecord, CaptureRecord, DATA_DIR_ENV, DataDir, DecisionRecord, DisposalRecord,
    DisputeRecord, DisputeTarget, DocumentResponse, DraftCheck, DraftRecord, DraftSummary, EarlierRequest, ErrorKind,
    FilingRecord, HoldRecord, IncidentRecord, KEYSTORE_ENV, Keystore, LogRecord, LogVersion, PdfExportRecord,
    PersonMatch, PersonRecord, PossibleMatch, Provenance, RecoveryPhrase, Renewal, RequestRecord, RequestSummary, SessionRecord,
    StaffRecord, StaffRef, StoreError, StoreState, StoreStatus, SubjectLink, TrailEvent, WorkerRecord, init_logging,
};

/// A Tokio runtime for the DevTools connection, made per call: the doors are synchronous.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| AppError::Internal(format!("the DevTools connection cannot start: {e}")))
}
