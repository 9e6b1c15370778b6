-- Which runs each advisory asset is linked to, and who created each run: the reverse of
-- the link sidecars beside the runs, read by the four-eyes rule of a review (no
-- principal reviews an asset linked to a run it created). Rows are only ever added.
CREATE TABLE advisory_linked_runs (
  advisory_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  run_created_by TEXT NOT NULL,
  PRIMARY KEY (advisory_id, run_id)
);

INSERT INTO rmos_table_policies (table_name, policy) VALUES ('advisory_linked_runs', 'audit_trail');
