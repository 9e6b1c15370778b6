/**
 * The embedded IdempotencyStore: `Idempotency-Key` reservations in SQLite
 * (`runs_idempotency_keys`), so that a retried POST /runs finds its run after a
 * restart. Every step is one statement or one transaction, so two requests with the
 * same key never both reserve it.
 */
import type BetterSqlite3 from "better-sqlite3";
import type { IdempotencyRecord, IdempotencyStore } from "../../contracts/ports/idempotency_store.js";

interface Row {
  idem_key: string;
  request_sha256: string;
  run_id: string;
  state: "in_flight" | "done";
  owner: string;
}

const toRecord = (row: Row): IdempotencyRecord => ({
  key: row.idem_key,
  request_sha256: row.request_sha256,
  run_id: row.run_id,
  state: row.state,
  owner: row.owner,
});

export class SqliteIdempotencyStore implements IdempotencyStore {
  readonly #insert: BetterSqlite3.Statement;
  readonly #get: BetterSqlite3.Statement;
  readonly #complete: BetterSqlite3.Statement;
  readonly #release: BetterSqlite3.Statement;
  readonly #takeOver: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.#insert = db.prepare(
      "INSERT INTO runs_idempotency_keys (idem_key, request_sha256, run_id, state, owner, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING",
    );
    this.#get = db.prepare(
      "SELECT idem_key, request_sha256, run_id, state, owner FROM runs_idempotency_keys WHERE idem_key = ?",
    );
    this.#complete = db.prepare("UPDATE runs_idempotency_keys SET state = 'done' WHERE idem_key = ?");
    this.#release = db.prepare(
      "DELETE FROM runs_idempotency_keys WHERE idem_key = ? AND owner = ? AND state = 'in_flight'",
    );
    this.#takeOver = db.prepare(
      "UPDATE runs_idempotency_keys SET run_id = ?, owner = ?, request_sha256 = ? WHERE idem_key = ? AND owner = ? AND state = 'in_flight'",
    );
  }

  async reserve(
    record: IdempotencyRecord,
  ): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }> {
    const inserted = this.#insert.run(
      record.key,
      record.request_sha256,
      record.run_id,
      record.state,
      record.owner,
      new Date().toISOString(),
    );
    if (inserted.changes === 1) return { reserved: true };
    return { reserved: false, existing: toRecord(this.#get.get(record.key) as Row) };
  }

  async complete(key: string): Promise<void> {
    this.#complete.run(key);
  }

  async release(key: string, owner: string): Promise<void> {
    this.#release.run(key, owner);
  }

  async takeOver(staleOwner: string, record: IdempotencyRecord): Promise<boolean> {
    return this.#takeOver.run(record.run_id, record.owner, record.request_sha256, record.key, staleOwner).changes === 1;
  }
}
