/**
 * Tests of the v1 store generator: the same count and seed give the same bytes (and
 * another seed other bytes); every kind of dirt is in every dirty store of 20 records or
 * more, and the report names exactly the records that carry each one (checked against
 * the file read with JSON.parse and the byte-level v1 reader, not against the
 * generator's own data); a clean store holds no dirt; the hashes are the v1 hashes of
 * the records' own content; the committed sample is this generator's output; and the
 * command line writes a store, prints its report and refuses bad arguments. Python, where
 * it is installed, is the independent oracle: it rewrites each file byte for byte with
 * `json.dump(indent=2, ensure_ascii=False)` and recomputes every hash with `json.dumps`.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, describe, it } from "node:test";
import { v1Sha256 } from "../python_json.js";
import {
  HAS_PYTHON,
  makeTempDir,
  NEEDS_PYTHON_SKIP,
  removeDir,
  runPython,
  SAMPLE_DIR,
  SAMPLE_OPTIONS,
} from "../v1_test_support.js";
import { readV1Runs } from "../v1_stream_reader.js";
import { RawNumber, type V1Value } from "../v1_value.js";
import { main } from "./gen_v1_store.js";
import { generateV1Store, V1_DIRTY_CASES, type V1DirtyCase, type V1StoreReport } from "./v1_store_generator.js";

// biome-ignore lint/suspicious/noExplicitAny: records are read loosely; a wrong guess fails the test
type Json = Record<string, any>;

const root = makeTempDir("rmos-v1-gen-test-");
after(() => removeDir(root));
let serial = 0;
const fresh = (options: { count: number; seed: number; dirty?: boolean }) =>
  generateV1Store(path.join(root, `store-${serial++}`), options);

/** Every file of a store: relative path → sha256. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const rel of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, rel);
    if (fs.statSync(full).isFile()) out.set(rel, createHash("sha256").update(fs.readFileSync(full)).digest("hex"));
  }
  return out;
}

function blobPath(dir: string, sha: string): string {
  return path.join(dir, "attachments", sha.slice(0, 2), sha);
}

/** The cases each record shows, found in the file itself (independently of the report). */
async function casesInFile(report: V1StoreReport): Promise<Map<V1DirtyCase, string[]>> {
  const runs = JSON.parse(fs.readFileSync(report.runsJson, "utf8")) as Record<string, Json>;
  const found = new Map<V1DirtyCase, string[]>(V1_DIRTY_CASES.map((c) => [c, []]));
  const add = (c: V1DirtyCase, key: string) => found.get(c)?.push(key);
  const rawFeasibility = new Map<string, V1Value>();
  for await (const entry of readV1Runs(report.runsJson)) {
    assert.ok(entry.ok && entry.value instanceof Map);
    const f = entry.value.get("feasibility");
    if (f !== undefined) rawFeasibility.set(entry.key, f);
  }
  const zeroFraction = (v: V1Value): boolean =>
    v instanceof RawNumber
      ? /^\d+\.0$/.test(v.text)
      : Array.isArray(v)
        ? v.some(zeroFraction)
        : v instanceof Map && [...v.values()].some(zeroFraction);
  for (const [key, r] of Object.entries(runs)) {
    if (!/[+-]\d\d:\d\d$/.test(r.created_at_utc)) add("naive_created_at", key);
    if (!("risk_level" in r.decision)) add("risk_level_missing", key);
    if (r.decision.risk_level === null) add("risk_level_null", key);
    if (r.request_hash === null) add("request_hash_null", key);
    if (r.status !== r.status.toUpperCase()) add("status_lower_case", key);
    if (r.run_id !== key) add("run_id_disagrees_with_key", key);
    if (!("feasibility" in r)) add("feasibility_missing", key);
    if (r.attachments.some((a: Json) => !fs.existsSync(blobPath(report.dir, a.sha256)))) {
      add("attachment_blob_lost", key);
    }
    const keys = r.feasibility ? Object.keys(r.feasibility.labels ?? {}) : [];
    const astral = keys.some((k) => [...k].some((c) => (c.codePointAt(0) as number) > 0xffff));
    const high = keys.some((k) => [...k].some((c) => (c.codePointAt(0) as number) >= 0xe000 && c.length === 1));
    if (astral && high) add("astral_keys", key);
    const f = rawFeasibility.get(key);
    if (f !== undefined && zeroFraction(f)) add("float_zero_fraction", key);
  }
  return found;
}

