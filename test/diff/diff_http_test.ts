/**
 * HTTP tests of GET /runs/diff on an in-process kernel with every plugin: the answers for
 * unknown, malformed and traversal-looking ids, a run with itself, the SPEC severity table
 * rule by rule on runs created through the API, the patch turning a into b (also as a
 * property over random valid create bodies), identity matching of reordered attachments,
 * comparison in the current schema through the read-path upcaster, a corrupt stored
 * artifact, and the OpenAPI description of the route.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { CURRENT_SCHEMA_VERSION, RunArtifactSchema } from "../../src/contracts/artifact.js";
import { newId } from "../../src/contracts/ids.js";
import { ARTIFACT_UPCASTER } from "../../src/contracts/ports/artifact_upcaster.js";
import { MIGRATION_REGISTRY } from "../../src/contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../src/contracts/ports/run_store.js";
import { RUN_STORE } from "../../src/contracts/ports/run_store.js";
import { ProblemError } from "../../src/contracts/problem.js";
import { bind, definePlugin } from "../../src/kernel/plugin_api/plugin.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { applyPatch } from "../../src/plugins/diff/json_patch.js";
import type { JsonPatchOp } from "../../src/plugins/diff/json_patch.js";
import type { TestKernel } from "../../src/testing/test_kernel.js";
import { jsonBody, sampleRunRequest, startTestKernel } from "../../src/testing/test_kernel.js";

type Json = Record<string, unknown>;

interface DiffBody {
  a: string;
  b: string;
  severity: string;
  changes: Array<{ path: string; op: string; from?: string; before?: unknown; after?: unknown; severity: string }>;
  patch: JsonPatchOp[];
}

async function createRun(t: TestKernel, body: Json): Promise<Json> {
  const response = await t.request("runs", jsonBody(body));
  const json = (await response.json()) as Json;
  assert.equal(response.status, 201, JSON.stringify(json));
  return json;
}

async function getRun(t: TestKernel, id: string): Promise<Json> {
  const response = await t.request(`runs/${id}`);
  assert.equal(response.status, 200);
  return (await response.json()) as Json;
}

async function diff(t: TestKernel, a: string, b: string): Promise<DiffBody> {
  const response = await t.request(`runs/diff?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  const json = await response.json();
  assert.equal(response.status, 200, JSON.stringify(json));
  assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
  return json as DiffBody;
}

function changeAt(result: DiffBody, pointer: string) {
  const found = result.changes.find((c) => c.path === pointer);
  assert.ok(found, `no change at ${pointer} in ${JSON.stringify(result.changes.map((c) => c.path))}`);
  return found;
}

/** A complete 2.0.0 artifact, written straight to the run store (for shapes the API cannot make here). */
function storedArtifact(overrides: Json = {}): StoredArtifact {
  const id = newId("run");
  return {
    schema_version: CURRENT_SCHEMA_VERSION,
    run_id: id.id,
    created_at_utc: new Date(id.time).toISOString(),
    mode: "rosette",
    tool_id: "tool_vbit_60",
    status: "OK",
    request_summary: {},
    feasibility: { ok: true },
    decision: { risk_level: "GREEN", warnings: [], details: {} },
    hashes: { feasibility_sha256: "a".repeat(64) },
    outputs: {},
    attachments: [],
    advisory_inputs: [],
    meta: {},
    created_by: "anonymous",
    ...overrides,
  };
}

const attachment = (n: number) => ({
  sha256: String(n).repeat(64),
  kind: "photo",
  mime: "image/png",
  filename: `photo-${n}.png`,
  size_bytes: 100 + n,
});

