-- The browser this laptop's captures use, as its worker chose it (one row at most): the
-- program's path, when, and who chose it, a person of the staff directory.
CREATE TABLE browser_choice (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    path      TEXT NOT NULL,
    chosen_at TEXT NOT NULL,
    chosen_by INTEGER NOT NULL REFERENCES staff(id)
) STRICT;
