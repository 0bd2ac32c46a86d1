-- The pilot's evaluation: the originating social worker's feedback after a check, the
-- six-month re-check, ratings of the authorisation process, and the repeat-viewing warnings
-- accepted and refusals met when sessions started. Disposal of a request takes them with it.
CREATE TABLE pilot_feedback (
    request_id   INTEGER PRIMARY KEY REFERENCES requests(id),
    time_minutes INTEGER NOT NULL,
    useful       INTEGER NOT NULL,
    unique_found INTEGER NOT NULL,
    rating       TEXT NOT NULL,
    comments     TEXT,
    given_by     TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
) STRICT;

CREATE TABLE pilot_rechecks (
    request_id  INTEGER PRIMARY KEY REFERENCES requests(id),
    rating      TEXT NOT NULL,
    comments    TEXT,
    given_by    TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;

CREATE TABLE pilot_process_ratings (
    id            INTEGER PRIMARY KEY,
    request_id    INTEGER NOT NULL REFERENCES requests(id),
    ease          INTEGER NOT NULL CHECK (ease BETWEEN 1 AND 5),
    effectiveness INTEGER NOT NULL CHECK (effectiveness BETWEEN 1 AND 5),
    comments      TEXT,
    given_by      TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
) STRICT;

CREATE TABLE repeat_viewing_events (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    outcome    TEXT NOT NULL CHECK (outcome IN ('warning', 'refusal')),
    at         TEXT NOT NULL
) STRICT;
