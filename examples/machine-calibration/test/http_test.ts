/**
 * The plugin in a real kernel beside the built-in plugins, through HTTP (in process):
 * create 201 → same again 200 → other values 409, a false hash 422, GET with ETag and
 * 304, 404, the list's pages and filter, PUT/PATCH/DELETE 405 with Allow, problem+json
 * everywhere; with RMOS_AUTH=on the declared roles hold (an auditor reads but may not
 * write) and created_by is the writer's principal; its routes are in openapi.json.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startAuthKernel } from "rmos-runs/testing/auth_kernel.js";
import { startTestKernel, type TestKernel } from "rmos-runs/testing/test_kernel.js";
import { plugin } from "../src/mod.js";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

const calibration = (id: string, machine = "cnc-2", runout = 3.5) => ({
  calibration_id: id,
  machine_id: machine,
  spindle_runout_um: runout,
  probe_offsets: { x_mm: 0.01, y_mm: -0.02, z_mm: 12.5 },
  measured_at_utc: "2026-11-21T08:30:00Z",
  operator: "ana",
});

async function problem(res: Response, status: number): Promise<Record<string, unknown>> {
  assert.equal(res.status, status, await res.clone().text());
  assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
  return (await res.json()) as Record<string, unknown>;
}

describe("machine-calibration over HTTP", () => {
  let t: TestKernel;
  before(async () => {
    t = await startTestKernel({ extraPlugins: [plugin] });
  });
  after(() => t.close());

  it("creates once: 201, the same again 200, other values under the id 409", async () => {
    const created = await t.request("machine-calibrations", json(calibration("cal_http_1")));
    assert.equal(created.status, 201);
    assert.equal(created.headers.get("location"), "/api/rmos/machine-calibrations/cal_http_1");
    const record = (await created.json()) as Record<string, unknown>;
    assert.equal(created.headers.get("etag"), `"${String(record.sha256)}"`);
    assert.equal(record.created_by, "anonymous");
    const again = await t.request("machine-calibrations", json(calibration("cal_http_1")));
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), record);
    const other = await problem(
      await t.request("machine-calibrations", json(calibration("cal_http_1", "cnc-2", 9))),
      409,
    );
    assert.equal(other.type, "urn:rmos:problem:calibration-exists");
    assert.equal(other.sha256, record.sha256);
    const stored = await t.request("machine-calibrations/cal_http_1");
    assert.deepEqual(await stored.json(), record);
  });

  it("refuses a false hash (422), a bad body (400) and answers 404 for an unknown id", async () => {
    const false_ = await problem(
      await t.request("machine-calibrations", json({ ...calibration("cal_http_2"), sha256: "0".repeat(64) })),
      422,
    );
    assert.equal(false_.type, "urn:rmos:problem:hash-mismatch");
    await problem(await t.request("machine-calibrations", json({ ...calibration("cal_http_3"), extra: 1 })), 400);
    await problem(await t.request("machine-calibrations", json({ ...calibration("bad id") })), 400);
    await problem(
      await t.request(
        "machine-calibrations",
        json({ ...calibration("cal_http_4"), measured_at_utc: "2026-11-21 08:30" }),
      ),
      400,
    );
    await problem(
      await t.request("machine-calibrations", json({ ...calibration("cal_http_5"), spindle_runout_um: -1 })),
      400,
    );
    await problem(await t.request("machine-calibrations/cal_http_unknown"), 404);
    assert.equal((await t.request("machine-calibrations/cal_http_2")).status, 404, "a refused record is not stored");
  });

  it("answers 304 to a matching If-None-Match", async () => {
    const created = await t.request("machine-calibrations", json(calibration("cal_http_6")));
    const etag = created.headers.get("etag") ?? "";
    const res = await t.request("machine-calibrations/cal_http_6", { headers: { "if-none-match": etag } });
    assert.equal(res.status, 304);
    assert.equal(res.headers.get("etag"), etag);
  });

  it("is write-once over HTTP: PUT, PATCH and DELETE answer 405 with Allow", async () => {
    await t.request("machine-calibrations", json(calibration("cal_http_7")));
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await t.request("machine-calibrations/cal_http_7", {
        method,
        headers: { "content-type": "application/json" },
        ...(method === "DELETE" ? {} : { body: "{}" }),
      });
      await problem(res, 405);
      assert.equal(res.headers.get("allow"), "GET");
    }
    await problem(await t.request("machine-calibrations", { method: "DELETE" }), 405);
  });

  it("lists every record in pages, and one machine's", async () => {
    for (const id of ["cal_list_c", "cal_list_a", "cal_list_b"]) {
      await t.request("machine-calibrations", json(calibration(id, "cnc-list")));
    }
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res = await t.request(
        `machine-calibrations?machine_id=cnc-list&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      assert.equal(res.status, 200);
      const page = (await res.json()) as { items: { calibration_id: string }[]; next_cursor: string | null };
      ids.push(...page.items.map((i) => i.calibration_id));
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    assert.deepEqual(ids, ["cal_list_a", "cal_list_b", "cal_list_c"]);
    await problem(await t.request("machine-calibrations?cursor=not-a-cursor!"), 400);
  });

  it("puts its routes, tag and schemas in openapi.json", async () => {
    const doc = (await (await t.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { operationId: string; "x-rmos-roles"?: string[] }>>;
      tags: { name: string; description?: string }[];
      components: { schemas: Record<string, unknown> };
    };
    const list = doc.paths["/api/rmos/machine-calibrations"];
    assert.equal(list?.post?.operationId, "createMachineCalibration");
    assert.equal(list?.get?.operationId, "listMachineCalibrations");
    assert.equal(
      doc.paths["/api/rmos/machine-calibrations/{calibration_id}"]?.get?.operationId,
      "getMachineCalibration",
    );
    const tag = doc.tags.find((t) => t.name === "machine-calibration");
    assert.match(tag?.description ?? "", /from the package rmos-plugin-machine-calibration/);
    assert.ok(doc.components.schemas.MachineCalibration);
    assert.ok(doc.paths["/api/rmos/runs"], "beside the built-in routes");
  });
});

describe("machine-calibration with authentication on", () => {
  it("enforces the declared roles and records the writer as created_by", async () => {
    const a = await startAuthKernel({ writer: ["writer"], auditor: ["auditor"] }, { extraPlugins: [plugin] });
    try {
      const denied = await a.t.request("machine-calibrations", a.as("auditor", json(calibration("cal_auth_1"))));
      await problem(denied, 403);
      await problem(await a.t.request("machine-calibrations", json(calibration("cal_auth_1"))), 401);
      const created = await a.t.request("machine-calibrations", a.as("writer", json(calibration("cal_auth_1"))));
      assert.equal(created.status, 201);
      assert.equal(((await created.json()) as { created_by: string }).created_by, "token:writer");
      const read = await a.t.request("machine-calibrations/cal_auth_1", a.as("auditor"));
      assert.equal(read.status, 200);
      await problem(await a.t.request("machine-calibrations/cal_auth_1"), 401);
    } finally {
      await a.close();
    }
  });
});
