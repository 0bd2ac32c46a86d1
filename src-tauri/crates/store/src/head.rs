//! The audit chain's head kept outside the database, so that a database put back from a
//! copy is noticed.
//!
//! After every change the chain's head (its event count and last hash) is written to the
//! credential store beside the key and to `audit-head.json` in the data folder. On open and
//! before every change the database's own head is compared with the higher of the two: a
//! database behind it was rolled back (a restore of the whole data folder brings the file
//! back too, but not the credential store's copy); one event ahead is what a crash between
//! commit and the head's update leaves, and is accepted.
//!
//! A copy that is missing (or cannot be read) can no longer rule a rollback out: a data folder
//! put back from a copy while the credential store's copy was lost (the kernel keyring loses
//! it at every reboot) looks exactly like one that was never put back. Such a copy is never
//! made again by a change or an open, only by a person accepting the store as it stands
//! (`Store::accept_head`, who and why in the chain), so that the gap stays said until then;
//! changes go on, and the copies that are there keep following the chain.
//!
//! Writers in several processes (the command line, the desktop, a session's recorder) take
//! turns through an exclusive lock on `triangulate.lock`, held from the start of the
//! database transaction until the new head is recorded: the head recorded is always the
//! head of the last commit, never an older one written late.

use std::fs::File;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use triangulate_core::ChainHead;

use crate::data_dir::write_atomically;
use crate::error::{Result, StoreError};
use crate::private;
use crate::{DataDir, Keystore};

const FORMAT: u32 = 1;
/// How long a writer waits for another process's change to finish.
const LOCK_WAIT: Duration = Duration::from_secs(10);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeadFile {
    format: u32,
    store_id: String,
    count: u64,
    hash: String,
}

/// The exclusive turn of one writer; released when dropped.
pub(crate) struct WriterTurn(#[allow(dead_code)] File);

/// Waits for the turn to write.
pub(crate) fn take_turn(data_dir: &DataDir) -> Result<WriterTurn> {
    let path = data_dir.lock_file();
    let file = private::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(StoreError::io(&path))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(WriterTurn(file)),
            Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Refused(format!(
                    "another Triangulate process has been writing to the store in {} for {} seconds; nothing was changed. Try again when it has finished",
                    data_dir.root().display(),
                    LOCK_WAIT.as_secs()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(StoreError::Io { path, source: e }),
        }
    }
}

/// Where a copy of the head is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum HeadCopy {
    /// The OS credential store, beside the database key: out of reach of a folder's restore.
    CredentialStore,
    /// `audit-head.json` in the data folder.
    DataFolder,
}

/// Both recorded copies of the head: the credential store's and the file's.
pub(crate) struct Recorded {
    keystore: Option<ChainHead>,
    file: Option<ChainHead>,
}

impl Recorded {
    /// The further of the two: a rollback of either place is caught by the other.
    pub(crate) fn head(&self) -> Option<&ChainHead> {
        match (&self.keystore, &self.file) {
            (Some(a), Some(b)) => Some(if b.count > a.count { b } else { a }),
            (a, b) => a.as_ref().or(b.as_ref()),
        }
    }

    /// The copies that are missing or cannot be read.
    pub(crate) fn missing(&self) -> Vec<HeadCopy> {
        let mut missing = Vec::new();
        if self.keystore.is_none() {
            missing.push(HeadCopy::CredentialStore);
        }
        if self.file.is_none() {
            missing.push(HeadCopy::DataFolder);
        }
        missing
    }

    /// The copies that are there: the only ones a change or an open brings up.
    pub(crate) fn present(&self) -> Vec<HeadCopy> {
        [HeadCopy::CredentialStore, HeadCopy::DataFolder].into_iter().filter(|c| !self.missing().contains(c)).collect()
    }

    /// Whether every copy that is there already holds this head.
    pub(crate) fn present_hold(&self, head: &ChainHead) -> bool {
        [&self.keystore, &self.file].into_iter().flatten().all(|held| held == head)
    }
}

/// The copies of the head both: what a new store and a person's acceptance write.
pub(crate) const BOTH: &[HeadCopy] = &[HeadCopy::CredentialStore, HeadCopy::DataFolder];

