-- Start-up that does not grow with the stored runs. A row (partition, mtime_ns) says:
-- when this partition directory's modification time was mtime_ns (nanoseconds, as
-- fs.stat with bigint reports it), the index and the directory agreed (every run file
-- indexed, every row's file present, no temp file) and no write of the service was in
-- flight. At start only partitions whose directory mtime differs from their row (or
-- that have no row) are compared file by file; see docs/plugins/runs.md.
CREATE TABLE runs_partition_checkpoints (
  partition TEXT PRIMARY KEY,
  mtime_ns TEXT NOT NULL,
  checked_at TEXT NOT NULL
);

-- Rows whose file lies in a partition other than the UTC date of created_us (only a
-- file placed by hand can be indexed so): with runs_index_created they let start-up
-- find every partition that holds rows, and the rows of one partition, by index seeks.
CREATE INDEX runs_index_misplaced ON runs_index (location)
  WHERE substr(location, 6, 10) <> date(created_us / 1000000, 'unixepoch');
