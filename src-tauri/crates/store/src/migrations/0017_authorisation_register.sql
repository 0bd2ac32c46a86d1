-- The authorisation register: a third kind, non-RIPA (the council's own process, no
-- magistrate); a justice of the peace's approval (RIPA section 32A), without which a RIPA
-- authorisation allows nothing; reviews with their outcome; the reason for a cancellation;
-- and what the central record asks: urgency, and whether confidential or privileged material
-- is likely. Authorisations recorded before have no approval recorded: they await one.
CREATE TABLE authorisations_register (
    id                  INTEGER PRIMARY KEY,
    request_id          INTEGER NOT NULL REFERENCES requests(id),
    kind                TEXT NOT NULL CHECK (kind IN ('directed_surveillance', 'chis', 'non_ripa')),
    reference           TEXT NOT NULL UNIQUE,
    officer             TEXT NOT NULL,
    granted             TEXT NOT NULL,
    review_due          TEXT,
    expires             TEXT NOT NULL,
    person_id           INTEGER REFERENCES persons(id),
    account_id          INTEGER REFERENCES accounts(id),
    cancelled_at        TEXT,
    cancelled_by        TEXT,
    renewals            TEXT NOT NULL DEFAULT '[]',
    created_at          TEXT NOT NULL,
    approved            TEXT,
    approved_by         TEXT,
    reviews             TEXT NOT NULL DEFAULT '[]',
    cancel_reason       TEXT,
    urgent              INTEGER NOT NULL DEFAULT 0,
    confidential_likely INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO authorisations_register (id, request_id, kind, reference, officer, granted, review_due, expires,
    person_id, account_id, cancelled_at, cancelled_by, renewals, created_at)
SELECT id, request_id, kind, reference, officer, granted, review_due, expires, person_id, account_id,
    cancelled_at, cancelled_by, renewals, created_at FROM authorisations;
DROP TABLE authorisations;
ALTER TABLE authorisations_register RENAME TO authorisations;
