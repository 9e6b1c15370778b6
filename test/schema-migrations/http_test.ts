/**
 * HTTP tests of the schema-migrations plugin in a kernel with the demo migrations:
 * GET /schemas/versions over a store of mixed versions, the lazy upcast on
 * GET /runs/{id}, POST /schemas/migrate (dry run, materialise, re-run, another target,
 * one run, failures with reasons) with every file under the data directory hashed
 * before and after, and bad input answered 4xx with nothing changed.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CURRENT_SCHEMA_VERSION, RunArtifactSchema } from "../../src/contracts/artifact.js";
import { RUN_STORE, type RunStore, type StoredArtifact } from "../../src/contracts/ports/run_store.js";
import { jsonBody, sampleRunRequest, startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";
import { currentExample, legacyExample } from "./demo_migrations.js";
import { DEMO_PLUGINS } from "./harness.js";

const LEGACY_ID = "run_01JN00000000000000000000A1";
const NEWER_ID = "run_01JN00000000000000000000B1";

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every file under `<data>/runs`, relative path → sha256 of its bytes. */
function runFiles(dataDir: string): Map<string, string> {
  const out = new Map<string, string>();
  const root = path.join(dataDir, "runs");
  for (const partition of fs.readdirSync(root).sort()) {
    for (const name of fs.readdirSync(path.join(root, partition)).sort()) {
      out.set(`${partition}/${name}`, sha256(fs.readFileSync(path.join(root, partition, name))));
    }
  }
  return out;
}

function fileOf(dataDir: string, runId: string, suffix = ""): string {
  const root = path.join(dataDir, "runs");
  for (const partition of fs.readdirSync(root)) {
    const candidate = path.join(root, partition, `${runId}${suffix}.json`);
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`no file for ${runId}${suffix}`);
}

const migrate = (t: TestKernel, body: unknown) => t.request("schemas/migrate", jsonBody(body));

/** A kernel with two runs created through the API, one 0.9.0 and one 2.1.0 run written with the store. */
async function mixedStore(): Promise<{ t: TestKernel; store: RunStore; created: string[] }> {
  const t = await startTestKernel({ plugins: DEMO_PLUGINS });
  const created: string[] = [];
  for (const mode of ["rosette", "inlay"]) {
    const response = await t.request("runs", jsonBody(sampleRunRequest({ mode })));
    assert.equal(response.status, 201);
    created.push(((await response.json()) as StoredArtifact).run_id);
  }
  const store = t.kernel.resolve(RUN_STORE);
  await store.create(legacyExample(LEGACY_ID));
  await store.create({ ...currentExample(NEWER_ID), schema_version: "2.1.0", labels: ["mode:rosette"] });
  return { t, store, created };
}

describe("GET /schemas/versions", () => {
  test("answers the current version, the known versions and the distribution of stored versions", async () => {
    const { t } = await mixedStore();
    try {
      const response = await t.request("schemas/versions");
      assert.equal(response.status, 200);
      const body = (await response.json()) as Record<string, unknown>;
      assert.equal(body.current, CURRENT_SCHEMA_VERSION);
      assert.deepEqual(body.known, ["0.9.0", "2.0.0", "2.1.0", "2.2.0"]);
      assert.deepEqual(body.distribution, { "0.9.0": 1, "2.0.0": 2, "2.1.0": 1 });
      assert.equal((body.migrations as unknown[]).length, 4);
    } finally {
      await t.close();
    }
  });

  test("an empty store has an empty distribution", async () => {
    const t = await startTestKernel({ plugins: DEMO_PLUGINS });
    try {
      const body = (await (await t.request("schemas/versions")).json()) as Record<string, unknown>;
      assert.deepEqual(body.distribution, {});
    } finally {
      await t.close();
    }
  });
});

