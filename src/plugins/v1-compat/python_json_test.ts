/**
 * Tests of the Python `json.dumps` emulation. On v1 stores (the committed sample and
 * freshly generated stores, whose hashes the project's generator computed with this
 * emulation): every `request_hash` equals `v1Sha256(feasibility)` and every
 * `toolpaths_hash` equals `v1Sha256(outputs.toolpaths)` whichever way numbers are read,
 * and a plain sorted `JSON.stringify` would not match. Python itself is the independent
 * oracle (skipped, saying so, where python3 is missing): it recomputes every hash of
 * those stores, and checks random values (fast-check), float reprs, number
 * normalisation, string escapes and key order with astral characters.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import {
  comparePythonStr,
  type PythonDumpsOptions,
  pythonFloatRepr,
  pythonJsonDumps,
  pythonNumberText,
  V1HashError,
  v1Sha256,
} from "./python_json.js";
import { readV1Runs } from "./v1_stream_reader.js";
import { generateStore, makeTempDir, NEEDS_PYTHON_SKIP, removeDir, runPython, SAMPLE_RUNS } from "./v1_test_support.js";
import { parseV1Json, RawNumber, type V1Value, toPlainJson } from "./v1_value.js";

const TIMEOUT = { timeout: 120_000 };
const NEEDS_PYTHON = { ...TIMEOUT, skip: NEEDS_PYTHON_SKIP };

interface HashReport {
  requestHashes: number;
  toolpathsHashes: number;
  withoutFeasibility: number;
  mismatches: string[];
}

/** Checks every stored v1 hash of a runs.json against the emulation. */
async function checkStoreHashes(path: string, options: PythonDumpsOptions = {}): Promise<HashReport> {
  const report: HashReport = { requestHashes: 0, toolpathsHashes: 0, withoutFeasibility: 0, mismatches: [] };
  for await (const entry of readV1Runs(path)) {
    assert.ok(entry.ok, entry.ok ? "" : entry.error);
    const record = entry.value;
    assert.ok(record instanceof Map);
    const requestHash = record.get("request_hash");
    if (typeof requestHash === "string") {
      if (!record.has("feasibility")) report.withoutFeasibility++;
      else {
        report.requestHashes++;
        const feasibility = record.get("feasibility") as V1Value;
        if (v1Sha256(feasibility, options) !== requestHash) {
          report.mismatches.push(`${entry.key}: request_hash`);
        }
      }
    }
    const toolpathsHash = record.get("toolpaths_hash");
    if (typeof toolpathsHash === "string") {
      report.toolpathsHashes++;
      const outputs = record.get("outputs");
      const toolpaths = outputs instanceof Map ? (outputs.get("toolpaths") as V1Value) : undefined;
      if (toolpaths === undefined || v1Sha256(toolpaths, options) !== toolpathsHash) {
        report.mismatches.push(`${entry.key}: toolpaths_hash`);
      }
    }
  }
  return report;
}

/** What the same checks must find, counted independently with JSON.parse. */
function expectedCounts(path: string) {
  const runs = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, unknown>>;
  const records = Object.values(runs);
  const hasRequestHash = (r: Record<string, unknown>) => typeof r.request_hash === "string";
  return {
    requestHashes: records.filter((r) => hasRequestHash(r) && "feasibility" in r).length,
    withoutFeasibility: records.filter((r) => hasRequestHash(r) && !("feasibility" in r)).length,
    toolpathsHashes: records.filter((r) => typeof r.toolpaths_hash === "string").length,
  };
}

async function assertStoreHashes(path: string): Promise<void> {
  const expected = expectedCounts(path);
  assert.ok(expected.requestHashes > 0 && expected.toolpathsHashes > 0);
  for (const numbers of ["as-written", "python"] as const) {
    const report = await checkStoreHashes(path, { numbers });
    assert.deepEqual(report, { ...expected, mismatches: [] }, `numbers: ${numbers}`);
  }
}

/** Python's own v1 hashes of every record's feasibility and toolpaths must be the stored ones. */
function assertPythonAgrees(path: string): void {
  const program = `
import hashlib, json, sys
def h(o):
    return hashlib.sha256(json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")).hexdigest()
for k, r in json.load(open(sys.stdin.read(), encoding="utf-8")).items():
    t = r["outputs"]["toolpaths"]
    print(json.dumps([k, r["request_hash"], h(r["feasibility"]) if "feasibility" in r else None, r["toolpaths_hash"], None if t is None else h(t)]))
`;
  const rows = runPython(program, path).map((l) => JSON.parse(l) as (string | null)[]);
  const runs = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  assert.equal(rows.length, Object.keys(runs).length);
  let compared = 0;
  for (const [key, stored, python, storedToolpaths, pythonToolpaths] of rows) {
    if (stored !== null && python !== null) {
      assert.equal(stored, python, `${key}: request_hash`);
      compared++;
    }
    assert.equal(storedToolpaths, pythonToolpaths, `${key}: toolpaths_hash`);
  }
  assert.ok(compared > 0);
}

