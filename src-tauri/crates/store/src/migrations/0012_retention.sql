-- Retention: when a capture was judged (the trigger of its period), legal holds on requests
-- (placed and released, each with who and why), and a tombstone for every record disposed
-- of: what it was, the digests it had, the rule, when and by whom. Tombstones hold no
-- personal data; the audit chain, which holds ids and digests only, stays whole.
ALTER TABLE captures ADD COLUMN judged_at TEXT;

CREATE TABLE legal_holds (
    id             INTEGER PRIMARY KEY,
    request        TEXT NOT NULL,
    placed_by      TEXT NOT NULL,
    reason         TEXT NOT NULL,
    placed_at      TEXT NOT NULL,
    released_by    TEXT,
    release_reason TEXT,
    released_at    TEXT
) STRICT;

CREATE TABLE disposals (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    object      TEXT NOT NULL,
    request     TEXT,
    digests     TEXT NOT NULL,
    rule        TEXT NOT NULL,
    trigger_on  TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    disposed_at TEXT NOT NULL,
    disposed_by TEXT NOT NULL
) STRICT;