describe("GET /runs/diff", () => {
  let t: TestKernel;
  let ok: Json;
  let blocked: Json;
  before(async () => {
    t = await startTestKernel();
    ok = await createRun(t, sampleRunRequest());
    blocked = await createRun(
      t,
      sampleRunRequest({
        status: "BLOCKED",
        decision: { risk_level: "RED", block_reason: "depth exceeds tool reach", warnings: ["deep cut"], details: {} },
      }),
    );
  });
  after(() => t.close());

  test("a run with itself is NONE with no changes and an empty patch", async () => {
    const result = await diff(t, ok.run_id as string, ok.run_id as string);
    assert.deepEqual(result, { a: ok.run_id, b: ok.run_id, severity: "NONE", changes: [], patch: [] });
  });

  test("BLOCKED vs OK is CRITICAL, with status, risk_level and block_reason each CRITICAL", async () => {
    const result = await diff(t, ok.run_id as string, blocked.run_id as string);
    assert.equal(result.a, ok.run_id);
    assert.equal(result.b, blocked.run_id);
    assert.equal(result.severity, "CRITICAL");
    assert.deepEqual(changeAt(result, "/status"), {
      path: "/status",
      op: "replace",
      before: "OK",
      after: "BLOCKED",
      severity: "CRITICAL",
    });
    assert.deepEqual(changeAt(result, "/decision/risk_level"), {
      path: "/decision/risk_level",
      op: "replace",
      before: "GREEN",
      after: "RED",
      severity: "CRITICAL",
    });
    assert.deepEqual(changeAt(result, "/decision/block_reason"), {
      path: "/decision/block_reason",
      op: "add",
      after: "depth exceeds tool reach",
      severity: "CRITICAL",
    });
    assert.equal(changeAt(result, "/decision/warnings/0").severity, "INFO");
  });

  test("the patch turns a into b, both as fetched from the API, and back", async () => {
    const a = await getRun(t, ok.run_id as string);
    const b = await getRun(t, blocked.run_id as string);
    assert.deepEqual(applyPatch(a, (await diff(t, ok.run_id as string, blocked.run_id as string)).patch), b);
    assert.deepEqual(applyPatch(b, (await diff(t, blocked.run_id as string, ok.run_id as string)).patch), a);
  });

  test("an unknown run is 404 problem+json, whichever side it is on", async () => {
    for (const [a, b] of [
      ["run_0123456789ab", ok.run_id],
      [ok.run_id, "run_01J0000000000000000000000Z"],
    ] as const) {
      const response = await t.request(`runs/diff?a=${a}&b=${b}`);
      assert.equal(response.status, 404);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      const problem = (await response.json()) as Json;
      assert.equal(problem.type, "urn:rmos:problem:not-found");
      assert.match(problem.detail as string, /run run_0.* does not exist/);
    }
  });

  test("malformed and traversal-looking ids are 400 problem+json naming the parameter", async () => {
    const good = ok.run_id as string;
    const bad = [
      "run_x",
      "../runs/x",
      "..%2F..%2Fetc%2Fpasswd",
      "%2e%2e%2f%2e%2e%2fdata",
      "run_01J0000000000000000000000A%00",
      "run_01J0000000000000000000000A%2F..",
      "run_0123456789AB", // legacy ids are lower-case hex
      "run_０１２３４５６７８９ab", // full-width digits
      "",
    ];
    for (const id of bad) {
      for (const query of [`a=${id}&b=${good}`, `a=${good}&b=${id}`]) {
        const response = await t.request(`runs/diff?${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(response.headers.get("content-type"), "application/problem+json");
        const problem = (await response.json()) as { errors: Array<{ location: string; pointer: string }> };
        const side = query.startsWith(`a=${good}`) ? "b" : "a";
        assert.ok(
          problem.errors.some((e) => e.location === "query" && e.pointer === side),
          `${query}: ${JSON.stringify(problem)}`,
        );
      }
    }
  });

  test("missing, repeated and unknown parameters are 400", async () => {
    const id = ok.run_id as string;
    for (const query of ["", `a=${id}`, `b=${id}`, `a=${id}&a=${id}&b=${id}`, `a=${id}&b=${id}&c=1`]) {
      const response = await t.request(`runs/diff?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
    }
  });

  test("/runs/diff is not taken for a run id, and other methods on it are not served", async () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await t.request("runs/diff", { method });
      assert.ok(response.status >= 400 && response.status < 500, `${method}: ${response.status}`);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
    }
    const response = await t.request("runs/diff", { method: "POST" });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
  });

  test("attachments reordered are moves, not every element changed", async () => {
    const store = t.kernel.resolve(RUN_STORE);
    // Written through the run store: the blob check of POST /runs is the attachments plugin's concern.
    const a = await store.create(storedArtifact({ attachments: [attachment(1), attachment(2), attachment(3)] }));
    const b = await store.create(
      storedArtifact({
        attachments: [attachment(3), attachment(1), { ...attachment(2), filename: "renamed.png" }],
        decision: { risk_level: "GREEN", warnings: ["w2", "w1"], details: {} },
      }),
    );
    const c = await store.create(
      storedArtifact({
        attachments: [attachment(1), attachment(2), attachment(3)],
        decision: { risk_level: "GREEN", warnings: ["w1", "w2"], details: {} },
      }),
    );
    const result = await diff(t, a.artifact.run_id, b.artifact.run_id);
    const attachmentChanges = result.changes.filter((ch) => ch.path.startsWith("/attachments"));
    assert.deepEqual(attachmentChanges, [
      { path: "/attachments/0", op: "move", from: "/attachments/2", severity: "INFO" },
      { path: "/attachments/2/filename", op: "replace", before: "photo-2.png", after: "renamed.png", severity: "INFO" },
    ]);
    assert.deepEqual(applyPatch(a.artifact, result.patch), b.artifact);
    const warnings = (await diff(t, c.artifact.run_id, b.artifact.run_id)).changes.filter((ch) =>
      ch.path.startsWith("/decision/warnings"),
    );
    assert.deepEqual(warnings, [
      { path: "/decision/warnings/0", op: "move", from: "/decision/warnings/1", severity: "INFO" },
    ]);
  });

  describe("the SPEC severity table, rule by rule, on runs created through the API", () => {
    const base = () => sampleRunRequest();
    const cases: Array<{ rule: string; severity: string; body: Json; at: string }> = [
      {
        rule: "status is CRITICAL",
        severity: "CRITICAL",
        body: sampleRunRequest({
          status: "ERROR",
          decision: { risk_level: "UNKNOWN", warnings: [], details: {}, score: 0.93 },
        }),
        at: "/status",
      },
      {
        rule: "decision.risk_level is CRITICAL",
        severity: "CRITICAL",
        body: sampleRunRequest({ decision: { risk_level: "YELLOW", score: 0.93, warnings: [], details: {} } }),
        at: "/decision/risk_level",
      },
      {
        rule: "decision.block_reason is CRITICAL",
        severity: "CRITICAL",
        body: sampleRunRequest({
          decision: { risk_level: "GREEN", score: 0.93, block_reason: "x", warnings: [], details: {} },
        }),
        at: "/decision/block_reason",
      },
      {
        rule: "hashes.* is WARNING",
        severity: "WARNING",
        body: sampleRunRequest({ outputs: { gcode_text: "G21\nM30\n", toolpaths: { segments: 12 } } }),
        at: "/hashes/gcode_sha256",
      },
      {
        rule: "feasibility.* is WARNING",
        severity: "WARNING",
        body: sampleRunRequest({
          feasibility: { material: "oak", depth_mm: 1.5, checks: [{ name: "chipload", ok: true, value: 0.02 }] },
        }),
        at: "/feasibility/material",
      },
      {
        rule: "outputs.* is WARNING",
        severity: "WARNING",
        body: sampleRunRequest({
          outputs: { gcode_text: "G21\nG90\nM3 S18000\nG1 X1 Y1 F800\nM5\nM30\n", toolpaths: { segments: 13 } },
        }),
        at: "/outputs/toolpaths/segments",
      },
      {
        rule: "tool_id is WARNING",
        severity: "WARNING",
        body: sampleRunRequest({ tool_id: "tool_endmill_3" }),
        at: "/tool_id",
      },
      { rule: "mode is INFO", severity: "INFO", body: sampleRunRequest({ mode: "toolpath" }), at: "/mode" },
      {
        rule: "meta is INFO",
        severity: "INFO",
        body: sampleRunRequest({ meta: { operator: "bo" } }),
        at: "/meta/operator",
      },
      {
        rule: "request_summary is INFO",
        severity: "INFO",
        body: sampleRunRequest({ request_summary: { design_id: "design_0002", params: { ring_count: 3 } } }),
        at: "/request_summary/design_id",
      },
      {
        rule: "decision.score is INFO",
        severity: "INFO",
        body: sampleRunRequest({ decision: { risk_level: "GREEN", score: 0.5, warnings: [], details: {} } }),
        at: "/decision/score",
      },
    ];
    for (const { rule, severity, body, at } of cases) {
      test(rule, async () => {
        const a = await createRun(t, base());
        const b = await createRun(t, body);
        const result = await diff(t, a.run_id as string, b.run_id as string);
        assert.equal(changeAt(result, at).severity, severity);
        // Two runs always differ in run_id and created_at_utc, which are INFO.
        assert.equal(changeAt(result, "/run_id").severity, "INFO");
        assert.equal(changeAt(result, "/created_at_utc").severity, "INFO");
        assert.equal(result.severity, severity);
        assert.ok(result.changes.every((c) => c.severity !== "NONE"));
        assert.deepEqual(applyPatch(a, result.patch), b);
      });
    }
  });

  test("openapi.json describes the operation and its components", () => {
    const document = t.kernel.openApiDocument() as {
      paths: Record<
        string,
        Record<string, { operationId: string; tags: string[]; responses: Json; parameters: Json[] }>
      >;
      components: { schemas: Json };
    };
    const operation = document.paths["/api/rmos/runs/diff"]?.get;
    assert.ok(operation);
    assert.equal(operation.operationId, "diffRuns");
    assert.deepEqual(operation.tags, ["diff"]);
    // 414 and 429 are the kernel's request limits; 503 its cap on costly operations (docs/operations.md, Limits);
    // 401 and 403 its authentication and role check (docs/auth.md).
    assert.deepEqual(Object.keys(operation.responses).sort(), [
      "200",
      "400",
      "401",
      "403",
      "404",
      "414",
      "429",
      "500",
      "503",
    ]);
    assert.deepEqual((operation as Record<string, unknown>)["x-rmos-roles"], [
      "auditor",
      "writer",
      "reviewer",
      "admin",
    ]);
    assert.deepEqual(
      operation.parameters.map((p) => [p.name, p.in, p.required]),
      [
        ["a", "query", true],
        ["b", "query", true],
      ],
    );
    for (const name of ["RunDiff", "RunDiffChange", "JsonPatchOperation", "DiffSeverity"]) {
      assert.ok(document.components.schemas[name], `component ${name}`);
    }
  });
});

