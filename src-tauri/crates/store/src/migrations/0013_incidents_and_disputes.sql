-- Incidents: breaches of the procedure, recorded so the council can investigate, report on
-- and manage them. Disputes: a person's dispute of a capture or a finding held about them,
-- kept with it. Neither is changed once recorded.
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    content     TEXT NOT NULL,
    request     TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES worker_profile(id)
) STRICT;

CREATE TABLE disputes (
    id          INTEGER PRIMARY KEY,
    target      TEXT NOT NULL CHECK (target IN ('capture', 'finding')),
    capture_id  INTEGER,
    finding     INTEGER,
    request     TEXT NOT NULL,
    disputed_by TEXT NOT NULL,
    text        TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
