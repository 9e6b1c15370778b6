/**
 * The project's generator of legacy (v1) stores, for the v1-compat tests, the committed
 * sample (test/fixtures/v1/sample) and the import benchmark. A v1 store is what the old
 * Python service left behind: one `runs.json` — an object mapping each run_id to its
 * record, written by Python's `json.dump(indent=2, ensure_ascii=False)` — and the
 * attachment blobs, content-addressed under `attachments/<sha256[:2]>/<sha256>`. Records
 * carry the v1 hashes as v1 computed them (SHA-256 of Python's sorted, compact,
 * non-ASCII-keeping `json.dumps`, emulated by `python_json.ts`; G-code as its UTF-8
 * bytes), numbers as Python wrote them (`1.0`, not `1`), and text in several scripts.
 * Unless `dirty` is off, records also hold what real v1 files hold: naive datetimes, a
 * missing or null risk_level, a null request_hash, a lower-case status, a run_id that
 * disagrees with its key, a record without feasibility, an attachment whose blob is
 * lost, and feasibility keys whose Python order differs from JavaScript's (astral
 * characters against U+E000..U+FFFF). The frequent kinds are drawn at random (5, 5, 3,
 * 4 and 2 % of the records); in a store of 20 records or more every kind is also placed
 * on a fixed record, so that each one is always there. The same count, seed and
 * dirtiness give the same bytes; the report names, for each kind, the records that
 * carry it, so that tests derive their expectations from it instead of guessing.
 */

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pythonFloatRepr, pythonJsonString, v1Sha256 } from "../python_json.js";
import { RawNumber, type V1Value } from "../v1_value.js";
import { pythonJsonIndented } from "./python_json_file.js";
import { SeededRandom } from "./seeded_random.js";

/** The kinds of dirt a generated store holds, each named in the report. */
export const V1_DIRTY_CASES = [
  /** `created_at_utc` without an offset (Python `isoformat()` of a naive datetime). */
  "naive_created_at",
  /** `decision` without `risk_level`. */
  "risk_level_missing",
  /** `decision.risk_level` null. */
  "risk_level_null",
  /** `request_hash` null: the importer must derive it, and say so. */
  "request_hash_null",
  /** `status` in lower case (`ok`, `blocked`, `error`). */
  "status_lower_case",
  /** The record's `run_id` is not the key it is filed under. */
  "run_id_disagrees_with_key",
  /** The record has no `feasibility`: it cannot be migrated and must be kept aside. */
  "feasibility_missing",
  /** The record's attachment names a blob the store does not hold. */
  "attachment_blob_lost",
  /** `feasibility` holds keys that Python sorts differently from JavaScript. */
  "astral_keys",
  /** `feasibility` holds a float written with a zero fraction (`1.0`), which RFC 8785 writes `1`. */
  "float_zero_fraction",
] as const;

/** One kind of dirt (see {@link V1_DIRTY_CASES}). */
export type V1DirtyCase = (typeof V1_DIRTY_CASES)[number];

/** What to generate. */
export interface V1StoreOptions {
  /** Number of records (a non-negative integer). */
  readonly count: number;
  /** The seed (a non-negative safe integer): the same seed gives the same store. */
  readonly seed: number;
  /** Write dirty records (default true). */
  readonly dirty?: boolean;
}

/** What was generated. */
export interface V1StoreReport {
  /** The store's folder. */
  readonly dir: string;
  /** Its runs.json. */
  readonly runsJson: string;
  readonly count: number;
  readonly seed: number;
  readonly dirty: boolean;
  /** Blob files written under attachments/. */
  readonly blobs: number;
  /** For each kind of dirt, the runs.json keys of the records carrying it, in file order. */
  readonly cases: { readonly [C in V1DirtyCase]: readonly string[] };
}

