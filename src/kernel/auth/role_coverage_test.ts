/** The role matrix from an OpenAPI document, and the faults it reports. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fillPath, roleCoverage } from "./role_coverage.js";

const doc = {
  openapi: "3.1.0",
  paths: {
    "/api/rmos/runs": {
      get: { operationId: "listRuns", "x-rmos-roles": ["auditor", "writer", "reviewer", "admin"] },
      post: { operationId: "createRun", "x-rmos-roles": ["writer"] },
      parameters: [{ name: "ignored" }],
    },
    "/healthz": { get: { operationId: "healthz", security: [] } },
    "/api/rmos/forgotten": { delete: { operationId: "forgotten" } },
    "/api/rmos/empty": { put: { operationId: "empty", "x-rmos-roles": [] } },
    "/api/rmos/typo": { patch: { "x-rmos-roles": ["writter"] } },
    "/api/rmos/both": { get: { operationId: "both", security: [], "x-rmos-roles": ["admin"] } },
  },
};

test("every protected operation × every role, allowed exactly for the listed roles", () => {
  const { cases, protectedOperations, publicOperations } = roleCoverage(doc);
  assert.deepEqual(
    protectedOperations.map((o) => `${o.method} ${o.path}`),
    ["GET /api/rmos/runs", "POST /api/rmos/runs"],
  );
  assert.deepEqual(publicOperations, [{ method: "GET", path: "/healthz", operationId: "healthz" }]);
  assert.equal(cases.length, 8);
  assert.deepEqual(
    cases.filter((c) => c.operationId === "createRun").map((c) => [c.role, c.allowed]),
    [
      ["auditor", false],
      ["writer", true],
      ["reviewer", false],
      ["admin", false],
    ],
  );
  assert.ok(cases.filter((c) => c.operationId === "listRuns").every((c) => c.allowed));
});

test("faults: no roles and not public, an empty list, an unknown role, public with roles", () => {
  const { faults } = roleCoverage(doc);
  assert.equal(faults.length, 4);
  assert.match(faults.join("\n"), /DELETE \/api\/rmos\/forgotten \(forgotten\): no x-rmos-roles and not public/);
  assert.match(faults.join("\n"), /PUT \/api\/rmos\/empty \(empty\): x-rmos-roles must be a non-empty list/);
  assert.match(faults.join("\n"), /PATCH \/api\/rmos\/typo: x-rmos-roles must be/);
  assert.match(faults.join("\n"), /GET \/api\/rmos\/both \(both\): public \(security: \[\]\) but also lists/);
  assert.deepEqual(roleCoverage({}).cases, []);
});

test("fillPath fills each parameter, encoded, with a fallback", () => {
  assert.equal(fillPath("/runs/{run_id}/attachments/{sha256}", { run_id: "run_1" }), "/runs/run_1/attachments/x");
  assert.equal(fillPath("/a/{id}", { id: "../x y" }), "/a/..%2Fx%20y");
  assert.equal(fillPath("/a/{id}", {}, "zz"), "/a/zz");
});