/// What status and `audit verify` say when a copy of the head is missing.
pub fn missing_head_warning(missing: &[HeadCopy], keystore: &Keystore) -> Option<String> {
    if missing.is_empty() {
        return None;
    }
    let named: Vec<String> = missing
        .iter()
        .map(|copy| match copy {
            HeadCopy::CredentialStore if !keystore.kind().survives_reboot() => {
                format!("the copy in the {} (which loses it at every restart)", keystore.label())
            }
            HeadCopy::CredentialStore => format!("the copy in the {}", keystore.label()),
            HeadCopy::DataFolder => "the copy in audit-head.json in the data folder".to_string(),
        })
        .collect();
    Some(format!(
        "a rollback to an earlier copy of the store can no longer be ruled out: {} of the audit chain's head {} missing or cannot be read, so a data folder put back from a backup would go unnoticed. No new copy of the head is made until a person accepts the store as it stands, with who and why recorded in the audit chain",
        named.join(" and "),
        if missing.len() == 1 { "is" } else { "are" }
    ))
}

fn parse(bytes: &[u8], store_id: &str) -> Option<ChainHead> {
    let file: HeadFile = serde_json::from_slice(bytes).ok()?;
    (file.format == FORMAT && file.store_id == store_id).then_some(ChainHead { count: file.count, hash: file.hash })
}

pub(crate) fn recorded(data_dir: &DataDir, keystore: &Keystore, store_id: &str) -> Result<Recorded> {
    let in_keystore = keystore.get_head(store_id)?;
    let keystore_head = in_keystore.as_deref().and_then(|bytes| parse(bytes, store_id));
    if in_keystore.is_some() && keystore_head.is_none() {
        tracing::warn!(keystore = keystore.label(), "the audit head in the credential store cannot be read");
    }
    let path = data_dir.head_file();
    let file_head = match std::fs::read(&path) {
        Ok(bytes) => {
            let head = parse(&bytes, store_id);
            if head.is_none() {
                tracing::warn!(file = %path.display(), "the audit head file cannot be read");
            }
            head
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(StoreError::Io { path, source: e }),
    };
    Ok(Recorded { keystore: keystore_head, file: file_head })
}

/// Writes the head to these places: the credential store first, as the copy a restore of
/// the data folder cannot reach.
pub(crate) fn record(
    data_dir: &DataDir,
    keystore: &Keystore,
    store_id: &str,
    head: &ChainHead,
    copies: &[HeadCopy],
) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(&HeadFile {
        format: FORMAT,
        store_id: store_id.to_string(),
        count: head.count,
        hash: head.hash.clone(),
    })
    .expect("a head serialises");
    if copies.contains(&HeadCopy::CredentialStore) {
        keystore.set_head(store_id, &bytes)?;
    }
    if copies.contains(&HeadCopy::DataFolder) {
        write_atomically(&data_dir.head_file(), &bytes)?;
    }
    Ok(())
}

/// How the database's head stands against the recorded one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Nothing recorded yet: a store made by an earlier version, or a first open.
    Unrecorded,
    Agrees,
    /// One event more than recorded, continuing the recorded chain: a write that crashed
    /// between its commit and the head's update.
    OneAhead,
    /// Fewer events than recorded: the database was put back to an earlier copy.
    Behind {
        database: u64,
        recorded: u64,
    },
    /// As many events as recorded or more, but not the recorded chain: another copy.
    Diverged {
        database: u64,
        recorded: u64,
    },
    /// More events than one interrupted write explains.
    Ahead {
        database: u64,
        recorded: u64,
    },
}

impl Standing {
    /// The refusal for a standing that is not acceptable.
    pub(crate) fn refusal(&self, data_dir: &DataDir) -> Option<StoreError> {
        let (database, recorded, how) = match *self {
            Standing::Behind { database, recorded } => (database, recorded, RollbackKind::Behind),
            Standing::Diverged { database, recorded } => (database, recorded, RollbackKind::Diverged),
            Standing::Ahead { database, recorded } => (database, recorded, RollbackKind::Ahead),
            _ => return None,
        };
        Some(StoreError::RolledBack { data_dir: data_dir.root().to_path_buf(), database, recorded, how })
    }
}

/// How a database stands apart from its recorded head.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RollbackKind {
    Behind,
    Diverged,
    Ahead,
}

