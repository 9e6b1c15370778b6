/**
 * The app role's privileges, derived from `rmos_table_policies`: the role of the
 * service (`rmos db migrate --app-role ROLE`) may SELECT and INSERT on audit-trail
 * tables, SELECT, INSERT and UPDATE on mutable state, SELECT on read-only tables, and
 * nothing else — no DELETE, no TRUNCATE, no DDL, on no table. Every grant it held before
 * is revoked first, so a table whose policy became stricter loses the old privilege.
 * SECURITY DEFINER functions (partition creation) may be executed by the role only.
 * Every table of the schema must be registered (partitions are reached through their
 * parent): an unregistered one is refused rather than left to a default.
 */
import type { SqlExecutor } from "../../../contracts/ports/database.js";
import { TablePolicyError } from "./insert_only_guard.js";

const PRIVILEGES: Record<string, string> = {
  audit_trail: "SELECT, INSERT",
  mutable: "SELECT, INSERT, UPDATE",
  read_only: "SELECT",
};

/** `name` as a PostgreSQL quoted identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Refuses (TablePolicyError) when a table of the public schema has no policy. */
export async function assertEveryTableHasAPolicy(client: SqlExecutor): Promise<void> {
  const rows = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND c.relname NOT IN (SELECT table_name FROM rmos_table_policies)
      ORDER BY 1`,
  );
  if (rows.length > 0) {
    throw new TablePolicyError(
      `tables without a policy in rmos_table_policies (register each as audit_trail, mutable or read_only in its migration): ${rows.map((r) => r.name).join(", ")}`,
    );
  }
}

/** Grants `role` exactly what each table's policy allows, after revoking everything. */
export async function grantAppRole(client: SqlExecutor, role: string): Promise<void> {
  const who = quoteIdentifier(role);
  const exists = await client.query("SELECT 1 AS x FROM pg_roles WHERE rolname = ?", [role]);
  if (exists.length !== 1)
    throw new Error(`the app role ${role} does not exist; create it first (CREATE ROLE ... LOGIN)`);
  const self = await client.query<{ is_owner: boolean }>("SELECT ?::text = current_user AS is_owner", [role]);
  if (self[0]?.is_owner) throw new Error("the app role must not be the owner that runs the migrations");
  await assertEveryTableHasAPolicy(client);
  await client.exec(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${who}`);
  await client.exec(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${who}`);
  await client.exec(`GRANT USAGE ON SCHEMA public TO ${who}`);
  const rows = await client.query<{ table_name: string; policy: string }>(
    "SELECT table_name, policy FROM rmos_table_policies ORDER BY table_name",
  );
  for (const { table_name, policy } of rows) {
    const privileges = PRIVILEGES[policy];
    if (!privileges) throw new TablePolicyError(`table ${table_name} has the unknown policy ${policy}`);
    await client.exec(`GRANT ${privileges} ON TABLE ${quoteIdentifier(table_name)} TO ${who}`);
  }
  const definers = await client.query<{ signature: string }>(
    `SELECT p.oid::regprocedure::text AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = 'public' AND p.prosecdef ORDER BY 1`,
  );
  for (const { signature } of definers) {
    await client.exec(`REVOKE ALL ON FUNCTION ${signature} FROM PUBLIC`);
    await client.exec(`GRANT EXECUTE ON FUNCTION ${signature} TO ${who}`);
  }
}
