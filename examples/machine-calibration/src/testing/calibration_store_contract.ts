/**
 * The contract kit of CalibrationStore, in the shape of the service's kits
 * (rmos-runs/contracts/testing/*): one suite of node:test cases that every backend runs
 * through a factory — the embedded SQLite database and PostgreSQL alike (test/). A
 * record reads back equal; an insert under a taken id answers the stored record and
 * changes nothing; the list pages in id order and filters by machine; and the database
 * itself refuses to change or remove a row.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SqlExecutor } from "rmos-runs/contracts/ports/database.js";
import type { Calibration } from "../schemas.js";
import type { CalibrationStore } from "../store.js";

/** A store to test, the database under it (to try forbidden statements) and its cleanup. */
export interface CalibrationStoreFixture {
  readonly store: CalibrationStore;
  readonly db: SqlExecutor;
  cleanup(): Promise<void>;
}

/** A record with id `id` of machine `machine` (distinct content per id). */
export function sampleCalibration(id: string, machine = "cnc-1", runout = 3): Calibration {
  return {
    calibration_id: id,
    machine_id: machine,
    spindle_runout_um: runout,
    probe_offsets: { x_mm: 0.01, y_mm: -0.02, z_mm: 12.5 },
    measured_at_utc: "2026-11-21T08:30:00Z",
    operator: "ana",
    sha256: id
      .padEnd(64, "0")
      .replace(/[^0-9a-f]/g, "a")
      .slice(0, 64),
    created_at_utc: "2026-11-21T08:31:00.000Z",
    created_by: "token:writer",
  };
}

/** Runs the CalibrationStore contract against the stores `factory` makes (one per case). */
export function calibrationStoreContract(backend: string, factory: () => Promise<CalibrationStoreFixture>): void {
  describe(`CalibrationStore contract: ${backend}`, () => {
    const withStore = (work: (f: CalibrationStoreFixture) => Promise<void>) => async () => {
      const fixture = await factory();
      try {
        await work(fixture);
      } finally {
        await fixture.cleanup();
      }
    };

    it(
      "reads back what it stored, and nothing for an unknown id",
      withStore(async ({ store }) => {
        const record = sampleCalibration("cal_a");
        assert.deepEqual(await store.insert(record), { inserted: true });
        assert.deepEqual(await store.get("cal_a"), record);
        assert.equal(await store.get("cal_unknown"), undefined);
      }),
    );

    it(
      "keeps the first record of an id: a second insert answers it and changes nothing",
      withStore(async ({ store }) => {
        const first = sampleCalibration("cal_b", "cnc-1", 3);
        await store.insert(first);
        const second = { ...sampleCalibration("cal_b", "cnc-9", 7), created_by: "token:other" };
        assert.deepEqual(await store.insert(second), { inserted: false, existing: first });
        assert.deepEqual(await store.get("cal_b"), first);
      }),
    );

    it(
      "lists in id order, a page at a time, of one machine or all",
      withStore(async ({ store }) => {
        const ids = ["cal_3", "cal_1", "cal_5", "cal_2", "cal_4"];
        for (const [i, id] of ids.entries()) await store.insert(sampleCalibration(id, i % 2 === 0 ? "cnc-a" : "cnc-b"));
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
          const page = await store.list({ limit: 2, ...(after !== undefined ? { after } : {}) });
          seen.push(...page.items.map((r) => r.calibration_id));
          if (page.next === null) break;
          after = page.next;
        }
        assert.deepEqual(seen, ["cal_1", "cal_2", "cal_3", "cal_4", "cal_5"]);
        const a = await store.list({ machineId: "cnc-a", limit: 10 });
        assert.deepEqual(
          a.items.map((r) => r.calibration_id),
          ["cal_3", "cal_4", "cal_5"],
        );
        assert.equal(a.next, null);
        assert.deepEqual((await store.list({ machineId: "cnc-none", limit: 10 })).items, []);
      }),
    );

    it(
      "is write-once in the database: UPDATE and DELETE are refused and the row stays",
      withStore(async ({ store, db }) => {
        const record = sampleCalibration("cal_c");
        await store.insert(record);
        await assert.rejects(
          db.exec("UPDATE machine_calibrations SET operator = ? WHERE calibration_id = ?", ["mallory", "cal_c"]),
        );
        await assert.rejects(db.exec("DELETE FROM machine_calibrations WHERE calibration_id = ?", ["cal_c"]));
        assert.deepEqual(await store.get("cal_c"), record);
      }),
    );
  });
}
