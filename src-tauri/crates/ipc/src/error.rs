//! The error every command returns: a machine code for the UI to act on (the application
//! layer's `ErrorCode`), the codes of the protocol's guards that refused, a message to show,
//! and field errors for forms. The UI never matches on the message.

use serde::Serialize;
use triangulate_app::AppError;
use triangulate_core::FieldError;
use ts_rs::TS;

pub use triangulate_app::ErrorCode;

#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub fields: Vec<FieldError>,
    /// The guards that refused (`request_not_permitted`, `repeat_viewing_limit`…), in the
    /// order they were checked.
    pub guards: Vec<String>,
    /// The same refusals with why and what would allow each, for the screen to show.
    pub refusals: Vec<Refusal>,
    /// The page a refusal is about (`outside_scope`): its address, page content, text only.
    pub url: Option<String>,
}

/// One guard's refusal: its code, why, and what would allow it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct Refusal {
    pub code: String,
    pub reason: String,
    pub remedy: String,
}

impl IpcError {
    pub fn internal(message: impl Into<String>) -> IpcError {
        IpcError {
            code: ErrorCode::Internal,
            message: message.into(),
            fields: Vec::new(),
            guards: Vec::new(),
            refusals: Vec::new(),
            url: None,
        }
    }

    pub fn fields(fields: Vec<FieldError>) -> IpcError {
        IpcError {
            code: ErrorCode::InvalidFields,
            message: "There is a problem".into(),
            fields,
            guards: Vec::new(),
            refusals: Vec::new(),
            url: None,
        }
    }
}

impl From<AppError> for IpcError {
    fn from(error: AppError) -> Self {
        let fields = error.fields();
        if !fields.is_empty() {
            // `invalid_fields`, or `unknown_staff` for a person the directory does not have.
            return IpcError { code: error.code(), ..IpcError::fields(fields) };
        }
        IpcError {
            code: error.code(),
            message: error.to_string(),
            fields,
            guards: error.guards().into_iter().map(str::to_string).collect(),
            refusals: error
                .refusals()
                .into_iter()
                .map(|r| Refusal { code: r.code.to_string(), reason: r.reason, remedy: r.remedy })
                .collect(),
            url: error.page().map(str::to_string),
        }
    }
}

impl From<triangulate_app::StoreError> for IpcError {
    fn from(error: triangulate_app::StoreError) -> Self {
        IpcError::from(AppError::from(error))
    }
}

pub type Result<T> = std::result::Result<T, IpcError>;
