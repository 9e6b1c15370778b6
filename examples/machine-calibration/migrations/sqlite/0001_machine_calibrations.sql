-- Machine calibration records (embedded backend). One row per record, written once:
-- the record's RFC 8785 canonical JSON as stored and served (record_json), its SHA-256
-- (sha256, over the measured content), and the columns the list filters and orders by.
-- Calibration ids compare byte by byte (BINARY, SQLite's default), as on PostgreSQL.
CREATE TABLE machine_calibrations (
  calibration_id TEXT PRIMARY KEY,
  machine_id TEXT NOT NULL,
  measured_at_utc TEXT NOT NULL,
  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
  record_json TEXT NOT NULL,
  created_at_utc TEXT NOT NULL,
  created_by TEXT NOT NULL
) STRICT;

CREATE INDEX machine_calibrations_by_machine ON machine_calibrations (machine_id, calibration_id);

-- Write-once in the database too: no statement may change or remove a record.
CREATE TRIGGER machine_calibrations_no_update BEFORE UPDATE ON machine_calibrations
BEGIN
  SELECT RAISE(ABORT, 'machine_calibrations is write-once');
END;

CREATE TRIGGER machine_calibrations_no_delete BEFORE DELETE ON machine_calibrations
BEGIN
  SELECT RAISE(ABORT, 'machine_calibrations is write-once');
END;
