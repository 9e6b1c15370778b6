/**
 * The embedded TokenStore: the `auth_tokens` table of the SQLite database
 * (migrations/sqlite/0001_tokens.sql). Roles are stored comma-separated; every read
 * goes to the database, so several processes on one file see a revocation at once.
 * Triggers in the migration refuse deleting a token and every update except a single
 * revocation, so the history cannot be rewritten through SQL either.
 */
import type BetterSqlite3 from "better-sqlite3";
import type {
  NewTokenRecord,
  RevokeResult,
  TokenRecord,
  TokenStore,
  TokenSummary,
} from "../../contracts/ports/token_store.js";
import { TOKEN_COLUMNS, type TokenRow, tokenRecordOf, tokenSummaryOf } from "./token_rows.js";

/** The folder of this store's SQL migrations, for the kernel's migration runner. */
export const TOKEN_MIGRATIONS_SQLITE = new URL("./migrations/sqlite/", import.meta.url);

/** The name the migrations are recorded under in `rmos_migrations`. */
export const TOKEN_MIGRATIONS_OWNER = "auth";

export class SqliteTokenStore implements TokenStore {
  readonly #insert: BetterSqlite3.Statement;
  readonly #find: BetterSqlite3.Statement;
  readonly #list: BetterSqlite3.Statement;
  readonly #revoke: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.#insert = db.prepare(
      `INSERT INTO auth_tokens (${TOKEN_COLUMNS}) VALUES (@token_id, @name, @roles, @secret_sha256, @created_at_utc, @created_by, @expires_at_utc, NULL, NULL)`,
    );
    this.#find = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE token_id = ?`);
    this.#list = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens ORDER BY created_at_utc, token_id`);
    this.#revoke = db.prepare(
      "UPDATE auth_tokens SET revoked_at_utc = ?, revoked_by = ? WHERE token_id = ? AND revoked_at_utc IS NULL",
    );
  }

  async insert(record: NewTokenRecord): Promise<void> {
    this.#insert.run({ ...record, roles: record.roles.join(",") });
  }

  async find(token_id: string): Promise<TokenRecord | undefined> {
    const row = this.#find.get(token_id) as TokenRow | undefined;
    return row ? tokenRecordOf(row) : undefined;
  }

  async list(): Promise<TokenSummary[]> {
    return (this.#list.all() as TokenRow[]).map(tokenSummaryOf);
  }

  async revoke(token_id: string, at: Date, by: string): Promise<RevokeResult> {
    const revoked_at_utc = at.toISOString();
    if (this.#revoke.run(revoked_at_utc, by, token_id).changes === 1) return { outcome: "revoked", revoked_at_utc };
    const row = this.#find.get(token_id) as TokenRow | undefined;
    if (!row) return { outcome: "unknown" };
    return { outcome: "already_revoked", revoked_at_utc: row.revoked_at_utc as string };
  }
}
