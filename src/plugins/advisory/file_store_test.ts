/**
 * Unit tests of the embedded advisory store on a temporary directory: assets are
 * write-once and read back checked (a damaged file is refused), exactly one of many
 * concurrent decisions is recorded, counts survive a reopen, crash leftovers are
 * removed, and ids that are not advisory ids never reach the file system.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import { newId } from "../../contracts/ids.js";
import {
  AdvisoryAssetExistsError,
  type AdvisoryAssetRecord,
  CorruptAdvisoryError,
  type ReviewEvent,
  advisoryContentHash,
} from "../../contracts/ports/advisory_store.js";
import { FileAdvisoryStore, partitionOf } from "./file_store.js";

function asset(data: Record<string, unknown> = { text: "hello" }): AdvisoryAssetRecord {
  const { id, time } = newId("adv");
  return {
    asset_id: id,
    asset_type: "SUGGESTION",
    source: "ai",
    provider: "model-x",
    content_hash: advisoryContentHash(data),
    suggestion_data: data,
    approved_for_workflow: false,
    created_at_utc: new Date(time).toISOString(),
    created_by: "anonymous",
  };
}

function decision(assetId: string, d: "approve" | "reject", reviewer: string): ReviewEvent {
  return {
    asset_id: assetId,
    decision: d,
    reviewer_id: reviewer,
    note: null,
    recorded_at_utc: new Date().toISOString(),
  };
}

describe("FileAdvisoryStore", () => {
  let dir: string;
  let store: FileAdvisoryStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-adv-store-"));
    store = new FileAdvisoryStore({ dataDir: dir });
    await store.open();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("stores an asset once as canonical JSON under its date partition and reads it back", async () => {
    const a = asset({ b: 1, a: "x" });
    await store.createAsset(a);
    const file = path.join(dir, "advisories", a.created_at_utc.slice(0, 10), `${a.asset_id}.json`);
    assert.equal(fs.readFileSync(file, "utf8").startsWith('{"approved_for_workflow":false,"asset_id":'), true);
    assert.deepEqual(await store.getAsset(a.asset_id), a);
    await assert.rejects(store.createAsset({ ...a, provider: "other" }), AdvisoryAssetExistsError);
    assert.deepEqual(await store.getAsset(a.asset_id), a, "the first write stays");
  });

  it("answers undefined for an unknown asset and no events for an undecided one", async () => {
    const { id } = newId("adv");
    assert.equal(await store.getAsset(id), undefined);
    assert.deepEqual(await store.reviewEvents(id), []);
  });

  it("refuses a damaged asset file (content no longer matches its hash)", async () => {
    const a = asset();
    await store.createAsset(a);
    const file = path.join(dir, "advisories", partitionOf(a.asset_id), `${a.asset_id}.json`);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("hello", "HELLO"));
    await assert.rejects(store.getAsset(a.asset_id), CorruptAdvisoryError);
  });

  it("records exactly one of many concurrent decisions; the others get the recorded one", async () => {
    const a = asset();
    await store.createAsset(a);
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.recordDecision(decision(a.asset_id, i % 2 ? "reject" : "approve", `r${i}`)),
      ),
    );
    const recorded = outcomes.filter((o) => o.recorded);
    assert.equal(recorded.length, 1);
    const winner = recorded[0] as { recorded: true; event: ReviewEvent };
    for (const o of outcomes) if (!o.recorded) assert.deepEqual(o.existing, winner.event);
    assert.deepEqual(await store.reviewEvents(a.asset_id), [winner.event]);
    const names = fs.readdirSync(path.join(dir, "advisories", partitionOf(a.asset_id)));
    assert.deepEqual(names.sort(), [`${a.asset_id}.json`, `${a.asset_id}.review.json`]);
  });

  it("refuses a decision on an asset that is not stored", async () => {
    await assert.rejects(store.recordDecision(decision(newId("adv").id, "approve", "ana")), /not stored/);
  });

  it("keeps counts up to date and finds them again on reopen, removing crash leftovers", async () => {
    const [a, b, c] = [asset(), asset(), asset()];
    for (const x of [a, b, c]) await store.createAsset(x);
    await store.recordDecision(decision(a.asset_id, "approve", "ana"));
    await store.recordDecision(decision(b.asset_id, "reject", "bob"));
    assert.deepEqual(await store.stats(), { assets: 3, approved: 1, rejected: 1 });
    const leftover = path.join(dir, "advisories", partitionOf(c.asset_id), `.tmp-${c.asset_id}.json-1-abc`);
    fs.writeFileSync(leftover, "{");
    const reopened = new FileAdvisoryStore({ dataDir: dir });
    assert.deepEqual(await reopened.open(), { assets: 3, decisions: 2, unreadable: 0 });
    assert.deepEqual(await reopened.stats(), { assets: 3, approved: 1, rejected: 1 });
    assert.equal(fs.existsSync(leftover), false);
  });

  it("never turns a malformed id into a path", async () => {
    for (const bad of [
      "../../etc/passwd",
      "adv_../x",
      "adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0/../..",
      "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0",
    ]) {
      assert.throws(() => partitionOf(bad), /not an advisory id/);
      await assert.rejects(store.getAsset(bad), /not an advisory id/);
    }
  });
});
