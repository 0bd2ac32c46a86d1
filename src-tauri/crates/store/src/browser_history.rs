//! What a sanctioned account's browser keeps of the pages it visited — its history, the
//! icons and thumbnails of sites, the tabs it would restore, its caches, what sites stored,
//! the browser's own usage records — removed for the pages of disposed sessions. The
//! account's log-in (cookies, saved log-ins and the key that protects them) stays. Only ever
//! done while no session is open on the account: the browser is closed, and its files are
//! its own.
//!
//! Each file anywhere in the profile that holds a disposed page's address (as UTF-8 or
//! UTF-16, whole or as host and path) is dealt with by what it is: a SQLite database loses
//! the rows that hold it and is compacted (no free page keeps them); a LevelDB store (what
//! sites keep, the tabs' storage) cannot be cleaned selectively and is removed whole; any
//! other file is removed. Each is checked again afterwards.

use memchr::memmem;
use rusqlite::Connection;
use serde::Serialize;
use std::path::{Path, PathBuf};

use crate::error::{Result, StoreError};

/// What was removed from one account's browser profile.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct ProfileCleanup {
    pub account: i64,
    /// History entries (addresses, with their visits) removed.
    pub history_entries: usize,
    /// Databases that held a disposed page's address: its rows removed and the file compacted.
    pub cleaned: Vec<String>,
    /// Files and folders removed whole: caches, the tabs to restore, site thumbnails, and
    /// what could not be cleaned selectively.
    pub removed: Vec<String>,
    /// Files that still hold a disposed page's address and are kept because the account's
    /// log-in is in them (its cookies, saved log-ins, the key that protects them).
    pub kept: Vec<String>,
}

/// Files never removed or changed: the account's log-in.
const LOG_IN: &[&str] = &[
    "Cookies",
    "Cookies-journal",
    "Login Data",
    "Login Data-journal",
    "Login Data For Account",
    "Login Data For Account-journal",
    "Local State",
];

/// Files and folders whose only purpose is history or a cache: removed whatever they hold.
const HISTORY_ONLY: &[&str] = &[
    "Cache",
    "Code Cache",
    "GPUCache",
    "Sessions",
    "Current Session",
    "Last Session",
    "Current Tabs",
    "Last Tabs",
    "Top Sites",
    "Top Sites-journal",
    "Visited Links",
    "History-journal",
];

/// The byte patterns of the pages' addresses: each web address as host and path (which the
/// whole address contains), in UTF-8 and in UTF-16LE. Other schemes (`about:blank`) are no
/// person's page.
fn patterns(urls: &[String]) -> Vec<Vec<u8>> {
    let mut found: Vec<Vec<u8>> = Vec::new();
    for url in urls {
        let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else { continue };
        let rest = rest.trim_end_matches('/');
        if rest.is_empty() {
            continue;
        }
        found.push(rest.as_bytes().to_vec());
        found.push(rest.encode_utf16().flat_map(u16::to_le_bytes).collect());
    }
    found.sort();
    found.dedup();
    found
}

fn holds(bytes: &[u8], patterns: &[Vec<u8>]) -> bool {
    patterns.iter().any(|p| memmem::find(bytes, p).is_some())
}

fn file_holds(path: &Path, patterns: &[Vec<u8>]) -> bool {
    std::fs::read(path).is_ok_and(|bytes| holds(&bytes, patterns))
}

