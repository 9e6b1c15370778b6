/**
 * The session key: the same secret gives the same key (instances behind one load
 * balancer agree), another secret another key; without a secret one key is made under
 * the data directory (mode 0600) and read back by every later start; a damaged key
 * file stops the console instead of silently replacing the key.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { EPHEMERAL_KEY, keyFromSecret, loadSessionKey, sessionKeyFile } from "./session_key.js";

describe("console session key", () => {
  it("derives one 32-byte key per secret", () => {
    const a = keyFromSecret("x".repeat(40));
    assert.equal(a.length, 32);
    assert.deepEqual(keyFromSecret("x".repeat(40)), a);
    assert.notDeepEqual(keyFromSecret("y".repeat(40)), a);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-console-key-"));
    try {
      const loaded = loadSessionKey({ secret: "x".repeat(40), dataDir });
      assert.deepEqual(loaded.key, a);
      assert.equal(loaded.source, "RMOS_CONSOLE_SECRET");
      assert.equal(fs.existsSync(sessionKeyFile(dataDir)), false, "no file is written when a secret is set");
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("makes a key under the data directory once, private, and reuses it", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-console-key-"));
    try {
      const first = loadSessionKey({ dataDir });
      const second = loadSessionKey({ dataDir });
      assert.deepEqual(first.key, second.key);
      assert.equal(first.key.length, 32);
      assert.equal(fs.statSync(sessionKeyFile(dataDir)).mode & 0o777, 0o600);
      assert.deepEqual(
        fs.readdirSync(path.dirname(sessionKeyFile(dataDir))),
        ["session.key"],
        "no temporary file left",
      );
      fs.writeFileSync(sessionKeyFile(dataDir), "not a key\n");
      assert.throws(() => loadSessionKey({ dataDir }), /does not hold a console session key/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

it("without a secret or a data directory (PostgreSQL keeps no files): a key of this process only, nothing written", () => {
  const first = loadSessionKey({ dataDir: undefined });
  const second = loadSessionKey({ dataDir: undefined });
  assert.equal(first.source, EPHEMERAL_KEY);
  assert.equal(first.key.length, 32);
  assert.notDeepEqual(first.key, second.key, "each load makes its own key: nothing is shared or kept");
  assert.equal(loadSessionKey({ secret: "y".repeat(40), dataDir: undefined }).source, "RMOS_CONSOLE_SECRET");
});
