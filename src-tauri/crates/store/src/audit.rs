//! The audit chain in the database: `audit_events` and, apart from them, `audit_head`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};
use triangulate_core::audit::{self, AuditEvent, ChainHead, ChainReport, NewAuditEvent};

use crate::error::{Result, StoreError};

pub(crate) fn head(conn: &Connection) -> Result<ChainHead> {
    Ok(conn.query_row("SELECT count, hash FROM audit_head WHERE id = 1", [], |row| {
        Ok(ChainHead { count: row.get::<_, i64>(0)? as u64, hash: row.get(1)? })
    })?)
}

/// Seals the event onto the chain inside the caller's transaction and moves the head.
pub(crate) fn append(tx: &Transaction, now: DateTime<Utc>, event: NewAuditEvent) -> Result<AuditEvent> {
    let current = head(tx)?;
    let sealed = audit::seal(&current, now, event);
    tx.execute(
        "INSERT INTO audit_events (seq, at, actor, action, object_ids, change_digest, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            sealed.seq as i64,
            sealed.at,
            sealed.actor,
            sealed.action,
            serde_json::to_string(&sealed.object_ids).expect("ids serialise"),
            sealed.change_digest,
            sealed.prev_hash,
            sealed.hash,
        ],
    )?;
    let moved = tx.execute(
        "UPDATE audit_head SET count = ?1, hash = ?2 WHERE id = 1 AND count = ?3",
        rusqlite::params![sealed.seq as i64, sealed.hash, current.count as i64],
    )?;
    if moved != 1 {
        return Err(StoreError::Damaged {
            data_dir: Default::default(),
            reason: "the audit chain's head could not be moved".into(),
        });
    }
    Ok(sealed)
}

/// Streams the events in order through the core's check.
pub(crate) fn verify(conn: &Connection) -> Result<ChainReport> {
    let head = head(conn)?;
    let mut statement = conn.prepare(
        "SELECT seq, at, actor, action, object_ids, change_digest, prev_hash, hash FROM audit_events ORDER BY seq",
    )?;
    let mut rows = statement.query([])?;
    let mut events = Vec::new();
    while let Some(row) = rows.next()? {
        let ids_text: String = row.get(4)?;
        events.push(AuditEvent {
            seq: row.get::<_, i64>(0)? as u64,
            at: row.get(1)?,
            actor: row.get(2)?,
            action: row.get(3)?,
            // Ids that no longer parse were changed: keep the text so the hash check fails.
            object_ids: serde_json::from_str(&ids_text).unwrap_or_else(|_| vec![ids_text.clone()]),
            change_digest: row.get(5)?,
            prev_hash: row.get(6)?,
            hash: row.get(7)?,
        });
    }
    Ok(audit::verify_chain(events, &head))
}
