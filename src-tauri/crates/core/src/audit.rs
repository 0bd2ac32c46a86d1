//! The audit chain's rules: how an event is sealed into the chain and how a chain is checked.
//!
//! An event holds ids and digests only, never personal data, so that disposing of records
//! under a retention policy never breaks the chain. Each event's hash covers the hash of the
//! event before it; the chain's head (count and last hash) is kept apart from the events, so
//! removing events from the end is detected too.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub seq: u64,
    /// UTC time in RFC 3339 with microseconds; hashed exactly as stored.
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_ids: Vec<String>,
    pub change_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain's head: how many events it has and the hash of the last one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// Seals a new event onto the chain whose head is `head`, at time `at`.
pub fn seal(head: &ChainHead, at: DateTime<Utc>, event: NewAuditEvent) -> AuditEvent {
    let mut sealed = AuditEvent {
        seq: head.count + 1,
        at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
        actor: event.actor.to_string(),
        action: event.action.to_string(),
        object_ids: event.object_ids,
        change_digest: event.change_digest,
        prev_hash: head.hash.clone(),
        hash: String::new(),
    };
    sealed.hash = event_hash(&sealed);
    sealed
}

/// The hash an event must carry: SHA-256 over its fields and the previous event's hash.
pub fn event_hash(event: &AuditEvent) -> String {
    let covered = serde_json::json!([
        "triangulate-audit-v1",
        event.seq,
        event.at,
        event.actor,
        event.action,
        event.object_ids,
        event.change_digest,
        event.prev_hash,
    ]);
    hex::encode(Sha256::digest(covered.to_string().as_bytes()))
}

/// Checks events given in stored order against the head kept apart from them.
pub fn verify_chain(events: impl IntoIterator<Item = AuditEvent>, head: &ChainHead) -> ChainReport {
    let mut previous_hash = GENESIS_HASH.to_string();
    let mut expected = 1u64;
    for event in events {
        if event.seq != expected {
            let reason = if event.seq > expected {
                format!(
                    "event {expected} is missing: the chain goes from event {} to event {}",
                    expected - 1,
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
}
