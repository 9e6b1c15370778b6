/**
 * The SQL migration runner, on the backend-neutral `Database` port.
 *
 * Each plugin ships ordered files `NNNN_name.sql` per backend (`migrations/sqlite/`,
 * `migrations/postgres/`); the kernel loads the folder of the configured backend. The
 * runner records every applied migration (plugin, id, SHA-256 checksum of the file,
 * time) in `rmos_migrations`, applies each pending one in its own transaction, is
 * idempotent, and refuses to run when an applied migration's file has changed
 * (drift) or disappeared, or when a new file is numbered before one already applied
 * (it would run out of order; Kysely's migrator refuses that too by default). Two
 * processes never migrate at once: each migration runs in a transaction that holds the
 * database's write lock from its start (SQLite `BEGIN IMMEDIATE`; on PostgreSQL a
 * transaction-scoped advisory lock) and re-checks whether it was applied meanwhile. Written here
 * rather than with Kysely's migrator because that one keeps no checksum, so it cannot
 * detect an edited migration.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import type { Database, SqlExecutor } from "../../contracts/ports/database.js";

/** One migration file of one plugin. */
export interface Migration {
  readonly plugin: string;
  /** the file name without `.sql`, e.g. `0001_init_runs_index` */
  readonly id: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface AppliedMigration {
  readonly plugin: string;
  readonly id: string;
  readonly checksum: string;
  readonly applied_at: string;
}

export interface MigrationStatus {
  readonly applied: AppliedMigration[];
  readonly pending: Migration[];
  /** applied migrations whose file changed since */
  readonly drifted: Array<{ migration: Migration; applied: AppliedMigration }>;
  /** applied migrations with no file any more */
  readonly missing: AppliedMigration[];
  /** pending migrations numbered before one of the same plugin that is already applied */
  readonly outOfOrder: Array<{ migration: Migration; appliedAfter: AppliedMigration }>;
}

/** Raised when applied migrations and files disagree; nothing is applied then. */
export class MigrationDriftError extends Error {
  override readonly name = "MigrationDriftError";
}

const FILE_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Reads the migration files of each plugin's folder, in order. */
export function loadMigrations(sources: ReadonlyArray<{ plugin: string; dir: URL }>): Migration[] {
  const all: Migration[] = [];
  for (const { plugin, dir } of sources) {
    const folder = fileURLToPath(dir);
    const files = fs
      .readdirSync(folder)
      .filter((f) => f.endsWith(".sql"))
      .sort();
    const seen = new Set<string>();
    for (const file of files) {
      const m = FILE_NAME.exec(file);
      if (!m) throw new Error(`migration file ${folder}/${file} of plugin "${plugin}" is not named NNNN_name.sql`);
      if (seen.has(m[1] as string)) throw new Error(`plugin "${plugin}" has two migrations numbered ${m[1]}`);
      seen.add(m[1] as string);
      const sql = fs.readFileSync(`${folder}/${file}`, "utf8");
      // Line endings are normalised so that a CRLF checkout is not mistaken for an edit.
      const checksum = createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
      all.push({ plugin, id: file.slice(0, -4), sql, checksum });
    }
  }
  return all;
}

/** The key of the PostgreSQL advisory lock held by the one process applying migrations. */
export const MIGRATION_LOCK_KEY = 0x726d6f73; // "rmos"

/**
 * Takes the migration lock inside transaction `tx`: on PostgreSQL a transaction-scoped
 * advisory lock (SQLite's `BEGIN IMMEDIATE` already holds the write lock).
 */
export async function lockMigrations(database: Database, tx: SqlExecutor): Promise<void> {
  if (database.kind === "postgres") await tx.query("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK_KEY]);
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS rmos_migrations (
    plugin TEXT NOT NULL,
    id TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (plugin, id)
  )`;

/** Creates the record table under the migration lock (two first migrators never collide). */
async function ensureTable(database: Database): Promise<void> {
  await database.transaction(async (tx) => {
    await lockMigrations(database, tx);
    await tx.exec(CREATE_TABLE);
  });
}

/** Whether the record table exists (read-only: an app role without CREATE may ask). */
async function tableExists(database: Database): Promise<boolean> {
  const rows =
    database.kind === "postgres"
      ? await database.query("SELECT 1 AS x WHERE to_regclass('rmos_migrations') IS NOT NULL")
      : await database.query("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'rmos_migrations'");
  return rows.length > 0;
}

async function appliedRows(database: Database): Promise<AppliedMigration[]> {
  if (!(await tableExists(database))) return [];
  return database.query<AppliedMigration>(
    "SELECT plugin, id, checksum, applied_at FROM rmos_migrations ORDER BY plugin, id",
  );
}

/** The status of `files` against the `applied` records (only plugins that ship files are judged). */
export function compareMigrations(applied: readonly AppliedMigration[], files: readonly Migration[]): MigrationStatus {
  const key = (p: string, id: string) => `${p}/${id}`;
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

/** Compares the files with what the database has applied (read-only). */
export async function migrationStatus(database: Database, migrations: readonly Migration[]): Promise<MigrationStatus> {
  return compareMigrations(await appliedRows(database), migrations);
}

/** Throws MigrationDriftError when the status shows drift, missing files or a migration out of order. */
export function assertNoDrift(status: MigrationStatus): void {
  const lines = [
    ...status.drifted.map(
      ({ migration, applied }) =>
        `  ${migration.plugin}/${migration.id}: file checksum ${migration.checksum.slice(0, 12)}… differs from the applied ${applied.checksum.slice(0, 12)}… (applied ${applied.applied_at})`,
    ),
    ...status.missing.map((a) => `  ${a.plugin}/${a.id}: applied ${a.applied_at} but its file is gone`),
    ...status.outOfOrder.map(
      ({ migration, appliedAfter }) =>
        `  ${migration.plugin}/${migration.id}: pending, but ${appliedAfter.plugin}/${appliedAfter.id} after it was applied already (${appliedAfter.applied_at}); migrations apply in file order, so renumber it after the last applied one`,
    ),
  ];
  if (lines.length > 0) {
    throw new MigrationDriftError(
      `refusing to start: the migration files disagree with the migrations the database has applied:\n${lines.join("\n")}\nRestore the original files of applied migrations; make any change as a new migration numbered after the last applied one.`,
    );
  }
}

/** Applies every pending migration, each in its own transaction; returns those applied here. */
export async function applyMigrations(
  database: Database,
  migrations: readonly Migration[],
  onApplied?: (m: Migration) => void,
): Promise<Migration[]> {
  await ensureTable(database);
  assertNoDrift(await migrationStatus(database, migrations));
  const done: Migration[] = [];
  for (const migration of migrations) {
    let appliedMeanwhile: string | undefined;
    try {
      appliedMeanwhile = await database.transaction(async (tx) => {
        await lockMigrations(database, tx);
        const [row] = await tx.query<{ checksum: string }>(
          "SELECT checksum FROM rmos_migrations WHERE plugin = ? AND id = ?",
          [migration.plugin, migration.id],
        );
        // Applied by another process meanwhile: skip it (drift is reported below, unwrapped).
        if (row) return row.checksum;
        await tx.exec(migration.sql);
        await tx.exec("INSERT INTO rmos_migrations (plugin, id, checksum, applied_at) VALUES (?, ?, ?, ?)", [
          migration.plugin,
          migration.id,
          migration.checksum,
          new Date().toISOString(),
        ]);
        return undefined;
      });
    } catch (error) {
      throw new Error(`migration ${migration.plugin}/${migration.id} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (appliedMeanwhile !== undefined) {
      if (appliedMeanwhile !== migration.checksum) assertNoDrift(await migrationStatus(database, migrations));
      continue;
    }
    done.push(migration);
    onApplied?.(migration);
  }
  return done;
}
