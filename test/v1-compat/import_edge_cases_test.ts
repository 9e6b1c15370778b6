/**
 * Records real files hold that the generator does not write, on a hand-made v1 store:
 * invalid JSON inside a record, a record that is not an object, keys that are not v1
 * ids (path traversal included), a duplicated key, a record the 2.0.0 schema refuses,
 * an altered blob and a blob that only the blob store still has — each imported or kept
 * aside with its reason, nothing dropped. Then: a record changed in runs.json after its
 * import (v1 let clients patch meta) is kept aside on the next run; a truncated runs.json
 * stops the import with exit 1 after importing what came before; and the CLI's usage
 * errors.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { BLOB_STORE, type BlobStore } from "../../src/contracts/ports/blob_store.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import type { ImportReport } from "../../src/plugins/v1-compat/importer.js";
import type { V1Provenance } from "../../src/plugins/v1-compat/provenance.js";
import { tempDir } from "../../src/testing/test_kernel.js";
import { account, v1Record as baseV1Record, migrate, snapshot, v1Cli, withKernel, type Json } from "./support.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

const GCODE_OK = "G21\nG1 X1 Y1\nM30\n";
const GCODE_ALTERED = "G21\nG1 X2 Y2\nM30\n";
const GCODE_ELSEWHERE = "G21\nG1 X3 Y3\nM30\n";

/** A v1 record of these cases: the suite's plain record, its meta marked unpatched. */
function v1Record(id: string, extra: Json = {}): Json {
  return baseV1Record(id, { meta: { operator: "ana", patched: false }, ...extra });
}

function attachment(text: string, filename: string): Json {
  return {
    sha256: sha(text),
    kind: "gcode",
    mime: "text/x-gcode",
    filename,
    size_bytes: text.length,
    created_at_utc: "2025-11-03T10:00:00+00:00",
  };
}

