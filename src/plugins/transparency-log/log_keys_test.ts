/**
 * Tests of the log's key handling on real files: a key is generated once (0600) and
 * reused at the next start; RMOS_LOG_KEY_FILE is used as given; a key whose name is
 * not an explicitly set origin, or a file that is not a signer key, stops the start
 * with a message naming the variable; keys are never overwritten.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { ConfigError } from "../../kernel/config.js";
import { loadLogKey, writeNewKeyFile } from "./log_keys.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-log-keys-"));
  dirs.push(d);
  return d;
};

describe("log keys", () => {
  test("generated on first start under the data dir (0600), reused afterwards", () => {
    const dataDir = temp();
    const first = loadLogKey({ dataDir, origin: "a.example/log", originExplicit: false });
    assert.equal(first.generated, true);
    assert.equal(first.signer.name, "a.example/log");
    assert.equal(fs.statSync(first.file).mode & 0o777, 0o600);
    const second = loadLogKey({ dataDir, origin: "a.example/log", originExplicit: false });
    assert.equal(second.generated, false);
    assert.equal(second.signer.keyId, first.signer.keyId);
  });

  test("RMOS_LOG_KEY_FILE is used; an explicit origin must be the key's name", () => {
    const dir = temp();
    const file = path.join(dir, "k");
    const signer = writeNewKeyFile(file, "b.example/log");
    const loaded = loadLogKey({ keyFile: file, dataDir: dir, origin: "b.example/log", originExplicit: true });
    assert.equal(loaded.signer.keyId, signer.keyId);
    assert.throws(
      () => loadLogKey({ keyFile: file, dataDir: dir, origin: "c.example/log", originExplicit: true }),
      (e: unknown) => e instanceof ConfigError && /RMOS_LOG_ORIGIN/.test(e.message),
    );
    assert.equal(
      loadLogKey({ keyFile: file, dataDir: dir, origin: "ignored", originExplicit: false }).signer.name,
      "b.example/log",
    );
    const dataDir = temp();
    loadLogKey({ dataDir, origin: "d.example/log", originExplicit: false });
    assert.throws(() => loadLogKey({ dataDir, origin: "e.example/log", originExplicit: true }), ConfigError);
  });

  test("a file that is not a signer key stops the start; keys are never overwritten", () => {
    const dir = temp();
    const file = path.join(dir, "bad");
    fs.writeFileSync(file, "not a key\n");
    assert.throws(
      () => loadLogKey({ keyFile: file, dataDir: dir, origin: "x", originExplicit: false }),
      (e: unknown) => e instanceof ConfigError && /RMOS_LOG_KEY_FILE/.test(e.message),
    );
    assert.throws(() => writeNewKeyFile(file, "x.example/log"), /EEXIST/);
    assert.equal(fs.readFileSync(file, "utf8"), "not a key\n");
  });
});
