/**
 * `rmos tokens create|list|revoke` against a real SQLite store: the token is printed
 * once (alone on stdout, or in the --json shape of SPEC) and then works; list never
 * shows a secret or digest and tells active, expired and revoked apart; revoke is
 * effective at once and idempotent; every usage error exits 2 without opening the store.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { UsageError } from "../plugin_api/args.js";
import { migratedTokenDb, type TokenDb } from "../../testing/token_db.js";
import type { CliRunContext } from "../plugin_api/cli.js";
import type { SqliteTokenStore } from "./sqlite_token_store.js";
import { createTokensCommand } from "./tokens_command.js";
import { TokenVerifier } from "./token_verifier.js";

function sink(): Writable & { text: string } {
  const s = new Writable({
    write(chunk, _e, done) {
      s.text += String(chunk);
      done();
    },
  }) as Writable & { text: string };
  s.text = "";
  return s;
}

describe("rmos tokens", () => {
  let db: TokenDb;
  let store: SqliteTokenStore;
  let opened = 0;
  let now = new Date("2026-07-01T08:00:00.000Z");
  const command = () =>
    createTokensCommand(
      async () => {
        opened++;
        return { store, close: async () => {} };
      },
      () => now,
    );
  const run = async (...args: string[]) => {
    const stdout = sink();
    const stderr = sink();
    const ctx: CliRunContext = {
      args,
      io: { stdout, stderr },
      boot: () => Promise.reject(new Error("the tokens command must not boot the kernel itself")),
    };
    const code = await command().run(ctx);
    return { code, stdout: stdout.text, stderr: stderr.text };
  };

  before(async () => {
    db = await migratedTokenDb();
    store = db.open();
  });
  after(() => db.dispose());

  test("create prints the token alone on stdout, details on stderr; the token then works", async () => {
    const res = await run("create", "--name", "ci", "--role", "writer,reviewer", "--as", "alice");
    assert.equal(res.code, 0);
    const token = res.stdout.trim();
    assert.match(token, /^rmos_tok_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    assert.equal(res.stdout, `${token}\n`);
    assert.match(res.stderr, /principal token:ci \(roles: writer, reviewer; expires: never\)/);
    assert.match(res.stderr, /shown this once/);
    assert.equal(res.stderr.includes(token), false);
    const check = await new TokenVerifier(store, () => now).verify(token);
    assert.ok(check.ok);
    assert.equal(check.principal.id, "token:ci");
    assert.equal((await store.find(check.principal.token_id as string))?.created_by, "cli:alice");
  });

  test("create --json: { token_id, token, name, roles, expires_at_utc }; --role repeats", async () => {
    const res = await run(
      "create",
      "--name",
      "auditor-bot",
      "--role",
      "auditor",
      "--role",
      "admin",
      "--expires-in",
      "90d",
      "--json",
    );
    assert.equal(res.code, 0);
    const out = JSON.parse(res.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), ["expires_at_utc", "name", "roles", "token", "token_id"]);
    assert.equal(out.name, "auditor-bot");
    assert.deepEqual(out.roles, ["auditor", "admin"]);
    assert.equal(out.expires_at_utc, "2026-09-29T08:00:00.000Z");
    assert.ok(String(out.token).startsWith(`rmos_${out.token_id}_`));
  });

  test("list shows every token and its state, never a secret or digest; revoke takes effect at once", async () => {
    const short = JSON.parse(
      (await run("create", "--name", "short", "--role", "auditor", "--expires-in", "30s", "--json")).stdout,
    );
    const gone = JSON.parse((await run("create", "--name", "gone", "--role", "writer", "--json")).stdout);
    const verifier = new TokenVerifier(db.open(), () => now);
    assert.ok((await verifier.verify(gone.token)).ok);

    const revoked = await run("revoke", gone.token_id, "--as", "bob");
    assert.equal(revoked.code, 0);
    assert.match(revoked.stdout, new RegExp(`revoked ${gone.token_id} at 2026-07-01T08:00:00.000Z`));
    assert.equal((await verifier.verify(gone.token)).ok, false, "refused at the next check");
    const again = await run("revoke", gone.token_id, "--json");
    assert.equal(again.code, 0);
    assert.deepEqual(JSON.parse(again.stdout), {
      token_id: gone.token_id,
      outcome: "already_revoked",
      revoked_at_utc: "2026-07-01T08:00:00.000Z",
    });

    now = new Date(now.getTime() + 31_000);
    const listed = await run("list", "--json");
    assert.equal(listed.code, 0);
    const tokens = (JSON.parse(listed.stdout) as { tokens: Array<Record<string, unknown>> }).tokens;
    const byName = new Map(tokens.map((t) => [t.name, t]));
    assert.equal(byName.get("short")?.state, "expired");
    assert.equal(byName.get("gone")?.state, "revoked");
    assert.equal(byName.get("gone")?.revoked_by, "cli:bob");
    assert.equal(byName.get("ci")?.state, "active");
    for (const t of tokens) assert.equal("secret_sha256" in t || "token" in t, false);
    for (const secret of [short.token, gone.token]) {
      assert.equal(listed.stdout.includes(secret.slice(-43)), false);
    }
    const human = await run("list");
    assert.match(human.stdout, /^TOKEN_ID\s+NAME\s+ROLES\s+STATE\s+EXPIRES\s+CREATED_BY/);
    assert.match(human.stdout, new RegExp(`${gone.token_id}\\s+gone\\s+writer\\s+revoked`));
    assert.equal(human.stdout.includes(gone.token.slice(-43)), false);
  });

  test("revoking an unknown token id exits 1", async () => {
    const res = await run("revoke", "tok_01HZZZZZZZZZZZZZZZZZZZZZZZ");
    assert.equal(res.code, 1);
    assert.match(res.stderr, /no token tok_01HZZZZZZZZZZZZZZZZZZZZZZZ/);
  });

  test("usage errors are refused before the store is opened", async () => {
    const before = opened;
    for (const args of [
      ["create", "--role", "writer"],
      ["create", "--name", "x"],
      ["create", "--name", "x", "--role", "root"],
      ["create", "--name", "x", "--role", "writer", "--expires-in", "1w"],
      ["create", "--name", "bad name", "--role", "writer"],
      ["create", "--name", "x", "--role", "writer", "--as", "token:x"],
      ["create", "--name", "x", "--role", "writer", "extra"],
      ["list", "--name", "x"],
      ["list", "extra"],
      ["revoke"],
      ["revoke", "not-an-id"],
      ["revoke", "tok_01HZZZZZZZZZZZZZZZZZZZZZZZ", "--role", "writer"],
      ["rotate"],
      ["list", "--bogus"],
    ]) {
      await assert.rejects(run(...args), UsageError, args.join(" "));
    }
    assert.equal(opened, before);
    const help = await run("--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /rmos tokens create --name NAME --role ROLE/);
    assert.equal((await run()).code, 2);
  });
});
