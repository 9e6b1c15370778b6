-- Indexes for the list filters (newest first within a workflow or a state) and for
-- finding the sessions that link a given run.
CREATE INDEX workflow_sessions_by_workflow ON workflow_sessions (workflow, session_id DESC);
CREATE INDEX workflow_sessions_by_state ON workflow_sessions (state, session_id DESC);
CREATE INDEX workflow_session_runs_by_run ON workflow_session_runs (run_id);
