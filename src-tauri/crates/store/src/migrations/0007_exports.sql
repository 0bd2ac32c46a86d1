-- PDFs exported from a request: what they hold, their digest and where they were written
-- (so that what the app wrote can be found again), and the record of each one filed in the
-- care record system.
CREATE TABLE pdf_exports (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    kind TEXT NOT NULL CHECK (kind IN ('care_record', 'request', 'log')),
    draft INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    pages INTEGER NOT NULL,
    log_version INTEGER,
    exhibits TEXT NOT NULL,
    path TEXT NOT NULL,
    exported_at TEXT NOT NULL,
    exported_by INTEGER REFERENCES worker_profile(id)
) STRICT;
CREATE INDEX pdf_exports_by_request ON pdf_exports(request_id);
CREATE INDEX pdf_exports_by_digest ON pdf_exports(sha256);

CREATE TABLE care_record_filings (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    export_id INTEGER NOT NULL REFERENCES pdf_exports(id),
    place TEXT NOT NULL,
    record_reference TEXT NOT NULL,
    filed_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by INTEGER REFERENCES worker_profile(id)
) STRICT;
CREATE INDEX care_record_filings_by_request ON care_record_filings(request_id);
