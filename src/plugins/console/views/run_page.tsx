/**
 * One run as an auditor reads it: the decision and risk (colour and words), what was
 * requested and evaluated, the hashes with the service's own verification, the receipt
 * checked against the transparency log, the attachments with download links and sizes,
 * the advisories with their review state and text, and the G-code with line numbers
 * (collapsed when long).
 */
import type { Child } from "hono/jsx";
import { type AdvisoryAsset, AdvisoryView } from "./advisory_view.js";
import { Badge, Cut, formatBytes, Hash, JsonBlock, Notice, Time, Verdict } from "./components.js";
import { Layout, type Viewer } from "./layout.js";
import { type ReceiptState, ReceiptView } from "./receipt_view.js";

export interface Attachment {
  readonly sha256: string;
  readonly kind: string;
  readonly mime: string;
  readonly filename: string;
  readonly size_bytes: number;
}

export interface RunArtifact {
  readonly run_id: string;
  readonly schema_version: string;
  readonly created_at_utc: string;
  readonly created_by: string;
  readonly mode: string;
  readonly tool_id: string;
  readonly status: string;
  readonly request_summary: Record<string, unknown>;
  readonly feasibility: Record<string, unknown>;
  readonly decision: {
    readonly risk_level: string;
    readonly score?: number;
    readonly block_reason?: string;
    readonly warnings: readonly string[];
    readonly details: Record<string, unknown>;
  };
  readonly hashes: Readonly<Record<string, string | undefined>>;
  readonly outputs: { readonly gcode_text?: string; readonly toolpaths?: unknown; readonly opplan_json?: unknown };
  readonly attachments: readonly Attachment[];
  readonly meta: Record<string, unknown>;
  readonly provenance?: Record<string, unknown>;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checks: readonly { readonly name: string; readonly ok: boolean; readonly detail: string }[];
}

export interface RunAdvisory {
  readonly kind: string;
  readonly asset: AdvisoryAsset | null;
  readonly advisoryId: string;
  readonly reviewState: string;
}

/** G-code longer than this many lines starts collapsed. */
const GCODE_OPEN_LINES = 40;
/** At most this many lines are shown (the rest is in the API). */
const GCODE_MAX_LINES = 20_000;

function Gcode(props: { text: string }) {
  const all = props.text.split(/\r?\n/);
  if (all.length > 1 && all[all.length - 1] === "") all.pop();
  const lines = all.slice(0, GCODE_MAX_LINES);
  const list = (
    <ol class="gcode" aria-label="G-code, numbered lines" tabindex={0}>
      {lines.map((l) => (
        <li>{l === "" ? " " : l}</li>
      ))}
    </ol>
  );
  const more =
    all.length > lines.length ? (
      <p class="hint">{`Shown: the first ${lines.length} of ${all.length} lines. The API has the whole text.`}</p>
    ) : null;
  if (all.length <= GCODE_OPEN_LINES) return <div>{list}</div>;
  return (
    <details>
      <summary>{`Show all ${all.length} lines of G-code`}</summary>
      {list}
      {more}
    </details>
  );
}

