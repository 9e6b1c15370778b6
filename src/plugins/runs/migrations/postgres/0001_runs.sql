-- Runs on PostgreSQL. runs_index holds one row per run (its summary, the SHA-256 and
-- size of its bytes, and the instant that places it in a partition); its primary key
-- is what makes a run id write-once across every instance: the artifact's row and its
-- index row are inserted in one transaction, and of two writers of one id the second
-- gets a unique violation. runs_artifacts holds the exact canonical bytes, partitioned
-- by month of created_at_utc (a partitioned table cannot have a unique key without the
-- partition key, hence the index's key). Both are audit trail: insert-only, for the
-- owner too (see the kernel's rmos_guard_insert_only).
CREATE TABLE runs_index (
  run_id TEXT COLLATE "C" PRIMARY KEY,
  created_us BIGINT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  created_at_utc TEXT NOT NULL,
  schema_version TEXT NOT NULL,
  mode TEXT NOT NULL,
  tool_id TEXT NOT NULL,
  status TEXT NOT NULL,
  risk_level TEXT NOT NULL,
  feasibility_sha256 TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes BIGINT NOT NULL CHECK (size_bytes > 0)
);

-- Ids compare byte by byte (COLLATE "C"), as in the embedded store, whatever the
-- database's locale. Newest first, ties broken by run id; one index per list filter, so that a filtered
-- page is an index range scan that stops after `limit` rows.
CREATE INDEX runs_index_created ON runs_index (created_us DESC, run_id DESC);
CREATE INDEX runs_index_mode ON runs_index (mode, created_us DESC, run_id DESC);
CREATE INDEX runs_index_tool ON runs_index (tool_id, created_us DESC, run_id DESC);
CREATE INDEX runs_index_status ON runs_index (status, created_us DESC, run_id DESC);
CREATE INDEX runs_index_risk ON runs_index (risk_level, created_us DESC, run_id DESC);

CREATE TABLE runs_artifacts (
  run_id TEXT COLLATE "C" NOT NULL,
  created_at TIMESTAMPTZ NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (run_id, created_at)
) PARTITION BY RANGE (created_at);

-- Write-once documents beside a run (advisory links, materialised migrations).
CREATE TABLE runs_sidecars (
  run_id TEXT COLLATE "C" NOT NULL REFERENCES runs_index (run_id),
  name TEXT COLLATE "C" NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (run_id, name)
);

-- Idempotency-Key reservations of POST /runs, shared by every instance. Mutable: a
-- reservation moves in_flight → done, or → released when its run was not created (a
-- released key may be reserved again); rows are never deleted by the service.
CREATE TABLE runs_idempotency_keys (
  idem_key TEXT PRIMARY KEY,
  request_sha256 TEXT NOT NULL,
  run_id TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('in_flight', 'done', 'released')),
  owner TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

INSERT INTO rmos_table_policies (table_name, policy) VALUES
  ('runs_index', 'audit_trail'),
  ('runs_artifacts', 'audit_trail'),
  ('runs_sidecars', 'audit_trail'),
  ('runs_idempotency_keys', 'mutable');

-- Creates the month partition of runs_artifacts that holds `at`, and the `ahead`
-- months after it, when missing. Called by the store when an insert finds no
-- partition (and by this migration for the months around now). The transaction-level
-- advisory lock makes concurrent callers on several instances create each partition
-- once; the others find it. SECURITY DEFINER: the app role may create partitions
-- through it and in no other way.
CREATE FUNCTION runs_ensure_artifact_partitions(at TIMESTAMPTZ, ahead INTEGER DEFAULT 1) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
  month_start TIMESTAMPTZ;
  partition_name TEXT;
  created INTEGER := 0;
BEGIN
  IF ahead < 0 OR ahead > 24 THEN
    RAISE EXCEPTION 'ahead must be between 0 and 24, not %', ahead;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('runs_artifacts partitions'));
  FOR i IN 0..ahead LOOP
    month_start := date_trunc('month', at) + make_interval(months => i);
    partition_name := 'runs_artifacts_' || to_char(month_start, 'YYYY_MM');
    IF to_regclass(partition_name) IS NULL THEN
      EXECUTE format(
        'CREATE TABLE %I PARTITION OF runs_artifacts FOR VALUES FROM (%L) TO (%L)',
        partition_name, month_start, month_start + interval '1 month'
      );
      PERFORM rmos_guard_insert_only(partition_name::regclass);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END;
$$;

SELECT runs_ensure_artifact_partitions(now(), 2);