describe("v1 hashes of v1 stores", TIMEOUT, () => {
  it("the sample store: every request_hash and toolpaths_hash matches", async () => {
    await assertStoreHashes(SAMPLE_RUNS);
  });

  it("a plain sorted JSON.stringify would NOT match (1.0 vs 1): the emulation matters", async () => {
    const sortKeys = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(sortKeys);
      if (v === null || typeof v !== "object") return v;
      const entries = Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return Object.fromEntries(entries.map(([k, x]) => [k, sortKeys(x)]));
    };
    let differing = 0;
    for await (const entry of readV1Runs(SAMPLE_RUNS)) {
      assert.ok(entry.ok && entry.value instanceof Map);
      const feasibility = entry.value.get("feasibility");
      const requestHash = entry.value.get("request_hash");
      if (feasibility === undefined || typeof requestHash !== "string") continue;
      const naive = JSON.stringify(sortKeys(toPlainJson(feasibility)));
      if (createHash("sha256").update(naive).digest("hex") !== requestHash) differing++;
    }
    assert.ok(differing > 0);
  });

  describe("stores made by the project's generator", () => {
    const seeds = [11, 12, 13];
    let dir = "";
    const store = (seed: number) => join(dir, `seed-${seed}`, "runs.json");
    before(() => {
      dir = makeTempDir();
      for (const seed of seeds) generateStore(join(dir, `seed-${seed}`), 300, seed);
    });
    after(() => removeDir(dir));
    for (const seed of seeds) {
      it(`seed ${seed}, 300 records: every stored hash matches`, async () => {
        await assertStoreHashes(store(seed));
      });
    }
    it("Python computes the same hashes, for the sample and for generated stores", NEEDS_PYTHON, () => {
      assertPythonAgrees(SAMPLE_RUNS);
      for (const seed of seeds) assertPythonAgrees(store(seed));
    });
  });
});

/** For each JSON line: v1 hash (or ERROR), Python's own JSON text, and the dumps text. */
const PYTHON_DUMPS = `
import hashlib, json, sys
for line in sys.stdin.buffer.read().decode("utf-8").split("\\n")[:-1]:
    obj = json.loads(line)
    s = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        h = hashlib.sha256(s.encode("utf-8")).hexdigest()
    except UnicodeEncodeError:
        h = "ERROR"
    print(h + "\\t" + json.dumps(obj) + "\\t" + json.dumps(s))
`;

const ALL_LOW_CHARS = Array.from({ length: 0xa0 }, (_, c) => String.fromCharCode(c)).join("");

const HANDMADE: unknown[] = [
  { "\uff61": 1, "😀": 2, a: 3, "": 4, "\ue000": 5, "\ud7ff": 6, aa: 7, b: 8, "𝄞": 9 },
  { s: `${ALL_LOW_CHARS}\u2028\u2029\ufeff/😀é—` },
  [1.0, 1e-7, 1e21, 1e16, 1e15, 0.0001, 0.00001, -0, 5e-324, 1.7976931348623157e308, 2 ** 53 + 2],
  { nested: { z: [true, false, null], y: { é: "e", e: "é" } } },
];

/** JSON lines that JSON.stringify cannot produce. */
const HANDMADE_LINES = [
  '{"lone": "a\\ud800b"}',
  '{"\\udc00": 1}',
  '{"pair": "\\ud83d\\ude00", "big": 123456789012345678901234567890, "f": 1.50, "e": 1E5}',
  '{"n": [NaN, Infinity, -Infinity, -0, -0.0, 0e0, 1e400]}',
];

