//! The audit chain in the database: `audit_events` and, apart from them, `audit_head`.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction};
use triangulate_core::audit::{
    self, AuditEvent, CHECKPOINT_FORMAT, ChainHead, ChainReport, ChainStart, CheckpointManifest, GENESIS_HASH,
    NewAuditEvent, RequestLink,
};
use triangulate_evidence::{SigningKey, SigningKeyInfo, sha256_hex, sign_manifest};

use crate::error::{Result, StoreError};

pub(crate) fn head(conn: &Connection) -> Result<ChainHead> {
    Ok(conn.query_row("SELECT count, hash FROM audit_head WHERE id = 1", [], |row| {
        Ok(ChainHead { count: row.get::<_, i64>(0)? as u64, hash: row.get(1)? })
    })?)
}

/// The request an event concerns: named in its ids (`request:REF`), or found through the
/// session, capture, authorisation, draft or export it names.
pub(crate) fn request_of(conn: &Connection, object_ids: &[String]) -> Result<Option<String>> {
    if let Some(reference) = audit::request_in_ids(object_ids) {
        return Ok(Some(reference.to_string()));
    }
    const THROUGH: &[(&str, &str)] = &[
        (
            "session:",
            "SELECT r.reference FROM access_sessions s JOIN requests r ON r.id = s.request_id WHERE s.id = ?1",
        ),
        (
            "capture:",
            "SELECT r.reference FROM captures c JOIN access_sessions s ON s.id = c.session_id \
             JOIN requests r ON r.id = s.request_id WHERE c.id = ?1",
        ),
        (
            "authorisation:",
            "SELECT r.reference FROM authorisations a JOIN requests r ON r.id = a.request_id WHERE a.id = ?1",
        ),
        ("draft:", "SELECT r.reference FROM request_drafts d JOIN requests r ON r.id = d.request_id WHERE d.id = ?1"),
        ("pdf_export:", "SELECT r.reference FROM pdf_exports e JOIN requests r ON r.id = e.request_id WHERE e.id = ?1"),
    ];
    for id in object_ids {
        for (prefix, query) in THROUGH {
            if let Some(number) = id.strip_prefix(prefix).and_then(|n| n.parse::<i64>().ok())
                && let Some(reference) = conn.query_row(query, [number], |row| row.get::<_, String>(0)).optional()?
            {
                return Ok(Some(reference));
            }
        }
    }
    Ok(None)
}

/// The hash of the request's last event, or `GENESIS_HASH` before its first.
fn request_head_hash(conn: &Connection, request: &str) -> Result<String> {
    Ok(conn
        .query_row("SELECT hash FROM audit_events WHERE request = ?1 ORDER BY seq DESC LIMIT 1", [request], |row| {
            row.get(0)
        })
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_string()))
}

/// Seals the event onto the chain inside the caller's transaction, linked to its request's
/// previous event when it concerns a request, and moves the head.
pub(crate) fn append(tx: &Transaction, now: DateTime<Utc>, event: NewAuditEvent) -> Result<AuditEvent> {
    let current = head(tx)?;
    let link = match request_of(tx, &event.object_ids)? {
        Some(request) => Some(RequestLink { prev_hash: request_head_hash(tx, &request)?, request }),
        None => None,
    };
    let sealed = audit::seal(&current, now, event, link);
    tx.execute(
        "INSERT INTO audit_events (seq, at, actor, action, object_ids, change_digest, prev_hash, request, \
         request_prev_hash, format, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        rusqlite::params![
            sealed.seq as i64,
            sealed.at,
            sealed.actor,
            sealed.action,
            serde_json::to_string(&sealed.object_ids).expect("ids serialise"),
            sealed.change_digest,
            sealed.prev_hash,
            sealed.request,
            sealed.request_prev_hash,
            sealed.format,
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

/// Events as stored, in order, those matching `condition` (with `value` as `?1`).
fn events_where(conn: &Connection, condition: &str, value: Option<&str>) -> Result<Vec<AuditEvent>> {
    let mut statement = conn.prepare(&format!(
        "SELECT seq, at, actor, action, object_ids, change_digest, prev_hash, request, request_prev_hash, format, hash \
         FROM audit_events WHERE {condition} ORDER BY seq"
    ))?;
    let mut rows = match value {
        Some(value) => statement.query([value])?,
        None => statement.query([])?,
    };
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
            request: row.get(7)?,
            request_prev_hash: row.get(8)?,
            format: row.get::<_, i64>(9)?.clamp(1, 255) as u8,
            hash: row.get(10)?,
        });
    }
    Ok(events)
}

/// The latest pruning checkpoint, as stored: the number it was recorded under, its manifest
/// and signature.
fn latest_checkpoint(conn: &Connection) -> Result<Option<(u64, String, String)>> {
    Ok(conn
        .query_row(
            "SELECT through_seq, manifest, signature FROM audit_checkpoints ORDER BY through_seq DESC LIMIT 1",
            [],
            |row| Ok((row.get::<_, i64>(0)? as u64, row.get(1)?, row.get(2)?)),
        )
        .optional()?)
}

