/**
 * Fuzz (fast-check): random and mutated bodies on POST /runs never give a 500 and
 * never store an invalid artifact — every stored run still validates and verifies.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { RunArtifactSchema } from "../../src/contracts/artifact.js";
import { canonicalSha256 } from "../../src/contracts/hashing.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../src/contracts/ports/run_verifiers.js";
import { makeCreateBody } from "../../src/contracts/testing/artifacts.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

const ALLOWED = new Set([200, 201, 400, 409, 413, 415, 422]);

let t: TestKernel;
before(async () => {
  t = await startTestKernel({ env: { RMOS_MAX_BODY_BYTES: "65536" } });
});
after(() => t.close());

async function post(body: string, contentType = "application/json") {
  const res = await t.request("runs", { method: "POST", headers: { "content-type": contentType }, body });
  if (!ALLOWED.has(res.status)) assert.fail(`status ${res.status} for ${body.slice(0, 200)}: ${await res.text()}`);
  if (res.status >= 400) assert.equal(res.headers.get("content-type"), "application/problem+json");
  return res;
}

type Path = Array<string | number>;

/** Every path into a JSON value. */
function paths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function mutate(body: unknown, path: Path, action: "delete" | "set" | "add", value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  if (path.length === 0) return action === "set" ? value : copy;
  let node: any = copy;
  for (const seg of path.slice(0, -1)) node = node[seg];
  const last = path[path.length - 1] as string | number;
  if (action === "delete") {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else if (action === "set") node[last] = value;
  else if (node && typeof node === "object" && !Array.isArray(node)) node[`x_${String(last)}`] = value;
  return copy;
}

describe("fuzzing POST /runs", () => {
  test("arbitrary JSON values never give a 500", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        await post(JSON.stringify(value));
      }),
      { numRuns: 150 },
    );
  });

  test("arbitrary text and wrong content types never give a 500", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 300 }),
        fc.constantFrom("application/json", "text/plain", "application/x-www-form-urlencoded"),
        async (text, type) => {
          await post(text, type);
        },
      ),
      { numRuns: 150 },
    );
  });

  test("mutations of a valid body never give a 500, and what is stored is valid with true hashes", async () => {
    const base = makeCreateBody({ attachments: [], advisory_inputs: [] });
    const candidates = paths(base);
    const odd = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(null, "", "\uD800", -0, 1e308, "0".repeat(64), "RED", "BLOCKED", [], {}),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...candidates),
        fc.constantFrom("delete", "set", "add") as fc.Arbitrary<"delete" | "set" | "add">,
        odd,
        async (path, action, value) => {
          const body = mutate(base, path, action, value);
          const res = await post(JSON.stringify(body));
          if (res.status === 201) {
            const artifact = (await res.json()) as Record<string, any>;
            assert.ok(RunArtifactSchema.safeParse(artifact).success, "stored artifact validates");
            assert.equal(artifact.hashes.feasibility_sha256, canonicalSha256(artifact.feasibility));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test("afterwards, every stored run verifies", async () => {
    const store = t.kernel.resolve(RUN_STORE);
    const verifiers = t.kernel.resolve(RUN_VERIFIERS);
    let n = 0;
    for await (const entry of store.scan()) {
      const report = await verifiers.verify(await entry.read());
      assert.ok(report.ok, `${entry.run_id}: ${JSON.stringify(report.checks.filter((c) => !c.ok))}`);
      n++;
    }
    assert.ok(n > 0, "some mutations were valid and stored");
  });
});
