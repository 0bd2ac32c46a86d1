//! The audit chain's rules: how an event is sealed into the chain and how a chain is checked.
//!
//! An event holds ids and digests only, never personal data, so that disposing of records
//! under a retention policy never breaks the chain. Each event's hash covers the hash of the
//! event before it; the chain's head (count and last hash) is kept apart from the events, so
//! removing events from the end is detected too.
//!
//! An event that concerns a request carries a second link, to that request's previous event,
//! so a request's events form a chain of their own that can be checked without any other
//! family's events (`verify_request_chain`). Events sealed since the links exist (format 2)
//! cover the link in their hash; earlier events (format 1) had their links added afterwards,
//! once the whole chain had been verified.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

use crate::canonical::canonical_json;
use crate::signing::{SigningKeyInfo, verify_signature};

/// The format of a pruning checkpoint's signed manifest.
pub const CHECKPOINT_FORMAT: &str = "triangulate-audit-checkpoint-1";

/// What a pruning of the audit chain left in place of the events it removed, signed with
/// the installation's key: where the kept chain starts, how many events went and the span of
/// their times, under which rule, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointManifest {
    pub format: String,
    pub start: ChainStart,
    /// Events removed by this pruning (those of earlier checkpoints not counted again).
    pub pruned_events: u64,
    /// The first and last removed event's time.
    pub first_pruned_at: String,
    pub last_pruned_at: String,
    /// The policy rule, as `retention.audit_years = 7`.
    pub rule: String,
    pub pruned_by: String,
    pub pruned_at: String,
    pub signing_key: SigningKeyInfo,
}

impl CheckpointManifest {
    pub fn to_canonical_json(&self) -> String {
        canonical_json(&serde_json::to_value(self).expect("a checkpoint serialises"))
    }
}

/// Whether a checkpoint's manifest is canonical, of this format, and signed by the key it
/// names, and that key is `expected_key` (the installation's public key, hex).
pub fn verify_checkpoint(
    manifest: &str,
    signature_base64: &str,
    expected_key: &str,
) -> Result<CheckpointManifest, String> {
    let value: serde_json::Value =
        serde_json::from_str(manifest).map_err(|e| format!("the checkpoint is not JSON: {e}"))?;
    if value["format"] != CHECKPOINT_FORMAT {
        return Err(format!("the checkpoint's format is {}, not {CHECKPOINT_FORMAT}", value["format"]));
    }
    if canonical_json(&value) != manifest {
        return Err("the checkpoint is not in canonical form".into());
    }
    let key = value["signing_key"]["public_key"].as_str().ok_or("the checkpoint names no public key")?;
    if key != expected_key {
        return Err("the checkpoint is not signed with this installation's key".into());
    }
    verify_signature(key, manifest.as_bytes(), signature_base64)
        .map_err(|e| e.replace("the signed bytes", "the checkpoint"))?;
    serde_json::from_value(value).map_err(|e| format!("the checkpoint cannot be read: {e}"))
}

/// The hash that the first event links to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it: the app itself, or a worker profile by id (never a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    System,
    Worker(i64),
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::System => f.write_str("system"),
            Actor::Worker(id) => write!(f, "worker:{id}"),
        }
    }
}

/// An event before it is sealed into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub actor: Actor,
    /// A dotted verb such as `store.initialise` or `worker.set`.
    pub action: &'static str,
    /// Ids of the objects touched, such as `worker:1`; never names or other personal data.
    pub object_ids: Vec<String>,
    /// SHA-256 (hex) of the change's canonical JSON.
    pub change_digest: String,
}

impl NewAuditEvent {
    /// An event whose digest is taken from the change it records.
    pub fn of_change(actor: Actor, action: &'static str, object_ids: Vec<String>, change: &impl Serialize) -> Self {
        NewAuditEvent { actor, action, object_ids, change_digest: digest_of(change) }
    }
}

