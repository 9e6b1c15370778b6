-- The run index: derived from the artifact files (which are authoritative) and
-- rebuilt from them by `rmos reindex`. One row per stored run.
CREATE TABLE runs_index (
  run_id TEXT PRIMARY KEY,
  created_us BIGINT NOT NULL,
  created_at_utc TEXT NOT NULL,
  schema_version TEXT NOT NULL,
  mode TEXT NOT NULL,
  tool_id TEXT NOT NULL,
  status TEXT NOT NULL,
  risk_level TEXT NOT NULL,
  feasibility_sha256 TEXT NOT NULL,
  location TEXT NOT NULL,
  file_sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL
);

CREATE INDEX runs_index_created ON runs_index (created_us DESC, run_id DESC);
CREATE INDEX runs_index_mode ON runs_index (mode, created_us DESC, run_id DESC);
CREATE INDEX runs_index_tool ON runs_index (tool_id, created_us DESC, run_id DESC);
CREATE INDEX runs_index_status ON runs_index (status, created_us DESC, run_id DESC);
CREATE INDEX runs_index_risk ON runs_index (risk_level, created_us DESC, run_id DESC);

-- Idempotency-Key reservations of POST /runs, kept across restarts.
CREATE TABLE runs_idempotency_keys (
  idem_key TEXT PRIMARY KEY,
  request_sha256 TEXT NOT NULL,
  run_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done')),
  owner TEXT NOT NULL,
  created_at TEXT NOT NULL
);
