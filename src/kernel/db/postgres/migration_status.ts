/**
 * Comparing migration files with the migrations a database has applied — a pure
 * function of the two lists, whatever the database: pending ones, applied ones whose
 * file changed (drift, by checksum), applied ones whose file is gone, and pending ones
 * numbered before a migration of the same plugin that is already applied.
 */
import type { AppliedMigration, Migration, MigrationStatus } from "../migrations.js";

/** The status of `files` against the `applied` records (only plugins that ship files are judged). */
export function compareMigrations(applied: readonly AppliedMigration[], files: readonly Migration[]): MigrationStatus {
  const key = (plugin: string, id: string) => `${plugin}/${id}`;
  const appliedByKey = new Map(applied.map((a) => [key(a.plugin, a.id), a]));
  const fileKeys = new Set(files.map((m) => key(m.plugin, m.id)));
  const pending: Migration[] = [];
  const drifted: MigrationStatus["drifted"] = [];
  for (const migration of files) {
    const done = appliedByKey.get(key(migration.plugin, migration.id));
    if (!done) pending.push(migration);
    else if (done.checksum !== migration.checksum) drifted.push({ migration, applied: done });
  }
  const plugins = new Set(files.map((m) => m.plugin));
  const missing = applied.filter((a) => plugins.has(a.plugin) && !fileKeys.has(key(a.plugin, a.id)));
  const latest = new Map<string, AppliedMigration>();
  for (const a of applied) {
    const before = latest.get(a.plugin);
    if (!before || a.id > before.id) latest.set(a.plugin, a);
  }
  const outOfOrder: MigrationStatus["outOfOrder"] = [];
  for (const migration of pending) {
    const last = latest.get(migration.plugin);
    if (last && migration.id < last.id) outOfOrder.push({ migration, appliedAfter: last });
  }
  return { applied: [...applied], pending, drifted, missing, outOfOrder };
}
