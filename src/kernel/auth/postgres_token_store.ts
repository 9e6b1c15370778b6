/**
 * The TokenStore on PostgreSQL: the `auth_tokens` table (migrations/postgres/0001_tokens.sql)
 * shared by every instance of the service. Roles are stored comma-separated, as in the
 * embedded store. Every read goes to the database (no cache), so a revocation committed
 * by one instance — or by `rmos tokens revoke` — is refused by every other one at its
 * next request. Revoking is one conditional UPDATE (`WHERE revoked_at_utc IS NULL`):
 * of two concurrent revocations the row lock lets exactly one change the row, and the
 * other reads the first one's time. Triggers in the migration refuse deleting a token
 * and every update except that single revocation, for the owner too.
 */
import type pg from "pg";
import type {
  NewTokenRecord,
  RevokeResult,
  TokenRecord,
  TokenStore,
  TokenSummary,
} from "../../contracts/ports/token_store.js";
import { isStorableKey } from "../db/postgres/text_keys.js";
import { TOKEN_COLUMNS, type TokenRow, tokenRecordOf, tokenSummaryOf } from "./token_rows.js";

/** The folder of this store's PostgreSQL migrations, for the kernel's migration runner. */
export const TOKEN_MIGRATIONS_POSTGRES = new URL("./migrations/postgres/", import.meta.url);

export class PostgresTokenStore implements TokenStore {
  readonly #pool: pg.Pool;

  /** A store on `pool`, whose database `rmos db migrate` has migrated. The pool stays the caller's. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async insert(record: NewTokenRecord): Promise<void> {
    await this.#pool.query(
      `INSERT INTO auth_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)`,
      [
        record.token_id,
        record.name,
        record.roles.join(","),
        record.secret_sha256,
        record.created_at_utc,
        record.created_by,
        record.expires_at_utc,
      ],
    );
  }

  async find(token_id: string): Promise<TokenRecord | undefined> {
    // A presented token id is client input: one PostgreSQL cannot store is no token.
    if (!isStorableKey(token_id)) return undefined;
    const { rows } = await this.#pool.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE token_id = $1`, [
      token_id,
    ]);
    const row = rows[0];
    return row ? tokenRecordOf(row) : undefined;
  }

  async list(): Promise<TokenSummary[]> {
    const { rows } = await this.#pool.query<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM auth_tokens ORDER BY created_at_utc, token_id`,
    );
    return rows.map(tokenSummaryOf);
  }

  async revoke(token_id: string, at: Date, by: string): Promise<RevokeResult> {
    if (!isStorableKey(token_id)) return { outcome: "unknown" };
    const revoked_at_utc = at.toISOString();
    const changed = await this.#pool.query(
      "UPDATE auth_tokens SET revoked_at_utc = $1, revoked_by = $2 WHERE token_id = $3 AND revoked_at_utc IS NULL",
      [revoked_at_utc, by, token_id],
    );
    if (changed.rowCount === 1) return { outcome: "revoked", revoked_at_utc };
    const { rows } = await this.#pool.query<{ revoked_at_utc: string | null }>(
      "SELECT revoked_at_utc FROM auth_tokens WHERE token_id = $1",
      [token_id],
    );
    const row = rows[0];
    if (!row) return { outcome: "unknown" };
    return { outcome: "already_revoked", revoked_at_utc: row.revoked_at_utc as string };
  }
}
