/**
 * The token store port: API tokens (SPEC "Authentication and roles"), kept as records
 * that hold the SHA-256 of the token and never the token itself. A record is created
 * once and changes at most once more, when it is revoked; it is never deleted, so
 * `rmos tokens list` shows the whole history. The authentication middleware reads the
 * record on every request (no cache), which is what makes a revocation effective at
 * once on every instance that shares the store. The embedded implementation is
 * SQLite; a PostgreSQL one passes the same contract kit
 * (src/contracts/testing/token_store_contract.ts).
 */
import { token } from "../token.js";

/** A role name; the kernel's auth module defines the four (auditor, writer, reviewer, admin). */
export type TokenRole = "auditor" | "writer" | "reviewer" | "admin";

/** What `rmos tokens list` may show: everything but the digest. */
export interface TokenSummary {
  readonly token_id: string;
  readonly name: string;
  readonly roles: readonly TokenRole[];
  readonly created_at_utc: string;
  readonly created_by: string;
  readonly expires_at_utc: string | null;
  readonly revoked_at_utc: string | null;
  readonly revoked_by: string | null;
}

/** A stored token: the summary and the SHA-256 (hex) of the token. */
export interface TokenRecord extends TokenSummary {
  readonly secret_sha256: string;
}

/** A token to store: not revoked yet. */
export type NewTokenRecord = Omit<TokenRecord, "revoked_at_utc" | "revoked_by">;

/** The outcome of a revocation. */
export type RevokeResult =
  | { readonly outcome: "revoked"; readonly revoked_at_utc: string }
  | { readonly outcome: "already_revoked"; readonly revoked_at_utc: string }
  | { readonly outcome: "unknown" };

export interface TokenStore {
  /** Stores a new token; throws when the token id exists already. */
  insert(record: NewTokenRecord): Promise<void>;
  /** The record of `token_id`, read from the store now (never from a cache). */
  find(token_id: string): Promise<TokenRecord | undefined>;
  /** Every token, oldest first, without digests. */
  list(): Promise<TokenSummary[]>;
  /** Revokes `token_id` at `at` by `by`; revoking twice keeps the first time. */
  revoke(token_id: string, at: Date, by: string): Promise<RevokeResult>;
}

export const TOKEN_STORE = token<TokenStore>("TokenStore");
