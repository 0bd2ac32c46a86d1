-- Evidence bundles exported from a request: the SHA-256 of the bundle's signed manifest (what
-- a legal team checks), the ZIP's size and where it was written.
CREATE TABLE bundle_exports (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    draft INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    files INTEGER NOT NULL,
    path TEXT NOT NULL,
    exported_at TEXT NOT NULL,
    exported_by INTEGER REFERENCES worker_profile(id)
) STRICT;
CREATE INDEX bundle_exports_by_request ON bundle_exports(request_id);
