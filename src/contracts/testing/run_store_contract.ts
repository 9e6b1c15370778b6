/**
 * The RunStore contract kit: the governance checks every run store backend must pass
 * (embedded files + SQLite today, PostgreSQL next). Call `runStoreContract(name,
 * factory)` in a test file; it registers node:test suites against fresh stores.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sha256Hex } from "../hashing.js";
import { InvalidArtifactError, RunAlreadyExistsError, type RunStore, type StoredArtifact } from "../ports/run_store.js";
import { makeArtifact } from "./artifacts.js";

export interface RunStoreUnderTest {
  readonly store: RunStore;
  /** Closes the store and removes its data. */
  cleanup(): Promise<void>;
}

/** Registers the RunStore contract suites for the backend made by `factory`. */
export function runStoreContract(name: string, factory: () => Promise<RunStoreUnderTest>): void {
  const withStore = (fn: (store: RunStore) => Promise<void>) => async () => {
    const { store, cleanup } = await factory();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };

  describe(`RunStore contract: ${name}`, () => {
    test(
      "invariant 1 — an artifact cannot exist without hashes.feasibility_sha256 and decision.risk_level (missing, null or empty)",
      withStore(async (store) => {
        const base = makeArtifact() as Record<string, unknown>;
        const variants: Array<[string, Record<string, unknown>]> = [
          ["missing hash", { ...base, hashes: {} }],
          ["null hash", { ...base, hashes: { feasibility_sha256: null } }],
          ["empty hash", { ...base, hashes: { feasibility_sha256: "" } }],
          ["missing risk", { ...base, decision: { warnings: [], details: {} } }],
          ["null risk", { ...base, decision: { risk_level: null, warnings: [], details: {} } }],
          ["empty risk", { ...base, decision: { risk_level: "", warnings: [], details: {} } }],
        ];
        for (const [what, artifact] of variants) {
          await assert.rejects(store.create(artifact as StoredArtifact), InvalidArtifactError, what);
          assert.equal(await store.has(artifact.run_id as string), false, `${what}: nothing stored`);
        }
      }),
    );

    test(
      "invariant 3 — write-once: a second write of the same run id is refused",
      withStore(async (store) => {
        const artifact = makeArtifact();
        const first = await store.create(artifact);
        await assert.rejects(store.create({ ...artifact, mode: "changed" }), RunAlreadyExistsError);
        const again = await store.get(artifact.run_id);
        assert.ok(again?.bytes.equals(first.bytes), "the first write's bytes are unchanged");
      }),
    );

    test(
      "invariant 3 — write-once: of concurrent writers of one run id exactly one wins",
      withStore(async (store) => {
        const artifact = makeArtifact();
        const attempts = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.create({ ...artifact, meta: { writer: i } })),
        );
        const won = attempts.filter((a) => a.status === "fulfilled");
        assert.equal(won.length, 1);
        for (const a of attempts) if (a.status === "rejected") assert.ok(a.reason instanceof RunAlreadyExistsError);
        const stored = await store.get(artifact.run_id);
        assert.deepEqual(
          stored?.artifact.meta,
          (won[0] as PromiseFulfilledResult<{ artifact: StoredArtifact }>).value.artifact.meta,
        );
      }),
    );

    test(
      "invariant 4 — what was acknowledged reads back byte-identical, with the sha256 of those bytes",
      withStore(async (store) => {
        const created = await store.create(makeArtifact());
        const read = await store.get(created.artifact.run_id, { fresh: true });
        assert.ok(read);
        assert.ok(read.bytes.equals(created.bytes));
        assert.equal(read.sha256, sha256Hex(read.bytes));
        assert.deepEqual(read.artifact, JSON.parse(read.bytes.toString("utf8")));
      }),
    );

    test(
      "invariant 6 — run_id is kept exactly as given, legacy ids included",
      withStore(async (store) => {
        const legacy = makeArtifact({ runId: "run_0123456789ab", at: Date.UTC(2025, 10, 5, 20, 30) });
        await store.create(legacy);
        assert.equal((await store.get("run_0123456789ab"))?.artifact.run_id, "run_0123456789ab");
      }),
    );

    test(
      "lists newest first, filtered, created_from inclusive and created_to exclusive",
      withStore(async (store) => {
        const t0 = Date.UTC(2026, 0, 1);
        const made = [];
        for (let i = 0; i < 6; i++) {
          made.push(
            await store.create(
              makeArtifact({
                at: t0 + i * 1000,
                overrides: {
                  mode: i % 2 ? "inlay" : "rosette",
                  status: i === 5 ? "BLOCKED" : "OK",
                  decision: {
                    risk_level: i === 5 ? "RED" : "GREEN",
                    warnings: [],
                    details: {},
                    ...(i === 5 ? { block_reason: "chipload" } : {}),
                  },
                },
              }),
            ),
          );
        }
        const all = await store.list({ limit: 50 });
        assert.deepEqual(
          all.items.map((s) => s.run_id),
          made.map((m) => m.artifact.run_id).reverse(),
        );
        assert.equal(all.next, null);
        const inlay = await store.list({ limit: 50, mode: "inlay" });
        assert.equal(inlay.items.length, 3);
        assert.ok(inlay.items.every((s) => s.mode === "inlay"));
        const red = await store.list({ limit: 50, risk_level: "RED", status: "BLOCKED" });
        assert.deepEqual(
          red.items.map((s) => s.run_id),
          [made[5]?.artifact.run_id],
        );
        const window = await store.list({
          limit: 50,
          created_from_us: (t0 + 1000) * 1000,
          created_to_us: (t0 + 3000) * 1000,
        });
        assert.deepEqual(
          window.items.map((s) => s.run_id),
          [made[2]?.artifact.run_id, made[1]?.artifact.run_id],
        );
      }),
    );

    test(
      "cursor pagination is stable under concurrent inserts: no run twice, none skipped",
      withStore(async (store) => {
        const t0 = Date.UTC(2026, 0, 2);
        const before: string[] = [];
        for (let i = 0; i < 25; i++) before.push((await store.create(makeArtifact({ at: t0 + i }))).artifact.run_id);
        const seen: string[] = [];
        let after = undefined as { created_us: number; run_id: string } | undefined;
        let pages = 0;
        do {
          const page = await store.list({ limit: 7, after });
          seen.push(...page.items.map((s) => s.run_id));
          // newer runs arrive while the client pages through
          await store.create(makeArtifact({ at: t0 + 10_000 + pages }));
          after = page.next ?? undefined;
          pages++;
        } while (after);
        assert.equal(new Set(seen).size, seen.length, "no run twice");
        assert.deepEqual(seen, [...before].reverse(), "every run that existed at the start, in order");
      }),
    );

    test(
      "sidecars are write-once and never touch the run's bytes",
      withStore(async (store) => {
        const run = await store.create(makeArtifact());
        const id = run.artifact.run_id;
        const first = await store.putSidecar(id, "advisory_x", Buffer.from('{"a":1}'));
        assert.equal(first.created, true);
        const second = await store.putSidecar(id, "advisory_x", Buffer.from('{"a":2}'));
        assert.equal(second.created, false);
        assert.equal(second.bytes.toString(), '{"a":1}');
        assert.deepEqual(await store.listSidecars(id, "advisory_"), ["advisory_x"]);
        assert.ok((await store.get(id, { fresh: true }))?.bytes.equals(run.bytes));
        const other = (await store.create(makeArtifact())).artifact.run_id;
        await store.putSidecar(other, "schema_2.json", Buffer.from("{}"));
        const all: string[] = [];
        for await (const s of store.scanSidecars()) all.push(`${s.run_id}/${s.name}`);
        assert.deepEqual(
          all.sort(),
          [`${id}/advisory_x`, `${other}/schema_2.json`].sort(),
          "scanSidecars sees every sidecar",
        );
      }),
    );

    test(
      "count and scan see every stored run",
      withStore(async (store) => {
        for (let i = 0; i < 3; i++) await store.create(makeArtifact());
        assert.equal(await store.count(), 3);
        const scanned = [];
        for await (const entry of store.scan()) scanned.push((await entry.read()).artifact.run_id);
        assert.equal(scanned.length, 3);
      }),
    );
  });
}
