/**
 * The log's HTTP API under hostile input (in process, `app.request`): random tile
 * paths and proof/receipt query strings answer 200, 202, 400 or 404 — never a 500 —
 * and every error is problem+json.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { transparencyLogPlugin } from "../../src/plugins/transparency-log/mod.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

let t: TestKernel;
before(async () => {
  t = await startTestKernel({ plugins: [transparencyLogPlugin] });
  await t.kernel.resolve(TRANSPARENCY_LOG).append(
    Array.from({ length: 300 }, (_, i) => ({
      type: "run" as const,
      id: `z${i}`,
      sha256: "a".repeat(64),
      created_at_utc: "2026-11-10T00:00:00Z",
    })),
  );
});
after(() => t.close());

const segment = fc.oneof(
  fc.constantFrom(
    "entries",
    "0",
    "1",
    "2",
    "63",
    "64",
    "000",
    "001",
    "x000",
    "x001",
    "067.p",
    "5",
    "255",
    "256",
    ".p",
    "-1",
  ),
  fc.stringMatching(/^[x0-9.p%a-z-]{0,6}$/),
);

async function check(path: string): Promise<void> {
  const res = await t.request(path);
  assert.ok([200, 202, 400, 404, 405].includes(res.status), `${path}: ${res.status}`);
  if (res.status >= 400) assert.equal(res.headers.get("content-type"), "application/problem+json", path);
  await res.arrayBuffer();
}

test("random tile paths never answer a 500", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 6 }), async (segments) => {
      await check(`log/tile/${segments.map(encodeURIComponent).join("/")}`);
    }),
    { numRuns: 400 },
  );
});

test("random proof and receipt queries never answer a 500", async () => {
  const value = fc.oneof(fc.nat({ max: 1000 }).map(String), fc.string({ maxLength: 12 }), fc.constant("9".repeat(30)));
  await fc.assert(
    fc.asyncProperty(value, value, fc.constantFrom("inclusion", "consistency"), async (a, b, kind) => {
      const [x, y] = kind === "inclusion" ? ["index", "size"] : ["from", "to"];
      await check(`log/proof/${kind}?${x}=${encodeURIComponent(a)}&${y}=${encodeURIComponent(b)}`);
      await check(`log/receipt?type=${encodeURIComponent(a)}&id=${encodeURIComponent(b)}`);
      await check(`log/receipt?type=run&id=${encodeURIComponent(b)}`);
    }),
    { numRuns: 300 },
  );
});
