/**
 * Old clients: `GET /v1/runs/{run_id}` answers the legacy shape — an imported run's
 * original record byte for byte, a run created since mapped back (hashes at the top
 * level, null for absent members, Python-style times) — with ETag/304 and deprecation
 * headers, 404 for an unknown run and 400 for a malformed or path-traversing id; and
 * `PATCH /runs/{run_id}/meta` answers 410 Gone with problem+json pointing to advisories
 * (404 unknown run, 400 malformed id), leaving the run untouched.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { SAMPLE_DIR, sampleReport } from "../../src/plugins/v1-compat/v1_test_support.js";
import { jsonBody, sampleRunRequest, tempDir } from "../../src/testing/test_kernel.js";
import { cleanKeys, migrate, rawRecords, recordOf, recordWith, sha256, withKernel, type Json } from "./support.js";

describe("the v1-compat routes", () => {
  const dataDir = tempDir("rmos-v1-http-");
  const sample = sampleReport();
  const zeroFraction = new Set(sample.cases.float_zero_fraction);
  /** A clean record holding a float written like `1.0`. */
  const clean = cleanKeys(sample).find((key) => zeroFraction.has(key)) as string;
  const naive = recordWith(sample, "naive_created_at");
  const disagreeing = recordWith(sample, "run_id_disagrees_with_key");
  const derived = recordWith(sample, "request_hash_null");
  let raws: Map<string, Buffer>;

  before(async () => {
    assert.equal((await migrate(SAMPLE_DIR, dataDir)).code, 0);
    raws = await rawRecords(path.join(SAMPLE_DIR, "runs.json"));
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test("GET /v1/runs/{id} of an imported run answers its original v1 record, byte for byte", async () => {
    await withKernel(dataDir, async (t) => {
      assert.ok(clean, "the sample holds a clean record with a 1.0 float");
      for (const id of [clean, naive, disagreeing, derived]) {
        const res = await t.request(`v1/runs/${id}`);
        assert.equal(res.status, 200);
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.ok(bytes.equals(raws.get(id) as Buffer), `${id}: the exact bytes`);
        assert.match(res.headers.get("content-type") ?? "", /application\/json/);
        assert.equal(res.headers.get("etag"), `"${sha256(bytes)}"`);
        assert.equal(res.headers.get("x-rmos-v1-source"), "v1-record");
        assert.equal(res.headers.get("x-rmos-hash-method"), "v1-python-json-sha256");
        assert.equal(res.headers.get("deprecation"), "true");
        assert.equal(res.headers.get("link"), `</api/rmos/runs/${id}>; rel="successor-version"`);
        const again = await t.request(`v1/runs/${id}`, {
          headers: { "if-none-match": res.headers.get("etag") as string },
        });
        assert.equal(again.status, 304);
      }
      const body = (await (await t.request(`v1/runs/${clean}`)).text()) as string;
      assert.match(body, /": \d+\.0[,\n]/, "number text as v1 wrote it");
    });
  });

  test("GET /v1/runs/{id} of a run created since maps it back to the v1 shape", async () => {
    await withKernel(dataDir, async (t) => {
      const created = (await (await t.request("runs", jsonBody(sampleRunRequest()))).json()) as Json;
      const res = await t.request(`v1/runs/${created.run_id}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-rmos-v1-source"), "mapped");
      assert.equal(res.headers.get("x-rmos-hash-method"), "jcs-sha256");
      const v1 = (await res.json()) as Json;
      assert.equal(v1.run_id, created.run_id);
      assert.equal(v1.request_hash, created.hashes.feasibility_sha256);
      assert.equal(v1.toolpaths_hash, created.hashes.toolpaths_sha256);
      assert.equal(v1.gcode_hash, created.hashes.gcode_sha256);
      assert.equal(v1.decision.block_reason, null);
      assert.equal(v1.outputs.opplan_json, null);
      assert.match(v1.created_at_utc, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/);
      assert.equal("schema_version" in v1 || "provenance" in v1 || "created_by" in v1, false);
    });
  });

  test("an imported run whose original bytes are gone is mapped back (and still says how its hash was made)", async () => {
    const copy = tempDir("rmos-v1-http-lost-");
    try {
      fs.cpSync(dataDir, copy, { recursive: true });
      const backups = path.join(copy, "v1-import", "backups");
      for (const name of fs.readdirSync(backups)) fs.rmSync(path.join(backups, name));
      await withKernel(copy, async (t) => {
        const res = await t.request(`v1/runs/${naive}`);
        assert.equal(res.status, 200);
        assert.equal(res.headers.get("x-rmos-v1-source"), "mapped");
        assert.equal(res.headers.get("x-rmos-hash-method"), "v1-python-json-sha256");
        const v1 = (await res.json()) as Json;
        const original = recordOf(sample, naive);
        assert.equal(v1.created_at_utc, `${original.created_at_utc}+00:00`, "the naive time, now as UTC");
        assert.equal(v1.status, original.status.toUpperCase());
      });
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  test("GET /v1/runs/{id}: 404 unknown, 400 malformed or path-traversing ids (problem+json)", async () => {
    await withKernel(dataDir, async (t) => {
      const unknown = await t.request("v1/runs/run_000000000bad");
      assert.equal(unknown.status, 404);
      assert.match(unknown.headers.get("content-type") ?? "", /application\/problem\+json/);
      for (const bad of [
        "run_XYZ",
        "..%2f..%2fetc%2fpasswd",
        "run_%2e%2e",
        `${clean}%00`,
        `run_９１${clean.slice(6)}`,
      ]) {
        const res = await t.request(`v1/runs/${bad}`);
        assert.ok(res.status === 400 || res.status === 404, `${bad}: ${res.status}`);
        assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      }
      assert.equal((await t.request("v1/runs/run_XYZ")).status, 400);
    });
  });

  test("PATCH /runs/{id}/meta answers 410 Gone pointing to advisories, and the run is untouched", async () => {
    await withKernel(dataDir, async (t) => {
      const before = Buffer.from(await (await t.request(`runs/${clean}`)).arrayBuffer());
      const res = await t.request(`runs/${clean}/meta`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ patched: true }),
      });
      assert.equal(res.status, 410);
      assert.match(res.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.equal(res.headers.get("link"), `</api/rmos/runs/${clean}/attach-advisory>; rel="alternate"`);
      const problem = (await res.json()) as Json;
      assert.equal(problem.type, "urn:rmos:problem:immutable-artifact");
      assert.equal(problem.status, 410);
      assert.equal(problem.advisories_endpoint, `/api/rmos/runs/${clean}/attach-advisory`);
      assert.match(problem.detail, /immutable.*attach-advisory/);
      const after = Buffer.from(await (await t.request(`runs/${clean}`)).arrayBuffer());
      assert.ok(after.equals(before));
      assert.equal((await t.request("runs/run_000000000bad/meta", { method: "PATCH" })).status, 404);
      assert.equal((await t.request("runs/run_..%2f/meta", { method: "PATCH" })).status, 400);
    });
  });
});
