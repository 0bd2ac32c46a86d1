//! Versioned schema migrations, applied in order inside a transaction each; the version is
//! SQLite's `user_version`.

use rusqlite::Connection;

use crate::error::{Result, StoreError};

/// A migration: its version, its SQL, and a step in Rust run after the SQL in the same
/// transaction, where the SQL cannot do the work.
type Step = fn(&rusqlite::Transaction) -> Result<()>;

pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("migrations/0001_base.sql")),
    (2, include_str!("migrations/0002_protocol.sql")),
    (3, include_str!("migrations/0003_drafts.sql")),
    (4, include_str!("migrations/0004_capture.sql")),
    (5, include_str!("migrations/0005_private_channel.sql")),
    (6, include_str!("migrations/0006_accepted_restores.sql")),
    (7, include_str!("migrations/0007_exports.sql")),
    (8, include_str!("migrations/0008_request_links.sql")),
    (9, include_str!("migrations/0009_bundle_exports.sql")),
    (10, include_str!("migrations/0010_register_evidence_and_decision_dates.sql")),
    (11, include_str!("migrations/0011_linked_drafts.sql")),
    (12, include_str!("migrations/0012_retention.sql")),
    (13, include_str!("migrations/0013_incidents_and_disputes.sql")),
    (14, include_str!("migrations/0014_browser_cleanups.sql")),
    (15, include_str!("migrations/0015_redactions.sql")),
    (16, include_str!("migrations/0016_audit_checkpoints.sql")),
    (17, include_str!("migrations/0017_authorisation_register.sql")),
    (18, include_str!("migrations/0018_pilot.sql")),
    (19, include_str!("migrations/0019_indexes.sql")),
    (20, include_str!("migrations/0020_disposal_dating_and_exported_files.sql")),
    (21, include_str!("migrations/0021_accepted_heads.sql")),
    (22, include_str!("migrations/0022_staff_directory.sql")),
    (23, include_str!("migrations/0023_browser_choice.sql")),
];

/// Rust steps, by the version they complete.
const STEPS: &[(i64, Step)] = &[(8, crate::audit::link_existing_events), (22, crate::staff::directory_from_records)];

pub const LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
}

/// Brings the schema up to date; refuses a schema newer than this version knows.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, LATEST)
}

/// Brings the schema up to `target` (tests start from an older version).
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let current = schema_version(conn)?;
    if current > LATEST {
        return Err(StoreError::NewerSchema { found: current, known: LATEST });
    }
    for (version, sql) in MIGRATIONS.iter().filter(|(v, _)| *v > current && *v <= target) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        for (_, step) in STEPS.iter().filter(|(v, _)| v == version) {
            step(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        tracing::info!(version, "schema migrated");
    }
    Ok(())
}
