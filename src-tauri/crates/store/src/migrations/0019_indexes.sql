-- Indexes for the lookups every change makes by request, session and person, so that a
-- store of thousands of requests answers as fast as a new one; those the pilot's figures
-- read hold every column they need, so a report reads no request's or log's content.
CREATE INDEX IF NOT EXISTS decisions_by_request ON decisions(request_id, to_state, decided_on, at);
CREATE INDEX IF NOT EXISTS requests_for_figures ON requests(id, reference, created_at, state);
CREATE INDEX IF NOT EXISTS investigation_logs_finalised ON investigation_logs(request_id, finalised_at);
CREATE INDEX IF NOT EXISTS request_subjects_by_person ON request_subjects(person_id);
CREATE INDEX IF NOT EXISTS access_sessions_by_request ON access_sessions(request_id, started_at, ended_at);
CREATE INDEX IF NOT EXISTS access_sessions_by_person ON access_sessions(person_id);
CREATE INDEX IF NOT EXISTS access_sessions_by_account ON access_sessions(account_id);
CREATE INDEX IF NOT EXISTS trail_events_by_session ON trail_events(session_id);
CREATE INDEX IF NOT EXISTS document_responses_by_session ON document_responses(session_id);
CREATE INDEX IF NOT EXISTS captures_by_session ON captures(session_id);
CREATE INDEX IF NOT EXISTS redactions_by_capture ON redactions(capture_id);
CREATE INDEX IF NOT EXISTS authorisations_by_request ON authorisations(request_id);
CREATE INDEX IF NOT EXISTS request_drafts_by_parent ON request_drafts(parent_id);
CREATE INDEX IF NOT EXISTS pilot_process_ratings_by_request ON pilot_process_ratings(request_id);
CREATE INDEX IF NOT EXISTS repeat_viewing_events_by_request ON repeat_viewing_events(request_id);
