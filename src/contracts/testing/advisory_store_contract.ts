/**
 * The AdvisoryStore contract kit: what every advisory store backend must do (write-once
 * files embedded today, insert-only tables next). Call `advisoryStoreContract(name,
 * factory)` in a test file; it registers node:test suites, each against a fresh, empty,
 * opened store.
 *
 * What it checks: an asset reads back exactly as written and is written once (a second
 * write of its id is refused and changes nothing); unknown assets are undefined with no
 * events; an asset takes exactly one decision — the second, and all but one of several
 * concurrent ones, are answered with the recorded decision; events read back oldest
 * first; the counts follow what was stored.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { newId } from "../ids.js";
import {
  AdvisoryAssetExistsError,
  type AdvisoryAssetRecord,
  type AdvisoryStore,
  advisoryContentHash,
  type ReviewEvent,
} from "../ports/advisory_store.js";

export interface AdvisoryStoreUnderTest {
  readonly store: AdvisoryStore;
  /** Closes the store and removes its data. */
  cleanup(): Promise<void>;
}

/** A new asset record with a fresh id. */
function asset(fields: Partial<Omit<AdvisoryAssetRecord, "content_hash">> = {}): AdvisoryAssetRecord {
  const suggestion_data = fields.suggestion_data ?? {
    summary: "chipload is in range",
    text: "ok",
    highlights: ["chipload"],
    n: 1.5,
  };
  const { id, time } = newId("adv");
  return {
    asset_id: id,
    asset_type: "EXPLANATION",
    source: "contract-kit",
    provider: "kit",
    approved_for_workflow: false,
    created_at_utc: new Date(time).toISOString(),
    created_by: "kit",
    ...fields,
    suggestion_data,
    content_hash: advisoryContentHash(suggestion_data),
  };
}

/** A decision on `assetId`. */
function decision(assetId: string, fields: Partial<ReviewEvent> = {}): ReviewEvent {
  return {
    asset_id: assetId,
    decision: "approve",
    reviewer_id: "ana",
    note: null,
    recorded_at_utc: new Date().toISOString(),
    ...fields,
  };
}

/** Registers the AdvisoryStore contract suites for the backend made by `factory`. */
export function advisoryStoreContract(name: string, factory: () => Promise<AdvisoryStoreUnderTest>): void {
  const withStore = (fn: (store: AdvisoryStore) => Promise<void>) => async () => {
    const { store, cleanup } = await factory();
    try {
      await fn(store);
    } finally {
      await cleanup();
    }
  };

  describe(`AdvisoryStore contract: ${name}`, () => {
    test(
      "an asset reads back exactly as written",
      withStore(async (store) => {
        const written = asset({ asset_type: "SUGGESTION", suggestion_data: { nested: { list: [1, "two", null] } } });
        await store.createAsset(written);
        assert.deepEqual(await store.getAsset(written.asset_id), written);
      }),
    );

    test(
      "an asset is written once: a second write of its id is refused and changes nothing",
      withStore(async (store) => {
        const written = asset();
        await store.createAsset(written);
        await assert.rejects(store.createAsset({ ...written, source: "someone else" }), AdvisoryAssetExistsError);
        assert.deepEqual(await store.getAsset(written.asset_id), written);
      }),
    );

    test(
      "scan answers every stored asset id once",
      withStore(async (store) => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const a = asset();
          await store.createAsset(a);
          ids.push(a.asset_id);
        }
        const scanned: string[] = [];
        for await (const id of store.scan()) scanned.push(id);
        assert.deepEqual([...scanned].sort(), [...ids].sort());
      }),
    );

    test(
      "an unknown asset is undefined and has no events",
      withStore(async (store) => {
        const id = newId("adv").id;
        assert.equal(await store.getAsset(id), undefined);
        assert.deepEqual(await store.reviewEvents(id), []);
      }),
    );

    test(
      "an asset takes exactly one decision: the second is answered with the first",
      withStore(async (store) => {
        const a = asset();
        await store.createAsset(a);
        assert.deepEqual(await store.reviewEvents(a.asset_id), []);
        const first = decision(a.asset_id, { note: "looks right" });
        assert.deepEqual(await store.recordDecision(first), { recorded: true, event: first });
        const second = decision(a.asset_id, { decision: "reject", reviewer_id: "bo" });
        assert.deepEqual(await store.recordDecision(second), { recorded: false, existing: first });
        assert.deepEqual(await store.reviewEvents(a.asset_id), [first]);
      }),
    );

    test(
      "of concurrent decisions on one asset exactly one is recorded; the others are answered with it",
      withStore(async (store) => {
        const a = asset();
        await store.createAsset(a);
        const attempts = ["ana", "bo", "cy", "di"].map((reviewer_id, i) =>
          decision(a.asset_id, { reviewer_id, decision: i % 2 === 0 ? "approve" : "reject" }),
        );
        const outcomes = await Promise.all(attempts.map((e) => store.recordDecision(e)));
        const recorded = outcomes.filter((o) => o.recorded);
        assert.equal(recorded.length, 1);
        const winner = recorded[0]?.recorded ? recorded[0].event : undefined;
        for (const o of outcomes) if (!o.recorded) assert.deepEqual(o.existing, winner);
        assert.deepEqual(await store.reviewEvents(a.asset_id), [winner]);
      }),
    );

    test(
      "the counts follow what was stored",
      withStore(async (store) => {
        const before = await store.stats();
        const [a, b, c] = [asset(), asset(), asset()];
        for (const x of [a, b, c]) await store.createAsset(x);
        await store.recordDecision(decision(a.asset_id));
        await store.recordDecision(decision(b.asset_id, { decision: "reject" }));
        assert.deepEqual(await store.stats(), {
          assets: before.assets + 3,
          approved: before.approved + 1,
          rejected: before.rejected + 1,
        });
      }),
    );
  });
}
