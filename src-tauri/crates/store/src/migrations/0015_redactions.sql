-- Redacted copies of a capture's pictures: each a new picture linked to its sealed original
-- by a signed manifest (the original's digest, the boxes, who, why, when). The original is
-- never changed; the latest copy of a picture is the one documents use.
CREATE TABLE redactions (
    id         INTEGER PRIMARY KEY,
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    artefact   TEXT NOT NULL,
    manifest   TEXT NOT NULL,
    signature  TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    png        BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
