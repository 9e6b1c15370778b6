/**
 * `rmos log keygen|status|verify-receipt` through the CLI's `main`, on a real data
 * directory: keygen writes a 0600 key file and prints its verifier key (and refuses
 * to overwrite); the service signs with RMOS_LOG_KEY_FILE; status reports size and
 * checkpoint; verify-receipt exits 0 for a valid receipt, 1 for a tampered one or
 * another key, 2 for usage errors.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, describe, test } from "node:test";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { generateSigner, verifierKeyOf } from "../../src/contracts/tlog/note_keys.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { runCli } from "../../src/testing/cli_runner.js";
import { startTestKernel, tempDir } from "../../src/testing/test_kernel.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("rmos log", () => {
  test("keygen, a service signing with that key, status and verify-receipt", async () => {
    const dir = tempDir("rmos-log-cli-");
    dirs.push(dir);
    const keyFile = path.join(dir, "keys", "log.key");
    const gen = await runCli(["log", "keygen", "--origin", "cli.test/log", "--out", keyFile, "--json"]);
    assert.equal(gen.code, 0, gen.stderr);
    const report = JSON.parse(gen.stdout) as { origin: string; verifier_key: string; key_file: string };
    assert.equal(report.origin, "cli.test/log");
    assert.match(report.verifier_key, /^cli\.test\/log\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    assert.equal(fs.statSync(keyFile).mode & 0o777, 0o600);
    const again = await runCli(["log", "keygen", "--origin", "cli.test/log", "--out", keyFile]);
    assert.equal(again.code, 2, "never overwrites a key");

    const dataDir = path.join(dir, "data");
    const env = { RMOS_DATA_DIR: dataDir, RMOS_LOG_KEY_FILE: keyFile, RMOS_LOG_CHECKPOINT_INTERVAL_MS: "50" };
    const t = await startTestKernel({ plugins: [transparencyLogPlugin], dataDir, env });
    const log = t.kernel.resolve(TRANSPARENCY_LOG);
    assert.equal(log.verifierKey, report.verifier_key);
    await log.append([
      { type: "run", id: "run_a", sha256: "a".repeat(64), created_at_utc: "2026-11-01T00:00:00Z" },
      { type: "session_event", id: "ses_b/1", sha256: "b".repeat(64), created_at_utc: "2026-11-01T00:00:01Z" },
    ]);
    await log.signNow();
    const answer = await log.receipt("run", "run_a");
    assert.equal(answer.status, "ok");
    await t.close({ keepData: true });
    const receiptFile = path.join(dir, "receipt.json");
    fs.writeFileSync(receiptFile, JSON.stringify(answer.status === "ok" ? answer.receipt : {}));

    const status = await runCli(["log", "status", "--json"], env);
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { size: number; checkpoint: { size: number }; verifier_key: string };
    assert.equal(s.size, 2);
    assert.equal(s.checkpoint.size, 2);
    assert.equal(s.verifier_key, report.verifier_key);

    const ok = await runCli(["log", "verify-receipt", receiptFile, "--verifier-key", report.verifier_key]);
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /valid: run run_a/);

    const other = verifierKeyOf(generateSigner("cli.test/log").signer);
    const wrongKey = await runCli(["log", "verify-receipt", receiptFile, "--verifier-key", other, "--json"]);
    assert.equal(wrongKey.code, 1);
    assert.equal((JSON.parse(wrongKey.stdout) as { ok: boolean }).ok, false);

    const tampered = JSON.parse(fs.readFileSync(receiptFile, "utf8")) as { leaf: string };
    tampered.leaf = tampered.leaf.replace("a".repeat(64), "c".repeat(64));
    fs.writeFileSync(receiptFile, JSON.stringify(tampered));
    const bad = await runCli(["log", "verify-receipt", receiptFile, "--verifier-key", report.verifier_key]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /NOT valid: inclusion/);

    assert.equal((await runCli(["log", "verify-receipt", receiptFile])).code, 2);
    assert.equal(
      (await runCli(["log", "verify-receipt", path.join(dir, "nope.json"), "--verifier-key", other])).code,
      2,
    );
    assert.equal((await runCli(["log", "frobnicate"])).code, 2);
    assert.equal((await runCli(["log", "--help"])).code, 0);
  });
});
