//! What a sanctioned account's browser keeps of the pages it visited — its history, the
//! icons and thumbnails of sites, the tabs it would restore, its caches — removed for the
//! pages of disposed sessions. The account's log-in (cookies) stays. Only ever done while
//! no session is open on the account: the browser is closed, and its files are its own.

use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

use crate::error::{Result, StoreError};

/// What was removed from one account's browser profile.
#[derive(Debug, Clone, Default, Serialize, ts_rs::TS)]
pub struct ProfileCleanup {
    pub account: i64,
    /// History entries (addresses, with their visits) removed.
    pub history_entries: usize,
    /// Files and folders removed whole: caches, the tabs to restore, site thumbnails.
    pub removed: Vec<String>,
}

/// Removes `urls` from the history and icon databases, and compacts both, so that no
/// byte of them is left in the files; removes the caches and the tabs to restore whole.
pub fn forget_pages(account: i64, profile: &Path, urls: &[String]) -> Result<ProfileCleanup> {
    let mut report = ProfileCleanup { account, ..ProfileCleanup::default() };
    let default = profile.join("Default");
    if !default.is_dir() {
        return Ok(report);
    }
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        StoreError::Refused(format!("the browser profile of account {account} could not be cleaned ({what}): {e}"))
    };
    let history = default.join("History");
    if history.is_file() {
        let conn = Connection::open(&history).map_err(|e| failed("history", &e))?;
        conn.execute_batch("PRAGMA secure_delete = ON;").map_err(|e| failed("history", &e))?;
        // Every table this browser keeps an address or its id in; one a browser version does
        // not have is passed over.
        const BY_ID: &[&str] = &[
            "DELETE FROM visit_source WHERE id IN (SELECT id FROM visits WHERE url = ?1)",
            "DELETE FROM visits WHERE url = ?1",
            "DELETE FROM segment_usage WHERE segment_id IN (SELECT id FROM segments WHERE url_id = ?1)",
            "DELETE FROM segments WHERE url_id = ?1",
            "DELETE FROM visited_links WHERE link_url_id = ?1",
            "DELETE FROM keyword_search_terms WHERE url_id = ?1",
        ];
        for url in urls {
            let ids: Vec<i64> = conn
                .prepare("SELECT id FROM urls WHERE url = ?1")
                .and_then(|mut s| s.query_map([url], |row| row.get(0))?.collect())
                .map_err(|e| failed("history", &e))?;
            for id in &ids {
                for statement in BY_ID {
                    let _ = conn.execute(statement, [id]);
                }
            }
            let _ = conn.execute("DELETE FROM visited_links WHERE top_level_url = ?1 OR frame_url = ?1", [url]);
            report.history_entries +=
                conn.execute("DELETE FROM urls WHERE url = ?1", [url]).map_err(|e| failed("history", &e))?;
        }
        conn.execute_batch("VACUUM;").map_err(|e| failed("history", &e))?;
    }
    let favicons = default.join("Favicons");
    if favicons.is_file() {
        let conn = Connection::open(&favicons).map_err(|e| failed("icons", &e))?;
        for url in urls {
            // An older or newer browser may keep icons otherwise: what cannot be matched is left.
            let _ = conn.execute("DELETE FROM icon_mapping WHERE page_url = ?1", [url]);
        }
        conn.execute_batch("VACUUM;").map_err(|e| failed("icons", &e))?;
    }
    for name in [
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
    ] {
        let path = default.join(name);
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else if path.exists() {
            std::fs::remove_file(&path)
        } else {
            continue;
        };
        removed.map_err(|e| failed(name, &e))?;
        report.removed.push(name.to_string());
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
        let report = forget_pages(7, dir.path(), &["https://example.test/profile/jane".to_string()]).unwrap();
        assert_eq!(report.history_entries, 1);
        assert_eq!(report.removed, ["Cache"]);
        let bytes = std::fs::read(&history).unwrap();
        assert!(!bytes.windows(15).any(|w| w == b"Disposed-Marker"), "no byte of the page is left in the file");
        let conn = Connection::open(&history).unwrap();
        let visits: i64 = conn.query_row("SELECT COUNT(*) FROM visits", [], |r| r.get(0)).unwrap();
        assert_eq!(visits, 1, "the other page's visit stays");
        assert!(default.join("Cookies").exists(), "the account's log-in stays");
        assert!(!default.join("Cache").exists());
        let nothing = forget_pages(8, &dir.path().join("none"), &[]).unwrap();
        assert_eq!((nothing.history_entries, nothing.removed.len()), (0, 0));
    }
}
