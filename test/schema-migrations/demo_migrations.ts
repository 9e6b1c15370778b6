/**
 * Test-only schema migrations that prove the machinery while "2.0.0" is the newest
 * schema: an older "0.9.0" shape (no `created_by`, no `advisory_inputs`, `tool`
 * instead of `tool_id`) upcast to the current "2.0.0"; two newer versions, "2.1.0"
 * (adds `labels` derived from the mode) and "2.2.0" (renames `labels` to `tags`); and
 * a direct "2.0.0" → "2.2.0" shortcut that must agree with the two-step chain. They
 * are registered by `demoMigrationsPlugin` in test kernels only — never in production.
 * (This file holds no tests; node --test runs it as an empty test file.)
 */
import { CURRENT_SCHEMA_VERSION, RunArtifactSchema } from "../../src/contracts/artifact.js";
import type { ArtifactMigration } from "../../src/contracts/ports/migration_registry.js";
import { MIGRATION_REGISTRY } from "../../src/contracts/ports/migration_registry.js";
import type { StoredArtifact } from "../../src/contracts/ports/run_store.js";
import { makeArtifact } from "../../src/contracts/testing/artifacts.js";
import { definePlugin } from "../../src/kernel/plugin_api/plugin.js";

/** Fixed ids and times, so examples are the same on every call. */
const T0 = Date.parse("2026-03-01T08:00:00.000Z");

/** A 2.0.0 artifact with a fixed id. */
export function currentExample(runId: string, overrides: Record<string, unknown> = {}): StoredArtifact {
  return makeArtifact({ runId, at: T0, overrides: overrides as never });
}

/** An artifact in the test-only 0.9.0 shape. */
export function legacyExample(runId: string, overrides: Record<string, unknown> = {}): StoredArtifact {
  const { created_by: _c, advisory_inputs: _a, tool_id, ...rest } = currentExample(runId) as Record<string, unknown>;
  return { ...rest, schema_version: "0.9.0", tool: tool_id, ...overrides } as unknown as StoredArtifact;
}

function fail(message: string): never {
  throw new Error(message);
}

/** Throws unless `artifact` is a valid 2.0.0 artifact once `extra` members are removed. */
function validAsCurrentWithout(artifact: StoredArtifact, ...extra: string[]): void {
  const rest: Record<string, unknown> = { ...artifact, schema_version: CURRENT_SCHEMA_VERSION };
  for (const key of extra) delete rest[key];
  const parsed = RunArtifactSchema.safeParse(rest);
  if (!parsed.success) fail(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
}

function stringArray(value: unknown, name: string): void {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) fail(`${name} must be an array of strings`);
}

export const upcast090: ArtifactMigration = {
  from: "0.9.0",
  to: "2.0.0",
  description: "0.9.0 → 2.0.0: rename tool to tool_id, add created_by and advisory_inputs",
  transform(a) {
    const { tool, ...rest } = a as Record<string, unknown>;
    return {
      ...rest,
      schema_version: "2.0.0",
      tool_id: tool,
      created_by: "unknown (migrated from 0.9.0)",
      advisory_inputs: [],
    } as unknown as StoredArtifact;
  },
  validateBefore(a) {
    if (a.schema_version !== "0.9.0") fail(`schema_version is ${a.schema_version}, not 0.9.0`);
    if (typeof a.tool !== "string" || a.tool.length === 0) fail("tool must be a non-empty string");
    if ("tool_id" in a) fail("a 0.9.0 artifact has no tool_id");
  },
  validateAfter(a) {
    RunArtifactSchema.parse(a);
  },
  examples() {
    return [
      legacyExample("run_01JN0000000000000000000090"),
      legacyExample("run_01JN0000000000000000000091", {
        status: "BLOCKED",
        decision: { risk_level: "RED", block_reason: "depth exceeds tool reach", warnings: ["deep"], details: {} },
      }),
    ];
  },
};

export const to210: ArtifactMigration = {
  from: "2.0.0",
  to: "2.1.0",
  description: "2.0.0 → 2.1.0: add labels derived from the mode",
  transform(a) {
    return { ...a, schema_version: "2.1.0", labels: [`mode:${String(a.mode)}`] };
  },
  validateBefore(a) {
    RunArtifactSchema.parse(a);
  },
  validateAfter(a) {
    if (a.schema_version !== "2.1.0") fail("not 2.1.0");
    stringArray(a.labels, "labels");
    validAsCurrentWithout(a, "labels");
  },
  examples() {
    return [
      currentExample("run_01JN0000000000000000000200"),
      currentExample("run_01JN0000000000000000000201", { mode: "inlay" }),
    ];
  },
};

export const to220: ArtifactMigration = {
  from: "2.1.0",
  to: "2.2.0",
  description: "2.1.0 → 2.2.0: rename labels to tags",
  transform(a) {
    const { labels, ...rest } = a as Record<string, unknown>;
    return { ...rest, schema_version: "2.2.0", tags: labels } as unknown as StoredArtifact;
  },
  validateBefore(a) {
    if (a.schema_version !== "2.1.0") fail("not 2.1.0");
    stringArray(a.labels, "labels");
  },
  validateAfter(a) {
    if (a.schema_version !== "2.2.0") fail("not 2.2.0");
    if ("labels" in a) fail("a 2.2.0 artifact has no labels");
    stringArray(a.tags, "tags");
    validAsCurrentWithout(a, "tags");
  },
  examples() {
    return to210.examples().map((x) => to210.transform(x));
  },
};

export const shortcut200to220: ArtifactMigration = {
  from: "2.0.0",
  to: "2.2.0",
  description: "2.0.0 → 2.2.0: add tags derived from the mode",
  transform(a) {
    return { ...a, schema_version: "2.2.0", tags: [`mode:${String(a.mode)}`] };
  },
  validateBefore: to210.validateBefore,
  validateAfter: to220.validateAfter,
  examples: () => to210.examples(),
};

/** Every demo migration, in registration order. */
export function demoMigrations(): ArtifactMigration[] {
  return [upcast090, to210, to220, shortcut200to220];
}

/** A test plugin that registers the demo migrations. */
export const demoMigrationsPlugin = definePlugin({
  name: "demo-migrations",
  consumes: { registry: MIGRATION_REGISTRY },
  init({ registry }) {
    for (const m of demoMigrations()) registry.register(m);
    return {};
  },
});
