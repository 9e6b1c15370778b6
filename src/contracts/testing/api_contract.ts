/**
 * The API contract kit: the SPEC governance invariants checked over HTTP, so that a
 * compliance team can run them against the in-process app or a deployed installation
 * (`RMOS_BASE_URL=http://host:port npm run contract`) without reading the code. Each
 * test is named after the invariant it proves. Tests create runs; they never need to
 * modify or delete anything (they could not).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { canonicalSha256, sha256Hex } from "../hashing.js";
import { makeCreateBody } from "./artifacts.js";

/** How the kit reaches the service: `fetch` takes a path under the origin, e.g. `/api/rmos/runs`. */
export interface ApiTarget {
  readonly name: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

const BASE = "/api/rmos";

function post(target: ApiTarget, path: string, body: unknown, headers: Record<string, string> = {}) {
  return target.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectProblem(res: Response, status: number | number[], what: string): Promise<Record<string, unknown>> {
  const allowed = Array.isArray(status) ? status : [status];
  assert.ok(allowed.includes(res.status), `${what}: status ${res.status}, expected ${allowed.join("/")}`);
  assert.equal(res.headers.get("content-type"), "application/problem+json", `${what}: problem+json`);
  const body = (await res.json()) as Record<string, unknown>;
  for (const k of ["type", "title", "status", "detail"]) assert.ok(k in body, `${what}: problem has ${k}`);
  return body;
}

async function createRun(target: ApiTarget, overrides: Record<string, unknown> = {}) {
  const res = await post(target, "/runs", makeCreateBody(overrides));
  assert.equal(res.status, 201, `create: ${res.status} ${await res.clone().text()}`);
  return { res, artifact: (await res.json()) as Record<string, any> };
}

/** Registers the API contract suites against `target`. */
export function apiContract(target: ApiTarget): void {
  describe(`API contract: ${target.name}`, () => {
    test("invariant 1 — required fields: missing, null or empty feasibility hash or risk level → 400 with a field-level error", async () => {
      const cases: Array<[string, Record<string, unknown>, string]> = [
        ["risk_level missing", { decision: { score: 1 } }, "/decision/risk_level"],
        ["risk_level null", { decision: { risk_level: null } }, "/decision/risk_level"],
        ["risk_level empty", { decision: { risk_level: "" } }, "/decision/risk_level"],
        ["feasibility_sha256 null", { hashes: { feasibility_sha256: null } }, "/hashes/feasibility_sha256"],
        ["feasibility_sha256 empty", { hashes: { feasibility_sha256: "" } }, "/hashes/feasibility_sha256"],
      ];
      for (const [what, overrides, pointer] of cases) {
        const body = await expectProblem(await post(target, "/runs", makeCreateBody(overrides)), 400, what);
        const errors = body.errors as Array<{ pointer: string }>;
        assert.ok(
          errors?.some((e) => e.pointer === pointer),
          `${what}: an error names ${pointer}`,
        );
      }
    });

    test("invariant 2 — hashes are true: the server computes them; a client hash that does not match → 422", async () => {
      const body = makeCreateBody();
      const { artifact } = await createRun(target);
      assert.equal(artifact.hashes.feasibility_sha256, canonicalSha256(body.feasibility));
      const outputs = body.outputs as { gcode_text: string; toolpaths: unknown };
      assert.equal(artifact.hashes.gcode_sha256, sha256Hex(outputs.gcode_text));
      assert.equal(artifact.hashes.toolpaths_sha256, canonicalSha256(outputs.toolpaths));
      const wrong = await post(target, "/runs", makeCreateBody({ hashes: { feasibility_sha256: "0".repeat(64) } }));
      const problem = await expectProblem(wrong, 422, "mismatching hash");
      assert.ok((problem.errors as Array<{ pointer: string }>).some((e) => e.pointer === "/hashes/feasibility_sha256"));
      const right = await post(
        target,
        "/runs",
        makeCreateBody({ hashes: { feasibility_sha256: canonicalSha256(body.feasibility) } }),
      );
      assert.equal(right.status, 201, "a matching client hash is accepted");
    });

    test("invariant 3 — write-once: PUT, PATCH and DELETE on a run answer 405 and change nothing", async () => {
      const { artifact, res } = await createRun(target);
      const etag = res.headers.get("etag");
      for (const method of ["PUT", "PATCH", "DELETE"]) {
        const r = await target.fetch(`${BASE}/runs/${artifact.run_id}`, {
          method,
          headers: { "content-type": "application/json" },
          body: method === "DELETE" ? undefined : JSON.stringify({ status: "BLOCKED" }),
        });
        await expectProblem(r, 405, method);
      }
      const after = await target.fetch(`${BASE}/runs/${artifact.run_id}`);
      assert.equal(after.headers.get("etag"), etag, "bytes unchanged");
    });

    test("invariant 4 — a write acknowledged with 201 reads back byte-identical (ETag = sha256 of the bytes)", async () => {
      const res = await post(target, "/runs", makeCreateBody());
      assert.equal(res.status, 201);
      const created = Buffer.from(await res.arrayBuffer());
      const location = res.headers.get("location");
      assert.ok(location?.startsWith(`${BASE}/runs/run_`), "Location names the run");
      const read = await target.fetch(location as string);
      assert.equal(read.status, 200);
      const bytes = Buffer.from(await read.arrayBuffer());
      assert.ok(bytes.equals(created));
      assert.equal(read.headers.get("etag"), `"${sha256Hex(bytes)}"`);
      const cached = await target.fetch(location as string, {
        headers: { "if-none-match": read.headers.get("etag") as string },
      });
      assert.equal(cached.status, 304);
    });

    test("invariant 6 — stable identity: server-assigned run_ + ULID whose time is created_at_utc", async () => {
      const { artifact } = await createRun(target);
      assert.match(artifact.run_id, /^run_[0-9A-HJKMNP-TV-Z]{26}$/);
      const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
      const time = [...artifact.run_id.slice(4, 14)].reduce((t, ch) => t * 32 + alphabet.indexOf(ch), 0);
      assert.equal(new Date(time).toISOString(), artifact.created_at_utc);
    });

    test("invariant 7 — UTC only: stored times end in Z; a naive timestamp in a request → 400", async () => {
      const { artifact } = await createRun(target);
      assert.match(artifact.created_at_utc, /Z$/);
      await expectProblem(
        await target.fetch(`${BASE}/runs?created_from=2026-01-01T00:00:00`),
        400,
        "naive created_from",
      );
      const ok = await target.fetch(`${BASE}/runs?created_from=2026-01-01T00:00:00%2B02:00`);
      assert.equal(ok.status, 200);
    });

    test("invariant 8 — safe identifiers: traversal and look-alike ids → 400/404, never 500", async () => {
      const ids = [
        "..%2f..%2fetc%2fpasswd",
        "%2e%2e",
        "%2e%2e%2f%2e%2e%2fdata",
        "run_..%2F..%2Frmos.db",
        "run_%00",
        "run_0123456789ab%00.json",
        `run_${"A".repeat(300)}`,
        "run_０１２３４５６７８９ａｂ",
        "run_0123456789aｂ",
        "run_01JD0Q3ZK9N8M6T5R4P3Q2W1X%C4%B0",
        "%252e%252e",
        "run_0123456789ab.json",
      ];
      for (const id of ids) {
        for (const suffix of ["", "/verify"]) {
          const res = await target.fetch(`${BASE}/runs/${id}${suffix}`);
          assert.ok([400, 404].includes(res.status), `${id}${suffix}: ${res.status}`);
          assert.equal(res.headers.get("content-type"), "application/problem+json");
        }
      }
    });

    test("invariant 9 — bad input is answered with problem+json, not crashed on", async () => {
      await expectProblem(await post(target, "/runs", "{not json"), 400, "malformed JSON");
      await expectProblem(await post(target, "/runs", "[]"), 400, "an array");
      await expectProblem(await post(target, "/runs", makeCreateBody({ status: 7 })), 400, "wrong type");
      await expectProblem(await post(target, "/runs", makeCreateBody({ surprise: true })), 400, "unknown field");
      await expectProblem(
        await target.fetch(`${BASE}/runs`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" }),
        415,
        "not JSON",
      );
      await expectProblem(
        await post(target, "/runs", makeCreateBody({ meta: { blob: "x".repeat(9 * 1024 * 1024) } })),
        413,
        "oversized",
      );
      await expectProblem(await target.fetch(`${BASE}/runs?limit=0`), 400, "limit 0");
      await expectProblem(await target.fetch(`${BASE}/runs?cursor=%%%`), 400, "bad cursor");
      await expectProblem(await target.fetch(`${BASE}/runs?risk=RED`), 400, "unknown query parameter");
    });

    test("consistency — BLOCKED needs a block_reason; ERROR goes with risk ERROR or UNKNOWN", async () => {
      await expectProblem(
        await post(target, "/runs", makeCreateBody({ status: "BLOCKED", decision: { risk_level: "RED" } })),
        400,
        "BLOCKED",
      );
      await expectProblem(
        await post(target, "/runs", makeCreateBody({ status: "ERROR", decision: { risk_level: "GREEN" } })),
        400,
        "ERROR",
      );
      const ok = await post(
        target,
        "/runs",
        makeCreateBody({ status: "BLOCKED", decision: { risk_level: "RED", block_reason: "chipload out of range" } }),
      );
      assert.equal(ok.status, 201);
    });

    test("Idempotency-Key — same key and body → same run; same key, other body → 422", async () => {
      const key = `contract-${Date.now()}-${Math.random()}`;
      const body = makeCreateBody({ meta: { key } });
      const first = await post(target, "/runs", body, { "idempotency-key": key });
      assert.equal(first.status, 201);
      const again = await post(target, "/runs", body, { "idempotency-key": key });
      assert.equal(again.status, 200);
      const runIdOf = async (r: Response) => ((await r.json()) as { run_id: string }).run_id;
      assert.equal(await runIdOf(again), await runIdOf(first));
      await expectProblem(
        await post(target, "/runs", makeCreateBody({ meta: { other: 1 } }), { "idempotency-key": key }),
        422,
        "reused key",
      );
    });

    test("every response carries X-Request-Id", async () => {
      for (const path of [`${BASE}/runs`, `${BASE}/runs/run_0123456789ab`, `${BASE}/nope`, "/healthz"]) {
        assert.ok((await target.fetch(path)).headers.get("x-request-id"), path);
      }
    });
  });
}
