/**
 * The calibration routes: their OpenAPI declarations (createRoute, with operationIds,
 * the plugin's tag, roles and every status code) and thin handlers over the service.
 * PUT, PATCH and DELETE are not declared: the kernel answers them 405 with `Allow`.
 */
import { operationRoles, principalOf, ROLES_FOR } from "rmos-runs/plugin-api/auth.js";
import { createRoute, z } from "rmos-runs/plugin-api/openapi.js";
import type { RouteRegistrar } from "rmos-runs/plugin-api/routes.js";
import { ifNoneMatches } from "rmos-runs/contracts/etag.js";
import { jsonContent, problemResponses } from "rmos-runs/contracts/http.js";
import {
  CalibrationIdSchema,
  CalibrationPageSchema,
  CalibrationSchema,
  CreateCalibrationSchema,
  MACHINE_ID_PATTERN,
} from "./schemas.js";
import type { CalibrationService } from "./service.js";

const TAG = "machine-calibration";

const ETAG = { ETag: { schema: { type: "string" as const }, description: "the record's sha256, quoted" } };

const IdParams = z.object({
  calibration_id: CalibrationIdSchema.openapi({ param: { name: "calibration_id", in: "path" } }),
});

const ListQuery = z
  .object({
    machine_id: z.string().regex(MACHINE_ID_PATTERN).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50).openapi({ type: "integer", example: 50 }),
    cursor: z.string().max(512).optional(),
  })
  .strict();

export const createCalibrationRoute = createRoute({
  method: "post",
  path: "/machine-calibrations",
  operationId: "createMachineCalibration",
  ...operationRoles(ROLES_FOR.write),
  tags: [TAG],
  summary: "Record a machine calibration (write-once)",
  description:
    "201 with the stored record. The same calibration again (same content) answers 200 with the record stored first; other values under a taken calibration_id answer 409. The service computes sha256; a client sha256 that differs is refused (422).",
  request: { body: { required: true, content: { "application/json": { schema: CreateCalibrationSchema } } } },
  responses: {
    200: { ...jsonContent(CalibrationSchema, "already recorded with the same content"), headers: ETAG },
    201: {
      ...jsonContent(CalibrationSchema, "recorded"),
      headers: { Location: { schema: { type: "string" }, description: "the record's URL" }, ...ETAG },
    },
    ...problemResponses(400, 409, 422),
  },
});

export const getCalibrationRoute = createRoute({
  method: "get",
  path: "/machine-calibrations/{calibration_id}",
  operationId: "getMachineCalibration",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "Get a machine calibration; its ETag is its sha256",
  request: { params: IdParams },
  responses: {
    200: { ...jsonContent(CalibrationSchema, "the record"), headers: ETAG },
    304: { description: "If-None-Match matched", headers: ETAG },
    ...problemResponses(400, 404),
  },
});

export const listCalibrationsRoute = createRoute({
  method: "get",
  path: "/machine-calibrations",
  operationId: "listMachineCalibrations",
  ...operationRoles(ROLES_FOR.read),
  tags: [TAG],
  summary: "List machine calibrations in calibration_id order, with cursor pagination",
  request: { query: ListQuery },
  responses: { 200: jsonContent(CalibrationPageSchema, "a page of records"), ...problemResponses(400) },
});

/** Declares the routes on `r`, answering through `service`. */
export function registerCalibrationRoutes(r: RouteRegistrar, service: CalibrationService): void {
  r.openapi(createCalibrationRoute, async (c) => {
    const { record, created } = await service.create(c.req.valid("json"), principalOf(c).id);
    const etag = `"${record.sha256}"`;
    if (!created) return c.json(record, 200, { ETag: etag });
    return c.json(record, 201, { ETag: etag, Location: `/api/rmos/machine-calibrations/${record.calibration_id}` });
  });
  r.openapi(getCalibrationRoute, async (c) => {
    const record = await service.get(c.req.valid("param").calibration_id);
    const etag = `"${record.sha256}"`;
    if (ifNoneMatches(c.req.header("if-none-match"), etag)) return c.body(null, 304, { ETag: etag });
    return c.json(record, 200, { ETag: etag });
  });
  r.openapi(listCalibrationsRoute, async (c) => {
    const q = c.req.valid("query");
    const page = await service.list({
      limit: q.limit,
      ...(q.machine_id !== undefined ? { machineId: q.machine_id } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    });
    return c.json({ items: [...page.items], next_cursor: page.next_cursor }, 200);
  });
}