/// A sealed event as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub seq: u64,
    /// UTC time in RFC 3339 with microseconds; hashed exactly as stored.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_ids: Vec<String>,
    pub change_digest: String,
    pub prev_hash: String,
    /// The request it concerns, by reference.
    pub request: Option<String>,
    /// The hash of that request's previous event (`GENESIS_HASH` for its first).
    pub request_prev_hash: Option<String>,
    /// 2 when the hash covers the request link; 1 for events sealed before links existed.
    pub format: u8,
    pub hash: String,
}

/// An event's link to its request's previous event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLink {
    pub request: String,
    pub prev_hash: String,
}

/// The chain's head: how many events it has and the hash of the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    pub count: u64,
    pub hash: String,
}

impl ChainHead {
    pub fn empty() -> Self {
        ChainHead { count: 0, hash: GENESIS_HASH.to_string() }
    }
}

/// What checking a chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ChainReport {
    Intact { events: u64 },
    Broken { event: u64, reason: String },
}

impl fmt::Display for ChainReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainReport::Intact { events } => write!(f, "intact: {events} events"),
            ChainReport::Broken { event, reason } => write!(f, "broken at event {event}: {reason}"),
        }
    }
}

/// SHA-256 (hex) of a value's JSON form. Struct fields serialise in declaration order and
/// maps used in changes are ordered, so the same change always has the same digest.
pub fn digest_of(change: &impl Serialize) -> String {
    let bytes = serde_json::to_vec(change).expect("a change always serialises");
    hex::encode(Sha256::digest(bytes))
}

/// Seals a new event onto the chain whose head is `head`, at time `at`, linked to its
/// request's previous event when it concerns a request.
pub fn seal(head: &ChainHead, at: DateTime<Utc>, event: NewAuditEvent, link: Option<RequestLink>) -> AuditEvent {
    let (request, request_prev_hash) = match link {
        Some(link) => (Some(link.request), Some(link.prev_hash)),
        None => (None, None),
    };
    let mut sealed = AuditEvent {
        seq: head.count + 1,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor: event.actor.to_string(),
        action: event.action.to_string(),
        object_ids: event.object_ids,
        change_digest: event.change_digest,
        prev_hash: head.hash.clone(),
        request,
        request_prev_hash,
        format: 2,
        hash: String::new(),
    };
    sealed.hash = event_hash(&sealed);
    sealed
}

/// The hash an event must carry: SHA-256 over its fields, the previous event's hash and, in
/// format 2, its request link.
pub fn event_hash(event: &AuditEvent) -> String {
    let version = if event.format >= 2 { "triangulate-audit-v2" } else { "triangulate-audit-v1" };
    let mut covered = serde_json::json!([
        version,
        event.seq,
        event.at,
        event.actor,
        event.action,
        event.object_ids,
        event.change_digest,
        event.prev_hash,
    ]);
    if event.format >= 2 {
        let fields = covered.as_array_mut().expect("an array");
        fields.push(serde_json::json!(event.request));
        fields.push(serde_json::json!(event.request_prev_hash));
    }
    hex::encode(Sha256::digest(covered.to_string().as_bytes()))
}

/// The request an event concerns, read from its ids alone (`request:REF`).
pub fn request_in_ids(object_ids: &[String]) -> Option<&str> {
    object_ids.iter().find_map(|id| id.strip_prefix("request:"))
}

/// How far an event may be dated before the event written just before it without being
/// reported. A writer reads the clock before it waits its turn to write (behind another
/// process's change for up to ten seconds, or behind a long call of the desktop such as a
/// bundle's export), so two events can be sealed in the other order than their times by a
/// few seconds. A clock set back by more than this, as by a wrong date or a clock faked for
/// one command, is reported: the events after it cannot be told apart in time from those
/// before.
pub const CLOCK_ALLOWANCE_SECONDS: i64 = 300;

/// The time an event was sealed at, as written (RFC 3339, UTC).
fn sealed_at(event: &AuditEvent) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(&event.at)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| format!("event {}'s time \"{}\" is not a time", event.seq, event.at))
}

