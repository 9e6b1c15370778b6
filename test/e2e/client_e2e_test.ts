/**
 * End to end, the way consuming services call the service: the real server on
 * 127.0.0.1 through @rmos/client (packages/client, types generated from openapi.json).
 * Every resource of the client is exercised against the real routes: idempotent
 * create, ETag reuse on read, listing across pages, streamed uploads from each kind of
 * source, ranged downloads, advisories, sessions with If-Match, and typed problems.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import {
  type CreateRunRequest,
  createRmosClient,
  type RmosClient,
  RmosConnectionError,
  RmosProblem,
} from "../../packages/client/src/index.js";
import { canonicalSha256 } from "../../src/contracts/hashing.js";
import { startTestServer, tempDir } from "../../src/testing/test_kernel.js";

const body: CreateRunRequest = {
  mode: "inlay",
  tool_id: "tool_endmill_3mm",
  status: "BLOCKED",
  request_summary: { design_id: "design_0042" },
  feasibility: { material: "ebony", depth_mm: 4.2, checks: [{ name: "chipload", ok: false }] },
  decision: { risk_level: "RED", block_reason: "chipload out of range", warnings: ["tear-out risk"], details: {} },
};

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** Records every request the client sends (method, URL, headers) and the status answered. */
function recordingFetch() {
  const seen: Array<{ method: string; url: string; headers: Headers; status: number }> = [];
  const fetchFn = async (input: string, init?: RequestInit) => {
    const res = await fetch(input, init);
    seen.push({ method: init?.method ?? "GET", url: input, headers: new Headers(init?.headers), status: res.status });
    return res;
  };
  return { seen, fetchFn };
}

