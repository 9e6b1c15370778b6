/**
 * Transparency log — receipts verify (read-only). For every sampled run the check
 * fetches `GET /runs/{id}/receipt` and verifies it offline with the service's own
 * verifier (compiled into this package): the checkpoint is signed by the log's key
 * (`GET /log/verifier-key`), the inclusion proof leads from the leaf to the
 * checkpoint's root, and the leaf names this run, its creation time and the SHA-256
 * of the bytes the service serves. The receipt's checkpoint must then be consistent
 * with the log's latest checkpoint (`GET /log/checkpoint`, consistency proof from
 * `GET /log/proof/consistency`): a history rewritten after the receipt was issued
 * shows. A receipt still pending (202) is counted, not failed; an installation without
 * the log plugin is skipped.
 */
import assert from "node:assert/strict";
import type { Check, CheckContext } from "../check.js";
import { sha256Hex } from "../hashing.js";
import { get } from "../http_steps.js";
import { decodeBase64Strict } from "../../../../src/contracts/tlog/base64.js";
import { type Checkpoint, parseCheckpoint } from "../../../../src/contracts/tlog/checkpoint.js";
import { parseVerifierKey } from "../../../../src/contracts/tlog/note_keys.js";
import { verifyReceipt } from "../../../../src/contracts/tlog/receipt.js";
import { openNote } from "../../../../src/contracts/tlog/signed_note.js";
import { verifyConsistency } from "../../../../src/contracts/tlog/verify_consistency.js";

const short = (h: string) => `${h.slice(0, 12)}…`;

/** The log's latest checkpoint, its signature checked with `key`. */
async function latestCheckpoint(ctx: CheckContext, key: string): Promise<Checkpoint> {
  const res = await get(ctx, "/log/checkpoint");
  assert.equal(res.status, 200, `GET /log/checkpoint: status ${res.status}`);
  const parsedKey = parseVerifierKey(key);
  assert.ok(parsedKey.ok, `GET /log/verifier-key answers no verifier key: ${parsedKey.ok ? "" : parsedKey.reason}`);
  const opened = openNote(await res.text(), [parsedKey.verifier]);
  assert.ok(opened.ok, `the log's latest checkpoint is not signed by its key: ${opened.ok ? "" : opened.reason}`);
  const parsed = parseCheckpoint(opened.text);
  assert.ok(parsed.ok, `the log's latest checkpoint does not parse: ${parsed.ok ? "" : parsed.reason}`);
  return parsed.checkpoint;
}

/** Asserts that the tree `older` is a prefix of the tree `newer` (RFC 9162 consistency proof). */
async function assertConsistent(ctx: CheckContext, older: Checkpoint, newer: Checkpoint, what: string): Promise<void> {
  assert.ok(
    older.size <= newer.size,
    `${what}: its checkpoint (size ${older.size}) is beyond the log's latest (size ${newer.size})`,
  );
  const res = await get(ctx, `/log/proof/consistency?from=${older.size}&to=${newer.size}`);
  assert.equal(res.status, 200, `GET /log/proof/consistency?from=${older.size}&to=${newer.size}: status ${res.status}`);
  const body = (await res.json()) as { hashes?: unknown };
  const hashes = Array.isArray(body.hashes) ? body.hashes.map((h) => decodeBase64Strict(String(h))) : [];
  assert.ok(
    hashes.every((h): h is Uint8Array => h !== undefined),
    `${what}: the consistency proof holds a hash that is not base64`,
  );
  const checked = verifyConsistency(older.size, newer.size, older.root, newer.root, hashes as Uint8Array[]);
  assert.ok(
    checked.ok,
    `${what}: the log's latest checkpoint (size ${newer.size}) is not consistent with the receipt's (size ${older.size}): ${checked.ok ? "" : checked.reason}`,
  );
}

/** The check of the transparency log's receipts. */
export const logReceipts: Check = {
  id: "transparency-log",
  title: "Transparency log receipts verify",
  statement:
    "each run's receipt is signed by the log's key, its inclusion proof leads to the signed root, its leaf names the run and the SHA-256 of the served bytes, and the log's latest checkpoint is consistent with it",
  writes: "never",
  async run(ctx) {
    const keyRes = await get(ctx, "/log/verifier-key");
    if (keyRes.status === 404) {
      await keyRes.body?.cancel();
      ctx.skip("the installation has no transparency log (GET /log/verifier-key → 404)");
    }
    assert.equal(keyRes.status, 200, `GET /log/verifier-key: status ${keyRes.status}`);
    const key = (await keyRes.text()).trim();
    ctx.note(`verifier key ${key}`);
    let latest = await latestCheckpoint(ctx, key);
    ctx.note(`latest checkpoint: size ${latest.size}, origin ${latest.origin}`);
    const runs = await ctx.sample();
    if (runs.length === 0) ctx.skip("no runs to inspect");
    let verified = 0;
    let pending = 0;
    for (const run of runs) {
      const res = await get(ctx, `/runs/${encodeURIComponent(run.runId)}/receipt`);
      if (res.status === 202) {
        await res.body?.cancel();
        pending++;
        continue;
      }
      assert.equal(res.status, 200, `GET /runs/${run.runId}/receipt: status ${res.status}, expected 200 or 202`);
      const checked = verifyReceipt(await res.json(), key);
      assert.ok(checked.ok, `${run.runId}: the receipt does not verify: ${checked.ok ? "" : checked.reason}`);
      const { leaf } = checked;
      assert.equal(leaf.type, "run", `${run.runId}: the receipt's leaf is of type ${leaf.type}`);
      assert.equal(leaf.id, run.runId, `${run.runId}: the receipt's leaf names ${leaf.id}`);
      assert.equal(
        leaf.created_at_utc,
        run.artifact.created_at_utc,
        `${run.runId}: the leaf says created ${leaf.created_at_utc}, the run ${run.artifact.created_at_utc}`,
      );
      const served = sha256Hex(run.bytes);
      assert.equal(
        leaf.sha256,
        served,
        `${run.runId}: the leaf holds sha256 ${leaf.sha256}; the served bytes hash to ${served}`,
      );
      if (checked.checkpoint.size > latest.size) {
        // Signed after we read the latest checkpoint: read it again.
        latest = await latestCheckpoint(ctx, key);
      }
      await assertConsistent(ctx, checked.checkpoint, latest, run.runId);
      verified++;
      if (verified <= 3)
        ctx.note(
          `${run.runId}: leaf ${checked.leaf_index}, sha256 ${short(leaf.sha256)}, in checkpoint ${checked.checkpoint.size}`,
        );
    }
    ctx.note(`${verified} receipt(s) verified against the verifier key and the latest checkpoint; ${pending} pending`);
  },
};
