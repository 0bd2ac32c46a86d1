//! The one error both doors receive: a machine code for the UI and for scripts, the guards'
//! own codes when a rule refused, field errors for forms, and a message in plain English
//! that names no command-line flag (only the CLI knows its syntax and adds its own hints).

use serde::Serialize;
use triangulate_core::FieldError;
use triangulate_store::{ErrorKind, StoreError};
use ts_rs::TS;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// What went wrong, for a machine to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotInitialised,
    AlreadyInitialised,
    KeyMissing,
    WrongKey,
    DiskFull,
    KeystoreUnavailable,
    RecoveryFailed,
    StoreDamaged,
    /// The database is behind (or apart from) the audit head recorded outside it.
    StoreRolledBack,
    /// The database's journal file was deleted while another process writes through it.
    JournalMissing,
    NewerSchema,
    InvalidInput,
    InvalidFields,
    /// A person named who is not in the staff directory (or a name two people share):
    /// `fields` says where, with the close matches.
    UnknownStaff,
    Refused,
    /// A guard of the protocol refused: `guards` says which.
    GuardRefused,
    IllegalStep,
    NotFound,
    InvalidPolicy,
    IoFailed,
    DatabaseFailed,
    /// The browser could not be found or opened.
    BrowserFailed,
    /// The session's recorder is not running: nothing may be captured until the session is
    /// resumed or ended.
    RecordingStopped,
    /// A capture is outside the person's listed profiles and no reason was given.
    OutsideScope,
    /// A final PDF needs a finalised log; a draft may be exported.
    LogNotFinalised,
    /// A final care-record PDF needs every capture of the request judged; a draft may be exported.
    CapturesUnjudged,
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule of the application layer (not of the store) forbids it.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Browser(String),
    #[error(
        "access session {session} is no longer recorded ({reason}): nothing can be captured in it. Resume its recording, or end it"
    )]
    RecordingStopped { session: i64, reason: String },
    #[error("{0}")]
    LogNotFinalised(String),
    #[error("{message}")]
    CapturesUnjudged { message: String, captures: Vec<i64> },
    #[error("{0}")]
    Internal(String),
}

impl From<triangulate_capture::CaptureError> for AppError {
    fn from(error: triangulate_capture::CaptureError) -> Self {
        use triangulate_capture::CaptureError;
        match error {
            CaptureError::Refused(inner) => match inner.downcast::<StoreError>() {
                Ok(store) => AppError::Store(*store),
                Err(other) => AppError::Refused(other.to_string()),
            },
            CaptureError::Launch(_) => AppError::Browser(error.to_string()),
            other => AppError::Refused(other.to_string()),
        }
    }
}

impl AppError {
    pub fn code(&self) -> ErrorCode {
        let AppError::Store(error) = self else {
            return match self {
                AppError::Refused(_) => ErrorCode::Refused,
                AppError::Browser(_) => ErrorCode::BrowserFailed,
                AppError::RecordingStopped { .. } => ErrorCode::RecordingStopped,
                AppError::LogNotFinalised(_) => ErrorCode::LogNotFinalised,
                AppError::CapturesUnjudged { .. } => ErrorCode::CapturesUnjudged,
                _ => ErrorCode::Internal,
            };
        };
        match error {
            StoreError::NotInitialised(_) => ErrorCode::NotInitialised,
            StoreError::AlreadyInitialised(_) => ErrorCode::AlreadyInitialised,
            StoreError::KeyMissing { .. } => ErrorCode::KeyMissing,
            StoreError::WrongKey { .. } => ErrorCode::WrongKey,
            StoreError::DiskFull(_) => ErrorCode::DiskFull,
            StoreError::Keystore { .. } => ErrorCode::KeystoreUnavailable,
            StoreError::Recovery(_) => ErrorCode::RecoveryFailed,
            StoreError::Damaged { .. } => ErrorCode::StoreDamaged,
            StoreError::RolledBack { .. } => ErrorCode::StoreRolledBack,
            StoreError::JournalMissing(_) => ErrorCode::JournalMissing,
            StoreError::NewerSchema { .. } => ErrorCode::NewerSchema,
            StoreError::Invalid { .. } => ErrorCode::InvalidInput,
            StoreError::Fields(_) => ErrorCode::InvalidFields,
            StoreError::UnknownStaff(_) => ErrorCode::UnknownStaff,
            StoreError::Guarded { .. } => ErrorCode::GuardRefused,
            StoreError::OutsideScope { .. } => ErrorCode::OutsideScope,
            StoreError::Refused(_) | StoreError::AcceptInstead { .. } => ErrorCode::Refused,
            StoreError::IllegalStep(_) => ErrorCode::IllegalStep,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Policy { .. } => ErrorCode::InvalidPolicy,
            StoreError::Io { .. } => ErrorCode::IoFailed,
            StoreError::Database(_) => ErrorCode::DatabaseFailed,
        }
    }

    /// How a door should treat it: the CLI's exit code comes from this.
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::Store(error) => error.kind(),
            AppError::Refused(_)
            | AppError::Browser(_)
            | AppError::RecordingStopped { .. }
            | AppError::LogNotFinalised(_)
            | AppError::CapturesUnjudged { .. } => ErrorKind::Refused,
            AppError::Internal(_) => ErrorKind::Failure,
        }
    }

    /// Field-level problems, for forms; empty for other errors.
    pub fn fields(&self) -> Vec<FieldError> {
        match self {
            AppError::Store(StoreError::Fields(fields) | StoreError::UnknownStaff(fields)) => fields.clone(),
            _ => Vec::new(),
        }
    }

    /// The codes of the guards that refused (`triangulate_core::guards::code`), in the order
    /// the rules were checked; empty for other errors.
    pub fn guards(&self) -> Vec<&'static str> {
        match self {
            AppError::Store(StoreError::Guarded { refusals, .. }) => refusals.iter().map(|r| r.code).collect(),
            _ => Vec::new(),
        }
    }

    /// The refusals of the protocol's guards, each with why and what would allow it.
    pub fn refusals(&self) -> Vec<triangulate_core::guards::Refusal> {
        match self {
            AppError::Store(StoreError::Guarded { refusals, .. }) => refusals.clone(),
            _ => Vec::new(),
        }
    }

    /// The page a refusal is about: a capture outside the person's listed profiles.
    pub fn page(&self) -> Option<&str> {
        match self {
            AppError::Store(StoreError::OutsideScope { url, .. }) => Some(url),
            _ => None,
        }
    }

    pub fn fields_error(fields: Vec<FieldError>) -> AppError {
        AppError::Store(StoreError::Fields(fields))
    }
}
