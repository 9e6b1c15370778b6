/**
 * Test support for the v1 import tests (this file holds no tests; node --test runs it
 * as an empty test file): running `rmos v1 ...` in process on a data directory, Python
 * as the independent oracle of v1 hashes (where python3 is missing, the emulation
 * stands in and the test says so), the sample's records by the dirt the generator put
 * in them, and `assertLandsAsSpecSays` — which reads a v1 store with plain `JSON.parse`
 * and checks, record by record, that the import put each one where the v1 mapping
 * (docs/api.md) says (or kept it aside), and that the report's counts add up.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { TestContext } from "node:test";
import { BLOB_STORE } from "../../src/contracts/ports/blob_store.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import type { AccountingReport } from "../../src/plugins/v1-compat/accounting.js";
import type { ImportReport } from "../../src/plugins/v1-compat/importer.js";
import { V1_FLAGS, type V1Provenance } from "../../src/plugins/v1-compat/provenance.js";
import { v1Sha256 } from "../../src/plugins/v1-compat/python_json.js";
import { V1_DIRTY_CASES, type V1StoreReport } from "../../src/plugins/v1-compat/testing/v1_store_generator.js";
import { HAS_PYTHON, NEEDS_PYTHON_SKIP } from "../../src/plugins/v1-compat/v1_test_support.js";
import { readV1Runs } from "../../src/plugins/v1-compat/v1_stream_reader.js";
import type { V1Value } from "../../src/plugins/v1-compat/v1_value.js";
import { type CliResult, runCli } from "../../src/testing/cli_runner.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

/** A JSON document read loosely by assertions. */
// biome-ignore lint/suspicious/noExplicitAny: assertions read artifacts and reports loosely; a wrong guess fails the test
export type Json = Record<string, any>;

/** A plain valid v1 record (`extra` replaces top-level fields). */
export function v1Record(id: string, extra: Json = {}): Json {
  return {
    run_id: id,
    created_at_utc: "2025-11-03T10:00:00.000001+00:00",
    mode: "rosette",
    tool_id: "tool_vbit_60",
    status: "OK",
    request_summary: { design_id: "design_0007" },
    feasibility: { material: "maple", depth_mm: 1.5 },
    decision: { risk_level: "GREEN", score: 0.9, block_reason: null, warnings: [], details: {} },
    request_hash: null,
    toolpaths_hash: null,
    gcode_hash: null,
    outputs: { gcode_text: null, toolpaths: null, opplan_json: null },
    attachments: [],
    meta: { operator: "ana" },
    ...extra,
  };
}

/** `rmos v1 <args>` on `dataDir`. */
export function v1Cli(dataDir: string, args: string[]): Promise<CliResult> {
  return runCli(["v1", ...args], { RMOS_DATA_DIR: dataDir });
}

/** `rmos v1 migrate --from <from> --json` on `dataDir`; answers the exit code and the report. */
export async function migrate(
  from: string,
  dataDir: string,
  extra: string[] = [],
): Promise<{ code: number; report: ImportReport; stderr: string }> {
  const r = await v1Cli(dataDir, ["migrate", "--from", from, "--json", ...extra]);
  assert.ok(r.stdout.startsWith("{"), `a JSON report (exit ${r.code}): ${r.stdout}${r.stderr}`);
  return { code: r.code, report: JSON.parse(r.stdout) as ImportReport, stderr: r.stderr };
}

/** `rmos v1 verify|status --from <from> --json` on `dataDir`. */
export async function account(
  action: "verify" | "status",
  from: string,
  dataDir: string,
): Promise<{ code: number; report: AccountingReport }> {
  const r = await v1Cli(dataDir, [action, "--from", from, "--json"]);
  return { code: r.code, report: JSON.parse(r.stdout) as AccountingReport };
}