pub(crate) fn standing(conn: &Connection, database: &ChainHead, recorded: Option<&ChainHead>) -> Result<Standing> {
    let Some(recorded) = recorded else { return Ok(Standing::Unrecorded) };
    let counts = (database.count, recorded.count);
    if database.count < recorded.count {
        return Ok(Standing::Behind { database: counts.0, recorded: counts.1 });
    }
    if database.count == recorded.count {
        return Ok(if database.hash == recorded.hash {
            Standing::Agrees
        } else {
            Standing::Diverged { database: counts.0, recorded: counts.1 }
        });
    }
    // Ahead: the recorded head must be on this chain.
    if recorded.count > 0 {
        let hash: Option<String> = conn
            .query_row("SELECT hash FROM audit_events WHERE seq = ?1", [recorded.count as i64], |row| row.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
        if hash.as_deref() != Some(recorded.hash.as_str()) {
            return Ok(Standing::Diverged { database: counts.0, recorded: counts.1 });
        }
    }
    Ok(if database.count == recorded.count + 1 {
        Standing::OneAhead
    } else {
        Standing::Ahead { database: counts.0, recorded: counts.1 }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(count: u64, hash: &str) -> ChainHead {
        ChainHead { count, hash: hash.into() }
    }

    fn chain(events: &[(u64, &str)]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE audit_events (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL)").unwrap();
        for (seq, hash) in events {
            conn.execute("INSERT INTO audit_events VALUES (?1, ?2)", rusqlite::params![*seq as i64, hash]).unwrap();
        }
        conn
    }

    #[test]
    fn the_database_is_judged_against_the_recorded_head() {
        let conn = chain(&[(1, "a"), (2, "b"), (3, "c"), (4, "d")]);
        let db = head(3, "c");
        assert_eq!(standing(&conn, &db, None).unwrap(), Standing::Unrecorded);
        assert_eq!(standing(&conn, &db, Some(&head(3, "c"))).unwrap(), Standing::Agrees);
        assert_eq!(standing(&conn, &db, Some(&head(5, "e"))).unwrap(), Standing::Behind { database: 3, recorded: 5 });
        assert_eq!(standing(&conn, &db, Some(&head(3, "x"))).unwrap(), Standing::Diverged { database: 3, recorded: 3 });
        assert_eq!(standing(&conn, &db, Some(&head(2, "b"))).unwrap(), Standing::OneAhead);
        assert_eq!(standing(&conn, &db, Some(&head(2, "x"))).unwrap(), Standing::Diverged { database: 3, recorded: 2 });
        assert_eq!(standing(&conn, &db, Some(&head(1, "a"))).unwrap(), Standing::Ahead { database: 3, recorded: 1 });
        let folder = DataDir::new("/x");
        assert!(Standing::Ahead { database: 3, recorded: 1 }.refusal(&folder).is_some());
        assert!(Standing::Behind { database: 3, recorded: 5 }.refusal(&folder).is_some());
        assert!(Standing::OneAhead.refusal(&folder).is_none());
        assert!(Standing::Unrecorded.refusal(&folder).is_none());
    }

    #[test]
    fn the_further_copy_counts() {
        let both = Recorded { keystore: Some(head(4, "d")), file: Some(head(6, "f")) };
        assert_eq!(both.head(), Some(&head(6, "f")));
        assert!(!both.present_hold(&head(6, "f")));
        assert!(both.missing().is_empty());
        let only_file = Recorded { keystore: None, file: Some(head(2, "b")) };
        assert_eq!(only_file.head(), Some(&head(2, "b")));
        assert!(only_file.present_hold(&head(2, "b")));
        assert_eq!(only_file.missing(), vec![HeadCopy::CredentialStore]);
        assert_eq!(only_file.present(), vec![HeadCopy::DataFolder]);
        assert!(Recorded { keystore: Some(head(2, "b")), file: Some(head(2, "b")) }.present_hold(&head(2, "b")));
        let none = Recorded { keystore: None, file: None };
        assert_eq!(none.missing(), BOTH.to_vec());
        assert!(none.present().is_empty());
    }

    #[test]
    fn a_head_file_of_another_store_or_format_is_not_read() {
        let bytes = br#"{"format":1,"store_id":"s1","count":4,"hash":"d"}"#;
        assert_eq!(parse(bytes, "s1"), Some(head(4, "d")));
        assert_eq!(parse(bytes, "s2"), None);
        assert_eq!(parse(br#"{"format":9,"store_id":"s1","count":4,"hash":"d"}"#, "s1"), None);
        assert_eq!(parse(b"garbage", "s1"), None);
    }
}
