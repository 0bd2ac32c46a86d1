-- A store accepted as it stands while a copy of its audit head (kept outside the database)
-- was missing: who accepted it, why, the database's head then, and which copies were missing
-- (a JSON list: "credential_store", "data_folder").
CREATE TABLE accepted_heads (
    id INTEGER PRIMARY KEY,
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    database_count INTEGER NOT NULL,
    database_hash TEXT NOT NULL,
    missing TEXT NOT NULL
);
