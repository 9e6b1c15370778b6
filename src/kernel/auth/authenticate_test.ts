/**
 * The authentication middleware and requireRoles on a small Hono app over real HTTP
 * shapes (app.request): routes that declare their roles where they are defined, the
 * kernel's error handler, a token store on a real SQLite file and a JWKS served on
 * loopback. Walks every operation of the app's OpenAPI document × every role (with
 * API tokens and with JWTs), then the details: 401 vs 403 and their challenges,
 * nothing revealed about existence, validation only after authorization, the public
 * endpoints, revocation at once, credentials absent from bodies and logs, RMOS_AUTH=off,
 * and an unreachable identity provider (503).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PROBLEM_MEDIA_TYPE } from "../../contracts/http.js";
import { makeKey, signWith, startJwksServer, type JwksServer, type TestKey } from "../../testing/jwks_server.js";
import { AUDIENCE, buildApp, type Env, ISSUER, KNOWN, logSink } from "../../testing/auth_test_app.js";
import { migratedTokenDb, type TokenDb } from "../../testing/token_db.js";
import { OpenAPIHono } from "@hono/zod-openapi";
import { handleError } from "../problems.js";
import type { AuthConfig } from "./auth_config.js";
import { createAuthMiddleware } from "./auth_setup.js";
import { BEARER_SCHEME_NAME, bearerSecurityScheme } from "./openapi_security.js";
import { requireRoles } from "./require_roles.js";
import { fillPath, roleCoverage } from "./role_coverage.js";
import { ALL_ROLES, type Role } from "./roles.js";
import type { SqliteTokenStore } from "./sqlite_token_store.js";
import { issueToken } from "./token_issuer.js";

function onConfig(): AuthConfig {
  return { mode: "on", warnings: [] };
}

describe("authentication and roles on a small app", () => {
  let db: TokenDb;
  let store: SqliteTokenStore;
  let jwks: JwksServer;
  let key: TestKey;
  let app: OpenAPIHono<Env>;
  let logs: ReturnType<typeof logSink>;
  const tokenFor = new Map<Role, string>();
  const jwtFor = new Map<Role, string>();
  let secrets: string[] = [];

  const call = (method: string, path: string, credential?: string, body?: unknown, header?: string) =>
    app.request(path, {
      method,
      headers: {
        ...(credential !== undefined ? { authorization: header ?? `Bearer ${credential}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  before(async () => {
    db = await migratedTokenDb();
    store = db.open();
    key = await makeKey("k1", "ES256");
    jwks = await startJwksServer([key.jwk]);
    logs = logSink();
    const config: AuthConfig = {
      mode: "on",
      oidc: {
        jwksUrl: jwks.url,
        issuer: ISSUER,
        audience: [AUDIENCE],
        rolesClaim: "roles",
        algorithms: ["ES256"],
      },
      warnings: [],
    };
    app = buildApp(createAuthMiddleware(config, store, { jwks: { cooldownMs: 0 } }), logs.logger);
    for (const role of ALL_ROLES) {
      tokenFor.set(role, (await issueToken(store, { name: `only-${role}`, roles: [role], createdBy: "cli:t" })).token);
      jwtFor.set(
        role,
        await signWith(key, {
          iss: ISSUER,
          aud: AUDIENCE,
          sub: `user-${role}`,
          exp: Math.floor(Date.now() / 1000) + 600,
          roles: [role],
        }),
      );
    }
    secrets = [...tokenFor.values(), ...jwtFor.values()];
  });
  after(async () => {
    await jwks.close();
    db.dispose();
  });

  test("the document declares the bearer scheme and x-rmos-roles on every protected operation", async () => {
    const doc = (await (await call("GET", "/openapi.json")).json()) as Record<string, unknown>;
    const schemes = (doc.components as { securitySchemes: Record<string, unknown> }).securitySchemes;
    assert.deepEqual(schemes[BEARER_SCHEME_NAME], bearerSecurityScheme);
    const coverage = roleCoverage(doc);
    assert.deepEqual(coverage.faults, []);
    assert.equal(coverage.protectedOperations.length, 5);
    assert.deepEqual(
      coverage.publicOperations.map((o) => o.operationId),
      ["healthz"],
    );
    const post = (doc.paths as Record<string, Record<string, Record<string, unknown>>>)["/api/rmos/runs"]?.post;
    assert.deepEqual(post?.["x-rmos-roles"], ["writer"]);
    assert.deepEqual(post?.security, [{ [BEARER_SCHEME_NAME]: [] }]);
    assert.equal(JSON.stringify(doc).includes("rmos_tok_"), false);
  });

  test("every operation × every role, with API tokens and with JWTs: 403 exactly when the role may not", async () => {
    const doc = (await (await call("GET", "/openapi.json")).json()) as Record<string, unknown>;
    const { cases, protectedOperations } = roleCoverage(doc);
    assert.equal(cases.length, protectedOperations.length * ALL_ROLES.length);
    for (const credentials of [tokenFor, jwtFor]) {
      for (const c of cases) {
        const path = fillPath(c.path, { run_id: KNOWN, asset_id: KNOWN });
        const body = c.operationId === "createRun" ? { tool_id: "t1" } : undefined;
        const res = await call(c.method, path, credentials.get(c.role), body);
        const label = `${c.method} ${c.path} as ${c.role}`;
        if (c.allowed) {
          assert.equal(res.status, 200, label);
          const principal = ((await res.json()) as { principal: string }).principal;
          assert.equal(principal, credentials === tokenFor ? `token:only-${c.role}` : `user-${c.role}`, label);
        } else {
          assert.equal(res.status, 403, label);
          assert.equal(res.headers.get("content-type"), PROBLEM_MEDIA_TYPE, label);
          assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="rmos", error="insufficient_scope"');
        }
      }
    }
  });

  test("a credential with several roles may do what each may; a JWT with no known role gets 403 everywhere", async () => {
    const both = (
      await issueToken(store, { name: "writer-reviewer", roles: ["writer", "reviewer"], createdBy: "cli:t" })
    ).token;
    assert.equal((await call("POST", "/api/rmos/runs", both, { tool_id: "t" })).status, 200);
    assert.equal((await call("POST", `/api/rmos/advisories/${KNOWN}/review`, both)).status, 200);
    assert.equal((await call("POST", "/api/rmos/schemas/migrate", both)).status, 403);
    const roleless = await signWith(key, {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: "nobody",
      exp: Math.floor(Date.now() / 1000) + 600,
      roles: ["superuser"],
    });
    assert.equal((await call("GET", `/api/rmos/runs/${KNOWN}`, roleless)).status, 403);
    assert.equal((await call("GET", "/metrics", roleless)).status, 403);
  });

  test("401 without a credential on every protected operation (and unknown paths); the public ones answer", async () => {
    const doc = (await (await call("GET", "/openapi.json")).json()) as Record<string, unknown>;
    for (const op of roleCoverage(doc).protectedOperations) {
      const res = await call(op.method, fillPath(op.path, { run_id: KNOWN, asset_id: KNOWN }));
      assert.equal(res.status, 401, `${op.method} ${op.path}`);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="rmos"');
      assert.equal(res.headers.get("content-type"), PROBLEM_MEDIA_TYPE);
      const problem = (await res.json()) as Record<string, unknown>;
      assert.equal(problem.status, 401);
      assert.equal(problem.type, "urn:rmos:problem:unauthenticated");
    }
    assert.equal(
      (await call("GET", "/api/rmos/no-such-thing")).status,
      401,
      "no route enumeration without a credential",
    );
    assert.equal((await call("GET", "/api/rmos/no-such-thing", tokenFor.get("auditor"))).status, 404);
    for (const path of ["/healthz", "/openapi.json", "/docs"]) {
      assert.equal((await call("GET", path)).status, 200, path);
      assert.equal((await call("GET", path, "garbage")).status, 200, `${path} ignores credentials`);
    }
    assert.equal((await call("HEAD", "/healthz")).status, 200);
    assert.equal((await call("POST", "/healthz")).status, 401, "only GET/HEAD of a public path are public");
    assert.equal((await call("GET", "/healthz/")).status, 401, "exact paths only");
    assert.equal((await call("GET", "/HEALTHZ")).status, 401);
  });

  test("malformed headers → 401 invalid_request; bad credentials → 401 invalid_token; same text for all bad tokens", async () => {
    for (const header of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer  x", "Bearer a b", `Bearer ${"a".repeat(9000)}`]) {
      const res = await call("GET", `/api/rmos/runs/${KNOWN}`, "", undefined, header);
      assert.equal(res.status, 401, header.slice(0, 20));
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="rmos", error="invalid_request"');
    }
    const auditor = tokenFor.get("auditor") as string;
    const tokenId = auditor.slice(5, 5 + 30);
    const details = new Set<string>();
    for (const bad of [
      "rmos_garbage",
      `rmos_${tokenId}_${"A".repeat(43)}`,
      `rmos_tok_01HZZZZZZZZZZZZZZZZZZZZZZZ_${auditor.slice(-43)}`,
      "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
      "not-a-token",
      `${(jwtFor.get("admin") as string).slice(0, -3)}AAA`,
    ]) {
      const res = await call("GET", `/api/rmos/runs/${KNOWN}`, bad);
      assert.equal(res.status, 401, bad);
      assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="rmos", error="invalid_token"');
      const problem = (await res.json()) as { detail: string };
      details.add(problem.detail);
      assert.equal(JSON.stringify(problem).includes(bad), false, "the credential is not echoed");
    }
    assert.equal(details.size, 1, "unknown id, wrong secret and bad signature read the same");
    assert.equal((await call("GET", `/api/rmos/runs/${KNOWN}`, "", undefined, `bearer ${auditor}`)).status, 200);
  });

  test("neither 401 nor 403 says whether the resource exists", async () => {
    const bodyOf = async (res: Response) => {
      const { instance: _i, ...rest } = (await res.json()) as Record<string, unknown>;
      return { status: res.status, rest, challenge: res.headers.get("www-authenticate") };
    };
    const writer = tokenFor.get("writer");
    const known = await bodyOf(await call("POST", `/api/rmos/advisories/${KNOWN}/review`, writer));
    const unknown = await bodyOf(await call("POST", "/api/rmos/advisories/adv_missing/review", writer));
    assert.equal(known.status, 403);
    assert.deepEqual(known, unknown);
    const anon = await bodyOf(await call("GET", `/api/rmos/runs/${KNOWN}`));
    const anonUnknown = await bodyOf(await call("GET", "/api/rmos/runs/run_missing"));
    assert.equal(anon.status, 401);
    assert.deepEqual(anon, anonUnknown);
    assert.equal((await call("POST", "/api/rmos/advisories/adv_missing/review", tokenFor.get("reviewer"))).status, 404);
  });

  test("authorization comes before validation: a bad body from a caller without the role is 403, not 400", async () => {
    const res = await call("POST", "/api/rmos/runs", tokenFor.get("reviewer"), { nonsense: true });
    assert.equal(res.status, 403);
    assert.equal((await call("POST", "/api/rmos/runs", tokenFor.get("writer"), { nonsense: true })).status, 400);
  });

  test("revocation and expiry are refused at the next request, through another connection too", async () => {
    const issued = await issueToken(store, {
      name: "short",
      roles: ["auditor"],
      expiresInMs: 1500,
      createdBy: "cli:t",
    });
    assert.equal((await call("GET", "/metrics", issued.token)).status, 200);
    await db.open().revoke(issued.token_id, new Date(), "cli:t");
    const res = await call("GET", "/metrics", issued.token);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="rmos", error="invalid_token"');
    const expiring = await issueToken(store, {
      name: "exp",
      roles: ["auditor"],
      expiresInMs: 1000,
      createdBy: "cli:t",
    });
    assert.equal((await call("GET", "/metrics", expiring.token)).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await call("GET", "/metrics", expiring.token)).status, 401);
  });

  test("logs carry the principal and why a credential was refused, never a credential", async () => {
    const text = logs.text();
    assert.match(text, /"principal":"token:only-writer"/);
    assert.match(text, /"principal":"user-reviewer"/);
    assert.match(text, /"auth_refused":"token_mismatch"/);
    assert.match(text, /"auth_refused":"jwt_signature"/);
    assert.match(text, /"auth_refused":"missing"/);
    for (const secret of secrets) {
      assert.equal(text.includes(secret), false, "a credential reached the logs");
      assert.equal(text.includes(secret.slice(-20)), false, "part of a credential reached the logs");
    }
  });
});

describe("requireRoles and modes", () => {
  test("RMOS_AUTH=off: every request is anonymous with every role; no credential needed", async () => {
    const db = await migratedTokenDb();
    try {
      const { logger } = logSink();
      const app = buildApp(createAuthMiddleware({ mode: "off", warnings: [] }, db.open()), logger);
      for (const [method, path] of [
        ["POST", "/api/rmos/schemas/migrate"],
        ["POST", `/api/rmos/advisories/${KNOWN}/review`],
        ["GET", "/metrics"],
      ] as const) {
        const res = await app.request(path, { method });
        assert.equal(res.status, 200, path);
        assert.deepEqual(await res.json(), { principal: "anonymous" });
      }
    } finally {
      db.dispose();
    }
  });

  test("an identity provider whose keys cannot be fetched: 503 problem, not 401", async () => {
    const db = await migratedTokenDb();
    const key = await makeKey("k9", "ES256");
    const jwks = await startJwksServer([key.jwk]);
    try {
      jwks.fail("status500");
      const { logger } = logSink();
      const config: AuthConfig = {
        mode: "on",
        oidc: { jwksUrl: jwks.url, issuer: ISSUER, audience: [AUDIENCE], rolesClaim: "roles", algorithms: ["ES256"] },
        warnings: [],
      };
      const app = buildApp(createAuthMiddleware(config, db.open(), { jwks: { cooldownMs: 0 } }), logger);
      const jwt = await signWith(key, {
        iss: ISSUER,
        aud: AUDIENCE,
        sub: "u",
        exp: Math.floor(Date.now() / 1000) + 60,
      });
      const res = await app.request("/metrics", { headers: { authorization: `Bearer ${jwt}` } });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get("content-type"), PROBLEM_MEDIA_TYPE);
      assert.equal((await res.text()).includes(jwt), false);
    } finally {
      await jwks.close();
      db.dispose();
    }
  });

  test("with tokens only (no OIDC), a JWT is refused as an invalid token", async () => {
    const db = await migratedTokenDb();
    try {
      const app = buildApp(createAuthMiddleware(onConfig(), db.open()), logSink().logger);
      const res = await app.request("/metrics", { headers: { authorization: "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln" } });
      assert.equal(res.status, 401);
    } finally {
      db.dispose();
    }
  });

  test("requireRoles without the middleware in front is a wiring fault (500), never a pass", async () => {
    const app = new OpenAPIHono<Env>();
    app.get("/x", requireRoles(["auditor"]) as never, (c) => c.text("reached"));
    app.onError(handleError as never);
    const res = await app.request("/x");
    assert.equal(res.status, 500);
    assert.throws(() => requireRoles([]), /at least one role/);
  });
});