describe("the v1 store generator", () => {
  it("writes the same bytes for the same count and seed, and other bytes for another seed", () => {
    const a = fresh({ count: 60, seed: 42 });
    const b = fresh({ count: 60, seed: 42 });
    const c = fresh({ count: 60, seed: 43 });
    assert.deepEqual(files(a.dir), files(b.dir));
    assert.deepEqual(a.cases, b.cases);
    assert.notDeepEqual(files(a.dir).get("runs.json"), files(c.dir).get("runs.json"));
    assert.equal(a.count, 60);
    assert.equal(Object.keys(JSON.parse(fs.readFileSync(a.runsJson, "utf8"))).length, 60);
  });

  for (const [count, seed] of [
    [20, 1],
    [40, 9],
    [200, 77],
  ] as const) {
    it(`${count} records, seed ${seed}: every kind of dirt is there, and the report names exactly its records`, async () => {
      const report = fresh({ count, seed });
      const found = await casesInFile(report);
      for (const c of V1_DIRTY_CASES) {
        assert.ok(report.cases[c].length > 0, `${c} is present`);
        assert.deepEqual(report.cases[c], found.get(c), c);
      }
      assert.equal(report.cases.run_id_disagrees_with_key.length, 1);
      assert.equal(report.cases.feasibility_missing.length, 1);
      assert.equal(report.cases.attachment_blob_lost.length, 1);
      const blobFiles = [...files(report.dir).keys()].filter((rel) => rel.startsWith("attachments"));
      assert.equal(blobFiles.length, report.blobs);
    });
  }

  it("a clean store (dirty: false) holds no dirt, only the floats v1 always wrote (1.0)", async () => {
    const report = fresh({ count: 120, seed: 5, dirty: false });
    const found = await casesInFile(report);
    for (const c of V1_DIRTY_CASES) {
      assert.deepEqual(report.cases[c], found.get(c), c);
      if (c !== "float_zero_fraction") assert.deepEqual(report.cases[c], [], c);
    }
    assert.ok(report.cases.float_zero_fraction.length > 0);
  });

  it("a store under 20 records gets only the drawn kinds of dirt; an empty one is {}", async () => {
    const small = fresh({ count: 19, seed: 3 });
    const found = await casesInFile(small);
    for (const c of [
      "run_id_disagrees_with_key",
      "feasibility_missing",
      "attachment_blob_lost",
      "astral_keys",
    ] as const) {
      assert.deepEqual(small.cases[c], [], c);
    }
    for (const c of V1_DIRTY_CASES) assert.deepEqual(small.cases[c], found.get(c), c);
    const empty = fresh({ count: 0, seed: 3 });
    assert.equal(fs.readFileSync(empty.runsJson, "utf8"), "{}");
    assert.ok(fs.statSync(path.join(empty.dir, "attachments")).isDirectory());
  });

  it("stores the v1 hashes of each record's own content, and every blob under its name", async () => {
    const report = fresh({ count: 80, seed: 11 });
    let checked = 0;
    for await (const entry of readV1Runs(report.runsJson)) {
      assert.ok(entry.ok && entry.value instanceof Map);
      const r = entry.value;
      const requestHash = r.get("request_hash");
      const outputs = r.get("outputs") as Map<string, V1Value>;
      if (typeof requestHash === "string" && r.has("feasibility")) {
        assert.equal(v1Sha256(r.get("feasibility") as V1Value), requestHash, entry.key);
        checked++;
      }
      const toolpaths = outputs.get("toolpaths") as V1Value;
      assert.equal(r.get("toolpaths_hash"), toolpaths === null ? null : v1Sha256(toolpaths));
      const text = outputs.get("gcode_text");
      const gcodeHash = typeof text === "string" ? createHash("sha256").update(text, "utf8").digest("hex") : null;
      assert.equal(r.get("gcode_hash"), gcodeHash);
      for (const a of r.get("attachments") as Map<string, V1Value>[]) {
        assert.equal(a.get("sha256"), gcodeHash, "the attachment is the G-code");
        const file = blobPath(report.dir, a.get("sha256") as string);
        if (report.cases.attachment_blob_lost.includes(entry.key)) continue;
        const bytes = fs.readFileSync(file);
        assert.equal(createHash("sha256").update(bytes).digest("hex"), a.get("sha256"));
        assert.equal(String((a.get("size_bytes") as RawNumber).text), String(bytes.length));
      }
    }
    assert.ok(checked > 60);
  });

  it("the committed sample (test/fixtures/v1/sample) is exactly what it writes", () => {
    const report = fresh(SAMPLE_OPTIONS);
    assert.deepEqual(files(SAMPLE_DIR), files(report.dir), "regenerate it: npm run gen:v1 -- test/fixtures/v1/sample");
  });

  it("refuses a negative or fractional count or seed", () => {
    assert.throws(() => fresh({ count: -1, seed: 1 }), RangeError);
    assert.throws(() => fresh({ count: 1.5, seed: 1 }), RangeError);
    assert.throws(() => fresh({ count: 1, seed: -2 }), RangeError);
  });
});

