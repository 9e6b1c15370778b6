/**
 * Expensive and malformed work is bounded, against the real app: JSON bodies too deep,
 * too wide, with too long arrays or strings are refused with 400 problem+json (never a
 * stack overflow or a 500, fast-check with deep and wide values); a URL too long gets
 * 414, too many query parameters 400; a client over its rate gets 429 + Retry-After;
 * costly operations over the cap get 503 + Retry-After rather than a queue without end.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { startTestKernel, startTestServer, type TestKernel } from "../../src/testing/test_kernel.js";

/** Nested arrays and objects `depth` deep around `leaf`, as JSON text (built without recursion). */
function nested(depth: number, kinds: boolean[], leaf: string): string {
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    const array = kinds[i % kinds.length] ?? true;
    open += array ? "[" : '{"k":';
    close = (array ? "]" : "}") + close;
  }
  return open + leaf + close;
}

function createWithMeta(metaJson: string): string {
  const body = JSON.stringify(makeCreateBody({ meta: { slot: "HOLE" } }));
  return body.replace('{"slot":"HOLE"}', metaJson);
}

async function expectShapeRefusal(t: TestKernel, body: string, code: string): Promise<void> {
  const res = await t.request("runs", { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal(res.status, 400, `status for ${code}`);
  const problem = (await res.json()) as { type: string; errors: Array<{ code: string }> };
  assert.equal(problem.type, "urn:rmos:problem:json-too-complex");
  assert.equal(problem.errors[0]?.code, code);
}

describe("JSON shape limits (in process)", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel();
  });
  after(() => t.close());

  test("deep values past the depth limit: 400, whatever the depth and mix of arrays and objects", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 64, max: 200_000 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }),
        async (depth, kinds) => {
          await expectShapeRefusal(t, createWithMeta(nested(depth, kinds, "1")), "too_deep");
        },
      ),
      { numRuns: 25 },
    );
  });

  test("wide objects, long arrays and long strings: 400", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1001, max: 20_000 }), async (keys) => {
        const wide = `{${Array.from({ length: keys }, (_, i) => `"k${i}":${i}`).join(",")}}`;
        await expectShapeRefusal(t, createWithMeta(wide), "too_many_keys");
      }),
      { numRuns: 10 },
    );
    await expectShapeRefusal(t, createWithMeta(`{"a":[${"0,".repeat(100_000)}0]}`), "array_too_long");
    await expectShapeRefusal(t, createWithMeta(`{"s":"${"x".repeat(4 * 1024 * 1024 + 1)}"}`), "string_too_long");
  });

  test("any JSON value within the limits is answered without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 12 }), async (meta) => {
        const res = await t.request("runs", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(makeCreateBody({ meta })),
        });
        assert.ok(res.status < 500, `status ${res.status} for ${JSON.stringify(meta).slice(0, 200)}`);
      }),
      { numRuns: 100 },
    );
  });

  test("a deep value at the limit does not overflow anything downstream", async () => {
    const res = await t.request("runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: createWithMeta(`{"d":${nested(62, [true, false], "1")}}`),
    });
    assert.ok(res.status === 201 || res.status === 400, `status ${res.status}`);
  });

  test("a URL too long: 414; too many query parameters: 400", async () => {
    const long = await t.request(`runs?mode=${"m".repeat(9000)}`);
    assert.equal(long.status, 414);
    assert.equal(((await long.json()) as { type: string }).type, "urn:rmos:problem:uri-too-long");
    const many = await t.request(`runs?${Array.from({ length: 65 }, (_, i) => `p${i}=1`).join("&")}`);
    assert.equal(many.status, 400);
    assert.equal(((await many.json()) as { type: string }).type, "urn:rmos:problem:too-many-parameters");
  });
});

describe("rate limit and costly-operation cap (real HTTP)", () => {
  let s: Awaited<ReturnType<typeof startTestServer>>;
  before(async () => {
    s = await startTestServer({
      env: {
        RMOS_RATE_LIMIT_PER_SECOND: "20",
        RMOS_RATE_LIMIT_BURST: "30",
        RMOS_COSTLY_CONCURRENCY: "1",
        RMOS_COSTLY_QUEUE: "0",
      },
    });
  });
  after(() => s.close());

  test("costly operations over the cap: 503 + Retry-After, the others answered", async () => {
    const created = await fetch(`${s.baseUrl}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(makeCreateBody({ meta: { pad: "x".repeat(200_000) } })),
    });
    const runId = ((await created.json()) as { run_id: string }).run_id;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${s.baseUrl}/runs/${runId}/verify`).then(async (r) => ({ r, body: await r.text() })),
      ),
    );
    const statuses = answers.map((a) => a.r.status);
    assert.ok(
      statuses.every((st) => st === 200 || st === 503),
      `statuses ${statuses}`,
    );
    assert.ok(statuses.includes(200), "some verified");
    const busy = answers.filter((a) => a.r.status === 503);
    assert.ok(busy.length > 0, "some refused while the slot was taken");
    for (const b of busy) {
      assert.ok(Number(b.r.headers.get("retry-after")) >= 1);
      assert.equal((JSON.parse(b.body) as { type: string }).type, "urn:rmos:problem:busy");
    }
  });

  test("a client over its rate: 429 + Retry-After problem+json; the bucket refills", async () => {
    await new Promise((r) => setTimeout(r, 1600)); // a full bucket
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 60; i++) {
      const res = await fetch(`${s.baseUrl}/runs?limit=1`);
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
      else await res.arrayBuffer();
    }
    assert.ok(
      statuses.slice(0, 25).every((st) => st === 200),
      "the burst passes",
    );
    assert.ok(refused, "over the rate: refused");
    assert.ok(Number(refused.headers.get("retry-after")) >= 1);
    assert.match(refused.headers.get("content-type") ?? "", /problem\+json/);
    assert.equal(((await refused.json()) as { type: string }).type, "urn:rmos:problem:rate-limited");
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await fetch(`${s.baseUrl}/runs?limit=1`)).status, 200, "refilled");
    assert.equal((await fetch(`${s.server.url}/healthz`)).status, 200, "service routes are not limited");
  });
});
