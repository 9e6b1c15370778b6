/**
 * The kernel's query, path and header validators answer exactly what
 * @hono/zod-openapi's answer: the same status and body for every request, valid or not
 * (the first failing target in the same order), with the same validated values —
 * including a schema with an asynchronous refinement.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createRoute, OpenAPIHono, type RouteConfig, z } from "@hono/zod-openapi";
import { validationHook } from "../problems.js";
import type { KernelEnv } from "../plugin_api/routes.js";
import { requestValidators, type ValidationHook } from "./request_validators.js";

const route = createRoute({
  method: "get",
  path: "/things/{thing_id}",
  request: {
    params: z.object({ thing_id: z.string().regex(/^t_[0-9]+$/) }),
    query: z
      .object({
        limit: z.coerce.number().int().min(1).max(5).optional(),
        tag: z.union([z.string(), z.array(z.string())]).optional(),
        slow: z
          .string()
          .refine(async (v) => v !== "no")
          .optional(),
      })
      .strict(),
    headers: z.object({ "if-none-match": z.string().optional(), "X-Mixed-Case": z.string().min(2).optional() }),
  },
  responses: { 200: { description: "ok" } },
});

function app(kernelValidators: boolean): OpenAPIHono<KernelEnv> {
  const a = new OpenAPIHono<KernelEnv>({ defaultHook: validationHook as never });
  a.use("*", async (c, next) => {
    c.set("requestId", "r");
    await next();
  });
  const handler = (c: never) => {
    const ctx = c as unknown as { req: { valid: (t: string) => unknown }; json: (v: unknown) => Response };
    return ctx.json({ query: ctx.req.valid("query"), param: ctx.req.valid("param"), header: ctx.req.valid("header") });
  };
  if (!kernelValidators) {
    a.openapi(route, handler as never);
    return a;
  }
  const { validators, rest } = requestValidators(route.request, validationHook as ValidationHook);
  a.openapi({ ...route, request: rest, middleware: validators, hide: true } as RouteConfig, handler as never);
  return a;
}

describe("request validators", () => {
  const library = app(false);
  const kernel = app(true);
  const cases: Array<[string, Record<string, string>]> = [
    ["/things/t_1", {}],
    ["/things/t_1?limit=3&tag=a&tag=b", { "If-None-Match": '"x"', "x-mixed-case": "ab" }],
    ["/things/bad", {}],
    ["/things/bad?limit=9", {}],
    ["/things/t_2?unknown=1", {}],
    ["/things/t_2?slow=no", {}],
    ["/things/t_2?slow=yes", {}],
    ["/things/t_2", { "X-MIXED-CASE": "a" }],
    ["/things/t_%31", {}],
  ];
  for (const [path, headers] of cases) {
    test(`${path} ${JSON.stringify(headers)}`, async () => {
      const want = await library.request(path, { headers });
      const got = await kernel.request(path, { headers });
      assert.equal(got.status, want.status);
      assert.deepEqual(await got.json(), await want.json());
    });
  }
  test("only query, path and headers are taken; the body and cookies stay with the library", () => {
    const body = { content: { "application/json": { schema: z.object({ a: z.string() }) } } };
    const { validators, rest } = requestValidators(
      { params: z.object({ id: z.string() }), body },
      validationHook as ValidationHook,
    );
    assert.equal(validators.length, 1);
    assert.deepEqual(Object.keys(rest ?? {}), ["body"]);
    assert.deepEqual(requestValidators(undefined, validationHook as ValidationHook).validators, []);
  });
});