describe("the v1 store generator against Python", { skip: NEEDS_PYTHON_SKIP }, () => {
  it("writes what Python's json.dump(indent=2, ensure_ascii=False) writes, with the hashes json.dumps gives", () => {
    const stores = [
      fresh({ count: 300, seed: 21 }),
      fresh({ count: 50, seed: 22, dirty: false }),
      fresh(SAMPLE_OPTIONS),
    ];
    const program = `
import hashlib, json, sys
def h(o):
    return hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()
for file in sys.stdin.read().split("\\n")[:-1]:
    data = open(file, "rb").read()
    runs = json.loads(data)
    same = json.dumps(runs, indent=2, ensure_ascii=False).encode("utf-8") == data
    bad = 0
    for k, r in runs.items():
        if "feasibility" in r and r["request_hash"] is not None and h(r["feasibility"]) != r["request_hash"]: bad += 1
        t = r["outputs"]["toolpaths"]
        if t is not None and h(t) != r["toolpaths_hash"]: bad += 1
    print(json.dumps([same, bad, len(runs)]))
`;
    const lines = runPython(program, stores.map((s) => `${s.runsJson}\n`).join(""));
    assert.deepEqual(
      lines.map((l) => JSON.parse(l)),
      stores.map((s) => [true, 0, s.count]),
    );
    assert.ok(HAS_PYTHON);
  });
});

describe("npm run gen:v1 (the generator's command line)", () => {
  const io = () => {
    const out = new PassThrough();
    const err = new PassThrough();
    const text = { out: "", err: "" };
    out.on("data", (d) => {
      text.out += d;
    });
    err.on("data", (d) => {
      text.err += d;
    });
    return { io: { out, err }, text };
  };

  it("writes a store and prints how many records carry each kind of dirt", () => {
    const { io: streams, text } = io();
    const dir = path.join(root, "cli-text");
    assert.equal(main([dir, "--count", "25", "--seed", "4"], streams), 0);
    assert.match(text.out, /wrote 25 records and \d+ blobs to .*runs\.json \(seed 4\)/);
    for (const c of V1_DIRTY_CASES) assert.match(text.out, new RegExp(`  ${c}: [1-9]\\d*\\n`));
    assert.deepEqual(files(dir), files(fresh({ count: 25, seed: 4 }).dir));
  });

  it("--json prints the whole report; --no-dirty writes a clean store", () => {
    const { io: streams, text } = io();
    const dir = path.join(root, "cli-json");
    assert.equal(main([dir, "--count", "30", "--seed", "8", "--no-dirty", "--json"], streams), 0);
    const report = JSON.parse(text.out) as V1StoreReport;
    assert.equal(report.dirty, false);
    assert.equal(report.count, 30);
    assert.deepEqual(report.cases.naive_created_at, []);
    assert.equal(report.runsJson, path.join(path.resolve(dir), "runs.json"));
  });

  it("defaults to 200 records and seed 1, and answers --help", () => {
    const { io: streams, text } = io();
    assert.equal(main([path.join(root, "cli-default")], streams), 0);
    assert.match(text.out, /wrote 200 records .*\(seed 1\)/);
    const help = io();
    assert.equal(main(["--help"], help.io), 0);
    assert.match(help.text.out, /usage: npm run gen:v1 -- OUT/);
  });

  it("refuses bad arguments with exit 2 and the usage", () => {
    for (const args of [[], ["a", "b"], ["a", "--count", "-3"], ["a", "--seed", "x"], ["a", "--colour"]]) {
      const { io: streams, text } = io();
      assert.equal(main(args, streams), 2, args.join(" "));
      assert.match(text.err, /^gen:v1: .*\n[\s\S]*usage:/);
    }
  });
});
