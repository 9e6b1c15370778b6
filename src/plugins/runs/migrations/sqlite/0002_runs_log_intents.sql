-- Runs about to be written while the transparency log is on: the run id and the
-- SHA-256 of the bytes about to be stored, committed before the artifact file is
-- written. The index row, the run's log leaf and the removal of the intent commit
-- together. At start, an artifact file without its index row is appended to the log
-- only when its intent matches (a crash between file and index); a file with no
-- intent was not written by the service and stays out of the log, where `rmos verify`
-- names it. Intents left over are cleared at start (their creates were never
-- acknowledged).
CREATE TABLE runs_log_intents (
  run_id TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL
);
