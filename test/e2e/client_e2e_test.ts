/**
 * End to end, the way consuming services call the service: the real server on
 * 127.0.0.1 through the client generated from openapi.json (openapi-typescript +
 * openapi-fetch).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createRmosClient, type RmosClient } from "../../src/client/rmos_client.js";
import { canonicalSha256 } from "../../src/contracts/hashing.js";
import { startTestServer } from "../../src/testing/test_kernel.js";

describe("generated client against the real server", () => {
  let client: RmosClient;
  let close: () => Promise<void>;
  before(async () => {
    const t = await startTestServer();
    client = createRmosClient(t.server.url);
    close = () => t.close();
  });
  after(() => close());

  const body = {
    mode: "inlay",
    tool_id: "tool_endmill_3mm",
    status: "BLOCKED" as const,
    request_summary: { design_id: "design_0042" },
    feasibility: { material: "ebony", depth_mm: 4.2, checks: [{ name: "chipload", ok: false }] },
    decision: {
      risk_level: "RED" as const,
      block_reason: "chipload out of range",
      warnings: ["tear-out risk"],
      details: {},
    },
  };

  test("create, read, list, verify", async () => {
    const created = await client.POST("/api/rmos/runs", { body });
    assert.equal(created.response.status, 201);
    const run = created.data;
    assert.ok(run);
    assert.equal(run.hashes.feasibility_sha256, canonicalSha256(body.feasibility));
    assert.equal(run.decision.block_reason, "chipload out of range");

    const read = await client.GET("/api/rmos/runs/{run_id}", { params: { path: { run_id: run.run_id } } });
    assert.deepEqual(read.data, run);

    const list = await client.GET("/api/rmos/runs", { params: { query: { status: "BLOCKED", limit: 10 } } });
    assert.ok(list.data?.items.some((s) => s.run_id === run.run_id && s.risk_level === "RED"));

    const verified = await client.GET("/api/rmos/runs/{run_id}/verify", { params: { path: { run_id: run.run_id } } });
    assert.equal(verified.data?.ok, true);
  });

  test("errors arrive as typed problems", async () => {
    const missing = await client.GET("/api/rmos/runs/{run_id}", { params: { path: { run_id: "run_0123456789ab" } } });
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error?.status, 404);
    assert.match(missing.error?.detail ?? "", /does not exist/);

    const wrong = await client.POST("/api/rmos/runs", {
      body: { ...body, hashes: { feasibility_sha256: "f".repeat(64) } },
    });
    assert.equal(wrong.response.status, 422);
    assert.equal(wrong.error?.errors?.[0]?.pointer, "/hashes/feasibility_sha256");
  });

  test("the service routes answer", async () => {
    assert.equal((await client.GET("/healthz")).data?.ok, true);
    assert.equal((await client.GET("/readyz")).data?.ok, true);
  });
});