describe("lazy migration on read", () => {
  test("an artifact stored in 0.9.0 is answered in the current version; its file is untouched", async () => {
    const { t } = await mixedStore();
    try {
      const file = fileOf(t.dataDir, LEGACY_ID);
      const before = sha256(fs.readFileSync(file));
      const response = await t.request(`runs/${LEGACY_ID}`);
      assert.equal(response.status, 200);
      const bytes = Buffer.from(await response.arrayBuffer());
      const body = JSON.parse(bytes.toString("utf8")) as Record<string, unknown>;
      assert.equal(body.schema_version, CURRENT_SCHEMA_VERSION);
      assert.equal(body.run_id, LEGACY_ID);
      assert.equal(body.tool_id, "tool_vbit_60");
      assert.equal("tool" in body, false);
      assert.ok(RunArtifactSchema.safeParse(body).success, "a valid current artifact");
      const etag = response.headers.get("etag");
      assert.equal(etag, `"${sha256(bytes)}"`);
      const again = await t.request(`runs/${LEGACY_ID}`);
      assert.equal(again.headers.get("etag"), etag, "the ETag is stable");
      assert.equal(
        (await t.request(`runs/${LEGACY_ID}`, { headers: { "if-none-match": etag as string } })).status,
        304,
      );
      const verify = (await (await t.request(`runs/${LEGACY_ID}/verify`)).json()) as {
        ok: boolean;
        checks: Array<{ name: string; detail: string }>;
      };
      assert.equal(verify.ok, true, JSON.stringify(verify.checks));
      assert.match(verify.checks.find((c) => c.name === "schema")?.detail ?? "", /stored as 0\.9\.0/);
      assert.equal(sha256(fs.readFileSync(file)), before, "the stored bytes did not change");
    } finally {
      await t.close();
    }
  });

  test("an artifact whose version has no path to the current one is a 500 naming both versions", async () => {
    const { t } = await mixedStore();
    try {
      const response = await t.request(`runs/${NEWER_ID}`);
      assert.equal(response.status, 500);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      const problem = (await response.json()) as { type: string; detail: string };
      assert.equal(problem.type, "urn:rmos:problem:schema-upcast-failed");
      assert.match(
        problem.detail,
        /stored in schema version 2\.1\.0.*no migration path from schema version 2\.1\.0 to 2\.0\.0/,
      );
    } finally {
      await t.close();
    }
  });
});

