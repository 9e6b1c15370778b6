/**
 * The authentication middleware over real HTTP on 127.0.0.1 (port 0), the way clients
 * meet it: a token is accepted, a missing one gets the 401 challenge, and a request
 * with two Authorization headers never authenticates — Node hands them over joined by
 * a comma, which the strict parser refuses as malformed, whichever of the two is good.
 */
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { serve, type ServerType } from "@hono/node-server";
import { buildApp, KNOWN, logSink } from "../../testing/auth_test_app.js";
import { migratedTokenDb, type TokenDb } from "../../testing/token_db.js";
import { createAuthMiddleware } from "./auth_setup.js";
import { issueToken } from "./token_issuer.js";

let db: TokenDb;
let server: ServerType;
let port = 0;
let token = "";

/** A raw request with headers given as a flat list, so that a header can repeat. */
function rawGet(path: string, headers: string[]): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path, headers: ["host", `127.0.0.1:${port}`, ...headers] },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

before(async () => {
  db = await migratedTokenDb();
  const store = db.open();
  token = (await issueToken(store, { name: "http", roles: ["auditor"], createdBy: "cli:t" })).token;
  const app = buildApp(createAuthMiddleware({ mode: "on", warnings: [] }, store), logSink().logger);
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
      port = info.port;
      resolve();
    });
  });
  assert.ok((server.address() as AddressInfo).port > 0);
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  db.dispose();
});

test("over HTTP: a token is accepted; no credential is a 401 with the Bearer challenge", async () => {
  const ok = await rawGet(`/api/rmos/runs/${KNOWN}`, ["authorization", `Bearer ${token}`]);
  assert.equal(ok.status, 200);
  const none = await rawGet(`/api/rmos/runs/${KNOWN}`, []);
  assert.equal(none.status, 401);
  assert.equal(none.headers["www-authenticate"], 'Bearer realm="rmos"');
  assert.equal(none.headers["content-type"], "application/problem+json");
});

test("over HTTP: two Authorization headers never authenticate", async () => {
  for (const pair of [
    [`Bearer ${token}`, "Bearer rmos_garbage"],
    ["Bearer rmos_garbage", `Bearer ${token}`],
    [`Bearer ${token}`, `Bearer ${token}`],
  ]) {
    const res = await rawGet(`/api/rmos/runs/${KNOWN}`, [
      "authorization",
      pair[0] as string,
      "authorization",
      pair[1] as string,
    ]);
    assert.equal(res.status, 401);
    assert.equal(res.headers["www-authenticate"], 'Bearer realm="rmos", error="invalid_request"');
  }
});