/** The v1 hashes of each record's feasibility and toolpaths, computed by Python itself. */
export function pythonV1Hashes(runsJson: string): Map<string, { feasibility?: string; toolpaths?: string }> {
  const program = `
import hashlib, json, sys
runs = json.load(open(sys.argv[1], encoding="utf-8"))
def h(o):
    return hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()
for k, r in runs.items():
    f = h(r["feasibility"]) if "feasibility" in r else ""
    o = r.get("outputs") or {}
    t = h(o["toolpaths"]) if o.get("toolpaths") is not None else ""
    print(json.dumps([k, f, t]))
`;
  const out = execFileSync("python3", ["-c", program, runsJson], { maxBuffer: 64 * 1024 * 1024 }).toString("utf8");
  const map = new Map<string, { feasibility?: string; toolpaths?: string }>();
  for (const line of out.split("\n").filter(Boolean)) {
    const [k, f, t] = JSON.parse(line) as [string, string, string];
    map.set(k, { ...(f ? { feasibility: f } : {}), ...(t ? { toolpaths: t } : {}) });
  }
  return map;
}

/** The v1 hashes of each record's feasibility and toolpaths, by the project's emulation. */
export async function emulatedV1Hashes(
  runsJson: string,
): Promise<Map<string, { feasibility?: string; toolpaths?: string }>> {
  const map = new Map<string, { feasibility?: string; toolpaths?: string }>();
  for await (const entry of readV1Runs(runsJson)) {
    assert.ok(entry.ok && entry.value instanceof Map, entry.key);
    const feasibility = entry.value.get("feasibility");
    const outputs = entry.value.get("outputs");
    const toolpaths = outputs instanceof Map ? (outputs.get("toolpaths") as V1Value | undefined) : undefined;
    map.set(entry.key, {
      ...(feasibility !== undefined ? { feasibility: v1Sha256(feasibility) } : {}),
      ...(toolpaths !== undefined && toolpaths !== null ? { toolpaths: v1Sha256(toolpaths) } : {}),
    });
  }
  return map;
}

/**
 * The v1 hashes of each record: Python's own where python3 is installed (the
 * independent oracle); otherwise the emulation's, and the test `t` says, visibly,
 * that the Python cross-check was skipped.
 */
export async function v1HashOracle(
  runsJson: string,
  t?: TestContext,
): Promise<Map<string, { feasibility?: string; toolpaths?: string }>> {
  if (HAS_PYTHON) return pythonV1Hashes(runsJson);
  const reason = NEEDS_PYTHON_SKIP as string;
  if (t) t.diagnostic(reason);
  else process.stderr.write(`${reason}\n`);
  return emulatedV1Hashes(runsJson);
}

/** The runs.json keys of a generated store's records that carry no dirt (a `1.0` float is not dirt). */
export function cleanKeys(report: V1StoreReport): string[] {
  const dirty = new Set(V1_DIRTY_CASES.filter((c) => c !== "float_zero_fraction").flatMap((c) => report.cases[c]));
  const runs = JSON.parse(fs.readFileSync(report.runsJson, "utf8")) as Record<string, Json>;
  return Object.keys(runs).filter((key) => !dirty.has(key));
}

/** The one record of a generated store that carries `c` (the first, if several do). */
export function recordWith(report: V1StoreReport, c: (typeof V1_DIRTY_CASES)[number]): string {
  const key = report.cases[c][0];
  assert.ok(key, `the store holds a record with ${c}`);
  return key;
}

/** A generated store's record as JSON.parse reads it. */
export function recordOf(report: V1StoreReport, key: string): Json {
  const runs = JSON.parse(fs.readFileSync(report.runsJson, "utf8")) as Record<string, Json>;
  const record = runs[key];
  assert.ok(record, key);
  return record;
}

/** The runs the import of a generated store must flag: a disagreeing run_id or a lost blob. */
export function expectedFlagged(report: V1StoreReport): Set<string> {
  return new Set([...report.cases.run_id_disagrees_with_key, ...report.cases.attachment_blob_lost]);
}