/// Every file below `root`, links not followed.
fn files_below(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                pending.push(entry.path());
            } else if kind.is_file() {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

fn is_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

/// The LevelDB store a file belongs to: its folder, when that folder has a `CURRENT` file.
fn leveldb_of(path: &Path) -> Option<&Path> {
    let folder = path.parent()?;
    folder.join("CURRENT").is_file().then_some(folder)
}

/// Removes the history's entries whose address holds a pattern, with their visits and
/// everything keyed by them; returns how many entries went.
fn clean_history(conn: &Connection, patterns: &[Vec<u8>]) -> rusqlite::Result<usize> {
    // Every table this browser keeps an address's id in; one a browser version does not have
    // is passed over.
    const BY_ID: &[&str] = &[
        "DELETE FROM visit_source WHERE id IN (SELECT id FROM visits WHERE url = ?1)",
        "DELETE FROM context_annotations WHERE visit_id IN (SELECT id FROM visits WHERE url = ?1)",
        "DELETE FROM content_annotations WHERE visit_id IN (SELECT id FROM visits WHERE url = ?1)",
        "DELETE FROM visits WHERE url = ?1",
        "DELETE FROM segment_usage WHERE segment_id IN (SELECT id FROM segments WHERE url_id = ?1)",
        "DELETE FROM segments WHERE url_id = ?1",
        "DELETE FROM visited_links WHERE link_url_id = ?1",
        "DELETE FROM keyword_search_terms WHERE url_id = ?1",
    ];
    let mut removed = 0;
    for pattern in patterns {
        let ids: Vec<i64> = conn
            .prepare("SELECT id FROM urls WHERE instr(CAST(url AS BLOB), ?1) > 0")?
            .query_map([pattern], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in &ids {
            for statement in BY_ID {
                let _ = conn.execute(statement, [id]);
            }
            removed += conn.execute("DELETE FROM urls WHERE id = ?1", [id])?;
        }
    }
    Ok(removed)
}

/// Removes every row of every table in which any column holds a pattern, then compacts the
/// file so that no free page keeps them. Returns the rows removed.
fn clean_database(conn: &Connection, patterns: &[Vec<u8>]) -> rusqlite::Result<usize> {
    conn.execute_batch("PRAGMA secure_delete = ON;")?;
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut removed = 0;
    for table in &tables {
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let Ok(columns) = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{}')", table.replace('\'', "''")))
            .and_then(|mut s| s.query_map([], |row| row.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>())
        else {
            continue;
        };
        for column in &columns {
            let column = format!("\"{}\"", column.replace('"', "\"\""));
            for pattern in patterns {
                // A table this SQLite cannot change (a virtual one) is checked afterwards.
                removed += conn
                    .execute(&format!("DELETE FROM {quoted} WHERE instr(CAST({column} AS BLOB), ?1) > 0"), [pattern])
                    .unwrap_or(0);
            }
        }
    }
    conn.execute_batch("VACUUM;")?;
    Ok(removed)
}

fn remove(path: &Path) -> std::io::Result<()> {
    if path.is_dir() { std::fs::remove_dir_all(path) } else { std::fs::remove_file(path) }
}

