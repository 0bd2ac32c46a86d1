-- A draft may be a separate request for another person whose page was found during a check
-- on another request (its parent): the request it becomes is linked to that parent and
-- flagged for the service director. Existing drafts have no parent.
ALTER TABLE request_drafts ADD COLUMN parent_id INTEGER REFERENCES requests(id);
