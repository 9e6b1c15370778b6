-- Workflow sessions: one row per session. Its state and version change with every
-- event; a change is applied only when the row is still at the version the client
-- saw (UPDATE ... WHERE version = ?), so of two changes from one version exactly one
-- wins. Portable SQL: the same file runs on SQLite and PostgreSQL (TEXT, BIGINT,
-- INTEGER; JSON kept as TEXT; no AUTOINCREMENT). The allowed states and events are
-- the plugin's state machine (one table in state_machine.ts), not repeated here.
CREATE TABLE workflow_sessions (
  session_id TEXT PRIMARY KEY,
  workflow TEXT NOT NULL,
  state TEXT NOT NULL,
  context_json TEXT NOT NULL,
  version BIGINT NOT NULL CHECK (version >= 1),
  created_at_utc TEXT NOT NULL,
  updated_at_utc TEXT NOT NULL
);

-- The runs a session links, in the order they were linked (at creation, then by
-- events that name a run). A run is linked to a session at most once.
CREATE TABLE workflow_session_runs (
  session_id TEXT NOT NULL REFERENCES workflow_sessions (session_id),
  run_id TEXT NOT NULL,
  link_seq INTEGER NOT NULL CHECK (link_seq >= 1),
  linked_at_utc TEXT NOT NULL,
  PRIMARY KEY (session_id, run_id),
  UNIQUE (session_id, link_seq)
);

-- The append-only event history: the service only ever inserts here. Event n of a
-- session has seq n and leaves the session at version n + 1 (version 1 is creation).
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