describe("Python is the oracle", NEEDS_PYTHON, () => {
  it("pythonJsonDumps and v1Sha256 equal Python's for random and edge-case values", () => {
    const randomValues = fc.sample(fc.jsonValue({ stringUnit: "binary" }), { numRuns: 400, seed: 42 });
    const asciiValues = fc.sample(fc.jsonValue(), { numRuns: 200, seed: 7 });
    const lines = [...[...HANDMADE, ...randomValues, ...asciiValues].map((v) => JSON.stringify(v)), ...HANDMADE_LINES];
    const results = runPython(PYTHON_DUMPS, `${lines.join("\n")}\n`);
    assert.equal(results.length, lines.length);
    let errors = 0;
    lines.forEach((line, i) => {
      const [hash, pythonText, dumped] = (results[i] as string).split("\t") as [string, string, string];
      // JSON text as JS wrote it: numbers must be normalised the Python way.
      const value = parseV1Json(Buffer.from(line));
      assert.equal(pythonJsonDumps(value, { numbers: "python" }), JSON.parse(dumped), line);
      // JSON text as Python wrote it: numbers as written are already Python's.
      const fromPython = parseV1Json(Buffer.from(pythonText));
      assert.equal(pythonJsonDumps(fromPython), JSON.parse(dumped), pythonText);
      if (hash === "ERROR") {
        errors++;
        assert.throws(() => v1Sha256(fromPython), V1HashError);
      } else {
        assert.equal(v1Sha256(fromPython), hash, pythonText);
        assert.equal(v1Sha256(value, { numbers: "python" }), hash, line);
      }
    });
    assert.equal(errors, 2, "the two lone-surrogate lines have no v1 hash");
  });

  it("pythonFloatRepr equals Python's repr(float) for random and edge-case doubles", () => {
    const doubles = fc.sample(fc.double({ noNaN: true, noDefaultInfinity: true }), { numRuns: 3000, seed: 3 });
    const edges = [1e16, 1e15, 9999999999999998, 1e-4, 1e-5, 9.999e-5, 5e-324, 1.7976931348623157e308, 0.1, 100];
    const all = [...edges, ...edges.map((x) => -x), ...doubles, 0, -0];
    const program = "import sys\nfor t in sys.stdin.read().split():\n    print(repr(float(t)))";
    const reprs = runPython(program, all.map((x) => (Object.is(x, -0) ? "-0.0" : String(x))).join("\n"));
    assert.deepEqual(
      all.map((x) => pythonFloatRepr(x)),
      reprs,
    );
  });

  it("pythonNumberText equals json.dumps(json.loads(text)) for odd number texts", () => {
    const texts = ["1E5", "1e5", "-0", "-0.0", "0e0", "1.50", "1e400", "-1e400", "2.5E-3", "1e-7"];
    texts.push("12345678901234567890123", "1.0", "100", "1e16", "123.456e2", "NaN", "-Infinity");
    const program = "import json, sys\nfor t in sys.stdin.read().split():\n    print(json.dumps(json.loads(t)))";
    assert.deepEqual(texts.map(pythonNumberText), runPython(program, texts.join("\n")));
  });
});

describe("pythonJsonDumps details", () => {
  it("sorts keys by code point, not by UTF-16 code unit", () => {
    const keys = ["😀", "\uff61", "b", "", "\ue000", "aa", "a", "\ud7ff"];
    assert.deepEqual([...keys].sort(comparePythonStr), ["", "a", "aa", "b", "\ud7ff", "\ue000", "\uff61", "😀"]);
    assert.deepEqual([...keys].sort().slice(-3), ["😀", "\ue000", "\uff61"], "JS order differs");
    const value = new Map<string, V1Value>(keys.map((k, i) => [k, new RawNumber(String(i))]));
    assert.equal(pythonJsonDumps(value), '{"":3,"a":6,"aa":5,"b":2,"\ud7ff":7,"\ue000":4,"\uff61":1,"😀":0}');
  });

  it("orders lone surrogates as code points too", () => {
    assert.ok(comparePythonStr("\ud800", "\ue000") < 0);
    assert.ok(comparePythonStr("\ud83d\ude00", "\ud83d\ue000") > 0);
    assert.ok(comparePythonStr("x\ud83dA", "x\ud83d\ude00") < 0);
    assert.equal(comparePythonStr("é😀", "é😀"), 0);
  });

  it("escapes like Python with ensure_ascii=False", () => {
    const s = '"\\/\n\r\t\b\f\u0000\u001f\u007f é—😀\u2028';
    assert.equal(pythonJsonDumps(s), '"\\"\\\\/\\n\\r\\t\\b\\f\\u0000\\u001f\u007f é—😀\u2028"');
  });

  it("writes the compact form with numbers as written", () => {
    const value = parseV1Json(Buffer.from('{"b": [1.0, 2, {"d": null, "c": true}], "a": "x"}'));
    assert.equal(pythonJsonDumps(value), '{"a":"x","b":[1.0,2,{"c":true,"d":null}]}');
    assert.equal(
      v1Sha256(value),
      createHash("sha256").update('{"a":"x","b":[1.0,2,{"c":true,"d":null}]}').digest("hex"),
    );
  });

  it("emits lone surrogates raw but refuses to hash them", () => {
    const value = parseV1Json(Buffer.from('["\\ud800"]'));
    assert.equal(pythonJsonDumps(value), '["\ud800"]');
    assert.throws(() => v1Sha256(value), V1HashError);
  });
});
