//! The error every command returns: a machine code for the UI to act on, a message to show,
//! and field errors for forms. The UI never matches on the message.

use serde::Serialize;
use triangulate_core::FieldError;
use triangulate_store::StoreError;
use ts_rs::TS;

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
    NewerSchema,
    InvalidInput,
    InvalidFields,
    Refused,
    IllegalStep,
    NotFound,
    InvalidPolicy,
    IoFailed,
    DatabaseFailed,
    Internal,
}

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
}

impl IpcError {
    pub fn internal(message: impl Into<String>) -> IpcError {
        IpcError { code: ErrorCode::Internal, message: message.into(), fields: Vec::new() }
    }

    pub fn fields(fields: Vec<FieldError>) -> IpcError {
        IpcError { code: ErrorCode::InvalidFields, message: "There is a problem".into(), fields }
    }
}

impl From<StoreError> for IpcError {
    fn from(error: StoreError) -> Self {
        let code = match &error {
            StoreError::NotInitialised(_) => ErrorCode::NotInitialised,
            StoreError::AlreadyInitialised(_) => ErrorCode::AlreadyInitialised,
            StoreError::KeyMissing { .. } => ErrorCode::KeyMissing,
            StoreError::WrongKey { .. } => ErrorCode::WrongKey,
            StoreError::DiskFull(_) => ErrorCode::DiskFull,
            StoreError::Keystore { .. } => ErrorCode::KeystoreUnavailable,
            StoreError::Recovery(_) => ErrorCode::RecoveryFailed,
            StoreError::Damaged { .. } => ErrorCode::StoreDamaged,
            StoreError::NewerSchema { .. } => ErrorCode::NewerSchema,
            StoreError::Invalid { .. } => ErrorCode::InvalidInput,
            StoreError::Fields(fields) => return IpcError::fields(fields.clone()),
            StoreError::Refused(_) => ErrorCode::Refused,
            StoreError::IllegalStep(_) => ErrorCode::IllegalStep,
            StoreError::NotFound { .. } => ErrorCode::NotFound,
            StoreError::Policy { .. } => ErrorCode::InvalidPolicy,
            StoreError::Io { .. } => ErrorCode::IoFailed,
            StoreError::Database(_) => ErrorCode::DatabaseFailed,
        };
        IpcError { code, message: error.to_string(), fields: Vec::new() }
    }
}

pub type Result<T> = std::result::Result<T, IpcError>;
