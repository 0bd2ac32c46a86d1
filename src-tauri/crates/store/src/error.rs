//! The store's errors. None of them ever carries the database key, the recovery phrase or
//! any stored value: messages name files, ids and what to do next.

use std::path::PathBuf;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// How a caller (the CLI's exit code, the desktop's error code) should treat an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A rule or the store's state forbids it.
    Refused,
    /// What was given is wrong.
    InvalidInput,
    /// The machine failed: disk, credential store, database.
    Failure,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("there is no store in {0}: create one first")]
    NotInitialised(PathBuf),

    #[error("a store already exists in {0}; it is never replaced by a new one")]
    AlreadyInitialised(PathBuf),

    #[error(
        "the database key of the store in {data_dir} is not in the {keystore}; nothing was changed. \
         Recover it with the store's recovery phrase to put the key back"
    )]
    KeyMissing { data_dir: PathBuf, keystore: String },

    #[error(
        "the database key in the {keystore} does not open the store in {data_dir}; nothing was changed. \
         Recover it with the store's recovery phrase to put the right key back"
    )]
    WrongKey { data_dir: PathBuf, keystore: String },

    #[error("the disk holding {0} is full: the change was not written, and nothing stored before it was lost")]
    DiskFull(PathBuf),

    #[error("the {keystore} could not be used: {reason}")]
    Keystore { keystore: String, reason: String },

    #[error("{0}")]
    Recovery(#[from] RecoveryError),

    #[error("the store in {data_dir} is damaged: {reason}")]
    Damaged { data_dir: PathBuf, reason: String },

    /// The database is not at the audit head recorded outside it.
    #[error("{}", describe_rollback(data_dir, *database, *recorded, *how))]
    RolledBack { data_dir: PathBuf, database: u64, recorded: u64, how: crate::head::RollbackKind },

    /// The database's journal file was deleted while another process still writes through it.
    #[error(
        "the store's journal file {} was deleted while another Triangulate process (a session's recorder or the desktop app) still had it open; nothing stored is lost while that process runs. Wait a few seconds and try again: the process that holds the journal writes it back and makes a new one; if it does not, end the session or close the desktop app, and do not delete files in the data folder",
        .0.display()
    )]
    JournalMissing(PathBuf),

    #[error(
        "the store was written by a newer version of Triangulate (schema {found}, this version knows up to {known})"
    )]
    NewerSchema { found: i64, known: i64 },

    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },

    /// Field-level problems with what was given; nothing was written.
    #[error("{}", describe_fields(.0))]
    Fields(Vec<triangulate_core::FieldError>),

    /// A person named who is not in the staff directory, or a name two people share: each
    /// field with the close matches; nothing was written.
    #[error("{}", describe_fields(.0))]
    UnknownStaff(Vec<triangulate_core::FieldError>),

    /// A rule or the record's state forbids it.
    #[error("{0}")]
    Refused(String),

    /// An acceptance of the audit head that does not fit what is there, when the other one
    /// would: the door names how to take that one.
    #[error("{message}")]
    AcceptInstead { message: String, instead: Acceptance },

    /// Guards of the protocol forbid it: each refusal with its machine code, what forbids it
    /// and what would allow it.
    #[error("{what}: {}", describe_refusals(.refusals))]
    Guarded { what: String, refusals: Vec<triangulate_core::guards::Refusal> },

    /// A page outside the person's listed profiles, and no reason was given.
    #[error(
        "{url} is not within the profiles listed for {person} in request {request}: record why it belongs to this person, or raise a new request for the other person, linked to this one, which the service director will see"
    )]
    OutsideScope { url: String, person: String, request: String },

    #[error("{0}")]
    IllegalStep(#[from] triangulate_core::workflow::IllegalStep),

    #[error("{what} {id} does not exist")]
    NotFound { what: &'static str, id: String },

    #[error("the policy file {path} is not valid: {error}")]
    Policy { path: PathBuf, error: triangulate_core::PolicyError },

    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },

    #[error("the database failed: {0}")]
    Database(#[from] rusqlite::Error),
}

/// What is wrong with a recovery phrase or a recovery file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RecoveryError {
    #[error("the recovery phrase has {found} words; it should have {expected}")]
    WordCount { found: usize, expected: usize },
    #[error("word {position} of the recovery phrase is not one of the words a phrase is made of; check its spelling")]
    UnknownWord { position: usize },
    #[error("the recovery phrase has a mistyped or misplaced word: its words do not fit together")]
    Checksum,
    #[error(
        "the recovery phrase does not unlock this store's recovery file: it belongs to another store, or a word was mistaken"
    )]
    WrongPhrase,
    #[error("the recovery file {0} is missing, so the key cannot be recovered here")]
    FileMissing(PathBuf),
    #[error("the recovery file {path} cannot be read: {reason}")]
    FileDamaged { path: PathBuf, reason: String },
}

fn describe_rollback(
    data_dir: &std::path::Path,
    database: u64,
    recorded: u64,
    how: crate::head::RollbackKind,
) -> String {
    use crate::head::RollbackKind;
    let what = match how {
        RollbackKind::Behind => format!(
            "has been put back to an earlier state: its audit chain holds {database} events, but {recorded} were recorded when the store was last changed, so the changes after event {database} are missing"
        ),
        RollbackKind::Diverged => format!(
            "is not the one last written: its audit chain of {database} events does not continue the chain of {recorded} events recorded when the store was last changed"
        ),
        RollbackKind::Ahead => format!(
            "holds changes that were never recorded: its audit chain holds {database} events, but only {recorded} were recorded when the store was last changed"
        ),
    };
    format!(
        "the database in {} {what}; nothing was changed. Restore the latest copy of the data folder; or, if this copy was restored on purpose, accept the restore, saying who and why, and the chain goes on from it",
        data_dir.display()
    )
}

fn describe_refusals(refusals: &[triangulate_core::guards::Refusal]) -> String {
    refusals.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("; ")
}

fn describe_fields(errors: &[triangulate_core::FieldError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
    format!("there is a problem: {}", lines.join("; "))
}

impl StoreError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            StoreError::NotInitialised(_)
            | StoreError::AlreadyInitialised(_)
            | StoreError::KeyMissing { .. }
            | StoreError::WrongKey { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::Refused(_)
            | StoreError::AcceptInstead { .. }
            | StoreError::Guarded { .. }
            | StoreError::OutsideScope { .. }
            | StoreError::IllegalStep(_)
            | StoreError::RolledBack { .. }
            | StoreError::JournalMissing(_) => ErrorKind::Refused,
            StoreError::Invalid { .. }
            | StoreError::Policy { .. }
            | StoreError::Fields(_)
            | StoreError::UnknownStaff(_)
            | StoreError::NotFound { .. } => ErrorKind::InvalidInput,
            StoreError::Recovery(error) => match error {
                RecoveryError::FileMissing(_) | RecoveryError::FileDamaged { .. } => ErrorKind::Refused,
                _ => ErrorKind::InvalidInput,
            },
            StoreError::DiskFull(_)
            | StoreError::Keystore { .. }
            | StoreError::Damaged { .. }
            | StoreError::Io { .. }
            | StoreError::Database(_) => ErrorKind::Failure,
        }
    }

    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.into();
        move |source| StoreError::Io { path, source }
    }
}

/// The two ways a person vouches for the store's audit head, after a restore or with a copy of
/// the head lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// The folder was put back from a copy on purpose.
    Restore,
    /// Nobody put it back: the store is accepted as it stands.
    Head,
}
