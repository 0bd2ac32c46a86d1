-- Drafts of Appendix 1 forms, saved as the worker types: a new request not yet created
-- (request_id NULL) or changes to a draft or referred-back request (one draft per request).
CREATE TABLE request_drafts (
    id         INTEGER PRIMARY KEY,
    request_id INTEGER UNIQUE REFERENCES requests(id),
    content    TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