function Section(props: { id: string; title: string; children?: Child }) {
  return (
    <section aria-labelledby={props.id}>
      <h2 id={props.id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

/** The run page. */
export function RunPage(props: {
  viewer: Viewer;
  run: RunArtifact;
  verify: VerifyResult | { problem: string };
  receipt: ReceiptState;
  advisories: readonly RunAdvisory[] | { problem: string };
  canReview: boolean;
  flash: string | null;
  path: string;
}) {
  const r = props.run;
  const d = r.decision;
  const verifiedNames = "checks" in props.verify ? props.verify.checks : [];
  const hashes = Object.entries(r.hashes).filter((e): e is [string, string] => typeof e[1] === "string");
  return (
    <Layout title={r.run_id} section="runs" viewer={props.viewer}>
      <p>
        <a href="/ui/runs">← All runs</a>
      </p>
      <h1>
        Run <Hash value={r.run_id} label="run id" />
      </h1>
      {props.flash ? (
        <Notice tone="ok" role="status">
          <p>{props.flash}</p>
        </Notice>
      ) : null}
      <div class="panel">
        <dl class="facts">
          <dt>Decision</dt>
          <dd>
            <Badge kind="status" value={r.status} label="Status" />{" "}
            <Badge kind="risk" value={d.risk_level} label="Risk" />
            {d.score !== undefined ? ` score ${d.score}` : ""}
          </dd>
          {d.block_reason ? (
            <>
              <dt>Blocked because</dt>
              <dd class="prose">{d.block_reason}</dd>
            </>
          ) : null}
          <dt>Warnings</dt>
          <dd>
            {d.warnings.length === 0 ? (
              "none"
            ) : (
              <ul>
                {d.warnings.slice(0, 200).map((w) => (
                  <li class="prose">{w}</li>
                ))}
              </ul>
            )}
          </dd>
          <dt>Created</dt>
          <dd>
            <Time value={r.created_at_utc} /> by <Cut text={r.created_by} />
          </dd>
          <dt>Mode</dt>
          <dd class="prose">{r.mode}</dd>
          <dt>Tool</dt>
          <dd class="prose">{r.tool_id}</dd>
          <dt>Schema</dt>
          <dd>{r.schema_version}</dd>
        </dl>
      </div>
      <form class="inline" method="get" action="/ui/diff" aria-label="Compare this run">
        <input type="hidden" name="a" value={r.run_id} />
        <div>
          <label for="cmp-b">Compare with run</label>
          <input id="cmp-b" name="b" required />
        </div>
        <div>
          <button type="submit" class="secondary">
            Compare
          </button>
        </div>
      </form>

      <Section id="integrity" title="Integrity">
        {"problem" in props.verify ? (
          <Notice tone="bad">
            <p>{`Verification could not run: ${props.verify.problem}`}</p>
          </Notice>
        ) : (
          <p>
            <Verdict ok={props.verify.ok} yes="verified" no="NOT verified" />{" "}
            {props.verify.ok
              ? "The service re-read the stored bytes and recomputed every hash: all match."
              : "The service found a mismatch: see the failed checks below."}
          </p>
        )}
        <div class="table-wrap">
          <table>
            <caption class="hint">
              Hashes recorded in the artifact (SHA-256 over RFC 8785 canonical JSON; G-code as UTF-8)
            </caption>
            <thead>
              <tr>
                <th scope="col">Hash</th>
                <th scope="col">Value</th>
              </tr>
            </thead>
            <tbody>
              {hashes.map(([name, value]) => (
                <tr>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td>
                    <Hash value={value} label={name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {verifiedNames.length > 0 ? (
          <ul aria-label="Verification checks">
            {verifiedNames.map((c) => (
              <li>
                <Verdict ok={c.ok} /> <strong>{c.name}</strong>: <span class="prose">{c.detail}</span>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>

      <Section id="receipt" title="Transparency-log receipt">
        <ReceiptView state={props.receipt} />
      </Section>

      <Section id="attachments" title="Attachments">
        {r.attachments.length === 0 ? (
          <p class="empty">This run references no attachments.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Type</th>
                  <th scope="col">Size</th>
                  <th scope="col">SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {r.attachments.map((a) => (
                  <tr>
                    <td>
                      <a
                        href={`/ui/runs/${encodeURIComponent(r.run_id)}/attachments/${encodeURIComponent(a.sha256)}`}
                        download={a.filename}
                      >
                        <Cut text={a.filename} max={60} />
                      </a>
                    </td>
                    <td>
                      <Cut text={a.kind} max={40} />
                    </td>
                    <td>
                      <code>{a.mime}</code>
                    </td>
                    <td>{formatBytes(a.size_bytes)}</td>
                    <td>
                      <code class="trunc" title={a.sha256}>
                        {a.sha256}
                      </code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <Section id="advisories" title="Advisories">
        {"problem" in props.advisories ? (
          <Notice tone="bad">
            <p>{`Advisories could not be read: ${props.advisories.problem}`}</p>
          </Notice>
        ) : props.advisories.length === 0 ? (
          <p class="empty">
            No advisory is attached to this run. Explanations and reviews appear here once a client attaches them (
            <code>POST /api/rmos/runs/{r.run_id}/suggest-and-attach</code>).
          </p>
        ) : (
          props.advisories.map((a) =>
            a.asset ? (
              <AdvisoryView
                asset={a.asset}
                kind={a.kind}
                canReview={props.canReview}
                csrf={props.viewer.csrf}
                returnTo={props.path}
              />
            ) : (
              <p>
                <code>{a.advisoryId}</code> ({a.kind}): <Badge kind="state" value={a.reviewState} label="Review" /> —
                the asset could not be read.
              </p>
            ),
          )
        )}
      </Section>

      <Section id="gcode" title="G-code">
        {typeof r.outputs.gcode_text === "string" ? (
          <Gcode text={r.outputs.gcode_text} />
        ) : (
          <p class="empty">This run has no G-code output.</p>
        )}
      </Section>

      <Section id="evaluation" title="Request and feasibility">
        <h3>Request summary</h3>
        <JsonBlock value={r.request_summary} label="Request summary" />
        <h3>Feasibility evaluation (authoritative)</h3>
        <JsonBlock value={r.feasibility} label="Feasibility" />
        <h3>Decision details</h3>
        <JsonBlock value={d.details} label="Decision details" />
        <h3>Meta</h3>
        <JsonBlock value={r.meta} label="Meta" />
        {r.provenance ? (
          <>
            <h3>Provenance (imported)</h3>
            <JsonBlock value={r.provenance} label="Provenance" />
          </>
        ) : null}
        {r.outputs.toolpaths !== undefined || r.outputs.opplan_json !== undefined ? (
          <>
            <h3>Other outputs</h3>
            <JsonBlock
              value={{ toolpaths: r.outputs.toolpaths, opplan_json: r.outputs.opplan_json }}
              label="Other outputs"
              maxChars={10_000}
            />
          </>
        ) : null}
      </Section>
    </Layout>
  );
}
