/**
 * Tests of `rmos diff` through the real CLI entry point (`main`) on a data directory whose
 * runs were created through a test kernel: --json answers what the API answers, the
 * readable summary (header, side-by-side lines, long G-code cut with its length and hash
 * prefix), colour only on a terminal without NO_COLOR and never with --no-color, exit codes
 * for unknown runs, bad ids and --fail-on, --rules and --help.
 */
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { applyPatch } from "../../src/plugins/diff/json_patch.js";
import type { JsonPatchOp } from "../../src/plugins/diff/json_patch.js";
import type { TestKernel } from "../../src/testing/test_kernel.js";
import { jsonBody, sampleRunRequest, startTestKernel } from "../../src/testing/test_kernel.js";

const ESC = "\u001b";
const rank = (severity: string) => ["NONE", "INFO", "WARNING", "CRITICAL"].indexOf(severity);

/** A captured output stream; `tty` makes it look like a terminal of `columns` columns. */
class Capture extends Writable {
  text = "";
  readonly isTTY: boolean;
  readonly columns: number | undefined;
  constructor(tty = false, columns?: number) {
    super();
    this.isTTY = tty;
    this.columns = columns;
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }
}

async function rmos(args: string[], options: { tty?: boolean; columns?: number } = {}) {
  const stdout = new Capture(options.tty, options.columns);
  const stderr = new Capture();
  const code = await main(["diff", ...args], { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const gcode = (feed: number) =>
  `${Array.from({ length: 10_000 }, (_, i) => `G1 X${i} Y${i % 13} F${i === 5000 ? feed : 1200}`).join("\n")}\n`;

describe("rmos diff", () => {
  const saved: Record<string, string | undefined> = {};
  const runs: Record<string, Record<string, unknown>> = {};
  let t: TestKernel;

  before(async () => {
    t = await startTestKernel();
    const create = async (name: string, body: Record<string, unknown>) => {
      const response = await t.request("runs", jsonBody(body));
      assert.equal(response.status, 201);
      runs[name] = (await response.json()) as Record<string, unknown>;
    };
    await create("ok", sampleRunRequest({ outputs: { gcode_text: gcode(1200) } }));
    await create(
      "blocked",
      sampleRunRequest({
        status: "BLOCKED",
        decision: { risk_level: "RED", block_reason: "feed too high at line 5001", warnings: [], details: {} },
        outputs: { gcode_text: gcode(2400) },
      }),
    );
    await create("note", sampleRunRequest({ outputs: { gcode_text: gcode(1200) }, meta: { operator: "bo" } }));
    await t.close({ keepData: true });
    for (const name of ["RMOS_DATA_DIR", "RMOS_DATABASE_URL", "NO_COLOR", "LOG_LEVEL", "RMOS_PLUGINS"]) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    process.env.RMOS_DATA_DIR = t.dataDir;
    process.env.LOG_LEVEL = "silent";
  });

  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    const { rmSync } = await import("node:fs");
    rmSync(t.dataDir, { recursive: true, force: true });
  });

  /** A run created in `before`, as the API answered it. */
  const run = (name: string): Record<string, unknown> => {
    const found = runs[name];
    assert.ok(found, `run ${name} was created`);
    return found;
  };
  const id = (name: string) => run(name).run_id as string;

  test("--json prints the API's body: severity, changes and a patch that turns a into b", async () => {
    const { code, stdout, stderr } = await rmos([id("ok"), id("blocked"), "--json"]);
    assert.equal(code, 0, stderr);
    const body = JSON.parse(stdout) as {
      a: string;
      b: string;
      severity: string;
      changes: Array<{ path: string; severity: string }>;
      patch: JsonPatchOp[];
    };
    assert.equal(body.a, id("ok"));
    assert.equal(body.b, id("blocked"));
    assert.equal(body.severity, "CRITICAL");
    const at = new Map(body.changes.map((c) => [c.path, c.severity]));
    assert.equal(at.get("/status"), "CRITICAL");
    assert.equal(at.get("/outputs/gcode_text"), "WARNING");
    assert.equal(at.get("/hashes/gcode_sha256"), "WARNING");
    assert.deepEqual(applyPatch(run("ok"), body.patch), run("blocked"));
  });

  test("a run with itself: NONE, no changes", async () => {
    const json = await rmos([id("ok"), id("ok"), "--json"]);
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), { a: id("ok"), b: id("ok"), severity: "NONE", changes: [], patch: [] });
    const text = await rmos([id("ok"), id("ok")]);
    assert.match(text.stdout, /severity: NONE: no differences/);
  });

  test("the readable summary: ids, overall severity, one line per change, G-code cut with length and hash", async () => {
    const { code, stdout } = await rmos([id("ok"), id("blocked")]);
    assert.equal(code, 0);
    assert.ok(!stdout.includes(ESC), "no colour when stdout is not a terminal");
    const lines = stdout.split("\n");
    assert.equal(lines[0], `diff ${id("ok")} → ${id("blocked")}`);
    assert.match(stdout, /severity: CRITICAL \(\d+ changes: 3 CRITICAL, 2 WARNING, \d+ INFO\)/);
    assert.match(stdout, /\nCRITICAL\s+\/status\s+"OK"\s+→ "BLOCKED"\n/);
    assert.match(stdout, /\nCRITICAL\s+\/decision\/risk_level\s+"GREEN"\s+→ "RED"\n/);
    const severities = lines.map((l) => /^(CRITICAL|WARNING|INFO) /.exec(l)?.[1]).filter((s) => s !== undefined);
    assert.deepEqual(
      severities,
      [...severities].sort((x, y) => rank(y) - rank(x)),
      "most severe first",
    );
    assert.match(
      stdout,
      new RegExp(
        `\\/hashes\\/gcode_sha256\\s+"${(run("ok").hashes as { gcode_sha256: string }).gcode_sha256.slice(0, 16)}…"`,
      ),
    );
    const hashes = run("ok").hashes as { gcode_sha256: string };
    const after = run("blocked").hashes as { gcode_sha256: string };
    const text = (run("ok").outputs as { gcode_text: string }).gcode_text;
    const gcodeLine = lines.findIndex((l) => /^WARNING\s+\/outputs\/gcode_text/.test(l));
    assert.ok(gcodeLine > 0, stdout);
    const both = `${lines[gcodeLine]}\n${lines[gcodeLine + 1]}`;
    assert.ok(both.includes(`(10000 lines, ${text.length} chars, sha256 ${hashes.gcode_sha256.slice(0, 12)})`), both);
    assert.ok(both.includes(`sha256 ${after.gcode_sha256.slice(0, 12)})`), both);
    assert.ok(stdout.length < 5_000, "the G-code itself is not printed");
  });

  test("colour on a terminal; none with --no-color or NO_COLOR", async () => {
    const coloured = await rmos([id("ok"), id("blocked")], { tty: true, columns: 160 });
    assert.ok(coloured.stdout.includes(`${ESC}[1;31mCRITICAL`), coloured.stdout);
    assert.ok(coloured.stdout.includes(`${ESC}[33mWARNING`));
    assert.ok(coloured.stdout.includes(`${ESC}[2mINFO`));
    const flag = await rmos([id("ok"), id("blocked"), "--no-color"], { tty: true });
    assert.ok(!flag.stdout.includes(ESC));
    process.env.NO_COLOR = "1";
    try {
      const env = await rmos([id("ok"), id("blocked")], { tty: true });
      assert.ok(!env.stdout.includes(ESC));
      assert.match(env.stdout, /CRITICAL/);
    } finally {
      delete process.env.NO_COLOR;
    }
  });

  test("--fail-on: exit 1 when the overall severity reaches it", async () => {
    assert.equal((await rmos([id("ok"), id("blocked"), "--fail-on", "CRITICAL"])).code, 1);
    assert.equal((await rmos([id("ok"), id("note"), "--fail-on", "WARNING"])).code, 0);
    assert.equal((await rmos([id("ok"), id("note"), "--fail-on", "INFO"])).code, 1);
    assert.equal((await rmos([id("ok"), id("ok"), "--fail-on", "INFO"])).code, 0);
    assert.equal((await rmos([id("ok"), id("ok"), "--fail-on", "SEVERE"])).code, 2);
  });

  test("an unknown run: exit 1 with the reason on stderr", async () => {
    const { code, stdout, stderr } = await rmos([id("ok"), "run_0123456789ab"]);
    assert.equal(code, 1);
    assert.equal(stdout, "");
    assert.match(stderr, /rmos diff: run run_0123456789ab does not exist/);
  });

  test("malformed ids and wrong argument counts are usage errors (exit 2), checked before any I/O", async () => {
    for (const args of [
      [id("ok"), "../../etc/passwd"],
      ["run_x", id("ok")],
      [id("ok")],
      [],
      [id("ok"), id("ok"), id("ok")],
    ]) {
      const { code, stderr } = await rmos(args);
      assert.equal(code, 2, args.join(" "));
      assert.match(stderr, /Usage: rmos diff/);
    }
  });

  test("--rules prints the table in force; --help the usage", async () => {
    const json = await rmos(["--rules", "--json"]);
    assert.equal(json.code, 0);
    const table = JSON.parse(json.stdout) as { rules: Array<{ pointer: string; severity: string; source: string }> };
    assert.deepEqual(
      table.rules.map((r) => `${r.pointer} ${r.severity} ${r.source}`),
      [
        "/status CRITICAL spec",
        "/decision/risk_level CRITICAL spec",
        "/decision/block_reason CRITICAL spec",
        "/hashes WARNING spec",
        "/feasibility WARNING spec",
        "/outputs WARNING spec",
        "/tool_id WARNING spec",
      ],
    );
    const text = await rmos(["--rules"]);
    assert.match(text.stdout, /^CRITICAL\s+\/status\s+spec\s+the outcome/m);
    const help = await rmos(["--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: rmos diff <run_a> <run_b>/);
  });
});
