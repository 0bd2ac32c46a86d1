-- Checkpoints left by pruning the audit chain's oldest events under the retention policy:
-- where the kept chain starts (the last pruned event's number and hash, and each request's
-- last pruned hash), signed with the installation's key. The latest is where checking starts.
CREATE TABLE audit_checkpoints (
    id          INTEGER PRIMARY KEY,
    through_seq INTEGER NOT NULL UNIQUE,
    manifest    TEXT NOT NULL,
    signature   TEXT NOT NULL,
    created_at  TEXT NOT NULL
) STRICT;
