-- Pages a disposal could not yet remove from an account's browser, because a session had
-- its browser open: removed by the next disposal that finds the browser closed. The
-- addresses are kept encrypted here until then, and no longer.
CREATE TABLE browser_cleanups (
    id         INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    urls       TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