describe("@rmos/client against the real server", () => {
  let client: RmosClient;
  let origin: string;
  let close: () => Promise<void>;
  const recorder = recordingFetch();
  before(async () => {
    const t = await startTestServer();
    origin = t.server.url;
    client = createRmosClient({ baseUrl: origin, fetch: recorder.fetchFn, retryDelayMs: 1 });
    close = () => t.close();
  });
  after(() => close());

  test("runs.create computes nothing itself and sends a generated Idempotency-Key; a given key returns the same run", async () => {
    const run = await client.runs.create(body);
    assert.equal(run.hashes.feasibility_sha256, canonicalSha256(body.feasibility));
    assert.equal(run.decision.block_reason, "chipload out of range");
    const sent = recorder.seen.at(-1);
    assert.match(sent?.headers.get("idempotency-key") ?? "", /^[0-9a-f-]{36}$/);

    const key = `order-4711-${Date.now()}`;
    const first = await client.runs.create(body, { idempotencyKey: key });
    const again = await client.runs.create(body, { idempotencyKey: key });
    assert.equal(again.run_id, first.run_id);
    assert.notEqual(first.run_id, run.run_id);
    assert.equal(recorder.seen.at(-1)?.status, 200, "the repeat is answered with the first run");
    await assert.rejects(
      client.runs.create({ ...body, mode: "other" }, { idempotencyKey: key }),
      (e: unknown) => e instanceof RmosProblem && e.status === 422,
    );
  });

  test("runs.get reuses the ETag: If-None-Match is sent and a 304 answers the cached copy", async () => {
    const run = await client.runs.create(body);
    const first = await client.runs.get(run.run_id);
    assert.deepEqual(first, run);
    assert.equal(recorder.seen.at(-1)?.headers.get("if-none-match"), null);
    first.mode = "changed by the caller";
    const second = await client.runs.get(run.run_id);
    const last = recorder.seen.at(-1);
    assert.match(last?.headers.get("if-none-match") ?? "", /^"[0-9a-f]{64}"$/);
    assert.equal(last?.status, 304);
    assert.deepEqual(second, run, "the cached copy, untouched by the caller's change");
  });

  test("runs.list iterates every page, newest first; verify and diff answer", async () => {
    const tool = `tool_list_${Date.now()}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await client.runs.create({ ...body, tool_id: tool })).run_id);
    const before = recorder.seen.length;
    const listed: string[] = [];
    for await (const s of client.runs.list({ tool_id: tool, limit: 2 })) listed.push(s.run_id);
    assert.deepEqual(listed, [...made].reverse());
    const pages = recorder.seen.slice(before).filter((r) => r.url.includes("/runs?"));
    assert.equal(pages.length, 3, "three pages of 2, 2 and 1");
    assert.ok(pages[1]?.url.includes("cursor="));

    const page = await client.runs.page({ tool_id: tool, limit: 10 });
    assert.equal(page.items.length, 5);
    assert.equal(page.next_cursor, null);

    assert.equal((await client.runs.verify(made[0] as string)).ok, true);
    const diff = await client.runs.diff(made[0] as string, made[1] as string);
    assert.equal(diff.a, made[0]);
  });

  test("attachments: upload from a path, bytes, a Node stream and a web stream; download whole and a range", async () => {
    const dir = tempDir("rmos-client-e2e-");
    try {
      const content = Buffer.from("G21\nG90\n".repeat(5000));
      const file = path.join(dir, "program.nc");
      fs.writeFileSync(file, content);
      const fromPath = await client.attachments.upload(file, { mime: "text/x-gcode", filename: "program.nc" });
      assert.equal(fromPath.sha256, sha256(content));
      assert.equal(fromPath.size_bytes, content.length);
      assert.equal(fromPath.filename, "program.nc");
      assert.equal(fromPath.created, true);
      assert.equal(recorder.seen.at(-1)?.headers.get("content-type"), "text/x-gcode");

      const again = await client.attachments.upload(new Uint8Array(content), { mime: "text/x-gcode" });
      assert.equal(again.sha256, fromPath.sha256);
      assert.equal(again.created, false, "the same bytes are stored once");

      const nodeBytes = Buffer.from("photo of the fixture");
      const fromNode = await client.attachments.upload(
        Readable.from([nodeBytes.subarray(0, 5), nodeBytes.subarray(5)]),
        {
          mime: "image/png",
        },
      );
      assert.equal(fromNode.sha256, sha256(nodeBytes));

      const webBytes = new TextEncoder().encode("web stream bytes");
      const web = new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(webBytes.subarray(0, 3));
          c.enqueue(webBytes.subarray(3));
          c.close();
        },
      });
      const fromWeb = await client.attachments.upload(web, { mime: "text/plain", sha256: sha256(webBytes) });
      assert.equal(fromWeb.sha256, sha256(webBytes));

      await assert.rejects(
        client.attachments.upload(new TextEncoder().encode("other"), { mime: "text/plain", sha256: "0".repeat(64) }),
        (e: unknown) => e instanceof RmosProblem && e.status === 422,
      );
      await assert.rejects(client.attachments.upload(path.join(dir, "missing.nc"), { mime: "text/plain" }), /ENOENT/);

      const run = await client.runs.create({
        ...body,
        attachments: [{ ...fromPath, kind: "gcode", filename: "program.nc" }].map(
          ({ sha256: s, size_bytes, mime, kind, filename }) => ({ sha256: s, size_bytes, mime, kind, filename }),
        ),
      });
      const whole = await client.attachments.download(run.run_id, fromPath.sha256);
      assert.equal(whole.status, 200);
      assert.equal(whole.mime, "text/x-gcode");
      assert.equal(whole.etag, `"${fromPath.sha256}"`);
      assert.ok(Buffer.from(await whole.bytes()).equals(content));

      const part = await client.attachments.download(run.run_id, fromPath.sha256, { range: { start: 4, end: 11 } });
      assert.equal(part.status, 206);
      assert.equal(part.contentRange, `bytes 4-11/${content.length}`);
      assert.equal(Buffer.from(await part.bytes()).toString(), content.subarray(4, 12).toString());

      const tail = await client.attachments.download(run.run_id, fromPath.sha256, {
        range: { start: content.length - 3 },
      });
      assert.equal(Buffer.from(await tail.bytes()).toString(), content.subarray(-3).toString());
      await assert.rejects(
        client.attachments.download(run.run_id, fromPath.sha256, { range: { start: 5, end: 2 } }),
        RangeError,
      );

      assert.deepEqual(
        (await client.attachments.list(run.run_id)).items.map((a) => a.sha256),
        [fromPath.sha256],
      );
      assert.equal((await client.attachments.verify(run.run_id)).ok, true);
      await assert.rejects(
        client.attachments.download(run.run_id, fromNode.sha256),
        (e: unknown) => e instanceof RmosProblem && e.status === 404,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("advisories: create, get, attach (twice), list for a run, review once, suggest-and-attach", async () => {
    const run = await client.runs.create(body);
    const asset = await client.advisories.create({
      asset_type: "EXPLANATION",
      source: "ai",
      provider: "model-x",
      suggestion_data: { text: "the chipload is too high for ebony" },
    });
    assert.equal(asset.approved_for_workflow, false);
    assert.deepEqual(await client.advisories.get(asset.asset_id), asset);
    const link = await client.advisories.attach(run.run_id, { advisory_id: asset.asset_id, kind: "explanation" });
    const same = await client.advisories.attach(run.run_id, { advisory_id: asset.asset_id, kind: "explanation" });
    assert.deepEqual(same, link);
    const listed = await client.advisories.listForRun(run.run_id);
    assert.equal(listed.items.length, 1);
    const reviewed = await client.advisories.review(asset.asset_id, { decision: "approve", reviewer_id: "anonymous" });
    assert.equal(reviewed.approved_for_workflow, true);
    await assert.rejects(
      client.advisories.review(asset.asset_id, { decision: "reject", reviewer_id: "anonymous" }),
      (e: unknown) => e instanceof RmosProblem && e.status === 409,
    );
    const suggested = await client.advisories.suggestAndAttach(run.run_id);
    assert.equal(suggested.asset.asset_type, "EXPLANATION");
  });

  test("sessions: create, get, list, events with If-Match (a stale version is a 412), history", async () => {
    const run = await client.runs.create(body);
    const workflow = `wf-${Date.now()}`;
    const session = await client.sessions.create({ workflow, context: { job: 7 } });
    assert.equal(session.state, "DRAFT");
    assert.deepEqual(await client.sessions.get(session.session_id), session);
    const next = await client.sessions.event(
      session.session_id,
      { event: "submit_feasibility", run_id: run.run_id },
      { version: session.version },
    );
    assert.equal(next.state, "FEASIBILITY_CHECKED");
    assert.equal(recorder.seen.at(-1)?.headers.get("if-match"), `"${session.version}"`);
    await assert.rejects(
      client.sessions.event(session.session_id, { event: "approve" }, { version: session.version }),
      (e: unknown) => e instanceof RmosProblem && e.status === 412,
    );
    await assert.rejects(
      client.sessions.event(session.session_id, { event: "complete" }, { version: next.version }),
      (e: unknown) => e instanceof RmosProblem && e.status === 409,
    );
    await assert.rejects(client.sessions.event(session.session_id, { event: "approve" }, { version: 0 }), RangeError);
    const listed = [];
    for await (const s of client.sessions.list({ workflow, limit: 1 })) listed.push(s.session_id);
    assert.deepEqual(listed, [session.session_id]);
    const history = await client.sessions.events(session.session_id);
    assert.equal(history.items.length >= 1, true);
  });

  test("errors arrive as RmosProblem with the problem+json fields", async () => {
    const missing = await client.runs.get("run_0123456789ab").catch((e: unknown) => e);
    assert.ok(missing instanceof RmosProblem);
    assert.equal(missing.status, 404);
    assert.match(missing.detail, /does not exist/);
    assert.ok(missing.requestId, "the request id is kept");

    const wrong = await client.runs
      .create({ ...body, hashes: { feasibility_sha256: "f".repeat(64) } })
      .catch((e: unknown) => e);
    assert.ok(wrong instanceof RmosProblem);
    assert.equal(wrong.status, 422);
    assert.equal(wrong.errors[0]?.pointer, "/hashes/feasibility_sha256");
    assert.ok(wrong.type && wrong.title);

    const bad = await client.runs
      .create({ ...body, decision: { ...body.decision, risk_level: "" as "RED" } })
      .catch((e) => e);
    assert.ok(bad instanceof RmosProblem && bad.status === 400);
    assert.ok(bad.errors.some((e) => e.pointer === "/decision/risk_level"));
  });

  test("the service probes answer; a base URL ending in /api/rmos works too; no server is a connection error", async () => {
    assert.equal((await client.health()).ok, true);
    assert.equal((await client.ready()).ok, true);
    const withBase = createRmosClient({ baseUrl: `${origin}/api/rmos/` });
    assert.equal((await withBase.health()).ok, true);
    const nowhere = createRmosClient({ baseUrl: "http://127.0.0.1:9", retries: 1, retryDelayMs: 1 });
    const err = await nowhere.runs.get("run_0123456789ab").catch((e: unknown) => e);
    assert.ok(err instanceof RmosConnectionError);
    assert.equal(err.attempts, 2);
  });
});
