-- How a disposal knew the date, and every file and folder written by an export other than a
-- PDF or a bundle, so that disposal can find them.
--
-- A disposal dated by a time-stamping authority keeps the authority's RFC 3161 answer over the
-- list it disposed of (canonical JSON of kinds, ids, rules, dates and digests: no personal
-- data), with that list; each tombstone says whether its time was the laptop's own clock or
-- an authority's. Tombstones from before this were all dated by the laptop's clock.
CREATE TABLE disposal_stamps (
    id          INTEGER PRIMARY KEY,
    document    TEXT NOT NULL,
    answer      BLOB NOT NULL,
    authority   TEXT NOT NULL,
    stamped_at  TEXT NOT NULL,
    laptop_time TEXT NOT NULL
) STRICT;
ALTER TABLE disposals ADD COLUMN time_source TEXT NOT NULL DEFAULT 'laptop_clock'
    CHECK (time_source IN ('laptop_clock', 'tsa'));
ALTER TABLE disposals ADD COLUMN stamp_id INTEGER REFERENCES disposal_stamps(id);

-- A capture's folder, a subject access folder or a central record: which requests and
-- captures it holds, and each file (with its SHA-256 and size) and each folder it made.
CREATE TABLE file_exports (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('capture', 'subject_access', 'central_record')),
    requests    TEXT NOT NULL,
    captures    TEXT NOT NULL,
    exported_at TEXT NOT NULL
) STRICT;
CREATE TABLE file_export_paths (
    id        INTEGER PRIMARY KEY,
    export_id INTEGER NOT NULL REFERENCES file_exports(id),
    path      TEXT NOT NULL,
    sha256    TEXT,
    bytes     INTEGER NOT NULL,
    folder    INTEGER NOT NULL
) STRICT;
CREATE INDEX file_export_paths_by_export ON file_export_paths(export_id);