/// Where the kept chain starts: the genesis, or the latest checkpoint once its signature is
/// checked against the installation's key. A checkpoint that does not verify is the break.
fn chain_start(conn: &Connection) -> Result<std::result::Result<ChainStart, ChainReport>> {
    let Some((through, manifest, signature)) = latest_checkpoint(conn)? else { return Ok(Ok(ChainStart::genesis())) };
    let broken = |reason: String| Ok(Err(ChainReport::Broken { event: through + 1, reason }));
    let Some(key) = crate::secrets::installation_public_key(conn)? else {
        return broken(
            "the checkpoint where the kept events start cannot be checked: the installation has no signing key".into(),
        );
    };
    match audit::verify_checkpoint(&manifest, &signature, &key) {
        Ok(checkpoint) if checkpoint.start.through_seq == through => Ok(Ok(checkpoint.start)),
        Ok(_) => broken("the checkpoint where the kept events start was moved: its signed number differs".into()),
        Err(e) => broken(format!("the checkpoint where the kept events start does not verify: {e}")),
    }
}

/// Streams the events in order through the core's check, from the latest checkpoint.
pub(crate) fn verify(conn: &Connection) -> Result<ChainReport> {
    let head = head(conn)?;
    Ok(match chain_start(conn)? {
        Ok(start) => audit::verify_chain_from(events_where(conn, "1 = 1", None)?, &head, &start),
        Err(broken) => broken,
    })
}

