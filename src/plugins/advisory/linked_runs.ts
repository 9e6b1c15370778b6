/**
 * The reverse of the advisory links: for each asset, the runs it is linked to and who
 * created each run, in the table `advisory_linked_runs` of the service's database
 * (migrations/sqlite/0001_linked_runs.sql, migrations/postgres/0002_linked_runs.sql). The links themselves stay write-once
 * sidecars beside the runs; this table exists so that the four-eyes rule of a review —
 * no principal reviews an asset linked to a run it created — can ask "which runs?"
 * without scanning every run. A row is written before its link sidecar, so a link
 * never exists without its row (a row whose sidecar write then failed only makes the
 * rule stricter, never looser).
 */
import type { Database } from "../../contracts/ports/database.js";

/** Who created the runs an asset is linked to. */
export class LinkedRuns {
  constructor(private readonly db: Database) {}

  /** Records that `advisoryId` is linked to `runId`, created by `runCreatedBy` (idempotent). */
  async record(advisoryId: string, runId: string, runCreatedBy: string): Promise<void> {
    await this.db.exec(
      "INSERT INTO advisory_linked_runs (advisory_id, run_id, run_created_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      [advisoryId, runId, runCreatedBy],
    );
  }

  /** The creators of the runs `advisoryId` is linked to. */
  async creatorsOf(advisoryId: string): Promise<string[]> {
    const rows = await this.db.query<{ run_created_by: string }>(
      "SELECT run_created_by FROM advisory_linked_runs WHERE advisory_id = ? ORDER BY run_id",
      [advisoryId],
    );
    return rows.map((r) => r.run_created_by);
  }
}
