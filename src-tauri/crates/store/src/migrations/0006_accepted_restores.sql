-- A database put back from a copy and accepted: who accepted it, why, and both heads (the
-- restored database's and the one recorded outside it before).
CREATE TABLE accepted_restores (
    id INTEGER PRIMARY KEY,
    accepted_at TEXT NOT NULL,
    accepted_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    database_count INTEGER NOT NULL,
    database_hash TEXT NOT NULL,
    recorded_count INTEGER NOT NULL,
    recorded_hash TEXT NOT NULL
);