/// Prunes the events up to `through` behind a checkpoint signed with the installation's key,
/// inside the caller's transaction. Only a chain that verifies is pruned (a checkpoint would
/// otherwise vouch for it). Returns the digests the tombstone keeps: the last pruned event's
/// hash and the checkpoint's.
pub(crate) fn prune(
    tx: &Transaction,
    through: u64,
    due_on: chrono::NaiveDate,
    key: &SigningKey,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>> {
    let refused = |event: u64, reason: String| {
        StoreError::Refused(format!("the audit chain is broken at event {event} ({reason}); no audit event was pruned"))
    };
    if let ChainReport::Broken { event, reason } = verify(tx)? {
        return Err(refused(event, reason));
    }
    let previous = chain_start(tx)?.map_err(|broken| match broken {
        ChainReport::Broken { event, reason } => refused(event, reason),
        ChainReport::Intact { .. } => refused(0, "its start cannot be read".into()),
    })?;
    let pruned = events_where(tx, &format!("seq <= {through}"), None)?;
    let (Some(first), Some(last)) = (pruned.first(), pruned.last()) else {
        return Err(StoreError::NotFound { what: "audit event", id: through.to_string() });
    };
    if last.seq != through {
        return Err(StoreError::NotFound { what: "audit event", id: through.to_string() });
    }
    let mut start = ChainStart { through_seq: through, hash: last.hash.clone(), request_heads: previous.request_heads };
    for event in &pruned {
        if let Some(request) = &event.request {
            start.request_heads.insert(request.clone(), event.hash.clone());
        }
    }
    let manifest = CheckpointManifest {
        format: CHECKPOINT_FORMAT.to_string(),
        start,
        pruned_events: pruned.len() as u64,
        first_pruned_at: first.at.clone(),
        last_pruned_at: last.at.clone(),
        rule: format!("retention.audit_years, due on {due_on}"),
        pruned_by: by.to_string(),
        pruned_at: crate::requests::stamp(now),
        signing_key: SigningKeyInfo::of(key),
    }
    .to_canonical_json();
    let signature = sign_manifest(key, &manifest);
    tx.execute(
        "INSERT INTO audit_checkpoints (through_seq, manifest, signature, created_at) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![through as i64, manifest, signature, crate::requests::stamp(now)],
    )?;
    tx.execute("DELETE FROM audit_events WHERE seq <= ?1", [through as i64])?;
    tracing::info!(through, pruned = pruned.len(), "audit events pruned behind a signed checkpoint");
    Ok(vec![last.hash.clone(), sha256_hex(manifest.as_bytes())])
}

/// One request's events, in order, and their head (count and last hash).
pub(crate) fn request_events(conn: &Connection, request: &str) -> Result<(Vec<AuditEvent>, ChainHead)> {
    let events = events_where(conn, "request = ?1", Some(request))?;
    let head = ChainHead {
        count: events.len() as u64,
        hash: events.last().map_or_else(|| GENESIS_HASH.to_string(), |e| e.hash.clone()),
    };
    Ok((events, head))
}

/// Migration 8's step: links the events sealed before request links existed, once the whole
/// chain is verified (a link added to a broken chain would vouch for it). Their hashes stay
/// as they are; they remain format 1. A broken chain is left unlinked and reported as before.
pub(crate) fn link_existing_events(tx: &Transaction) -> Result<()> {
    let unlinked = audit::verify_chain_without_links(events_where(tx, "1 = 1", None)?, &head(tx)?);
    if let ChainReport::Broken { event, reason } = unlinked {
        tracing::warn!(event, %reason, "the audit chain is broken: its events are not linked by request");
        return Ok(());
    }
    let mut heads: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    let mut linked = 0u64;
    for event in events_where(tx, "1 = 1", None)? {
        let Some(request) = request_of(tx, &event.object_ids)? else { continue };
        let previous = heads.get(&request).cloned().unwrap_or_else(|| GENESIS_HASH.to_string());
        tx.execute(
            "UPDATE audit_events SET request = ?1, request_prev_hash = ?2 WHERE seq = ?3",
            rusqlite::params![request, previous, event.seq as i64],
        )?;
        heads.insert(request, event.hash);
        linked += 1;
    }
    tracing::info!(linked, "existing audit events linked by request");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use triangulate_core::Actor;

    /// An unencrypted database with the schema as version 7 left it, and `ids` as events
    /// sealed the way version 7 sealed them (format 1, no request links).
    fn version_7_with(ids: &[&str]) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        for (_, sql) in crate::migrations::MIGRATIONS.iter().filter(|(v, _)| *v <= 7) {
            conn.execute_batch(sql).unwrap();
        }
        conn.pragma_update(None, "user_version", 7).unwrap();
        let mut head = ChainHead::empty();
        for (k, id) in ids.iter().enumerate() {
            let at = Utc.with_ymd_and_hms(2026, 11, 1, 9, k as u32, 0).unwrap();
            let mut event = audit::seal(
                &head,
                at,
                NewAuditEvent::of_change(Actor::System, "test.change", vec![id.to_string()], &k),
                None,
            );
            (event.format, event.request, event.request_prev_hash) = (1, None, None);
            event.hash = audit::event_hash(&event);
            conn.execute(
                "INSERT INTO audit_events (seq, at, actor, action, object_ids, change_digest, prev_hash, hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    event.seq as i64,
                    event.at,
                    event.actor,
                    event.action,
                    serde_json::to_string(&event.object_ids).unwrap(),
                    event.change_digest,
                    event.prev_hash,
                    event.hash
                ],
            )
            .unwrap();
            head = ChainHead { count: event.seq, hash: event.hash };
        }
        conn.execute("UPDATE audit_head SET count = ?1, hash = ?2", rusqlite::params![head.count as i64, head.hash])
            .unwrap();
        conn
    }

    #[test]
    fn the_migration_links_earlier_events_by_request_without_changing_a_hash() {
        let mut conn = version_7_with(&["request:A", "request:B", "thing:1", "request:A", "request:B", "request:A"]);
        let hashes: Vec<String> = conn
            .prepare("SELECT hash FROM audit_events ORDER BY seq")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        crate::migrations::migrate(&mut conn).unwrap();
        let events = events_where(&conn, "1 = 1", None).unwrap();
        assert_eq!(events.iter().map(|e| e.hash.clone()).collect::<Vec<_>>(), hashes, "no hash changes");
        assert_eq!(events[0].request.as_deref(), Some("A"));
        assert_eq!(events[0].request_prev_hash.as_deref(), Some(GENESIS_HASH));
        assert_eq!(events[2].request, None);
        assert_eq!(events[3].request_prev_hash.as_deref(), Some(events[0].hash.as_str()));
        assert_eq!(events[5].request_prev_hash.as_deref(), Some(events[3].hash.as_str()));
        assert_eq!(verify(&conn).unwrap(), ChainReport::Intact { events: 6 });

        // New events are format 2, linked after the old ones of their request.
        let tx = conn.transaction().unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap();
        let new = append(&tx, now, NewAuditEvent::of_change(Actor::System, "test.new", vec!["request:A".into()], &1))
            .unwrap();
        tx.commit().unwrap();
        assert_eq!((new.format, new.request_prev_hash.as_deref()), (2, Some(events[5].hash.as_str())));
        assert_eq!(verify(&conn).unwrap(), ChainReport::Intact { events: 7 });
        let (a, a_head) = request_events(&conn, "A").unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(audit::verify_request_chain(&a, "A", &a_head), ChainReport::Intact { events: 4 });
        let (b, b_head) = request_events(&conn, "B").unwrap();
        assert_eq!(audit::verify_request_chain(&b, "B", &b_head), ChainReport::Intact { events: 2 });
        assert!(b.iter().all(|e| !e.object_ids.iter().any(|id| id.contains("request:A"))), "nothing about A");
    }

    #[test]
    fn a_broken_chain_is_not_linked_and_stays_reported() {
        let mut conn = version_7_with(&["request:A", "request:B", "request:A"]);
        conn.execute("UPDATE audit_events SET change_digest = '00' WHERE seq = 2", []).unwrap();
        crate::migrations::migrate(&mut conn).unwrap();
        let events = events_where(&conn, "1 = 1", None).unwrap();
        assert!(events.iter().all(|e| e.request.is_none()), "no link vouches for a broken chain");
        assert!(matches!(verify(&conn).unwrap(), ChainReport::Broken { .. }), "still reported broken");
    }
}