/// Removes `urls` from every file of the account's browser profile (see the module's
/// description): the history loses exactly those entries, other databases the rows that hold
/// them; the caches and the tabs to restore go whole; the log-in stays.
pub fn forget_pages(account: i64, profile: &Path, urls: &[String]) -> Result<ProfileCleanup> {
    let mut report = ProfileCleanup { account, ..ProfileCleanup::default() };
    if !profile.is_dir() {
        return Ok(report);
    }
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        StoreError::Refused(format!("the browser profile of account {account} could not be cleaned ({what}): {e}"))
    };
    let shown = |path: &Path| path.strip_prefix(profile).unwrap_or(path).display().to_string();
    let patterns = patterns(urls);
    let default = profile.join("Default");
    for name in HISTORY_ONLY {
        let path = default.join(name);
        if path.exists() {
            remove(&path).map_err(|e| failed(name, &e))?;
            report.removed.push(name.to_string());
        }
    }
    if patterns.is_empty() {
        return Ok(report);
    }
    let history = default.join("History");
    if history.is_file() {
        let conn = Connection::open(&history).map_err(|e| failed("History", &e))?;
        report.history_entries = clean_history(&conn, &patterns).map_err(|e| failed("History", &e))?;
    }
    // Databases first: cleaning one settles its journal.
    let (databases, others): (Vec<PathBuf>, Vec<PathBuf>) = files_below(profile)
        .into_iter()
        .filter(|p| file_holds(p, &patterns) || *p == history)
        .partition(|p| is_sqlite(p));
    for path in databases {
        let name = shown(&path);
        if LOG_IN.iter().any(|n| path.file_name().is_some_and(|f| f == *n)) {
            report.kept.push(name);
            continue;
        }
        let cleaned = Connection::open(&path).and_then(|conn| clean_database(&conn, &patterns));
        if cleaned.is_ok() && !file_holds(&path, &patterns) {
            if path != history || report.history_entries > 0 {
                report.cleaned.push(name);
            }
            continue;
        }
        // Not cleaned selectively: removed, and said.
        tracing::warn!(account, file = %name, "a browser database could not be cleaned selectively: removed");
        for extra in ["", "-journal", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{extra}", path.display()));
            if file.exists() {
                std::fs::remove_file(&file).map_err(|e| failed(&name, &e))?;
            }
        }
        report.removed.push(name);
    }
    for path in others {
        if !path.exists() || !file_holds(&path, &patterns) {
            continue;
        }
        let name = shown(&path);
        if LOG_IN.iter().any(|n| path.file_name().is_some_and(|f| f == *n)) {
            report.kept.push(name);
            continue;
        }
        let whole = leveldb_of(&path).map(Path::to_path_buf).unwrap_or(path);
        remove(&whole).map_err(|e| failed(&name, &e))?;
        report.removed.push(shown(&whole));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_disposed_pages_leave_the_history_and_the_caches_go_but_other_pages_stay() {
        let dir = tempfile::tempdir().unwrap();
        let default = dir.path().join("Default");
        std::fs::create_dir_all(default.join("Cache/Cache_Data")).unwrap();
        std::fs::write(default.join("Cache/Cache_Data/data_1"), b"https://example.test/profile/jane cached").unwrap();
        std::fs::write(default.join("Cookies"), b"the log-in").unwrap();
        let history = default.join("History");
        {
            let conn = Connection::open(&history).unwrap();
            conn.execute_batch(
                "CREATE TABLE urls (id INTEGER PRIMARY KEY, url LONGVARCHAR, title LONGVARCHAR);
                 CREATE TABLE visits (id INTEGER PRIMARY KEY, url INTEGER NOT NULL, visit_time INTEGER);
                 INSERT INTO urls VALUES (1, 'https://example.test/profile/jane', 'Jane Disposed-Marker');
                 INSERT INTO urls VALUES (2, 'https://example.test/other', 'Kept');
                 INSERT INTO visits VALUES (1, 1, 10), (2, 1, 11), (3, 2, 12);",
            )
            .unwrap();
        }
        // The browser's usage records, a database of its own with the address in a blob.
        std::fs::create_dir_all(dir.path().join("segmentation_platform")).unwrap();
        let ukm = dir.path().join("segmentation_platform/ukm_db");
        {
            let conn = Connection::open(&ukm).unwrap();
            conn.execute_batch("CREATE TABLE urls (url_id INTEGER PRIMARY KEY, url BLOB, note TEXT);").unwrap();
            conn.execute(
                "INSERT INTO urls VALUES (1, ?1, 'visit')",
                [b"\x0a\x21https://example.test/profile/jane/about\x10".to_vec()],
            )
            .unwrap();
            conn.execute("INSERT INTO urls VALUES (2, ?1, 'visit')", [b"https://example.test/other".to_vec()]).unwrap();
        }
        // What a site stored (LevelDB: not cleanable selectively), the address in UTF-16.
        let storage = default.join("Local Storage/leveldb");
        std::fs::create_dir_all(&storage).unwrap();
        std::fs::write(storage.join("CURRENT"), b"MANIFEST-000001\n").unwrap();
        let utf16: Vec<u8> = "example.test/profile/jane".encode_utf16().flat_map(u16::to_le_bytes).collect();
        std::fs::write(
            storage.join("000003.log"),
            [b"_http://example.test\x00\x01last\x00".as_slice(), &utf16].concat(),
        )
        .unwrap();
        // Preferences that name no disposed page stay; a log-in file that names one stays too.
        std::fs::write(default.join("Preferences"), br#"{"homepage":"https://example.test/other"}"#).unwrap();
        std::fs::write(dir.path().join("Local State"), b"https://example.test/profile/jane").unwrap();
        let report = forget_pages(7, dir.path(), &["https://example.test/profile/jane".to_string()]).unwrap();
        assert_eq!(report.history_entries, 1);
        assert_eq!(report.removed, ["Cache", "Default/Local Storage/leveldb"]);
        assert_eq!(report.cleaned, ["Default/History", "segmentation_platform/ukm_db"]);
        assert_eq!(report.kept, ["Local State"], "the key that protects the log-in is never removed");
        assert!(!storage.exists());
        assert!(default.join("Preferences").exists());
        let ukm_bytes = std::fs::read(&ukm).unwrap();
        assert!(!ukm_bytes.windows(25).any(|w| w == b"example.test/profile/jane"), "no free page keeps the row");
        let conn = Connection::open(&ukm).unwrap();
        let left: i64 = conn.query_row("SELECT COUNT(*) FROM urls", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 1, "the other page's row stays");
        let bytes = std::fs::read(&history).unwrap();
        assert!(!bytes.windows(15).any(|w| w == b"Disposed-Marker"), "no byte of the page is left in the file");
        let conn = Connection::open(&history).unwrap();
        let visits: i64 = conn.query_row("SELECT COUNT(*) FROM visits", [], |r| r.get(0)).unwrap();
        assert_eq!(visits, 1, "the other page's visit stays");
        assert!(default.join("Cookies").exists(), "the account's log-in stays");
        assert!(!default.join("Cache").exists());
        let nothing = forget_pages(8, &dir.path().join("none"), &[]).unwrap();
        assert_eq!((nothing.history_entries, nothing.removed.len()), (0, 0));
        assert_eq!(
            patterns(&["about:blank".to_string(), "https://a.test/p/".to_string()]).len(),
            2,
            "web addresses only"
        );
    }
}