describe("GET /runs/diff: the patch turns a into b for random valid runs", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel();
  });
  after(() => t.close());

  const keys = fc.constantFrom("x", "y", "a/b", "~t", "depth");
  // Valid run bodies: a __proto__ key is refused by the runs plugin (400), so leave it out.
  const json = fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
  const object = fc.dictionary(keys, json, { maxKeys: 4 });
  const warnings = fc.array(fc.constantFrom("deep cut", "slow feed", "hot spindle"), { maxLength: 4 });
  const decided = fc.oneof(
    fc.record({
      status: fc.constant("OK"),
      decision: fc.record({ risk_level: fc.constantFrom("GREEN", "YELLOW"), warnings, details: object }),
    }),
    fc.record({
      status: fc.constant("BLOCKED"),
      decision: fc.record({
        risk_level: fc.constantFrom("RED", "YELLOW"),
        block_reason: fc.constantFrom("too deep", "no tool"),
        warnings,
        details: object,
      }),
    }),
    fc.record({
      status: fc.constant("ERROR"),
      decision: fc.record({ risk_level: fc.constantFrom("ERROR", "UNKNOWN"), warnings, details: object }),
    }),
  );
  const advisoryIds = [
    "adv_01J0000000000000000000000A",
    "adv_01J0000000000000000000000B",
    "adv_01J0000000000000000000000C",
  ];
  const createBody = fc
    .record(
      {
        mode: fc.constantFrom("rosette", "toolpath"),
        tool_id: fc.constantFrom("tool_a", "tool_b"),
        request_summary: object,
        feasibility: object,
        outputs: fc.record(
          { gcode_text: fc.constantFrom("G21\nM30\n", "G21\nG1 X1\nM30\n"), toolpaths: json },
          { requiredKeys: [] },
        ),
        advisory_inputs: fc.uniqueArray(
          fc.record({ advisory_id: fc.constantFrom(...advisoryIds), kind: fc.constantFrom("explanation", "review") }),
          { selector: (x) => x.advisory_id, maxLength: 3 },
        ),
        meta: object,
      },
      { requiredKeys: ["mode", "tool_id", "request_summary", "feasibility"] },
    )
    .chain((body) => decided.map((d) => ({ ...body, ...d })));

  test("applyPatch(a, patch) deep-equals b as fetched (fast-check, 20 pairs)", async () => {
    await fc.assert(
      fc.asyncProperty(createBody, createBody, async (bodyA, bodyB) => {
        const a = await createRun(t, bodyA);
        const b = await createRun(t, bodyB);
        const result = await diff(t, a.run_id as string, b.run_id as string);
        assert.deepEqual(
          applyPatch(await getRun(t, a.run_id as string), result.patch),
          await getRun(t, b.run_id as string),
        );
        assert.notEqual(result.severity, "NONE");
      }),
      { numRuns: 20 },
    );
  });
});

