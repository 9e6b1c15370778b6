-- Who created each session and who posted each event (SPEC "Authentication and roles":
-- created_by of everything written is the principal). Rows written before
-- authentication existed were all written as "anonymous".
ALTER TABLE workflow_sessions ADD COLUMN created_by TEXT NOT NULL DEFAULT 'anonymous';
ALTER TABLE workflow_session_events ADD COLUMN created_by TEXT NOT NULL DEFAULT 'anonymous';
