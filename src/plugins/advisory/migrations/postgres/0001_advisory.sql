-- Advisory assets and their review events on PostgreSQL, insert-only. An asset row
-- keeps the exact RFC 8785 canonical bytes of the record (what the embedded store
-- keeps in its file) beside the columns it is looked up by. A review decision is an
-- event; the unique index allows one decision per asset, so of two concurrent
-- decisions exactly one is inserted, on any number of instances.
CREATE TABLE advisory_assets (
  asset_id TEXT PRIMARY KEY,
  asset_type TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  record BYTEA NOT NULL
);

CREATE TABLE advisory_review_events (
  asset_id TEXT NOT NULL REFERENCES advisory_assets (asset_id),
  decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  recorded_at_utc TEXT NOT NULL,
  record BYTEA NOT NULL
);

CREATE UNIQUE INDEX advisory_review_events_one_decision ON advisory_review_events (asset_id);

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('advisory_assets', 'audit_trail'),
  ('advisory_review_events', 'audit_trail');