/** The exact bytes of each record of a runs.json, by key. */
export async function rawRecords(runsJson: string): Promise<Map<string, Buffer>> {
  const map = new Map<string, Buffer>();
  for await (const entry of readV1Runs(runsJson)) map.set(entry.key, entry.raw);
  return map;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every file under `dir` (relative path → sha256 of its bytes), temp files included. */
export function snapshot(dir: string, options: { skip?: (rel: string) => boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(dir)) return out;
  for (const rel of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, rel);
    if (!fs.statSync(full).isFile() || options.skip?.(rel)) continue;
    out.set(rel, sha256(fs.readFileSync(full)));
  }
  return out;
}

/** Copies a v1 store (runs.json and attachments/) to `to`. */
export function copyStore(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/** Runs `fn` with a kernel on `dataDir` (kept afterwards). */
export async function withKernel<T>(dataDir: string, fn: (t: TestKernel) => Promise<T>): Promise<T> {
  const t = await startTestKernel({ dataDir });
  try {
    return await fn(t);
  } finally {
    await t.close({ keepData: true });
  }
}

function expectedUtc(v1: string): { iso: string; naive: boolean } {
  if (/(?:Z|[+-]\d{2}:\d{2})$/.test(v1)) {
    assert.match(v1, /\+00:00$/, "the generator writes UTC offsets only");
    return { iso: v1.replace(/\+00:00$/, "Z"), naive: false };
  }
  return { iso: `${v1.replace(" ", "T")}Z`, naive: true };
}

/**
 * Checks that the import of the v1 store at `from` into `dataDir` (whose report is
 * `report`) put every record where the v1 mapping says, and that the counts add up.
 * `t`, when given, is told when the Python cross-check of the hashes is skipped.
 */
export async function assertLandsAsSpecSays(
  from: string,
  dataDir: string,
  report: ImportReport,
  t?: TestContext,
): Promise<void> {
  const runsJson = path.join(from, "runs.json");
  const records = JSON.parse(fs.readFileSync(runsJson, "utf8")) as Record<string, Json>;
  const raws = await rawRecords(runsJson);
  const oracle = await v1HashOracle(runsJson, t);
  const keys = Object.keys(records);
  const expectFailed = new Set<string>();
  const expectFlagged = new Map<string, string[]>();
  let noted = 0;

  await withKernel(dataDir, async (k) => {
    const store = k.kernel.resolve(RUN_STORE);
    const blobs = k.kernel.resolve(BLOB_STORE);
    for (const key of keys) {
      const rec = records[key] as Json;
      const raw = raws.get(key) as Buffer;
      if (!("feasibility" in rec)) {
        expectFailed.add(key);
        assert.equal(await store.has(key), false, `${key}: a record without feasibility is not imported`);
        continue;
      }
      const run = await store.get(key);
      assert.ok(run, `${key} is imported`);
      const a = run.artifact as Json;
      const p = a.provenance as V1Provenance;
      const notes = p.notes.join("\n");
      const why = `${key}: ${notes}`;
      if (p.notes.length > 0) noted++;

      assert.equal(a.run_id, key, "the key is the id");
      const time = expectedUtc(rec.created_at_utc);
      assert.equal(a.created_at_utc, time.iso, why);
      assert.equal(/created_at_utc was naive/.test(notes), time.naive, why);
      assert.ok(
        fs.existsSync(path.join(dataDir, "runs", time.iso.slice(0, 10), `${key}.json`)),
        `${key} is filed under its UTC date`,
      );
      assert.equal(a.status, rec.status.toUpperCase());
      assert.equal(/status .* lower case in v1: upper-cased/.test(notes), rec.status !== rec.status.toUpperCase(), why);
      const risk = rec.decision.risk_level;
      assert.equal(a.decision.risk_level, risk ?? "UNKNOWN");
      assert.equal(/risk_level (missing|null) in v1: UNKNOWN/.test(notes), risk === undefined || risk === null, why);
      assert.equal("block_reason" in a.decision, rec.decision.block_reason !== null, "null → absent");
      assert.deepEqual(a.feasibility, rec.feasibility);
      assert.deepEqual(a.request_summary, rec.request_summary);
      assert.deepEqual(a.meta, rec.meta, "meta is preserved as given");
      assert.equal(a.mode, rec.mode);
      assert.equal(a.tool_id, rec.tool_id);

      const py = oracle.get(key) ?? {};
      if (rec.request_hash !== null) {
        assert.equal(a.hashes.feasibility_sha256, rec.request_hash, "verbatim");
        assert.equal(py.feasibility, rec.request_hash, "the generator's hashes are true");
      } else {
        assert.equal(a.hashes.feasibility_sha256, py.feasibility, `${key}: derived exactly as Python computes it`);
        assert.match(notes, /feasibility_sha256 derived: v1 request_hash missing/);
      }
      const toolpaths = rec.outputs.toolpaths;
      assert.equal(a.hashes.toolpaths_sha256, rec.toolpaths_hash ?? (toolpaths !== null ? py.toolpaths : undefined));
      assert.equal(a.hashes.gcode_sha256, rec.gcode_hash ?? undefined);
      for (const name of ["gcode_text", "toolpaths", "opplan_json"]) {
        if (rec.outputs[name] === null) assert.equal(name in a.outputs, false, `${key}: null outputs.${name} → absent`);
        else assert.deepEqual(a.outputs[name], rec.outputs[name]);
      }

      const flags: string[] = [];
      if (rec.run_id !== key) {
        flags.push(V1_FLAGS.runIdDisagreesWithKey);
        assert.equal(p.v1_record_run_id, rec.run_id);
      }
      assert.equal(rec.attachments.length, a.attachments.length, "attachments are preserved");
      for (const [i, att] of (rec.attachments as Json[]).entries()) {
        const { created_at_utc, ...ref } = att;
        assert.deepEqual(a.attachments[i], ref);
        assert.equal(p.v1_unmapped?.[`/attachments/${i}/created_at_utc`], created_at_utc);
        const source = path.join(from, "attachments", att.sha256.slice(0, 2), att.sha256);
        if (fs.existsSync(source)) {
          const check = await blobs.verify(att.sha256, att.size_bytes);
          assert.equal(check.ok, true, `${key}: blob ${att.sha256} copied and intact`);
        } else flags.push(V1_FLAGS.attachmentBlobMissing);
      }
      assert.deepEqual([...p.flags].sort(), [...new Set(flags)].sort(), why);
      if (flags.length > 0) expectFlagged.set(key, [...new Set(flags)].sort());

      assert.equal(p.v1_record_sha256, sha256(raw), "the record's exact bytes are named");
      assert.equal(p.imported_at_utc, report.imported_at_utc);
      const backup = fs.readFileSync(
        path.join(dataDir, "v1-import", "backups", `runs-${report.runs_json.sha256}.json`),
      );
      const loc = p.v1_record_location;
      assert.ok(loc);
      assert.ok(backup.subarray(loc.offset, loc.offset + loc.length).equals(raw), "the backup holds the exact bytes");
    }
  });

  assert.equal(report.total, keys.length, "every record is counted");
  assert.equal(report.imported + report.already_present + report.failed, report.total, "the counts add up");
  assert.equal(report.failed, expectFailed.size);
  assert.deepEqual(new Set(report.failures.map((f) => f.key)), expectFailed);
  for (const failure of report.failures) {
    assert.match(failure.reason, /feasibility is missing/);
    assert.ok(failure.kept_aside, "kept aside");
    const doc = JSON.parse(fs.readFileSync(path.join(dataDir, failure.kept_aside), "utf8")) as Json;
    assert.equal(doc.key, failure.key);
    assert.equal(doc.reason, failure.reason);
    const kept = fs.readFileSync(path.join(dataDir, "v1-import", "rejected", doc.record_file));
    assert.ok(kept.equals(raws.get(failure.key) as Buffer), "the kept-aside bytes are the record's");
  }
  assert.equal(report.flagged, expectFlagged.size);
  assert.deepEqual(
    new Map(report.flagged_runs.map((f) => [f.run_id, [...f.flags].sort()])),
    expectFlagged,
    "the flagged runs are listed with their flags",
  );
  if (report.imported === report.total - report.failed) assert.equal(report.noted, noted);
  assert.equal(report.complete, true);
}
