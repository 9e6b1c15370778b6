/**
 * Test support: a migrated SQLite database for the token store in a fresh temp dir
 * (the migrations applied by the kernel's runner), with as many connections to it as
 * a test wants — each one standing for another service instance.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { applyMigrations, loadMigrations } from "../kernel/db/migrations.js";
import { openSqlite } from "../kernel/db/sqlite.js";
import {
  SqliteTokenStore,
  TOKEN_MIGRATIONS_OWNER,
  TOKEN_MIGRATIONS_SQLITE,
} from "../kernel/auth/sqlite_token_store.js";

export interface TokenDb {
  readonly file: string;
  /** A token store on a new connection. */
  open(): SqliteTokenStore;
  /** Closes every connection and removes the directory. */
  dispose(): void;
}

/** A migrated SQLite file in a fresh temp dir, and how to open more connections to it. */
export async function migratedTokenDb(): Promise<TokenDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-tokens-"));
  const file = path.join(dir, "rmos.db");
  const opened: Array<{ close(): void }> = [];
  const first = openSqlite(file);
  opened.push(first);
  await applyMigrations(first, loadMigrations([{ plugin: TOKEN_MIGRATIONS_OWNER, dir: TOKEN_MIGRATIONS_SQLITE }]));
  return {
    file,
    open() {
      const database = openSqlite(file);
      opened.push(database);
      return new SqliteTokenStore(database.connection);
    },
    dispose() {
      for (const d of opened) d.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
