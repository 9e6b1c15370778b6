-- Who created each session and who posted each event (SPEC "Authentication and roles":
-- created_by of everything written is the principal), as in the embedded store's
-- 0003_created_by.sql. Rows written before authentication existed were all written as
-- "anonymous". Adding a column is DDL, not an UPDATE: the insert-only guard of the
-- event table stays as it is.
ALTER TABLE workflow_sessions ADD COLUMN created_by TEXT NOT NULL DEFAULT 'anonymous';
ALTER TABLE workflow_session_events ADD COLUMN created_by TEXT NOT NULL DEFAULT 'anonymous';