const MODES = ["rosette", "toolpath", "feasibility", "inlay", "binding_channel"];
const TOOLS = ["tool_vbit_60", "tool_endmill_3mm", "tool_ballnose_1mm", "tool_vbit_90", "tool_downcut_1_5mm"];
const MATERIALS = ["maple", "rosewood", "spruce", "ebony", "mahogany"];
const RISKS = ["GREEN", "GREEN", "GREEN", "YELLOW", "YELLOW", "RED"];
const NOTES = ["", "thin binding wall", "figured grain — watch tear-out", "épaisseur ok"];
const OPERATORS = ["ana", "bo", "chen", "dara"];
/** The first instant of a generated store; records spread over the 47 days after it. */
const START_MS = Date.UTC(2025, 10, 1);
const SPREAD_SECONDS = 47 * 86_400;

/** The cumulative probabilities of the frequent kinds of dirt, drawn once per record. */
const DRAWN: ReadonlyArray<readonly [number, V1DirtyCase]> = [
  [0.05, "naive_created_at"],
  [0.1, "risk_level_missing"],
  [0.13, "risk_level_null"],
  [0.17, "request_hash_null"],
  [0.19, "status_lower_case"],
];

/** In a store of at least {@link FIXED_FROM} records, each kind of dirt is also on a fixed record. */
const FIXED_FROM = 20;
const FIXED_DISAGREEING = 3;
const FIXED_NO_FEASIBILITY = 5;
const FIXED_ASTRAL = 7;
const FIXED_DRAWN: ReadonlyMap<number, V1DirtyCase> = new Map([
  [9, "naive_created_at"],
  [10, "risk_level_missing"],
  [11, "risk_level_null"],
  [12, "request_hash_null"],
  [13, "status_lower_case"],
]);
/** The lost blob is the first attachment of a record from this index on. */
const LOST_BLOB_FROM = 14;

type Obj = Map<string, V1Value>;

/** A Python float, written as Python's `repr` writes it. */
function float(x: number): RawNumber {
  return new RawNumber(pythonFloatRepr(x));
}

/** A Python int. */
function int(n: number): RawNumber {
  return new RawNumber(String(n));
}

/** Python's `round(x, digits)` for the positive values drawn here. */
function round(x: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(x * scale) / scale;
}

/** Python's `datetime.isoformat()`: microseconds only when non-zero; `+00:00` when aware. */
function isoformat(seconds: number, micros: number, aware: boolean): string {
  const base = new Date(START_MS + seconds * 1000).toISOString().slice(0, 19);
  const fraction = micros === 0 ? "" : `.${String(micros).padStart(6, "0")}`;
  return `${base}${fraction}${aware ? "+00:00" : ""}`;
}

function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A G-code program of `lines` moves, as v1's toolpath generator wrote them. */
function gcode(rng: SeededRandom, lines: number): string {
  const out = ["G21", "G90", "M3 S18000"];
  for (let i = 0; i < lines; i++) {
    const x = rng.uniform(0, 200).toFixed(3);
    const y = rng.uniform(0, 200).toFixed(3);
    const z = rng.uniform(-3, 1).toFixed(3);
    out.push(`G1 X${x} Y${y} Z${z} F${rng.choice([600, 800, 1200])}`);
  }
  out.push("M5", "M30");
  return `${out.join("\n")}\n`;
}

/** True when a v1 value holds a float written with a zero fraction (`1.0`). */
function hasZeroFractionFloat(value: V1Value): boolean {
  if (value instanceof RawNumber) return /^-?\d+\.0$/.test(value.text);
  if (Array.isArray(value)) return value.some(hasZeroFractionFloat);
  if (value instanceof Map) return [...value.values()].some(hasZeroFractionFloat);
  return false;
}

/** Writes runs.json in pieces, so that a store of any size never sits whole in memory. */
class RunsJsonWriter {
  readonly #fd: number;
  #pending: string[] = [];
  #pendingLength = 0;
  #records = 0;

  constructor(file: string) {
    this.#fd = fs.openSync(file, "w");
  }

  add(key: string, record: Obj): void {
    const head = this.#records === 0 ? "{\n  " : ",\n  ";
    this.#records++;
    this.#push(`${head}${pythonJsonString(key)}: ${pythonJsonIndented(record, 2, 1)}`);
  }

