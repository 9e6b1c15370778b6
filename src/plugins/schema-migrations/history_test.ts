/**
 * Unit tests of the materialised record: history entries chain by checksum from the
 * original to the record's content, and recordMismatch accepts exactly such records.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { canonicalSha256 } from "../../contracts/hashing.js";
import { ArtifactMigrationRegistry as MigrationRegistry } from "../../contracts/artifact_migration_registry.js";
import type { ArtifactMigration } from "../../contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../contracts/ports/run_store.js";
import { historyEntries, materialisedRecord, recordMismatch } from "./history.js";

const AT = "2026-04-01T10:00:00.000Z";

function step(from: string, to: string, field: string): ArtifactMigration {
  return {
    from,
    to,
    description: `add ${field}`,
    transform: (a) => ({ ...a, schema_version: to, [field]: true }),
    validateBefore() {},
    validateAfter() {},
    examples: () => [],
  };
}

const registry = new MigrationRegistry("2.0.0");
registry.register(step("0.8.0", "0.9.0", "ninety"));
registry.register(step("0.9.0", "2.0.0", "two"));

const original: StoredArtifact = {
  schema_version: "0.8.0",
  run_id: "run_01JN0000000000000000000001",
  created_at_utc: "2026-03-01T08:00:00.000Z",
  hashes: { feasibility_sha256: "a".repeat(64) },
};

test("one entry per step, chained by checksum from the original to the migrated content", () => {
  const outcome = registry.migrate(original);
  const entries = historyEntries(outcome, AT);
  assert.deepEqual(
    entries.map((e) => [e.from_version, e.to_version, e.applied_at]),
    [
      ["0.8.0", "0.9.0", AT],
      ["0.9.0", "2.0.0", AT],
    ],
  );
  assert.equal(entries[0]?.checksum_before, canonicalSha256(original));
  assert.equal(entries[1]?.checksum_before, entries[0]?.checksum_after);
  assert.equal(entries[1]?.checksum_after, canonicalSha256(outcome.artifact));
  assert.deepEqual(entries[1]?.changes, ["add two", 'replace /schema_version: "0.9.0" → "2.0.0"', "add /two = true"]);
});

test("a record keeps the history it had and appends; recordMismatch accepts it", () => {
  const prior = {
    ...original,
    migration_history: [
      {
        from_version: "0.7.0",
        to_version: "0.8.0",
        applied_at: AT,
        changes: [],
        checksum_before: "c".repeat(64),
        checksum_after: "d".repeat(64),
      },
    ],
  };
  const record = materialisedRecord(registry.migrate(prior), AT);
  const history = record.migration_history as Array<{ to_version: string }>;
  assert.equal(history.length, 3);
  assert.equal(history[0]?.to_version, "0.8.0");
  assert.equal(recordMismatch(record, prior, "2.0.0"), undefined);
  assert.equal(recordMismatch(materialisedRecord(registry.migrate(original), AT), original, "2.0.0"), undefined);
});

test("recordMismatch names what does not belong", () => {
  const record = materialisedRecord(registry.migrate(original), AT) as Record<string, unknown>;
  assert.match(recordMismatch([], original, "2.0.0") ?? "", /not a JSON object/);
  assert.match(
    recordMismatch({ ...record, run_id: "run_01JN0000000000000000000002" }, original, "2.0.0") ?? "",
    /holds run_id/,
  );
  assert.match(recordMismatch(record, original, "2.1.0") ?? "", /holds schema_version 2.0.0/);
  assert.match(
    recordMismatch({ ...record, migration_history: [] }, original, "2.0.0") ?? "",
    /no migration_history entry/,
  );
  assert.match(recordMismatch(record, { ...original, meta: {} }, "2.0.0") ?? "", /starts at checksum/);
  assert.match(
    recordMismatch({ ...record, two: false }, original, "2.0.0") ?? "",
    /does not match its last checksum_after/,
  );
  const history = record.migration_history as Array<Record<string, unknown>>;
  const broken = [history[0], { ...history[1], checksum_before: "e".repeat(64) }];
  assert.match(recordMismatch({ ...record, migration_history: broken }, original, "2.0.0") ?? "", /breaks at entry 1/);
  assert.match(
    recordMismatch({ ...record, migration_history: [history[0]] }, original, "2.0.0") ?? "",
    /ends at 0.9.0/,
  );
});
