/**
 * The `auth_tokens` row as both token stores (SQLite, PostgreSQL) read it, and its
 * mapping to the port's records: roles are stored comma-separated, and a role name the
 * service does not know (a row edited by hand) grants nothing; a summary never carries
 * the secret's digest.
 */
import type { TokenRecord, TokenRole, TokenSummary } from "../../contracts/ports/token_store.js";
import { isRole } from "./roles.js";

/** A row of `auth_tokens`. */
export interface TokenRow {
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

/** The columns of a TokenRow, in insert order. */
export const TOKEN_COLUMNS =
  "token_id, name, roles, secret_sha256, created_at_utc, created_by, expires_at_utc, revoked_at_utc, revoked_by";

/** Roles as stored; an unknown name grants nothing. */
export function rolesOf(text: string): TokenRole[] {
  return text.split(",").filter(isRole);
}

/** The record of a row. */
export function tokenRecordOf(row: TokenRow): TokenRecord {
  return { ...row, roles: rolesOf(row.roles) };
}

/** The summary of a row: everything but the secret's digest. */
export function tokenSummaryOf(row: TokenRow): TokenSummary {
  const { secret_sha256: _digest, ...rest } = row;
  return { ...rest, roles: rolesOf(row.roles) };
}