  close(): void {
    try {
      this.#push(this.#records === 0 ? "{}" : "\n}");
      this.#flush();
    } finally {
      fs.closeSync(this.#fd);
    }
  }

  #push(text: string): void {
    this.#pending.push(text);
    this.#pendingLength += text.length;
    if (this.#pendingLength > 1 << 20) this.#flush();
  }

  #flush(): void {
    fs.writeSync(this.#fd, this.#pending.join(""));
    this.#pending = [];
    this.#pendingLength = 0;
  }
}

/**
 * Writes a v1 store of `options.count` records into `outDir` (created if needed; an
 * existing runs.json is replaced) and reports which records carry which dirt.
 */
export function generateV1Store(outDir: string, options: V1StoreOptions): V1StoreReport {
  const { count, seed } = options;
  const dirty = options.dirty ?? true;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer: ${count}`);
  const rng = new SeededRandom(seed);
  const fixed = dirty && count >= FIXED_FROM;
  const cases = Object.fromEntries(V1_DIRTY_CASES.map((c) => [c, [] as string[]])) as Record<V1DirtyCase, string[]>;
  const attachmentsDir = path.join(outDir, "attachments");
  fs.mkdirSync(attachmentsDir, { recursive: true });
  const madeDirs = new Set<string>();
  const lostShas = new Set<string>();
  const usedIds = new Set<string>();
  const freshId = (): string => {
    for (;;) {
      const id = `run_${rng.hex48()}`;
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };
  let blobs = 0;
  const runsJson = path.join(outDir, "runs.json");
  const writer = new RunsJsonWriter(runsJson);
  try {
    for (let i = 0; i < count; i++) {
      const runId = freshId();
      const seconds = rng.int(0, SPREAD_SECONDS);
      const micros = rng.int(0, 999_999);
      let risk = rng.choice(RISKS);
      const status = risk === "RED" ? "BLOCKED" : rng.random() < 0.03 ? "ERROR" : "OK";
      if (status === "ERROR") risk = "ERROR";
      const material = rng.choice(MATERIALS);
      const feasibility: Obj = new Map<string, V1Value>([
        ["material", material],
        ["depth_mm", float(round(rng.uniform(0.2, 6.0), 2))],
        ["stepover", float(rng.choice([0.1, 0.25, 0.4, 1.0]))],
        ["spindle_rpm", int(rng.choice([12000, 16000, 18000, 24000]))],
        [
          "checks",
          [
            new Map<string, V1Value>([
              ["name", "chipload"],
              ["ok", risk !== "RED"],
              ["value", float(round(rng.uniform(0.005, 0.08), 4))],
            ]),
            new Map<string, V1Value>([
              ["name", "deflection"],
              ["ok", true],
              ["value", float(round(rng.uniform(0, 0.05), 4))],
            ]),
          ],
        ],
        ["note", rng.choice(NOTES)],
      ]);
      const toolId = rng.choice(TOOLS);
      const requestSummary: Obj = new Map<string, V1Value>([
        ["design_id", `design_${String(rng.int(1, 500)).padStart(4, "0")}`],
        ["tool_id", toolId],
        ["material", material],
        [
          "params",
          new Map<string, V1Value>([
            ["ring_count", int(rng.int(1, 7))],
            ["width_mm", float(round(rng.uniform(1, 8), 1))],
          ]),
        ],
      ]);
      const ok = status === "OK";
      const program = ok ? gcode(rng, rng.int(5, 40)) : null;
      const toolpaths: Obj | null = ok
        ? new Map<string, V1Value>([
            ["segments", int(rng.int(10, 900))],
            ["length_mm", float(round(rng.uniform(100, 9000), 1))],
          ])
        : null;

      const drawn = dirty ? rng.random() : 1;
      let dirt = DRAWN.find(([limit]) => drawn < limit)?.[1];
      if (fixed) dirt = FIXED_DRAWN.get(i) ?? dirt;
      if (fixed && i === FIXED_ASTRAL) {
        // Python orders U+FF4D before U+1FAB5; JavaScript's UTF-16 order is the reverse.
        feasibility.set("stepover", float(1.0));
        feasibility.set(
          "labels",
          new Map<string, V1Value>([
            ["🪵 grain", "figured"],
            ["ｍｍ", "full-width unit"],
            ["zone", "rosette ring 3"],
          ]),
        );
        cases.astral_keys.push(runId);
      }

      const createdAware = isoformat(seconds, micros, true);
      const attachments: V1Value[] = [];
      if (program !== null) {
        const blob = Buffer.from(program, "utf8");
        const sha = sha256Hex(blob);
        const lose = fixed && i >= LOST_BLOB_FROM && cases.attachment_blob_lost.length === 0;
        if (lose || lostShas.has(sha)) {
          lostShas.add(sha);
          cases.attachment_blob_lost.push(runId);
        } else {
          const dir = path.join(attachmentsDir, sha.slice(0, 2));
          if (!madeDirs.has(dir)) {
            fs.mkdirSync(dir, { recursive: true });
            madeDirs.add(dir);
          }
          fs.writeFileSync(path.join(dir, sha), blob);
          blobs++;
        }
        attachments.push(
          new Map<string, V1Value>([
            ["sha256", sha],
            ["kind", "gcode"],
            ["mime", "text/x-gcode"],
            ["filename", `${runId}.nc`],
            ["size_bytes", int(blob.length)],
            ["created_at_utc", createdAware],
          ]),
        );
      }
      const decision: Obj = new Map<string, V1Value>([
        ["risk_level", risk],
        ["score", float(round(rng.uniform(0, 1), 3))],
        ["block_reason", risk === "RED" ? "chipload out of range" : null],
        ["warnings", risk === "YELLOW" ? ["tear-out risk"] : []],
        ["details", new Map()],
      ]);
      const record: Obj = new Map<string, V1Value>([
        ["run_id", runId],
        ["created_at_utc", createdAware],
        ["mode", rng.choice(MODES)],
        ["tool_id", toolId],
        ["status", status],
        ["request_summary", requestSummary],
        ["feasibility", feasibility],
        ["decision", decision],
        ["request_hash", v1Sha256(feasibility)],
        ["toolpaths_hash", toolpaths === null ? null : v1Sha256(toolpaths)],
        ["gcode_hash", program === null ? null : sha256Hex(Buffer.from(program, "utf8"))],
        [
          "outputs",
          new Map<string, V1Value>([
            ["gcode_text", program],
            ["toolpaths", toolpaths],
            ["opplan_json", null],
          ]),
        ],
        ["attachments", attachments],
        [
          "meta",
          new Map<string, V1Value>([
            ["operator", rng.choice(OPERATORS)],
            ["patched", rng.random() < 0.1],
          ]),
        ],
      ]);

      if (dirt === "naive_created_at") record.set("created_at_utc", isoformat(seconds, micros, false));
      else if (dirt === "risk_level_missing") decision.delete("risk_level");
      else if (dirt === "risk_level_null") decision.set("risk_level", null);
      else if (dirt === "request_hash_null") record.set("request_hash", null);
      else if (dirt === "status_lower_case") record.set("status", status.toLowerCase());
      if (dirt !== undefined) cases[dirt].push(runId);
      if (fixed && i === FIXED_DISAGREEING) {
        record.set("run_id", freshId());
        cases.run_id_disagrees_with_key.push(runId);
      }
      if (fixed && i === FIXED_NO_FEASIBILITY) {
        record.delete("feasibility");
        cases.feasibility_missing.push(runId);
      }
      if (record.has("feasibility") && hasZeroFractionFloat(feasibility)) cases.float_zero_fraction.push(runId);
      writer.add(runId, record);
    }
  } finally {
    writer.close();
  }
  return { dir: outDir, runsJson, count, seed, dirty, blobs, cases: frozenCases(cases) };
}

/** The lists of keys (already in file order), frozen so that no caller changes the report. */
function frozenCases(cases: Record<V1DirtyCase, string[]>): V1StoreReport["cases"] {
  return Object.fromEntries(V1_DIRTY_CASES.map((c) => [c, Object.freeze([...cases[c]])])) as V1StoreReport["cases"];
}