/// Whether `event` is dated earlier than the event before it (`before`, with its number) by
/// more than the allowance: the reason to report, naming both events and both times.
fn time_went_back(before: Option<(u64, DateTime<Utc>)>, event: &AuditEvent) -> Result<DateTime<Utc>, String> {
    let at = sealed_at(event)?;
    if let Some((number, previous)) = before
        && previous - at > chrono::Duration::seconds(CLOCK_ALLOWANCE_SECONDS)
    {
        return Err(format!(
            "event {} is dated {}, earlier than event {number} before it, dated {}: the clock was set back between them, so the times of the events cannot be relied on",
            event.seq,
            at.to_rfc3339_opts(SecondsFormat::Secs, true),
            previous.to_rfc3339_opts(SecondsFormat::Secs, true),
        ));
    }
    Ok(at)
}

/// Checks one request's events on their own, as a bundle holds them: each event's content
/// against its hash, each linked to the request's event before it, the first to
/// `GENESIS_HASH`, none dated before the one before it (beyond the allowance), and the last
/// being `head` (the request's count and last hash, kept apart from the events). Events are
/// numbered 1.. in the report, in the order given.
pub fn verify_request_chain(events: &[AuditEvent], request: &str, head: &ChainHead) -> ChainReport {
    let mut previous = GENESIS_HASH.to_string();
    let mut last_seq = 0u64;
    let mut last_at = None;
    for (k, event) in events.iter().enumerate() {
        let number = k as u64 + 1;
        let broken = |reason: String| ChainReport::Broken { event: number, reason };
        if event.request.as_deref() != Some(request) {
            return broken(format!("event {} does not concern request {request}", event.seq));
        }
        if event.seq <= last_seq {
            return broken(format!("event {} appears out of order", event.seq));
        }
        if event.request_prev_hash.as_deref() != Some(previous.as_str()) {
            return broken(format!(
                "event {} does not link to the request's event before it: events were removed, inserted or reordered",
                event.seq
            ));
        }
        if event_hash(event) != event.hash {
            return broken(format!(
                "event {}'s content does not match its hash: it was changed after it was written",
                event.seq
            ));
        }
        match time_went_back(last_at, event) {
            Ok(at) => last_at = Some((event.seq, at)),
            Err(reason) => return broken(reason),
        }
        previous = event.hash.clone();
        last_seq = event.seq;
    }
    let count = events.len() as u64;
    if count != head.count || previous != head.hash {
        return ChainReport::Broken {
            event: count.min(head.count) + 1,
            reason: format!(
                "the request's events end at {count} but its recorded head says {}, or its last hash differs: events were removed or added",
                head.count
            ),
        };
    }
    ChainReport::Intact { events: count }
}

/// Where the kept chain starts: at the genesis, or after the events a checkpoint pruned — the
/// last pruned event's number and hash, and each request's last pruned hash, so that the
/// kept events' links to them still verify.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ChainStart {
    /// How many events were pruned before the kept chain (0: none).
    pub through_seq: u64,
    /// The hash of the last pruned event (`GENESIS_HASH` when none were).
    pub hash: String,
    /// Each request with pruned events: the hash of its last pruned event.
    pub request_heads: BTreeMap<String, String>,
}

impl ChainStart {
    pub fn genesis() -> Self {
        ChainStart { through_seq: 0, hash: GENESIS_HASH.to_string(), request_heads: BTreeMap::new() }
    }
}

/// Checks events given in stored order against the head kept apart from them.
pub fn verify_chain(events: impl IntoIterator<Item = AuditEvent>, head: &ChainHead) -> ChainReport {
    check_chain(events, head, &ChainStart::genesis(), true, true)
}

/// Checks the events kept after a checkpoint: the first links to the checkpoint's hash and
/// each request's first kept event to that request's last pruned one.
pub fn verify_chain_from(
    events: impl IntoIterator<Item = AuditEvent>,
    head: &ChainHead,
    start: &ChainStart,
) -> ChainReport {
    check_chain(events, head, start, true, true)
}

