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
  TokenRole,
  TokenStore,
  TokenSummary,
} from "../../contracts/ports/token_store.js";
import { isRole } from "./roles.js";

interface Row {
  token_id: string;
  name: string;
  roles: string;
  secret_sha256: string;
  created_at_utc: string;
  created_by: string;
  expires_at_utc: string | null;
  revoked_at_utc: string | null;
  revoked_by: string | null;
}

/** The folder of this store's SQL migrations, for the kernel's migration runner. */
export const TOKEN_MIGRATIONS_SQLITE = new URL("./migrations/sqlite/", import.meta.url);

/** The name the migrations are recorded under in `rmos_migrations`. */
export const TOKEN_MIGRATIONS_OWNER = "auth";

const COLUMNS =
  "token_id, name, roles, secret_sha256, created_at_utc, created_by, expires_at_utc, revoked_at_utc, revoked_by";

/** Roles as stored; an unknown name (a row edited by hand) grants nothing. */
function rolesOf(text: string): TokenRole[] {
  return text.split(",").filter(isRole);
}

function toRecord(row: Row): TokenRecord {
  return { ...row, roles: rolesOf(row.roles) };
}

function toSummary(row: Row): TokenSummary {
  const { secret_sha256: _digest, ...rest } = row;
  return { ...rest, roles: rolesOf(row.roles) };
}

export class SqliteTokenStore implements TokenStore {
  readonly #insert: BetterSqlite3.Statement;
  readonly #find: BetterSqlite3.Statement;
  readonly #list: BetterSqlite3.Statement;
  readonly #revoke: BetterSqlite3.Statement;

  constructor(db: BetterSqlite3.Database) {
    this.#insert = db.prepare(
      `INSERT INTO auth_tokens (${COLUMNS}) VALUES (@token_id, @name, @roles, @secret_sha256, @created_at_utc, @created_by, @expires_at_utc, NULL, NULL)`,
    );
    this.#find = db.prepare(`SELECT ${COLUMNS} FROM auth_tokens WHERE token_id = ?`);
    this.#list = db.prepare(`SELECT ${COLUMNS} FROM auth_tokens ORDER BY created_at_utc, token_id`);
    this.#revoke = db.prepare(
      "UPDATE auth_tokens SET revoked_at_utc = ?, revoked_by = ? WHERE token_id = ? AND revoked_at_utc IS NULL",
    );
  }

  async insert(record: NewTokenRecord): Promise<void> {
    this.#insert.run({ ...record, roles: record.roles.join(",") });
  }

  async find(token_id: string): Promise<TokenRecord | undefined> {
    const row = this.#find.get(token_id) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  async list(): Promise<TokenSummary[]> {
    return (this.#list.all() as Row[]).map(toSummary);
  }

  async revoke(token_id: string, at: Date, by: string): Promise<RevokeResult> {
    const revoked_at_utc = at.toISOString();
    if (this.#revoke.run(revoked_at_utc, by, token_id).changes === 1) return { outcome: "revoked", revoked_at_utc };
    const row = this.#find.get(token_id) as Row | undefined;
    if (!row) return { outcome: "unknown" };
    return { outcome: "already_revoked", revoked_at_utc: row.revoked_at_utc as string };
  }
}
