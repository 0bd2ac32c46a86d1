-- Access sessions on a sanctioned account, the trail recorded as it happens, the documents'
-- HTTP responses, and captures with their artefacts, signed manifests and judgements.

CREATE TABLE access_sessions (
    id           INTEGER PRIMARY KEY,
    request_id   INTEGER NOT NULL REFERENCES requests(id),
    subject      INTEGER NOT NULL,
    person_id    INTEGER REFERENCES persons(id),
    account_id   INTEGER NOT NULL REFERENCES accounts(id),
    worker_id    INTEGER NOT NULL REFERENCES worker_profile(id),
    browser      TEXT NOT NULL,
    devtools_url TEXT NOT NULL,
    browser_pid  INTEGER,
    started_at   TEXT NOT NULL,
    ended_at     TEXT,
    end_reason   TEXT
) STRICT;

CREATE TABLE trail_events (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES access_sessions(id),
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    tab        TEXT NOT NULL,
    url        TEXT NOT NULL,
    detail     TEXT NOT NULL
) STRICT;

CREATE TABLE document_responses (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES access_sessions(id),
    tab        TEXT NOT NULL,
    url        TEXT NOT NULL,
    at         TEXT NOT NULL,
    response   TEXT NOT NULL
) STRICT;

CREATE TABLE captures (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES access_sessions(id),
    manifest   TEXT NOT NULL,
    signature  TEXT NOT NULL,
    judgement  TEXT,
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE capture_artefacts (
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    kind       TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    bytes      BLOB NOT NULL,
    PRIMARY KEY (capture_id, kind)
) STRICT;