/// Like [`verify_chain`], without the request links: for a chain sealed before links existed,
/// checked before they are added. The events' times are not looked at: the links vouch for
/// the events as they are, and a clock set back is reported when the linked chain is checked.
pub fn verify_chain_without_links(events: impl IntoIterator<Item = AuditEvent>, head: &ChainHead) -> ChainReport {
    check_chain(events, head, &ChainStart::genesis(), false, false)
}

fn check_chain(
    events: impl IntoIterator<Item = AuditEvent>,
    head: &ChainHead,
    start: &ChainStart,
    links: bool,
    times: bool,
) -> ChainReport {
    let mut previous_hash = start.hash.clone();
    let mut expected = start.through_seq + 1;
    let mut request_heads: std::collections::HashMap<String, String> =
        start.request_heads.iter().map(|(r, h)| (r.clone(), h.clone())).collect();
    let mut last_at = None;
    for event in events {
        if event.seq != expected {
            let reason = if event.seq > expected {
                format!(
                    "event {expected} is missing: the chain goes from {} to event {}",
                    if expected == 1 { "its start".to_string() } else { format!("event {}", expected - 1) },
                    event.seq
                )
            } else {
                format!("event {} appears out of order after event {}", event.seq, expected - 1)
            };
            return ChainReport::Broken { event: expected, reason };
        }
        if event.prev_hash != previous_hash {
            return ChainReport::Broken {
                event: event.seq,
                reason: "it does not link to the event before it: events were removed, inserted or reordered".into(),
            };
        }
        if event_hash(&event) != event.hash {
            return ChainReport::Broken {
                event: event.seq,
                reason: "its content does not match its hash: it was changed after it was written".into(),
            };
        }
        // An event that names a request is linked to it: dropping the link of an event whose
        // hash does not cover it (format 1) would otherwise take it out of its request's chain.
        if links
            && let Some(named) = request_in_ids(&event.object_ids)
            && event.request.as_deref() != Some(named)
        {
            return ChainReport::Broken {
                event: event.seq,
                reason: format!("it names request {named} but is not linked to that request's events"),
            };
        }
        if let (true, Some(request)) = (links, &event.request) {
            let before = request_heads.get(request).map_or(GENESIS_HASH, String::as_str);
            if event.request_prev_hash.as_deref() != Some(before) {
                return ChainReport::Broken {
                    event: event.seq,
                    reason: "it does not link to its request's event before it".into(),
                };
            }
            request_heads.insert(request.clone(), event.hash.clone());
        }
        // Checked after the hash: a time edited afterwards is a changed event, not a clock.
        if times {
            match time_went_back(last_at, &event) {
                Ok(at) => last_at = Some((event.seq, at)),
                Err(reason) => return ChainReport::Broken { event: event.seq, reason },
            }
        }
        previous_hash = event.hash;
        expected += 1;
    }
    let count = expected - 1;
    if count < head.count {
        return ChainReport::Broken {
            event: count + 1,
            reason: format!(
                "the chain ends at event {count} but its head records {} events: events were removed from the end",
                head.count
            ),
        };
    }
    if count > head.count {
        return ChainReport::Broken {
            event: head.count + 1,
            reason: format!("the chain has {count} events but its head records only {}", head.count),
        };
    }
    if previous_hash != head.hash {
        return ChainReport::Broken {
            event: count,
            reason: "the last event does not match the chain's recorded head".into(),
        };
    }
    ChainReport::Intact { events: count }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 9, minute, 0).unwrap()
    }

    fn chain(n: u32) -> (Vec<AuditEvent>, ChainHead) {
        let mut head = ChainHead::empty();
        let mut events = Vec::new();
        for i in 0..n {
            let event = seal(
                &head,
                at(i),
                NewAuditEvent::of_change(Actor::Worker(1), "test.change", vec![format!("thing:{i}")], &i),
                None,
            );
            head = ChainHead { count: event.seq, hash: event.hash.clone() };
            events.push(event);
        }
        (events, head)
    }

    #[test]
    fn an_untouched_chain_is_intact() {
        let (events, head) = chain(5);
        assert_eq!(verify_chain(events, &head), ChainReport::Intact { events: 5 });
        assert_eq!(verify_chain(Vec::new(), &ChainHead::empty()), ChainReport::Intact { events: 0 });
    }

    #[test]
    fn sealing_links_each_event_to_the_one_before() {
        let (events, _) = chain(3);
        assert_eq!(events[0].prev_hash, GENESIS_HASH);
        assert_eq!(events[1].prev_hash, events[0].hash);
        assert_eq!(events[2].seq, 3);
        assert_eq!(events[0].at, "2026-11-23T09:00:00.000000Z");
        assert_eq!(events[0].actor, "worker:1");
    }

    #[test]
    fn every_kind_of_tampering_names_the_first_broken_event() {
        type Tamper = fn(&mut Vec<AuditEvent>, &mut ChainHead);
        let cases: &[(&str, Tamper, u64, &str)] = &[
            ("edited action", |e, _| e[2].action = "test.other".into(), 3, "changed after"),
            ("edited time", |e, _| e[1].at = "2026-11-23T09:01:00Z".into(), 2, "changed after"),
            ("edited digest", |e, _| e[3].change_digest = "00".into(), 4, "changed after"),
            (
                "deleted middle",
                |e, _| {
                    e.remove(2);
                },
                3,
                "missing",
            ),
            (
                "deleted and renumbered",
                |e, _| {
                    e.remove(1);
                    for (i, ev) in e.iter_mut().enumerate() {
                        ev.seq = i as u64 + 1;
                    }
                },
                2,
                "does not link",
            ),
            (
                "swapped",
                |e, _| {
                    e.swap(1, 2);
                    e[1].seq = 2;
                    e[2].seq = 3;
                },
                2,
                "does not link",
            ),
            (
                "truncated",
                |e, _| {
                    e.truncate(3);
                },
                4,
                "removed from the end",
            ),
            (
                "truncated with head count lowered",
                |e, h| {
                    e.truncate(3);
                    h.count = 3;
                },
                3,
                "recorded head",
            ),
            (
                "appended forgery",
                |e, h| {
                    let forged = seal(
                        &ChainHead { count: 5, hash: e[4].hash.clone() },
                        at(9),
                        NewAuditEvent::of_change(Actor::System, "test.forged", vec![], &0),
                        None,
                    );
                    e.push(forged);
                    let _ = h;
                },
                6,
                "head records only 5",
            ),
            (
                "rehashed edit",
                |e, _| {
                    e[0].action = "test.other".into();
                    e[0].hash = event_hash(&e[0]);
                },
                2,
                "does not link",
            ),
        ];
        for (name, tamper, event, reason) in cases {
            let (mut events, mut head) = chain(5);
            tamper(&mut events, &mut head);
            match verify_chain(events, &head) {
                ChainReport::Broken { event: found, reason: why } => {
                    assert_eq!(found, *event, "{name}: {why}");
                    assert!(why.contains(reason), "{name}: {why}");
                }
                intact => panic!("{name}: not detected, got {intact}"),
            }
        }
    }

    /// Events 1..=n alternating between requests A and B, linked as the store links them.
    fn two_requests(n: u32) -> (Vec<AuditEvent>, ChainHead) {
        two_requests_with(n, |_, _| {})
    }

    /// The same, with `tweak` applied to each event as it is made (before the next links to it).
    fn two_requests_with(n: u32, tweak: impl Fn(u32, &mut AuditEvent)) -> (Vec<AuditEvent>, ChainHead) {
        let mut head = ChainHead::empty();
        let mut last: std::collections::HashMap<&str, String> = Default::default();
        let mut events = Vec::new();
        for i in 0..n {
            let request = if i % 2 == 0 { "A" } else { "B" };
            let prev_hash = last.get(request).cloned().unwrap_or_else(|| GENESIS_HASH.into());
            let ids = vec![format!("request:{request}")];
            let new = NewAuditEvent::of_change(Actor::Worker(1), "test.change", ids, &i);
            let mut event = seal(&head, at(i), new, Some(RequestLink { request: request.into(), prev_hash }));
            tweak(i, &mut event);
            last.insert(request, event.hash.clone());
            head = ChainHead { count: event.seq, hash: event.hash.clone() };
            events.push(event);
        }
        (events, head)
    }

    fn of(events: &[AuditEvent], request: &str) -> (Vec<AuditEvent>, ChainHead) {
        let mine: Vec<AuditEvent> = events.iter().filter(|e| e.request.as_deref() == Some(request)).cloned().collect();
        let head = ChainHead { count: mine.len() as u64, hash: mine.last().unwrap().hash.clone() };
        (mine, head)
    }

    #[test]
    fn a_requests_events_verify_on_their_own_and_any_tampering_is_caught() {
        let (events, head) = two_requests(7);
        assert_eq!(verify_chain(events.clone(), &head), ChainReport::Intact { events: 7 });
        let (a, a_head) = of(&events, "A");
        assert_eq!(a.len(), 4);
        assert_eq!(verify_request_chain(&a, "A", &a_head), ChainReport::Intact { events: 4 });
        assert!(matches!(verify_request_chain(&a, "B", &a_head), ChainReport::Broken { .. }), "another request's");

        let broken = |events: Vec<AuditEvent>, head: &ChainHead| match verify_request_chain(&events, "A", head) {
            ChainReport::Broken { reason, .. } => reason,
            ChainReport::Intact { .. } => panic!("not detected"),
        };
        let mut edited = a.clone();
        edited[1].change_digest = "00".into();
        assert!(broken(edited, &a_head).contains("does not match its hash"));
        let mut removed = a.clone();
        removed.remove(1);
        assert!(broken(removed, &a_head).contains("does not link"));
        let mut cut = a.clone();
        cut.pop();
        assert!(broken(cut, &a_head).contains("removed or added"));
        let mut relinked = a.clone();
        relinked.remove(1);
        relinked[1].request_prev_hash = Some(relinked[0].hash.clone());
        assert!(broken(relinked, &a_head).contains("does not match its hash"), "the link is sealed in the hash");
        let mut foreign = a.clone();
        foreign.insert(1, events[1].clone());
        assert!(broken(foreign, &a_head).contains("does not concern request A"));
    }

    #[test]
    fn the_whole_chain_checks_each_requests_links_too() {
        // An event of format 1, whose link was added after it was sealed: a wrong link is not
        // in its hash, and is caught by comparison with its request's event before it.
        let (events, head) = two_requests_with(5, |i, event| {
            if i == 2 {
                event.format = 1;
                event.request_prev_hash = Some(GENESIS_HASH.into());
                event.hash = event_hash(event);
            }
        });
        match verify_chain(events, &head) {
            ChainReport::Broken { event, reason } => {
                assert_eq!(event, 3);
                assert!(reason.contains("its request's event before it"), "{reason}");
            }
            intact => panic!("not detected: {intact}"),
        }
        let (events, head) = two_requests_with(5, |i, event| {
            if i == 2 {
                event.format = 1;
                event.hash = event_hash(event);
            }
        });
        assert_eq!(verify_chain(events, &head), ChainReport::Intact { events: 5 }, "format 1 with a right link");
        // A format 1 event's link dropped, and the next event of its request relinked past it.
        let (mut events, head) = two_requests_with(5, |i, event| {
            if i == 2 {
                event.format = 1;
                event.hash = event_hash(event);
            }
        });
        (events[2].request, events[2].request_prev_hash) = (None, None);
        match verify_chain(events, &head) {
            ChainReport::Broken { event, reason } => {
                assert_eq!(event, 3);
                assert!(reason.contains("not linked"), "{reason}");
            }
            intact => panic!("not detected: {intact}"),
        }
    }

    /// Events of request A sealed at these times, each linked as the store links them.
    fn dated(times: &[DateTime<Utc>]) -> (Vec<AuditEvent>, ChainHead) {
        let mut head = ChainHead::empty();
        let mut events: Vec<AuditEvent> = Vec::new();
        for (i, at) in times.iter().enumerate() {
            let prev_hash = events.last().map_or_else(|| GENESIS_HASH.to_string(), |e| e.hash.clone());
            let new = NewAuditEvent::of_change(Actor::Worker(1), "test.change", vec!["request:A".into()], &i);
            let event = seal(&head, *at, new, Some(RequestLink { request: "A".into(), prev_hash }));
            head = ChainHead { count: event.seq, hash: event.hash.clone() };
            events.push(event);
        }
        (events, head)
    }

    #[test]
    fn an_event_dated_before_the_one_before_it_is_reported_with_both_times() {
        let day = |y: i32, m: u32, d: u32| Utc.with_ymd_and_hms(y, m, d, 10, 0, 0).unwrap();
        // A disposal under a clock faked into 2032, then the laptop's own clock again.
        let (events, head) = dated(&[day(2026, 11, 23), day(2032, 12, 1), day(2026, 11, 24), day(2026, 11, 25)]);
        for report in [verify_chain(events.clone(), &head), verify_request_chain(&events, "A", &head)] {
            match report {
                ChainReport::Broken { event, reason } => {
                    assert_eq!(event, 3, "{reason}");
                    assert!(reason.contains("event 3 is dated 2026-11-24T10:00:00Z"), "{reason}");
                    assert!(reason.contains("event 2 before it, dated 2032-12-01T10:00:00Z"), "{reason}");
                }
                intact => panic!("not reported: {intact}"),
            }
        }
        // Links are added to a chain whose hashes hold, whatever its times.
        assert_eq!(verify_chain_without_links(events, &head), ChainReport::Intact { events: 4 });

        // A step back of one second, or several events in the same second: writers racing for
        // their turn, not a clock set back.
        let t = day(2026, 11, 23);
        let second = chrono::Duration::seconds(1);
        let (events, head) = dated(&[t, t + second, t, t, t + second * 2]);
        assert_eq!(verify_chain(events.clone(), &head), ChainReport::Intact { events: 5 });
        assert_eq!(verify_request_chain(&events, "A", &head), ChainReport::Intact { events: 5 });
        // Beyond the allowance it is reported.
        let back = chrono::Duration::seconds(CLOCK_ALLOWANCE_SECONDS + 1);
        let (events, head) = dated(&[t, t - back]);
        assert!(matches!(verify_chain(events, &head), ChainReport::Broken { event: 2, .. }));

        // Events sealed before the request links existed (format 1) are checked the same way.
        let (mut events, _) = dated(&[day(2030, 1, 1), day(2026, 1, 1)]);
        let mut previous = GENESIS_HASH.to_string();
        for event in &mut events {
            event.format = 1;
            event.prev_hash = previous.clone();
            event.hash = event_hash(event);
            previous = event.hash.clone();
        }
        let head = ChainHead { count: 2, hash: previous };
        assert!(matches!(verify_chain(events, &head), ChainReport::Broken { event: 2, .. }));
    }

    #[test]
    fn a_time_that_is_not_a_time_is_reported() {
        let (mut events, _) = dated(&[at(0), at(1)]);
        events[1].at = "yesterday".into();
        events[1].hash = event_hash(&events[1]);
        let head = ChainHead { count: 2, hash: events[1].hash.clone() };
        match verify_chain(events, &head) {
            ChainReport::Broken { event: 2, reason } => {
                assert!(reason.contains("\"yesterday\" is not a time"), "{reason}")
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn digests_are_stable_and_differ_by_content() {
        assert_eq!(digest_of(&("a", 1)), digest_of(&("a", 1)));
        assert_ne!(digest_of(&("a", 1)), digest_of(&("a", 2)));
        assert_eq!(digest_of(&"").len(), 64);
    }

    #[test]
    fn reports_read_as_the_cli_prints_them() {
        assert_eq!(ChainReport::Intact { events: 7 }.to_string(), "intact: 7 events");
        let broken = ChainReport::Broken { event: 3, reason: "x".into() };
        assert_eq!(broken.to_string(), "broken at event 3: x");
    }

    /// Where the chain starts once its first `k` events are pruned.
    fn start_after(events: &[AuditEvent], k: usize) -> ChainStart {
        let mut start = ChainStart { through_seq: k as u64, hash: events[k - 1].hash.clone(), ..ChainStart::genesis() };
        for e in &events[..k] {
            if let Some(r) = &e.request {
                start.request_heads.insert(r.clone(), e.hash.clone());
            }
        }
        start
    }

    #[test]
    fn a_pruned_chain_verifies_from_its_checkpoint_and_only_from_the_right_one() {
        let (events, head) = two_requests(7);
        let start = start_after(&events, 3);
        let kept = events[3..].to_vec();
        assert_eq!(verify_chain_from(kept.clone(), &head, &start), ChainReport::Intact { events: 7 });
        // Without the checkpoint the kept events do not start at 1.
        assert!(matches!(verify_chain(kept.clone(), &head), ChainReport::Broken { event: 1, .. }));
        // A checkpoint that forgets a request's last pruned event breaks that request's link.
        let mut forgetful = start.clone();
        forgetful.request_heads.remove("B");
        match verify_chain_from(kept.clone(), &head, &forgetful) {
            ChainReport::Broken { event, reason } => {
                assert_eq!(event, 4, "{reason}");
                assert!(reason.contains("its request's event before it"), "{reason}");
            }
            intact => panic!("{intact}"),
        }
        // One more event pruned than the checkpoint says, or a wrong hash.
        assert!(matches!(verify_chain_from(events[4..].to_vec(), &head, &start), ChainReport::Broken { event: 4, .. }));
        let wrong = ChainStart { hash: events[1].hash.clone(), ..start.clone() };
        assert!(matches!(verify_chain_from(kept, &head, &wrong), ChainReport::Broken { event: 4, .. }));
    }

    #[test]
    fn a_checkpoint_verifies_only_with_the_installations_key_and_untouched() {
        let key = crate::SigningKey::from_bytes(&[7u8; 32]);
        let other = crate::SigningKey::from_bytes(&[8u8; 32]);
        let (events, _) = two_requests(4);
        let manifest = CheckpointManifest {
            format: CHECKPOINT_FORMAT.into(),
            start: start_after(&events, 2),
            pruned_events: 2,
            first_pruned_at: events[0].at.clone(),
            last_pruned_at: events[1].at.clone(),
            rule: "retention.audit_years = 7".into(),
            pruned_by: "Ann Officer".into(),
            pruned_at: "2033-12-01T09:00:00.000000Z".into(),
            signing_key: SigningKeyInfo::of(&key),
        };
        let text = manifest.to_canonical_json();
        let signature = crate::sign_manifest(&key, &text);
        let public = SigningKeyInfo::of(&key).public_key;
        assert_eq!(verify_checkpoint(&text, &signature, &public), Ok(manifest.clone()));
        let forged = text.replace("\"pruned_events\":2", "\"pruned_events\":3");
        assert_ne!(forged, text);
        assert!(verify_checkpoint(&forged, &signature, &public).unwrap_err().contains("does not match"));
        let resigned = crate::sign_manifest(&other, &text);
        assert!(verify_checkpoint(&text, &resigned, &public).is_err());
        let theirs = CheckpointManifest { signing_key: SigningKeyInfo::of(&other), ..manifest }.to_canonical_json();
        let err = verify_checkpoint(&theirs, &crate::sign_manifest(&other, &theirs), &public).unwrap_err();
        assert!(err.contains("this installation's key"), "{err}");
    }
}
