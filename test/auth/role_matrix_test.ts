/**
 * Every operation of the generated OpenAPI document × every role, against a real
 * kernel with RMOS_AUTH=on and real API tokens (one per role). The cases come from the
 * document through `roleCoverage`, so a route a plugin adds later is walked too — and
 * a route that lists no roles fails here (and cannot be mounted at all). For each
 * protected operation, addressed once at existing resources and once at unknown ones:
 * no credential and bad credentials → 401 with `WWW-Authenticate: Bearer`; a role the
 * operation does not list → 403; a role it lists → neither 401 nor 403. The 401 and 403
 * answers are problem+json, never echo the credential, and are the same for an
 * existing and an unknown resource (they do not reveal whether it exists).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fillPath, roleCoverage, type RoleCase } from "../../src/kernel/auth/role_coverage.js";
import { ALL_ROLES } from "../../src/kernel/auth/roles.js";
import { type AuthKernel, startAuthKernel, withBearer } from "../../src/testing/auth_kernel.js";
import { jsonBody, sampleRunRequest } from "../../src/testing/test_kernel.js";

type Doc = Record<string, unknown>;

/** Well-formed ids that name nothing. */
const UNKNOWN = {
  run_id: "run_01JN0000000000000000000000",
  asset_id: "adv_01JN0000000000000000000000",
  session_id: "wfs_01JN0000000000000000000000",
  sha256: "0".repeat(64),
};

/** A token for a token id that does not exist, and things that are no token at all. */
const BAD_CREDENTIALS = [
  `rmos_tok_01JN0000000000000000000000_${"A".repeat(43)}`,
  "not-a-token",
  "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYWxsb3J5In0.",
];

let k: AuthKernel;
let existing: Record<string, string>;
let tokenOf: Record<string, string>;

/** The request for an operation: a JSON body on methods that take one, the diff query on /runs/diff. */
function requestFor(op: { method: string; path: string }, values: Record<string, string>, init: RequestInit = {}) {
  let url = fillPath(op.path, values);
  if (op.path.endsWith("/runs/diff")) url += `?a=${values.run_id}&b=${values.run_id}`;
  const withBody = op.method !== "GET" && op.method !== "HEAD";
  const base: RequestInit = withBody
    ? { method: op.method, headers: { "content-type": "application/json" }, body: "{}" }
    : { method: op.method };
  const headers = new Headers(base.headers);
  for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
  return { url, init: { ...base, ...init, headers } };
}

/** Status, challenge and body of an answer, without the parts that differ per request. */
async function refusal(res: Response): Promise<{ status: number; challenge: string | null; body: Doc; text: string }> {
  const text = await res.text();
  assert.equal(res.headers.get("content-type"), "application/problem+json", text);
  const body = JSON.parse(text) as Doc;
  const { instance: _instance, request_id: _requestId, ...rest } = body;
  return { status: res.status, challenge: res.headers.get("www-authenticate"), body: rest, text };
}

function send(op: { method: string; path: string }, values: Record<string, string>, init?: RequestInit) {
  const r = requestFor(op, values, init);
  return k.t.request(r.url, r.init);
}

before(async () => {
  k = await startAuthKernel({
    auditor: ["auditor"],
    writer: ["writer"],
    reviewer: ["reviewer"],
    admin: ["admin"],
  });
  tokenOf = { ...k.tokens };
  const run = await k.t.request("/api/rmos/runs", k.as("writer", jsonBody(sampleRunRequest())));
  assert.equal(run.status, 201, await run.clone().text());
  const asset = await k.t.request(
    "/api/rmos/advisories",
    k.as(
      "writer",
      jsonBody({ asset_type: "EXPLANATION", source: "ai", provider: "test", suggestion_data: { text: "why" } }),
    ),
  );
  assert.equal(asset.status, 201, await asset.clone().text());
  const session = await k.t.request("/api/rmos/workflow-sessions", k.as("writer", jsonBody({ workflow: "w" })));
  assert.equal(session.status, 201, await session.clone().text());
  const blob = await k.t.request(
    "/api/rmos/attachments",
    k.as("writer", { method: "POST", headers: { "content-type": "text/plain" }, body: "bytes" }),
  );
  assert.equal(blob.status, 201, await blob.clone().text());
  existing = {
    run_id: ((await run.json()) as Doc).run_id as string,
    asset_id: ((await asset.json()) as Doc).asset_id as string,
    session_id: ((await session.json()) as Doc).session_id as string,
    sha256: ((await blob.json()) as Doc).sha256 as string,
  };
});

after(async () => {
  await k.close();
});

