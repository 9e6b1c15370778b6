-- Workflow sessions on PostgreSQL. workflow_sessions holds each session's current
-- state (mutable: state, version and updated_at_utc change with every event, through
-- a conditional UPDATE ... WHERE version = $expected, so of two changes from one
-- version exactly one wins on any number of instances). Session ids compare byte by
-- byte (COLLATE "C"), as in the embedded store, for the newest-first list. The runs a session links and
-- its event history are audit trail: insert-only, for the owner too.
CREATE TABLE workflow_sessions (
  session_id TEXT COLLATE "C" PRIMARY KEY,
  workflow TEXT NOT NULL,
  state TEXT NOT NULL,
  context_json TEXT NOT NULL,
  version BIGINT NOT NULL CHECK (version >= 1),
  created_at_utc TEXT NOT NULL,
  updated_at_utc TEXT NOT NULL
);

CREATE TABLE workflow_session_runs (
  session_id TEXT NOT NULL REFERENCES workflow_sessions (session_id),
  run_id TEXT NOT NULL,
  link_seq INTEGER NOT NULL CHECK (link_seq >= 1),
  linked_at_utc TEXT NOT NULL,
  PRIMARY KEY (session_id, run_id),
  UNIQUE (session_id, link_seq)
);

CREATE TABLE workflow_session_events (
  session_id TEXT NOT NULL REFERENCES workflow_sessions (session_id),
  seq BIGINT NOT NULL CHECK (seq >= 1),
  event TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  run_id TEXT,
  note TEXT,
  at_utc TEXT NOT NULL,
  version BIGINT NOT NULL CHECK (version = seq + 1),
  PRIMARY KEY (session_id, seq)
);

CREATE INDEX workflow_sessions_by_workflow ON workflow_sessions (workflow, session_id DESC);
CREATE INDEX workflow_sessions_by_state ON workflow_sessions (state, session_id DESC);
CREATE INDEX workflow_session_runs_by_run ON workflow_session_runs (run_id);

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('workflow_sessions', 'mutable'),
  ('workflow_session_runs', 'audit_trail'),
  ('workflow_session_events', 'audit_trail');
