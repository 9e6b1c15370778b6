/**
 * HTTP tests of advisory links: attach writes `<run_id>_advisory_<advisory_id>.json`
 * beside the run as canonical JSON, the same link again answers 200 with the stored
 * link unchanged, concurrent attaches of one link leave one file, unknown run or asset
 * is a 404, the run file's bytes (and GET /runs/{id}) are the same before and after,
 * and the run's link list carries each asset's current review state.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { canonicalize } from "../../src/contracts/jcs.js";
import {
  type TestKernel,
  jsonBody,
  sampleRunRequest,
  startTestKernel,
  startTestServer,
} from "../../src/testing/test_kernel.js";
import { type Doc, createRun, fileSha256, linkFiles, runFile } from "./support.js";

describe("attach-advisory and the run's advisories (HTTP)", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel();
  });
  after(() => t.close());

  const newAsset = async (type = "SUGGESTION") => {
    const res = await t.request(
      "advisories",
      jsonBody({
        asset_type: type,
        source: "ai",
        provider: "model-x",
        suggestion_data: { text: `idea ${Math.random()}` },
      }),
    );
    assert.equal(res.status, 201);
    return (await res.json()) as Doc;
  };

  it("writes the link as a separate canonical file beside the run and answers 201", async () => {
    const run = await createRun(t);
    const asset = await newAsset();
    const res = await t.request(
      `runs/${run.run_id}/attach-advisory`,
      jsonBody({ advisory_id: asset.asset_id, kind: "suggestion", engine_id: "model-x" }),
    );
    assert.equal(res.status, 201);
    const link = (await res.json()) as Doc;
    assert.deepEqual(
      { ...link, created_at_utc: "-" },
      {
        run_id: run.run_id,
        advisory_id: asset.asset_id,
        kind: "suggestion",
        engine_id: "model-x",
        asset_type: "SUGGESTION",
        content_hash: asset.content_hash,
        created_at_utc: "-",
        created_by: "anonymous",
      },
    );
    assert.deepEqual(linkFiles(t, run), [`${run.run_id}_advisory_${asset.asset_id}.json`]);
    const file = path.join(path.dirname(runFile(t, run)), `${run.run_id}_advisory_${asset.asset_id}.json`);
    assert.equal(fs.readFileSync(file, "utf8"), canonicalize(link));
  });

  it("answers the same link again with 200 and the stored link, unchanged", async () => {
    const run = await createRun(t);
    const asset = await newAsset();
    const req = jsonBody({ advisory_id: asset.asset_id, kind: "explanation" });
    const first = await t.request(`runs/${run.run_id}/attach-advisory`, req);
    assert.equal(first.status, 201);
    const firstLink = await first.json();
    const file = path.join(path.dirname(runFile(t, run)), linkFiles(t, run)[0] as string);
    const bytes = fs.readFileSync(file);
    const second = await t.request(
      `runs/${run.run_id}/attach-advisory`,
      jsonBody({ advisory_id: asset.asset_id, kind: "explanation" }),
    );
    assert.equal(second.status, 200);
    assert.deepEqual(await second.json(), firstLink);
    assert.deepEqual(fs.readFileSync(file), bytes);
    assert.equal(linkFiles(t, run).length, 1);
  });

  it("answers the same asset under another kind or engine with 409 and leaves the link as it was", async () => {
    const run = await createRun(t);
    const asset = await newAsset();
    const first = await t.request(
      `runs/${run.run_id}/attach-advisory`,
      jsonBody({ advisory_id: asset.asset_id, kind: "explanation" }),
    );
    const stored = await first.json();
    for (const other of [
      { advisory_id: asset.asset_id, kind: "validation" },
      { advisory_id: asset.asset_id, kind: "explanation", engine_id: "other" },
    ]) {
      const res = await t.request(`runs/${run.run_id}/attach-advisory`, jsonBody(other));
      assert.equal(res.status, 409);
      const problem = (await res.json()) as Doc;
      assert.equal(problem.type, "urn:rmos:problem:advisory-link-conflict");
      assert.deepEqual(problem.link, stored);
    }
    const list = (await (await t.request(`runs/${run.run_id}/advisories`)).json()) as Doc;
    assert.deepEqual(list.items[0].link, stored);
  });

  it("turns concurrent attaches of one link into one file: one 201, the rest 200 with the same link", async () => {
    const run = await createRun(t);
    const asset = await newAsset();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        t.request(`runs/${run.run_id}/attach-advisory`, jsonBody({ advisory_id: asset.asset_id, kind: "explanation" })),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
    const bodies = await Promise.all(results.map((r) => r.json()));
    for (const b of bodies) assert.deepEqual(b, bodies[0]);
    assert.deepEqual(linkFiles(t, run), [`${run.run_id}_advisory_${asset.asset_id}.json`]);
    const dir = path.dirname(runFile(t, run));
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.startsWith(".tmp-")),
      [],
      "no temp file is left behind",
    );
  });

  it("answers an unknown run or asset with 404 and malformed ids with 400, writing nothing", async () => {
    const run = await createRun(t);
    const asset = await newAsset();
    const cases: Array<[string, unknown, number]> = [
      ["run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0", { advisory_id: asset.asset_id, kind: "x" }, 404],
      [run.run_id, { advisory_id: "adv_01JD0Q3ZK9N8M6T5R4P3Q2W1X0", kind: "x" }, 404],
      [run.run_id, { advisory_id: "adv_../../x", kind: "x" }, 400],
      [run.run_id, { advisory_id: asset.asset_id }, 400],
      [run.run_id, { advisory_id: asset.asset_id, kind: "" }, 400],
      [run.run_id, { advisory_id: asset.asset_id, kind: "x", extra: true }, 400],
      ["..%2F..%2Fetc", { advisory_id: asset.asset_id, kind: "x" }, 400],
    ];
    for (const [runId, req, status] of cases) {
      const res = await t.request(`runs/${runId}/attach-advisory`, jsonBody(req));
      assert.equal(res.status, status, `${runId} ${JSON.stringify(req)} → ${res.status}`);
      assert.equal(res.headers.get("content-type"), "application/problem+json");
    }
    assert.deepEqual(linkFiles(t, run), []);
  });

  it("invariant 5 — advisory links are separate files beside the run; the original file is never touched (hash, GET bytes, ETag)", async () => {
    const run = await createRun(t);
    const file = runFile(t, run);
    const hashBefore = fileSha256(file);
    const getBefore = await t.request(`runs/${run.run_id}`);
    const bytesBefore = Buffer.from(await getBefore.arrayBuffer());
    for (let i = 0; i < 3; i++) {
      const asset = await newAsset(i === 0 ? "IMAGE" : "VALIDATION");
      const res = await t.request(
        `runs/${run.run_id}/attach-advisory`,
        jsonBody({ advisory_id: asset.asset_id, kind: `k${i}` }),
      );
      assert.equal(res.status, 201);
    }
    assert.equal((await t.request(`runs/${run.run_id}/suggest-and-attach`, { method: "POST" })).status, 201);
    assert.equal(fileSha256(file), hashBefore);
    const getAfter = await t.request(`runs/${run.run_id}`);
    assert.deepEqual(Buffer.from(await getAfter.arrayBuffer()), bytesBefore);
    assert.equal(getAfter.headers.get("etag"), getBefore.headers.get("etag"));
    assert.equal(linkFiles(t, run).length, 4);
    const verify = (await (await t.request(`runs/${run.run_id}/verify`)).json()) as Doc;
    assert.equal(verify.ok, true);
    const check = verify.checks.find((c: { name: string }) => c.name === "advisory_links");
    assert.equal(check.ok, true);
    assert.match(check.detail, /^4 advisory link/);
  });

  it("lists the run's links with each asset's current review state; 404 for an unknown run", async () => {
    const run = await createRun(t);
    const [a, b, c] = [await newAsset(), await newAsset(), await newAsset()];
    for (const x of [a, b, c]) {
      await t.request(`runs/${run.run_id}/attach-advisory`, jsonBody({ advisory_id: x.asset_id, kind: "suggestion" }));
    }
    await t.request(`advisories/${a.asset_id}/review`, jsonBody({ decision: "approve", reviewer_id: "ana" }));
    await t.request(
      `advisories/${b.asset_id}/review`,
      jsonBody({ decision: "reject", reviewer_id: "bob", note: "wrong tool" }),
    );
    const res = await t.request(`runs/${run.run_id}/advisories`);
    assert.equal(res.status, 200);
    const list = (await res.json()) as Doc;
    assert.equal(list.run_id, run.run_id);
    assert.deepEqual(
      list.items.map((i: Doc) => [i.link.advisory_id, i.review.state, i.review.reviewer_id]),
      [
        [a.asset_id, "APPROVED", "ana"],
        [b.asset_id, "REJECTED", "bob"],
        [c.asset_id, "PENDING", null],
      ],
    );
    const other = await createRun(t);
    assert.deepEqual(((await (await t.request(`runs/${other.run_id}/advisories`)).json()) as Doc).items, []);
    assert.equal((await t.request("runs/run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0/advisories")).status, 404);
    assert.equal((await t.request("runs/not-a-run/advisories")).status, 400);
  });

  it("links one asset to several runs, each with its own file", async () => {
    const [r1, r2] = [await createRun(t), await createRun(t)];
    const asset = await newAsset();
    for (const r of [r1, r2]) {
      const res = await t.request(
        `runs/${r.run_id}/attach-advisory`,
        jsonBody({ advisory_id: asset.asset_id, kind: "shared" }),
      );
      assert.equal(res.status, 201);
      assert.deepEqual(linkFiles(t, r), [`${r.run_id}_advisory_${asset.asset_id}.json`]);
    }
  });
});

describe("attach-advisory end to end (real HTTP on 127.0.0.1)", () => {
  it("turns concurrent attaches from separate connections into one link file", async () => {
    const s = await startTestServer();
    try {
      const post = (p: string, b: unknown) =>
        fetch(`${s.baseUrl}/${p}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(b),
        });
      const run = (await (await post("runs", sampleRunRequest())).json()) as Doc;
      const asset = (await (
        await post("advisories", {
          asset_type: "VALIDATION",
          source: "cam",
          provider: "sim@1",
          suggestion_data: { ok: true },
        })
      ).json()) as Doc;
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          post(`runs/${run.run_id}/attach-advisory`, { advisory_id: asset.asset_id, kind: "validation" }),
        ),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 201]);
      await Promise.all(results.map((r) => r.arrayBuffer()));
      assert.equal(linkFiles(s, run).length, 1);
      const list = (await (await fetch(`${s.baseUrl}/runs/${run.run_id}/advisories`)).json()) as Doc;
      assert.equal(list.items.length, 1);
      assert.equal(list.items[0].review.state, "PENDING");
    } finally {
      await s.close();
    }
  });
});
