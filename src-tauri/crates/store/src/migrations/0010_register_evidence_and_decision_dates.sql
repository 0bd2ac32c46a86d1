-- The register of Authorised Access Workers records the service director's evidence of each
-- registration and the date the worker was trained; a decision records the date it was made
-- (by email or in a meeting), beside the time it was recorded. Existing rows have neither.
ALTER TABLE aaw_register ADD COLUMN evidence TEXT;
ALTER TABLE aaw_register ADD COLUMN trained_on TEXT;
ALTER TABLE decisions ADD COLUMN decided_on TEXT;
