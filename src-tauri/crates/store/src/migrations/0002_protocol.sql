-- The protocol: the AAW register, investigation requests with their subjects and decisions,
-- sanctioned accounts, RIPA authorisations and the versioned investigation log.

CREATE TABLE aaw_register (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,
    registered_at TEXT NOT NULL
) STRICT;

CREATE TABLE requests (
    id             INTEGER PRIMARY KEY,
    reference      TEXT NOT NULL UNIQUE,
    year           INTEGER NOT NULL,
    number         INTEGER NOT NULL,
    state          TEXT NOT NULL,
    content        TEXT NOT NULL,
    parent_id      INTEGER REFERENCES requests(id),
    flagged_for_sd INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    UNIQUE (year, number)
) STRICT;

-- Links each subject of a request (numbered from 1 in file order) to a person; an unnamed
-- suspected associate has no person.
CREATE TABLE request_subjects (
    request_id INTEGER NOT NULL REFERENCES requests(id),
    position   INTEGER NOT NULL,
    person_id  INTEGER REFERENCES persons(id),
    PRIMARY KEY (request_id, position)
) STRICT;

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    request_id  INTEGER NOT NULL REFERENCES requests(id),
    step        TEXT NOT NULL,
    from_state  TEXT NOT NULL,
    to_state    TEXT NOT NULL,
    decided_by  TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES worker_profile(id),
    evidence    TEXT,
    note        TEXT,
    conditions  TEXT,
    at          TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    platform     TEXT NOT NULL,
    handle       TEXT NOT NULL,
    identifiable INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (platform, handle)
) STRICT;

CREATE TABLE authorisations (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    kind         TEXT NOT NULL CHECK (kind IN ('directed_surveillance', 'chis')),
    reference    TEXT NOT NULL UNIQUE,
    officer      TEXT NOT NULL,
    granted      TEXT NOT NULL,
    review_due   TEXT,
    expires      TEXT NOT NULL,
    person_id    INTEGER REFERENCES persons(id),
    account_id   INTEGER REFERENCES accounts(id),
    cancelled_at TEXT,
    cancelled_by TEXT,
    renewals     TEXT NOT NULL DEFAULT '[]',
    created_at   TEXT NOT NULL
) STRICT;

CREATE TABLE investigation_logs (
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    version      INTEGER NOT NULL,
    content      TEXT NOT NULL,
    finalised_at TEXT,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (request_id, version)
) STRICT;
