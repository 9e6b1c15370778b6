/**
 * HTTP tests of suggest-and-attach with the default provider and policy: an
 * EXPLANATION of the run's checks, decision and warnings is stored, its review state is
 * set by the approval policy by risk level (GREEN auto-approved by
 * system:auto_explanation_green, everything else pending), it is attached, the run's
 * file is unchanged; the policy can be switched by configuration or replaced by a
 * plugin; a bad configuration stops the start.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it } from "node:test";
import type { ApprovalPolicy } from "../../src/contracts/ports/advisory_approval_policy.js";
import { type TestKernel, startTestKernel, tempDir } from "../../src/testing/test_kernel.js";
import {
  type Doc,
  advisoryFiles,
  createRun,
  fileSha256,
  linkFiles,
  pluginsWith,
  runFile,
  runWithRisk,
} from "./support.js";

const suggest = (t: TestKernel, runId: string) => t.request(`runs/${runId}/suggest-and-attach`, { method: "POST" });

describe("suggest-and-attach with the default policy (auto-approve-green)", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel();
  });
  after(() => t.close());

  it("auto-approves the explanation of a GREEN run as system:auto_explanation_green and attaches it", async () => {
    const run = await createRun(t, runWithRisk("GREEN"));
    const hashBefore = fileSha256(runFile(t, run));
    const res = await suggest(t, run.run_id);
    assert.equal(res.status, 201);
    const { link, asset } = (await res.json()) as Doc;
    assert.equal(asset.asset_type, "EXPLANATION");
    assert.equal(asset.provider, "rmos.rules-explainer@1");
    assert.equal(asset.source, "rmos:suggest-and-attach");
    assert.equal(asset.review.state, "APPROVED");
    assert.equal(asset.review.reviewer_id, "system:auto_explanation_green");
    assert.equal(asset.approved_for_workflow, true);
    assert.equal(asset.suggestion_data.run_id, run.run_id);
    assert.equal(asset.suggestion_data.feasibility_sha256, run.hashes.feasibility_sha256);
    assert.match(asset.suggestion_data.text, /chipload: passed/);
    assert.deepEqual(
      [link.run_id, link.advisory_id, link.kind, link.engine_id, link.content_hash],
      [run.run_id, asset.asset_id, "explanation", "rmos.rules-explainer@1", asset.content_hash],
    );
    assert.deepEqual(linkFiles(t, run), [`${run.run_id}_advisory_${asset.asset_id}.json`]);
    assert.equal(fileSha256(runFile(t, run)), hashBefore, "the run file's bytes never change");
    const stored = (await (await t.request(`advisories/${asset.asset_id}`)).json()) as Doc;
    assert.deepEqual(stored, asset);
    const list = (await (await t.request(`runs/${run.run_id}/advisories`)).json()) as Doc;
    assert.equal(list.items[0].review.state, "APPROVED");
  });

  for (const risk of ["YELLOW", "RED", "UNKNOWN", "ERROR"]) {
    it(`leaves the explanation of a ${risk} run pending for a human, who can then decide`, async () => {
      const run = await createRun(t, runWithRisk(risk));
      const res = await suggest(t, run.run_id);
      assert.equal(res.status, 201);
      const { asset } = (await res.json()) as Doc;
      assert.equal(asset.review.state, "PENDING");
      assert.equal(asset.approved_for_workflow, false);
      assert.match(asset.suggestion_data.summary, new RegExp(`^${risk}: `));
      assert.match(asset.suggestion_data.text, /check the clamp/, "the warnings are explained");
      if (risk === "RED") assert.match(asset.suggestion_data.text, /Blocked because: depth exceeds tool reach/);
      const review = await t.request(`advisories/${asset.asset_id}/review`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ decision: "approve", reviewer_id: "ana" }),
      });
      assert.equal(review.status, 201);
    });
  }

  it("is deterministic: two calls give two assets with the same content hash", async () => {
    const run = await createRun(t, runWithRisk("YELLOW"));
    const a = (await (await suggest(t, run.run_id)).json()) as Doc;
    const b = (await (await suggest(t, run.run_id)).json()) as Doc;
    assert.notEqual(a.asset.asset_id, b.asset.asset_id);
    assert.equal(a.asset.content_hash, b.asset.content_hash);
    assert.equal(linkFiles(t, run).length, 2);
  });

  it("answers 404 for an unknown run and 400 for a malformed id, storing nothing", async () => {
    assert.equal((await suggest(t, "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0")).status, 404);
    const bad = await suggest(t, "run_..%2F..");
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.get("content-type"), "application/problem+json");
  });
});

describe("suggest-and-attach with other policies", () => {
  it("leaves even a GREEN explanation pending with RMOS_ADVISORY_POLICY=manual", async () => {
    const t = await startTestKernel({ env: { RMOS_ADVISORY_POLICY: "manual" } });
    try {
      const run = await createRun(t, runWithRisk("GREEN"));
      const { asset } = (await (await suggest(t, run.run_id)).json()) as Doc;
      assert.equal(asset.review.state, "PENDING");
    } finally {
      await t.close();
    }
  });

  it("uses a policy bound by a plugin, recording its decision as its system reviewer", async () => {
    const rejectRed: ApprovalPolicy = {
      name: "reject-red",
      decide: (input) =>
        input.run.risk_level === "RED"
          ? { action: "reject", reviewer_id: "system:reject_red", note: "RED runs are not explained to operators" }
          : { action: "pending", reason: "human" },
    };
    const t = await startTestKernel({ plugins: pluginsWith({ policy: rejectRed }) });
    try {
      const red = await createRun(t, runWithRisk("RED"));
      const { asset } = (await (await suggest(t, red.run_id)).json()) as Doc;
      assert.equal(asset.review.state, "REJECTED");
      assert.equal(asset.review.reviewer_id, "system:reject_red");
      const green = await createRun(t, runWithRisk("GREEN"));
      const other = (await (await suggest(t, green.run_id)).json()) as Doc;
      assert.equal(other.asset.review.state, "PENDING");
    } finally {
      await t.close();
    }
  });

  it("refuses a policy that decides as a non-system reviewer, before anything is written", async () => {
    const impostor: ApprovalPolicy = {
      name: "impostor",
      decide: () => ({ action: "approve", reviewer_id: "ana", note: "looks human" }),
    };
    const t = await startTestKernel({ plugins: pluginsWith({ policy: impostor }) });
    try {
      const run = await createRun(t, runWithRisk("GREEN"));
      const res = await suggest(t, run.run_id);
      assert.equal(res.status, 500);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
      assert.deepEqual(advisoryFiles(t), []);
      assert.deepEqual(linkFiles(t, run), []);
    } finally {
      await t.close();
    }
  });

  it("refuses to start with an unknown policy or a bad provider setting, naming the variable", async () => {
    const dataDir = tempDir();
    try {
      for (const [name, value] of [
        ["RMOS_ADVISORY_POLICY", "approve-everything"],
        ["RMOS_ADVISORY_PROVIDER_TIMEOUT_MS", "soon"],
        ["RMOS_ADVISORY_PROVIDER_ATTEMPTS", "0"],
      ] as const) {
        await assert.rejects(
          startTestKernel({ dataDir, env: { [name]: value } }),
          new RegExp(`advisory[\\s\\S]*${name}`),
        );
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
