-- Each event that concerns a request links to that request's previous event, so a request's
-- events can be checked as a chain of their own (an evidence bundle holds nothing about any
-- other family). Events sealed from now on are format 2: their hash covers the link. The
-- links of earlier events are added by the migration's own step, after the whole chain is
-- verified; their hashes are not touched.
ALTER TABLE audit_events ADD COLUMN request TEXT;
ALTER TABLE audit_events ADD COLUMN request_prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
CREATE INDEX audit_events_by_request ON audit_events(request, seq);