describe("every operation × every role, from the generated OpenAPI document", () => {
  test("the document has no operation without roles; it declares the bearer scheme", () => {
    const doc = k.t.kernel.openApiDocument();
    const coverage = roleCoverage(doc);
    assert.deepEqual(coverage.faults, []);
    assert.deepEqual(
      coverage.publicOperations.map((o) => `${o.method} ${o.path}`).sort(),
      ["GET /healthz", "GET /readyz"],
      "only the probes are public in the document (/openapi.json and /docs are served outside it)",
    );
    assert.ok(coverage.protectedOperations.length >= 25, `${coverage.protectedOperations.length} operations`);
    const schemes = (doc.components as Doc | undefined)?.securitySchemes as Doc | undefined;
    assert.deepEqual(schemes?.bearerAuth && (schemes.bearerAuth as Doc).scheme, "bearer");
    assert.equal(JSON.stringify(doc).includes("rmos_tok_"), false, "no credential in the document");
  });

  test("no credential and bad credentials: 401 with WWW-Authenticate: Bearer, the same for existing and unknown resources", async () => {
    const { protectedOperations } = roleCoverage(k.t.kernel.openApiDocument());
    for (const op of protectedOperations) {
      const attempts: Array<[string, RequestInit]> = [
        ["no credential", {}],
        ...BAD_CREDENTIALS.map((bad): [string, RequestInit] => [
          `bad credential ${bad.slice(0, 12)}…`,
          withBearer(bad),
        ]),
        ["not a Bearer header", { headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` } }],
      ];
      for (const [what, init] of attempts) {
        const onExisting = await refusal(await send(op, existing, init));
        const onUnknown = await refusal(await send(op, UNKNOWN, init));
        const name = `${op.method} ${op.path}, ${what}`;
        assert.equal(onExisting.status, 401, `${name}: ${onExisting.text}`);
        assert.match(onExisting.challenge ?? "", /^Bearer realm="rmos"/, name);
        assert.equal(onExisting.body.type, "urn:rmos:problem:unauthenticated", name);
        assert.deepEqual(onUnknown, { ...onExisting, text: onUnknown.text }, `${name}: existing and unknown differ`);
        for (const bad of BAD_CREDENTIALS) assert.equal(onExisting.text.includes(bad), false, `${name}: echoed`);
      }
    }
  });

  test("each role: 403 exactly where the operation does not list it, the same for existing and unknown resources", async () => {
    const { cases } = roleCoverage(k.t.kernel.openApiDocument());
    assert.equal(cases.length % ALL_ROLES.length, 0);
    const allowedSeen = new Set<string>();
    for (const c of cases as RoleCase[]) {
      const token = tokenOf[c.role] as string;
      const name = `${c.method} ${c.path} as ${c.role}`;
      if (!c.allowed) {
        const onExisting = await refusal(await send(c, existing, withBearer(token)));
        const onUnknown = await refusal(await send(c, UNKNOWN, withBearer(token)));
        assert.equal(onExisting.status, 403, `${name}: ${onExisting.text}`);
        assert.match(onExisting.challenge ?? "", /^Bearer .*error="insufficient_scope"/, name);
        assert.equal(onExisting.body.type, "urn:rmos:problem:forbidden", name);
        assert.deepEqual(onUnknown, { ...onExisting, text: onUnknown.text }, `${name}: existing and unknown differ`);
        assert.equal(onExisting.text.includes(token), false, `${name}: echoed`);
        continue;
      }
      allowedSeen.add(`${c.method} ${c.path}`);
      for (const values of [existing, UNKNOWN]) {
        const res = await send(c, values, withBearer(token));
        const text = await res.text();
        assert.ok(
          res.status !== 401 && res.status !== 403,
          `${name} (${values === existing ? "existing" : "unknown"}): ${res.status} ${text}`,
        );
      }
    }
    assert.equal(
      allowedSeen.size,
      roleCoverage(k.t.kernel.openApiDocument()).protectedOperations.length,
      "every operation is allowed to some role",
    );
  });

  test("SPEC's table: reads are open to all four roles; writes to writer, review to reviewer, migrate to admin", () => {
    const doc = k.t.kernel.openApiDocument();
    const rolesOf = (method: string, path: string) =>
      (doc.paths as Record<string, Record<string, Doc>>)[path]?.[method]?.["x-rmos-roles"];
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Doc>>)) {
      if (item.get && path !== "/healthz" && path !== "/readyz")
        assert.deepEqual(item.get["x-rmos-roles"], [...ALL_ROLES], path);
    }
    assert.deepEqual(rolesOf("post", "/api/rmos/runs"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/attachments"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/advisories"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/runs/{run_id}/attach-advisory"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/runs/{run_id}/suggest-and-attach"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/workflow-sessions"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/workflow-sessions/{session_id}/events"), ["writer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/advisories/{asset_id}/review"), ["reviewer"]);
    assert.deepEqual(rolesOf("post", "/api/rmos/schemas/migrate"), ["admin"]);
  });

  test("public endpoints need no credential; an unknown path without one is 401, not 404", async () => {
    for (const p of ["/healthz", "/readyz", "/openapi.json", "/docs"]) {
      assert.equal((await k.t.request(p)).status, 200, p);
    }
    const unknown = await refusal(await k.t.request("/api/rmos/no-such-thing"));
    assert.equal(unknown.status, 401);
    const withRole = await k.t.request("/api/rmos/no-such-thing", k.as("auditor"));
    assert.equal(withRole.status, 404);
    // POST to a public path is not public.
    assert.equal((await k.t.request("/healthz", { method: "POST" })).status, 401);
  });
});