describe("POST /schemas/migrate", () => {
  let t: TestKernel;
  let created: string[];
  before(async () => {
    ({ t, created } = await mixedStore());
  });
  after(() => t.close());

  test("a dry run writes nothing and reports what it would do, with failures and their reasons", async () => {
    const files = runFiles(t.dataDir);
    const response = await migrate(t, { dry_run: true });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), {
      dry_run: true,
      target_version: "2.0.0",
      total: 4,
      migrated: 0,
      would_migrate: 1,
      already_current: 2,
      already_migrated: 0,
      failed: [{ run_id: NEWER_ID, error: "no migration path from schema version 2.1.0 to 2.0.0 is registered" }],
    });
    assert.deepEqual(runFiles(t.dataDir), files, "not a file added or changed");
  });

  test("materialising writes a record beside the original, whose bytes never change", async () => {
    const original = fileOf(t.dataDir, LEGACY_ID);
    const originalBytes = fs.readFileSync(original);
    const files = runFiles(t.dataDir);
    const report = (await (await migrate(t, {})).json()) as Record<string, unknown>;
    assert.equal(report.migrated, 1);
    assert.equal(report.already_current, 2);
    assert.equal((report.failed as unknown[]).length, 1);
    assert.ok(fs.readFileSync(original).equals(originalBytes), "the original file's bytes are unchanged");
    const now = runFiles(t.dataDir);
    for (const [name, hash] of files) assert.equal(now.get(name), hash, `${name} unchanged`);
    const recordFile = fileOf(t.dataDir, LEGACY_ID, "_schema_2.0.0");
    assert.deepEqual(
      [...now.keys()].filter((k) => !files.has(k)),
      [path.relative(path.join(t.dataDir, "runs"), recordFile)],
    );
    assert.equal(fs.statSync(recordFile).mode & 0o222, 0, "the record is read-only");

    const record = JSON.parse(fs.readFileSync(recordFile, "utf8")) as Record<string, unknown>;
    assert.ok(RunArtifactSchema.safeParse(record).success, "the record is a valid current artifact");
    const [entry, ...more] = record.migration_history as Array<Record<string, unknown>>;
    assert.equal(more.length, 0);
    assert.equal(entry?.from_version, "0.9.0");
    assert.equal(entry?.to_version, "2.0.0");
    assert.equal(entry?.checksum_before, sha256(originalBytes), "checksum_before is the original file's sha256");
    const lazy = await t.request(`runs/${LEGACY_ID}`);
    assert.equal(lazy.headers.get("etag"), `"${entry?.checksum_after}"`, "checksum_after is the lazy read's ETag");
    const { migration_history: _h, ...content } = record;
    assert.deepEqual(content, await lazy.json(), "the record is the lazy read plus its history");
    assert.ok(((entry?.changes ?? []) as string[]).includes("remove /tool"));
  });

  test("a re-run changes nothing", async () => {
    const files = runFiles(t.dataDir);
    const report = (await (await migrate(t, {})).json()) as Record<string, unknown>;
    assert.equal(report.migrated, 0);
    assert.equal(report.already_migrated, 1);
    assert.equal(report.already_current, 2);
    assert.deepEqual(runFiles(t.dataDir), files);
  });

  test("another target: every run reaches it by its shortest path, one record each", async () => {
    const files = runFiles(t.dataDir);
    const report = (await (await migrate(t, { target_version: "2.2.0" })).json()) as Record<string, unknown>;
    assert.equal(report.migrated, 4, JSON.stringify(report.failed));
    assert.equal(report.target_version, "2.2.0");
    const now = runFiles(t.dataDir);
    for (const [name, hash] of files) assert.equal(now.get(name), hash, `${name} unchanged`);
    assert.equal(now.size, files.size + 4);
    const legacy = JSON.parse(fs.readFileSync(fileOf(t.dataDir, LEGACY_ID, "_schema_2.2.0"), "utf8"));
    assert.deepEqual(
      legacy.migration_history.map((e: Record<string, string>) => `${e.from_version}>${e.to_version}`),
      ["0.9.0>2.0.0", "2.0.0>2.2.0"],
    );
    assert.deepEqual(legacy.tags, ["mode:rosette"]);
    const created0 = JSON.parse(fs.readFileSync(fileOf(t.dataDir, created[0] as string, "_schema_2.2.0"), "utf8"));
    assert.equal(created0.migration_history.length, 1, "2.0.0 takes the direct step");
  });

  test("one run with run_id; an unknown run is a 404 and changes nothing", async () => {
    const files = runFiles(t.dataDir);
    const one = (await (
      await migrate(t, { run_id: created[1], target_version: "2.1.0", dry_run: true })
    ).json()) as Record<string, unknown>;
    assert.equal(one.total, 1);
    assert.equal(one.would_migrate, 1);
    const missing = await migrate(t, { run_id: "run_01JN00000000000000000000ZZ" });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("content-type"), "application/problem+json");
    assert.deepEqual(runFiles(t.dataDir), files);
  });

  test("bad input is a 4xx problem and changes nothing", async () => {
    const files = runFiles(t.dataDir);
    const cases: Array<[string, RequestInit, number, RegExp]> = [
      ["unknown field", jsonBody({ target: "2.0.0" }), 400, /unknown field/],
      ["malformed version", jsonBody({ target_version: "../../etc" }), 400, /schema version/],
      ["wrong type", jsonBody({ dry_run: "yes" }), 400, /dry_run/],
      ["malformed run id", jsonBody({ run_id: "run_../x" }), 400, /run_id/],
      ["not an object", jsonBody([1]), 400, /./],
      ["malformed JSON", { method: "POST", headers: { "content-type": "application/json" }, body: "{" }, 400, /./],
      ["unknown version", jsonBody({ target_version: "9.9.9" }), 422, /9\.9\.9 is not a known schema version/],
    ];
    for (const [what, init, status, detail] of cases) {
      const response = await t.request("schemas/migrate", init);
      assert.equal(response.status, status, what);
      assert.equal(response.headers.get("content-type"), "application/problem+json", what);
      assert.match(JSON.stringify(await response.json()), detail, what);
    }
    assert.deepEqual(runFiles(t.dataDir), files);
  });

  test("an empty body means the defaults", async () => {
    const response = await t.request("schemas/migrate", { method: "POST" });
    assert.equal(response.status, 200);
    const report = (await response.json()) as Record<string, unknown>;
    assert.equal(report.target_version, "2.0.0");
    assert.equal(report.already_migrated, 1);
  });
});

describe("POST /schemas/migrate: unreadable runs", () => {
  test("a run whose file was damaged is listed in failed[] with its reason; the others go on", async () => {
    const { t } = await mixedStore();
    try {
      const file = fileOf(t.dataDir, LEGACY_ID);
      fs.chmodSync(file, 0o644);
      fs.appendFileSync(file, " ");
      const report = (await (await migrate(t, {})).json()) as {
        failed: Array<{ run_id: string; error: string }>;
        already_current: number;
      };
      assert.equal(report.already_current, 2);
      const failure = report.failed.find((f) => f.run_id === LEGACY_ID);
      assert.match(failure?.error ?? "", /cannot be read: .*bytes changed since written/);
      assert.throws(() => fileOf(t.dataDir, LEGACY_ID, "_schema_2.0.0"), "no record for a damaged original");
    } finally {
      await t.close();
    }
  });
});
