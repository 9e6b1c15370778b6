/**
 * Duplicate keys in runs.json are reported the same whether the importer remembers the
 * earlier record in memory (in flight, kept aside, already present from another
 * runs.json, a dry run) or recognises it by the stored run's provenance (imported from
 * an earlier offset of this runs.json): every later record under a key already read is
 * kept aside as a duplicate — unless it is not valid JSON, which is said first — exactly
 * as a set of every key read would decide (the oracle here). Checked with one record in
 * flight (each earlier record settled before the next is read: the store answers) and
 * with the default concurrency (the earlier record often still in flight), on a re-run
 * (everything already present) and in a dry run.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { ImportReport } from "../../src/plugins/v1-compat/importer.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import { migrate, v1Record } from "./support.js";

const j = (v: unknown) => JSON.stringify(v, null, 2);
const NO_FEASIBILITY = (id: string) => {
  const r = v1Record(id);
  delete r.feasibility;
  return j(r);
};

/** Imported first from another runs.json: one with the same bytes, one with other bytes. */
const ELSEWHERE: Array<[string, string]> = [
  ["run_0000000000e1", j(v1Record("run_0000000000e1"))],
  ["run_0000000000e2", j(v1Record("run_0000000000e2", { meta: { elsewhere: true } }))],
];

/** The runs.json under test: every kind of first record, each followed by later ones under its key. */
const MEMBERS: Array<[string, string]> = [
  ["run_000000000001", j(v1Record("run_000000000001"))],
  ["run_000000000002", '{"run_id": "run_000000000002",}'],
  ["run_000000000003", "42"],
  ["run_000000000004", NO_FEASIBILITY("run_000000000004")],
  ["run_000000000005", j(v1Record("run_000000000005"))],
  ["not-a-v1-id", j(v1Record("run_000000000006"))],
  ["run_0000000000e1", j(v1Record("run_0000000000e1"))],
  ["run_0000000000e2", j(v1Record("run_0000000000e2"))],
  ["run_000000000007", j(v1Record("run_000000000007"))],
  // Later records under keys read above.
  ["run_000000000001", j(v1Record("run_000000000001", { meta: { second: true } }))],
  ["run_000000000001", j(v1Record("run_000000000001"))],
  ["run_000000000002", j(v1Record("run_000000000002"))],
  ["run_000000000003", j(v1Record("run_000000000003"))],
  ["run_000000000004", j(v1Record("run_000000000004"))],
  ["run_000000000005", '{"broken": }'],
  ["not-a-v1-id", j(v1Record("run_000000000006"))],
  ["run_0000000000e1", j(v1Record("run_0000000000e1"))],
  ["run_0000000000e2", j(v1Record("run_0000000000e2", { meta: { third: true } }))],
  ["run_000000000007", "42"],
  ["run_000000000007", NO_FEASIBILITY("run_000000000007")],
];

function writeStore(dir: string, members: Array<[string, string]>): string {
  fs.mkdirSync(dir, { recursive: true });
  const text = `{\n${members.map(([k, v]) => `  ${JSON.stringify(k)}: ${v}`).join(",\n")}\n}\n`;
  fs.writeFileSync(path.join(dir, "runs.json"), text);
  return text;
}

/** Byte offsets of the members' values in `text` (the order of `members`). */
function offsetsOf(text: string, members: Array<[string, string]>): number[] {
  const bytes = Buffer.from(text);
  const out: number[] = [];
  let from = 0;
  for (const [key, value] of members) {
    const at = bytes.indexOf(Buffer.from(`${JSON.stringify(key)}: ${value}`), from);
    assert.ok(at >= 0);
    out.push(at + Buffer.byteLength(`${JSON.stringify(key)}: `));
    from = at + 1;
  }
  return out;
}

/** The oracle: what a set of every key read decides (invalid JSON is said first). */
function expectedDuplicateOffsets(members: Array<[string, string]>, offsets: number[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  members.forEach(([key, value], i) => {
    let valid = true;
    try {
      JSON.parse(value);
    } catch {
      valid = false;
    }
    if (valid && seen.has(key)) out.push(offsets[i] as number);
    seen.add(key);
  });
  return out;
}

const duplicateOffsets = (report: ImportReport) =>
  report.failures.filter((f) => /^duplicate key /.test(f.reason)).map((f) => f.offset);

/** What must be the same in every report of this runs.json: counts and failures (reasons by offset). */
const essentials = (report: ImportReport) => ({
  total: report.total,
  imported_or_present: report.imported + report.already_present,
  failed: report.failed,
  flagged: report.flagged,
  failures: report.failures.map((f) => ({ key: f.key, offset: f.offset, reason: f.reason })),
});

describe("duplicate keys in runs.json", () => {
  const root = tempDir("rmos-v1-dup-");
  const elsewhere = path.join(root, "v1-elsewhere");
  const from = path.join(root, "v1");
  let expected: number[];

  before(() => {
    writeStore(elsewhere, ELSEWHERE);
    const text = writeStore(from, MEMBERS);
    expected = expectedDuplicateOffsets(MEMBERS, offsetsOf(text, MEMBERS));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Imports the other runs.json first, then this one with `extra` options. */
  async function importAfterElsewhere(dataDir: string, extra: string[]): Promise<ImportReport> {
    const first = await migrate(elsewhere, dataDir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.report.imported, 2);
    const r = await migrate(from, dataDir, extra);
    assert.equal(r.code, 0, r.stderr);
    return r.report;
  }

  test("one record in flight, the default concurrency, a re-run and a dry run all report the set's duplicates", async () => {
    assert.equal(expected.length, 10, "the oracle finds every later valid record");
    const one = await importAfterElsewhere(path.join(root, "data-1"), ["--concurrency", "1"]);
    assert.deepEqual(duplicateOffsets(one), expected);
    assert.equal(one.total, MEMBERS.length);
    assert.equal(one.imported, 3, "run_…01, run_…05 and run_…07");
    assert.equal(one.already_present, 1, "run_…e1, stored from the other runs.json with the same bytes");
    assert.equal(one.failed, MEMBERS.length - 4);

    const many = await importAfterElsewhere(path.join(root, "data-many"), []);
    assert.deepEqual(essentials(many), essentials(one));

    const again = await migrate(from, path.join(root, "data-1"), ["--concurrency", "1"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.report.imported, 0);
    assert.equal(again.report.already_present, 4);
    assert.deepEqual(essentials(again.report), essentials(one));

    const againMany = await migrate(from, path.join(root, "data-many"));
    assert.deepEqual(essentials(againMany.report), essentials(one));

    const dry = await importAfterElsewhere(path.join(root, "data-dry"), ["--dry-run", "--concurrency", "1"]);
    assert.deepEqual(essentials(dry), essentials(one));
    assert.ok(dry.failures.every((f) => f.kept_aside === null));
  });
});