describe("GET /runs/diff compares runs of different schema versions in the current one", () => {
  /** The same content in 1.9.0 shape: `notes` instead of `meta`, no advisory_inputs, no created_by. */
  function oldShapeOf(current: StoredArtifact): StoredArtifact {
    const old: Record<string, unknown> = { ...current, schema_version: "1.9.0", notes: current.meta };
    for (const gone of ["meta", "advisory_inputs", "created_by"]) delete old[gone];
    return old as StoredArtifact;
  }

  function upcastOf(artifact: StoredArtifact): StoredArtifact {
    const { notes, ...rest } = artifact;
    return { ...rest, schema_version: "2.0.0", meta: notes, advisory_inputs: [], created_by: "anonymous" };
  }

  /** The 1.9.0 → 2.0.0 step, contributed to the schema-migrations plugin as any plugin would. */
  const migrationPlugin = definePlugin({
    name: "test-migration-1-9",
    consumes: { registry: MIGRATION_REGISTRY },
    init({ registry }) {
      registry.register({
        from: "1.9.0",
        to: "2.0.0",
        description: "notes becomes meta; advisory_inputs and created_by appear",
        transform: upcastOf,
        validateBefore(artifact) {
          if (artifact.schema_version !== "1.9.0" || typeof artifact.notes !== "object") throw new Error("not 1.9.0");
        },
        validateAfter(artifact) {
          RunArtifactSchema.parse(artifact);
        },
        examples: () => [oldShapeOf(storedArtifact())],
      });
      return {};
    },
  });

  /** A bare upcaster bound to the port, for a kernel without the schema-migrations plugin. */
  const upcasterPlugin = definePlugin({
    name: "test-upcaster-1-9",
    provides: [ARTIFACT_UPCASTER],
    init: () => ({
      provide: [
        bind(ARTIFACT_UPCASTER, {
          toCurrent: (artifact) => (artifact.schema_version === "1.9.0" ? upcastOf(artifact) : artifact),
        }),
      ],
    }),
  });

  const runsAndDiff = ALL_PLUGINS.filter((p) => p.name === "runs" || p.name === "diff");

  for (const [label, plugins] of [
    ["through the schema-migrations upcaster", [...ALL_PLUGINS, migrationPlugin]],
    ["through any upcaster bound to ARTIFACT_UPCASTER", [...runsAndDiff, upcasterPlugin]],
  ] as const) {
    test(`${label}, a 1.9.0 run and its 2.0.0 twin differ only in identity`, async () => {
      const t = await startTestKernel({ plugins });
      try {
        const store = t.kernel.resolve(RUN_STORE);
        const twin = await store.create(storedArtifact({ meta: { operator: "ana" } }));
        const old = await store.create(oldShapeOf(storedArtifact({ meta: { operator: "ana" } })));
        assert.equal(old.artifact.schema_version, "1.9.0");
        const result = await diff(t, old.artifact.run_id, twin.artifact.run_id);
        assert.deepEqual(result.changes.map((c) => c.path).sort(), ["/created_at_utc", "/run_id"]);
        assert.equal(result.severity, "INFO");
        assert.deepEqual(
          applyPatch(await getRun(t, old.artifact.run_id), result.patch),
          await getRun(t, twin.artifact.run_id),
        );
      } finally {
        await t.close();
      }
    });
  }

  test("without an upcaster, the stored shapes are compared as they are", async () => {
    const t = await startTestKernel({ plugins: runsAndDiff });
    try {
      const store = t.kernel.resolve(RUN_STORE);
      const old = await store.create(oldShapeOf(storedArtifact({ meta: { operator: "ana" } })));
      const twin = await store.create(storedArtifact({ meta: { operator: "ana" } }));
      const paths = (await diff(t, old.artifact.run_id, twin.artifact.run_id)).changes.map((c) => c.path);
      for (const p of ["/schema_version", "/notes", "/meta", "/advisory_inputs", "/created_by"]) {
        assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
      }
    } finally {
      await t.close();
    }
  });

  test("a run the upcaster cannot bring to the current schema is its problem, passed on, not a diff", async () => {
    const refusing = definePlugin({
      name: "test-refusing-upcaster",
      provides: [ARTIFACT_UPCASTER],
      init: () => ({
        provide: [
          bind(ARTIFACT_UPCASTER, {
            toCurrent(artifact) {
              if (artifact.schema_version === "2.0.0") return artifact;
              throw new ProblemError(500, `no way from ${String(artifact.schema_version)}`, {
                slug: "schema-upcast-failed",
              });
            },
          }),
        ],
      }),
    });
    const t = await startTestKernel({ plugins: [...runsAndDiff, refusing] });
    try {
      const store = t.kernel.resolve(RUN_STORE);
      const old = await store.create(oldShapeOf(storedArtifact()));
      const twin = await store.create(storedArtifact());
      const response = await t.request(`runs/diff?a=${twin.artifact.run_id}&b=${old.artifact.run_id}`);
      assert.equal(response.status, 500);
      const problem = (await response.json()) as Json;
      assert.equal(problem.type, "urn:rmos:problem:schema-upcast-failed");
      assert.equal(problem.detail, "no way from 1.9.0");
    } finally {
      await t.close();
    }
  });
});

describe("GET /runs/diff with a damaged stored artifact", () => {
  test("answers 500 stored-artifact-corrupt, not a diff of garbage", async () => {
    const first = await startTestKernel();
    const good = await createRun(first, sampleRunRequest());
    const damaged = await createRun(first, sampleRunRequest({ mode: "toolpath" }));
    await first.close({ keepData: true });
    const t = await startTestKernel({ dataDir: first.dataDir });
    try {
      const day = (damaged.created_at_utc as string).slice(0, 10);
      const file = path.join(first.dataDir, "runs", day, `${damaged.run_id}.json`);
      const text = fs.readFileSync(file, "utf8");
      fs.writeFileSync(file, text.replace('"toolpath"', '"rosette!"'));
      const response = await t.request(`runs/diff?a=${good.run_id}&b=${damaged.run_id}`);
      assert.equal(response.status, 500);
      const problem = (await response.json()) as Json;
      assert.equal(problem.type, "urn:rmos:problem:stored-artifact-corrupt");
      assert.match(problem.detail as string, new RegExp(damaged.run_id as string));
    } finally {
      await t.close();
      fs.rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});
