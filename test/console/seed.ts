/**
 * Test data for the console, written through the real API: runs whose every free-text
 * field carries an XSS payload (mode, tool_id, meta, feasibility, G-code, an
 * attachment's file name), a RED run with a long G-code program and a pending
 * explanation (payload in its text), a pending asset linked to the first run, a GREEN
 * run to compare, and a workflow session whose events carry a payload note. Each
 * payload names its field, so a test can say which field leaked.
 */
import assert from "node:assert/strict";

/** A payload that would create a marked element, or fire a dialog, if it were rendered as HTML. */
export function xss(field: string): string {
  return `<img id="xss-${field}" src="x" onerror="alert('${field}')"><script>alert('${field}')</script>`;
}

export interface Seeded {
  readonly xssRun: string;
  readonly redRun: string;
  readonly greenRun: string;
  readonly pendingAsset: string;
  readonly explanationAsset: string;
  readonly sessionId: string;
  readonly attachmentSha: string;
  readonly attachmentBytes: string;
}

type Api = (path: string, init?: RequestInit) => Promise<Response>;

async function json<T>(api: Api, path: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await api(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status === 200 || res.status === 201, `${path}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

function run(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    mode: "rosette",
    tool_id: "tool_vbit_60",
    status: "OK",
    request_summary: { design_id: "design_0001" },
    feasibility: { material: "maple", depth_mm: 1.5, checks: [{ name: "chipload", ok: true, value: 0.02 }] },
    decision: { risk_level: "GREEN", score: 0.93, warnings: [], details: {} },
    outputs: { gcode_text: "G21\nG90\nM30\n" },
    meta: { operator: "ana" },
    ...overrides,
  };
}

/** Seeds the data through `api` (paths relative to /api/rmos). */
export async function seedConsoleData(api: Api): Promise<Seeded> {
  const attachmentBytes = "G21\n(attached program)\nM30\n";
  const upload = await api("attachments", {
    method: "POST",
    headers: { "content-type": "text/x-gcode" },
    body: attachmentBytes,
  });
  assert.ok(upload.status === 201 || upload.status === 200, `upload ${upload.status}`);
  const blob = (await upload.json()) as { sha256: string; size_bytes: number };

  const green = await json<{ run_id: string }>(api, "runs", run({}));
  const xssRun = await json<{ run_id: string }>(
    api,
    "runs",
    run({
      mode: xss("mode"),
      tool_id: xss("tool_id"),
      meta: { note: xss("meta"), [xss("metakey")]: 1 },
      feasibility: { material: xss("feasibility"), checks: [{ name: xss("check"), ok: false }] },
      decision: { risk_level: "YELLOW", score: 0.5, warnings: [xss("warning")], details: { why: xss("details") } },
      outputs: { gcode_text: `G21\n(${xss("gcode")})\nM30\n` },
      attachments: [
        {
          sha256: blob.sha256,
          kind: xss("kind"),
          mime: "text/x-gcode",
          filename: "program <b id=xss-file>.nc",
          size_bytes: blob.size_bytes,
        },
      ],
    }),
  );
  const lines = Array.from({ length: 120 }, (_, i) => `G1 X${i} Y${i % 7} F800`);
  const red = await json<{ run_id: string }>(
    api,
    "runs",
    run({
      mode: "toolpath",
      status: "BLOCKED",
      decision: {
        risk_level: "RED",
        score: 0.1,
        block_reason: "depth exceeds the tool's flute length",
        warnings: ["deep cut"],
        details: {},
      },
      feasibility: { material: "oak", depth_mm: 9, checks: [{ name: "depth", ok: false, value: 9, limit: 6 }] },
      outputs: { gcode_text: `${lines.join("\n")}\n` },
    }),
  );
  const suggested = await json<{ asset: { asset_id: string } }>(api, `runs/${red.run_id}/suggest-and-attach`, {});
  const asset = await json<{ asset_id: string }>(api, "advisories", {
    asset_type: "EXPLANATION",
    source: xss("source"),
    provider: "test-provider",
    suggestion_data: { summary: xss("summary"), text: `The cut is deep. ${xss("advisory_text")}` },
  });
  await json(api, `runs/${xssRun.run_id}/attach-advisory`, {
    advisory_id: asset.asset_id,
    kind: xss("link_kind").slice(0, 100),
  });

  const session = await json<{ session_id: string; version: number }>(api, "workflow-sessions", {
    workflow: xss("workflow"),
    context: { why: xss("context") },
  });
  await json(
    api,
    `workflow-sessions/${session.session_id}/events`,
    { event: "submit_feasibility", run_id: xssRun.run_id, note: xss("event_note") },
    { "if-match": `"${session.version}"` },
  );
  return {
    xssRun: xssRun.run_id,
    redRun: red.run_id,
    greenRun: green.run_id,
    pendingAsset: asset.asset_id,
    explanationAsset: suggested.asset.asset_id,
    sessionId: session.session_id,
    attachmentSha: blob.sha256,
    attachmentBytes,
  };
}
