/**
 * DuplicateKeys: keys in flight and keys whose first record the store does not show are
 * met again; keys the store shows are forgotten once settled (the store answers for them).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DuplicateKeys, isEarlierRecordOfSameFile, isThisRecord } from "./duplicate_keys.js";
import { V1_HASH_METHOD, V1_IMPORT_SOURCE, type V1Provenance } from "./provenance.js";

const provenanceAt = (runsJsonSha256: string, offset: number): V1Provenance => ({
  source: V1_IMPORT_SOURCE,
  hash_method: V1_HASH_METHOD,
  notes: [],
  flags: [],
  v1_record_location: { runs_json_sha256: runsJsonSha256, offset, length: 10 },
});

describe("DuplicateKeys", () => {
  test("a key in flight is met before; settled, it is remembered only when the store does not show it", () => {
    const keys = new DuplicateKeys();
    assert.equal(keys.metBefore("run_000000000001"), false);
    keys.started("run_000000000001");
    keys.started("run_000000000002");
    assert.equal(keys.metBefore("run_000000000001"), true);
    keys.settled("run_000000000001", true);
    keys.settled("run_000000000002", false);
    assert.equal(keys.metBefore("run_000000000001"), false, "the store answers for it");
    assert.equal(keys.metBefore("run_000000000002"), true);
    assert.equal(keys.rememberedCount, 1);
  });

  test("memory does not grow with keys the store shows", () => {
    const keys = new DuplicateKeys();
    for (let i = 0; i < 10_000; i++) {
      const key = `run_${i.toString(16).padStart(12, "0")}`;
      keys.started(key);
      keys.settled(key, true);
    }
    assert.equal(keys.rememberedCount, 0);
  });

  test("provenance: an earlier record of the same runs.json, or exactly this record", () => {
    const a = "a".repeat(64);
    const b = "b".repeat(64);
    assert.equal(isEarlierRecordOfSameFile(provenanceAt(a, 10), a, 20), true);
    assert.equal(isEarlierRecordOfSameFile(provenanceAt(a, 20), a, 20), false);
    assert.equal(isEarlierRecordOfSameFile(provenanceAt(a, 30), a, 20), false);
    assert.equal(isEarlierRecordOfSameFile(provenanceAt(b, 10), a, 20), false);
    assert.equal(isEarlierRecordOfSameFile(undefined, a, 20), false);
    assert.equal(isThisRecord(provenanceAt(a, 20), a, 20), true);
    assert.equal(isThisRecord(provenanceAt(a, 10), a, 20), false);
    assert.equal(isThisRecord(provenanceAt(b, 20), a, 20), false);
    assert.equal(isThisRecord(undefined, a, 20), false);
  });
});
