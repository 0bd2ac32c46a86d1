-- The base schema: store facts, the audit chain and its head, installation secrets, the
-- worker profile and persons.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Events hold ids and digests only, never personal data.
CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor         TEXT NOT NULL,
    action        TEXT NOT NULL,
    object_ids    TEXT NOT NULL,
    change_digest TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
) STRICT;

-- The chain's head, kept apart from the events so that truncation is detected.
CREATE TABLE audit_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    count INTEGER NOT NULL,
    hash  TEXT NOT NULL
) STRICT;
INSERT INTO audit_head (id, count, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Secrets the app makes for itself (such as a signing key) live here, encrypted with the rest.
CREATE TABLE installation_secrets (
    name       TEXT PRIMARY KEY,
    value      BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- The person using this laptop.
CREATE TABLE worker_profile (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('aaw', 'osw', 'tm')),
    staff_id   TEXT,
    updated_at TEXT NOT NULL
) STRICT;

-- People named in investigation requests, with an identity across requests.
CREATE TABLE persons (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    aliases       TEXT NOT NULL DEFAULT '[]',
    date_of_birth TEXT,
    created_at    TEXT NOT NULL
) STRICT;
