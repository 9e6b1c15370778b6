-- Machine calibration records (PostgreSQL backend), as in the embedded schema: one row
-- per record, written once, the canonical JSON as stored and served. Ids compare byte
-- by byte (COLLATE "C") as on SQLite. The table is audit trail: the kernel's migrator
-- installs its insert-only trigger (for the owner too) and grants the app role SELECT
-- and INSERT only.
CREATE TABLE machine_calibrations (
  calibration_id TEXT COLLATE "C" PRIMARY KEY,
  machine_id TEXT COLLATE "C" NOT NULL,
  measured_at_utc TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  record_json TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  created_by TEXT NOT NULL
);

CREATE INDEX machine_calibrations_by_machine ON machine_calibrations (machine_id, calibration_id);

INSERT INTO rmos_table_policies (table_name, policy) VALUES ('machine_calibrations', 'audit_trail');
