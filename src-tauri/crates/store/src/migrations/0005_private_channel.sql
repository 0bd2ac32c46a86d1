-- The session's browser is driven only over a private channel served by its recorder: the
-- channel's secret, the recorder's process, and when recording stopped if the recorder went.
ALTER TABLE access_sessions ADD COLUMN channel_secret TEXT;
ALTER TABLE access_sessions ADD COLUMN recorder_pid INTEGER;
ALTER TABLE access_sessions ADD COLUMN recording_stopped_at TEXT;
