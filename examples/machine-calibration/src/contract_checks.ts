/**
 * The plugin's contract checks, in the shape `@rmos/contract` runs (`Check`: id, title,
 * statement, writes, run(ctx)), exported as `contractChecks` from the package's
 * `./contract` entry: `rmos-contract --checks rmos-plugin-machine-calibration/contract`
 * runs them after the service's own checks, in the same JUnit and auditor's report.
 * They hold the plugin's promises against any installation that loads it: a record is
 * written once (PUT/PATCH/DELETE → 405, a second write of an id with other values →
 * 409, the stored bytes unchanged) and its sha256 is the true hash of its content.
 * They use nothing but `fetch` through the target, so they need no import at run time.
 */
import { createHash } from "node:crypto";

/** What a check sees (the subset of @rmos/contract's CheckContext these checks use). */
export interface CalibrationCheckContext {
  readonly target: { fetch(path: string, init?: RequestInit): Promise<Response> };
  readonly readOnly: boolean;
  note(line: string): void;
  skip(reason: string): never;
}

/** One check, as @rmos/contract runs it. */
export interface CalibrationCheck {
  readonly id: string;
  readonly title: string;
  readonly statement: string;
  readonly writes: "never" | "when-allowed" | "always";
  run(ctx: CalibrationCheckContext): Promise<void>;
}

const BASE = "/api/rmos/machine-calibrations";

/** RFC 8785 canonical JSON of the plain values a calibration holds (strings, finite numbers, objects). */
function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/** The true hash of a stored record's measured content. */
function contentHash(record: Record<string, unknown>): string {
  const { sha256: _h, created_at_utc: _t, created_by: _b, ...content } = record;
  return createHash("sha256").update(canonical(content)).digest("hex");
}

function fail(message: string): never {
  throw new Error(message);
}

async function expectStatus(ctx: CalibrationCheckContext, res: Response, status: number, what: string): Promise<void> {
  const body = await res.text();
  if (res.status !== status) fail(`${what}: expected ${status}, got ${res.status} ${body.slice(0, 200)}`);
  if (status >= 400 && !(res.headers.get("content-type") ?? "").startsWith("application/problem+json")) {
    fail(`${what}: ${status} without application/problem+json`);
  }
  ctx.note(`${what} → ${res.status}`);
}

/** A fresh calibration body with a unique id. */
function sampleBody(): Record<string, unknown> {
  return {
    calibration_id: `cal_contract_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`,
    machine_id: "contract-check",
    spindle_runout_um: 2.5,
    probe_offsets: { x_mm: 0.012, y_mm: -0.004, z_mm: 31.25 },
    measured_at_utc: "2026-11-21T08:30:00Z",
    operator: "rmos-contract",
  };
}

async function createOne(ctx: CalibrationCheckContext): Promise<Record<string, unknown>> {
  const body = sampleBody();
  const res = await ctx.target.fetch(BASE, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) fail(`POST ${BASE}: expected 201, got ${res.status} ${(await res.text()).slice(0, 200)}`);
  const record = (await res.json()) as Record<string, unknown>;
  ctx.note(`POST ${BASE} → 201, ${String(record.calibration_id)} sha256 ${String(record.sha256)}`);
  return record;
}

/** The newest existing record (read-only mode), or a skip. */
async function existingOne(ctx: CalibrationCheckContext): Promise<Record<string, unknown>> {
  const res = await ctx.target.fetch(`${BASE}?limit=1`);
  if (res.status === 404) return ctx.skip("the installation does not load the machine-calibration plugin");
  if (res.status !== 200) fail(`GET ${BASE}: ${res.status}`);
  const page = (await res.json()) as { items: Record<string, unknown>[] };
  return page.items[0] ?? ctx.skip("read-only and no calibration is recorded: nothing to inspect");
}

/** Write-once: refused modifications change nothing. */
export const calibrationWriteOnce: CalibrationCheck = {
  id: "machine-calibration-write-once",
  title: "Machine calibrations are write-once",
  statement:
    "PUT/PATCH/DELETE on a calibration → 405; a second POST of its id with other values → 409; its bytes and ETag unchanged",
  writes: "when-allowed",
  async run(ctx) {
    const record = ctx.readOnly ? await existingOne(ctx) : await createOne(ctx);
    const path = `${BASE}/${String(record.calibration_id)}`;
    const before = await ctx.target.fetch(path);
    if (before.status !== 200) fail(`GET ${path}: ${before.status}`);
    const bytes = await before.text();
    const etag = before.headers.get("etag");
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await ctx.target.fetch(path, {
        method,
        headers: { "content-type": "application/json" },
        ...(method === "DELETE" ? {} : { body: JSON.stringify({ spindle_runout_um: 99 }) }),
      });
      await expectStatus(ctx, res, 405, `${method} ${path}`);
    }
    if (!ctx.readOnly) {
      const { sha256: _h, created_at_utc: _t, created_by: _b, ...content } = record;
      const res = await ctx.target.fetch(BASE, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...content, spindle_runout_um: Number(content.spindle_runout_um) + 1 }),
      });
      await expectStatus(ctx, res, 409, `POST ${BASE} (same id, other runout)`);
    }
    const after = await ctx.target.fetch(path);
    if ((await after.text()) !== bytes || after.headers.get("etag") !== etag)
      fail(`${path} changed after the refusals`);
    ctx.note(`${path}: bytes and ETag ${etag} unchanged`);
  },
};

/** Hashes true: the stored sha256 is the hash of the content, and a false client hash is refused. */
export const calibrationHashTrue: CalibrationCheck = {
  id: "machine-calibration-hash-true",
  title: "Machine calibration hashes are true",
  statement: "a record's sha256 is the SHA-256 of its RFC 8785 content; a POST with a false sha256 → 422",
  writes: "when-allowed",
  async run(ctx) {
    const record = ctx.readOnly ? await existingOne(ctx) : await createOne(ctx);
    const computed = contentHash(record);
    if (computed !== record.sha256)
      fail(`${String(record.calibration_id)}: stored ${String(record.sha256)}, true ${computed}`);
    ctx.note(`${String(record.calibration_id)}: sha256 recomputed ${computed}`);
    if (ctx.readOnly) return;
    const res = await ctx.target.fetch(BASE, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...sampleBody(), sha256: "0".repeat(64) }),
    });
    await expectStatus(ctx, res, 422, `POST ${BASE} with a false sha256`);
  },
};

/** Every check of the plugin, in report order. */
export const contractChecks: readonly CalibrationCheck[] = [calibrationWriteOnce, calibrationHashTrue];
