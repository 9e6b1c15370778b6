/**
 * The insert-only guard of audit-trail tables, enforced by the database itself: every
 * table registered as 'audit_trail' in `rmos_table_policies` — and every partition of
 * one — carries the trigger `rmos_insert_only`, which refuses UPDATE, DELETE and
 * TRUNCATE for whoever runs them, the table's owner included (the app role is refused
 * earlier still: it holds no such privilege). Partitions created later by a plugin's
 * partition function install the guard themselves; this helper (run by every
 * `db migrate`) makes sure none is missing.
 */
import type { SqlExecutor } from "../../../contracts/ports/database.js";

/** Tables that hold no policy, or the policy of a table that is not there. */
export class TablePolicyError extends Error {
  override readonly name = "TablePolicyError";
}

/** Installs the guard on every audit-trail table and its partitions; answers the tables guarded now. */
export async function installInsertOnlyGuards(client: SqlExecutor): Promise<string[]> {
  const rows = await client.query<{ table_name: string; relid: string | null }>(
    "SELECT p.table_name, to_regclass(quote_ident(p.table_name))::text AS relid FROM rmos_table_policies p WHERE p.policy = 'audit_trail' ORDER BY p.table_name",
  );
  const absent = rows.filter((r) => r.relid === null).map((r) => r.table_name);
  if (absent.length > 0) {
    throw new TablePolicyError(`rmos_table_policies names tables that do not exist: ${absent.join(", ")}`);
  }
  const guarded: string[] = [];
  for (const { table_name } of rows) {
    const targets = await client.query<{ target: string }>(
      `SELECT c.oid::regclass::text AS target FROM pg_class c
        WHERE c.oid = to_regclass(quote_ident(?))
           OR c.oid IN (SELECT relid FROM pg_partition_tree(to_regclass(quote_ident(?))) WHERE relid <> to_regclass(quote_ident(?)))
        ORDER BY 1`,
      [table_name, table_name, table_name],
    );
    for (const { target } of targets) {
      await client.query("SELECT rmos_guard_insert_only(?::regclass)", [target]);
      guarded.push(target);
    }
  }
  return guarded;
}
