-- The staff directory: the people who take part, each with their roles (codes joined with
-- ';'); `review` says why a person needs their entry checked (added from a name in the
-- records, their role unknown), `left_on` when they left. Never deleted while a record names
-- them.
CREATE TABLE staff (
    id       INTEGER PRIMARY KEY,
    staff_id TEXT UNIQUE,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL,
    team     TEXT,
    roles    TEXT NOT NULL,
    review   TEXT,
    left_on  TEXT,
    added_at TEXT NOT NULL
) STRICT;
CREATE INDEX staff_by_name ON staff (name_key);

-- Each decision's decider and recorder from the directory, and the log version a log step
-- concerns. `decided_by` keeps the name as it was recorded.
ALTER TABLE decisions ADD COLUMN decider INTEGER REFERENCES staff(id);
ALTER TABLE decisions ADD COLUMN recorder INTEGER REFERENCES staff(id);
ALTER TABLE decisions ADD COLUMN log_version INTEGER;
ALTER TABLE decisions ADD COLUMN decider_role TEXT;

-- The register is the service director's decision.
ALTER TABLE aaw_register ADD COLUMN staff INTEGER REFERENCES staff(id);
ALTER TABLE aaw_register ADD COLUMN decided_by INTEGER REFERENCES staff(id);
-- One registration per person (rows from before that name the same person under two
-- spellings keep their text and stay unlinked but the first).
CREATE UNIQUE INDEX aaw_register_by_staff ON aaw_register (staff) WHERE staff IS NOT NULL;

-- The laptop's worker is a person of the directory.
ALTER TABLE worker_profile ADD COLUMN staff INTEGER REFERENCES staff(id);

-- The service director's conditions as the worker confirmed them when the session started.
ALTER TABLE access_sessions ADD COLUMN conditions_confirmed TEXT;
-- The access worker who ran it, from the directory.
ALTER TABLE access_sessions ADD COLUMN staff INTEGER REFERENCES staff(id);