function writeBlob(from: string, name: string, bytes: string): void {
  fs.mkdirSync(path.join(from, "attachments", name.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(from, "attachments", name.slice(0, 2), name), bytes);
}

/** The members of the hand-made runs.json, as raw text, in order. */
function members(): Array<[string, string]> {
  const j = (v: unknown) => JSON.stringify(v, null, 2);
  return [
    ["run_00000000000a", j(v1Record("run_00000000000a", { attachments: [attachment(GCODE_OK, "ok.nc")] }))],
    ["run_00000000000b", '{"run_id": "run_00000000000b", "mode": "rosette",}'],
    ["run_00000000000c", "42"],
    ["../../etc/passwd", j(v1Record("run_00000000000d"))],
    ["run_NOT_HEX_0001", j(v1Record("run_00000000000e"))],
    ["run_00000000000f", j(v1Record("run_00000000000f", { meta: { first: true } }))],
    ["run_00000000000f", j(v1Record("run_00000000000f", { meta: { second: true } }))],
    ["run_000000000010", j(v1Record("run_000000000010", { status: "BLOCKED" }))],
    ["run_000000000011", j(v1Record("run_000000000011", { attachments: [attachment(GCODE_ALTERED, "altered.nc")] }))],
    [
      "run_000000000012",
      j(v1Record("run_000000000012", { attachments: [attachment(GCODE_ELSEWHERE, "elsewhere.nc")] })),
    ],
  ];
}

function runsJsonText(list: Array<[string, string]>): string {
  return `{\n${list.map(([k, v]) => `  ${JSON.stringify(k)}: ${v}`).join(",\n")}\n}\n`;
}

describe("records real v1 files hold", () => {
  const root = tempDir("rmos-v1-edge-");
  const from = path.join(root, "v1");
  const dataDir = path.join(root, "data");
  let report: ImportReport;

  before(async () => {
    fs.mkdirSync(from, { recursive: true });
    fs.writeFileSync(path.join(from, "runs.json"), runsJsonText(members()));
    writeBlob(from, sha(GCODE_OK), GCODE_OK);
    writeBlob(from, sha(GCODE_ALTERED), "G21\nTAMPERED\n"); // the file does not hash to its name
    // The blob store already holds this one (uploaded to v2 earlier); v1 lost it.
    await withKernel(dataDir, async (t) => {
      const blobs: BlobStore = t.kernel.resolve(BLOB_STORE);
      await blobs.put(
        (async function* () {
          yield Buffer.from(GCODE_ELSEWHERE);
        })(),
        { maxBytes: 1024 },
      );
    });
    const r = await migrate(from, dataDir);
    assert.equal(r.code, 0, r.stderr);
    report = r.report;
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test("each record is imported or kept aside with its reason; the counts add up", () => {
    assert.equal(report.total, 10);
    assert.equal(report.imported + report.failed, 10);
    const reasons = new Map(report.failures.map((f) => [`${f.key}@${f.offset}`, f.reason]));
    const reasonOf = (key: string) => [...reasons.entries()].filter(([k]) => k.startsWith(`${key}@`)).map(([, r]) => r);
    assert.match(reasonOf("run_00000000000b")[0] ?? "", /not valid JSON: .*trailing comma/);
    assert.match(reasonOf("run_00000000000c")[0] ?? "", /not a JSON object/);
    assert.match(reasonOf("../../etc/passwd")[0] ?? "", /not a v1 run id/);
    assert.match(reasonOf("run_NOT_HEX_0001")[0] ?? "", /not a v1 run id/);
    assert.deepEqual(reasonOf("run_00000000000f").length, 1, "the first record under a duplicated key is imported");
    assert.match(reasonOf("run_00000000000f")[0] ?? "", /duplicate key "run_00000000000f"/);
    assert.match(
      reasonOf("run_000000000010")[0] ?? "",
      /decision\.block_reason: status BLOCKED requires decision\.block_reason/,
    );
    assert.equal(report.failed, 6);
    for (const f of report.failures) {
      const doc = JSON.parse(fs.readFileSync(path.join(dataDir, f.kept_aside as string), "utf8")) as Json;
      assert.equal(doc.key, f.key);
      assert.equal(doc.offset, f.offset);
      const bytes = fs.readFileSync(path.join(dataDir, "v1-import", "rejected", doc.record_file));
      assert.equal(bytes.length, doc.length);
      const runsJson = fs.readFileSync(path.join(from, "runs.json"));
      assert.ok(runsJson.subarray(f.offset, f.offset + doc.length).equals(bytes), "its exact bytes are kept");
    }
    assert.ok(
      !fs
        .readdirSync(dataDir, { recursive: true })
        .map(String)
        .some((n) => n.includes("passwd")),
      "a key never becomes a path",
    );
  });

  test("blobs: copied and re-verified; an altered one is not copied and flagged; one the store has is noted", async () => {
    await withKernel(dataDir, async (t) => {
      const store = t.kernel.resolve(RUN_STORE);
      const blobs = t.kernel.resolve(BLOB_STORE);
      const ok = (await store.get("run_00000000000a"))?.artifact as Json;
      assert.deepEqual(ok.provenance.flags, []);
      assert.equal((await blobs.verify(sha(GCODE_OK))).ok, true);
      const altered = (await store.get("run_000000000011"))?.artifact as Json;
      assert.deepEqual(altered.provenance.flags, ["attachment_blob_altered"]);
      assert.equal(await blobs.stat(sha(GCODE_ALTERED)), undefined, "the altered bytes are not stored under the name");
      const elsewhere = (await store.get("run_000000000012"))?.artifact as Json;
      assert.deepEqual(elsewhere.provenance.flags, []);
      assert.match(
        (elsewhere.provenance as V1Provenance).notes.join("\n"),
        /missing in the v1 store but was already in the blob store/,
      );
      assert.deepEqual((await store.get("run_00000000000f"))?.artifact.meta, { first: true });
    });
    assert.equal((await account("verify", from, dataDir)).code, 0);
  });

  test("a record changed in runs.json after its import is kept aside on the next run, not lost", async () => {
    const list = members();
    list[0] = [list[0]?.[0] as string, JSON.stringify(v1Record("run_00000000000a", { meta: { patched: true } }))];
    fs.writeFileSync(path.join(from, "runs.json"), runsJsonText(list));
    const before = await account("verify", from, dataDir);
    assert.equal(before.code, 1, "the changed record is not accounted for yet");
    assert.match(before.report.unaccounted_records[0]?.reason ?? "", /imported from other bytes/);
    const r = await migrate(from, dataDir);
    assert.equal(r.code, 0);
    const failure = r.report.failures.find((f) => f.key === "run_00000000000a");
    assert.match(
      failure?.reason ?? "",
      /already stored, imported from a different v1 record .*artifacts are write-once/,
    );
    assert.equal((await account("verify", from, dataDir)).code, 0);
  });

  test("a truncated runs.json: what came before the break is imported, then exit 1, and verify fails", async () => {
    const cut = path.join(root, "v1-cut");
    fs.mkdirSync(cut);
    const text = runsJsonText(
      members()
        .slice(0, 1)
        .concat([["run_000000000020", JSON.stringify(v1Record("run_000000000020"))]]),
    );
    fs.writeFileSync(path.join(cut, "runs.json"), text.slice(0, text.lastIndexOf('"meta"')));
    const data = path.join(root, "data-cut");
    const r = await migrate(cut, data);
    assert.equal(r.code, 1);
    assert.equal(r.report.complete, false);
    assert.match(r.report.error ?? "", /truncated/);
    assert.equal(r.report.imported, 1, "the record before the break");
    const human = await v1Cli(data, ["migrate", "--from", cut, "--quiet"]);
    assert.equal(human.code, 1);
    assert.match(human.stdout, /STOPPED EARLY: .*truncated/);
    const verify = await account("verify", cut, data);
    assert.equal(verify.code, 1);
    assert.equal(verify.report.complete, false);
  });
});

describe("rmos v1: usage", () => {
  const dataDir = tempDir("rmos-v1-usage-");
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test("--help, and usage errors exit 2 without touching the data directory", async () => {
    const help = await v1Cli(dataDir, ["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: rmos v1 status/);
    assert.equal((await v1Cli(dataDir, [])).code, 2);
    const cases: Array<[string[], RegExp]> = [
      [["migrate"], /--from <v1 dir> is required/],
      [["frobnicate", "--from", dataDir], /unknown v1 action/],
      [["status", "--from", dataDir, "--dry-run"], /--dry-run applies to migrate only/],
      [["migrate", "--from", dataDir], /no runs\.json in/],
      [["migrate", "--from", dataDir, "--concurrency", "0"], /--concurrency must be/],
      [["migrate", "--from", dataDir, "--nope"], /Unknown option/],
    ];
    for (const [args, message] of cases) {
      const r = await v1Cli(dataDir, args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, message, args.join(" "));
    }
    assert.deepEqual([...snapshot(dataDir).keys()], [], "nothing written");
  });
});
