/**
 * Two runs side by side: each run's decision at the top, then every change the API's
 * diff found — the JSON Pointer, the severity (colour and word), the value in A and in
 * B — most severe first. A form to pick the two runs comes first; with none picked the
 * page says how to use it.
 */
import type { ApiProblem } from "../api_client.js";
import { Badge, Notice, Time } from "./components.js";
import { Layout, type Viewer } from "./layout.js";
import { ProblemDetails } from "./problem_details.js";
import type { RunArtifact } from "./run_page.js";

export interface DiffChange {
  readonly path: string;
  readonly op: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly severity: string;
}

export interface DiffResult {
  readonly severity: string;
  readonly changes: readonly DiffChange[];
}

const ORDER: Record<string, number> = { CRITICAL: 0, WARNING: 1, INFO: 2, NONE: 3 };
const MAX_VALUE_CHARS = 1000;
const MAX_ROWS = 2000;

function Value(props: { value: unknown; present: boolean }) {
  if (!props.present) return <span class="hint">(absent)</span>;
  const text =
    typeof props.value === "string" ? JSON.stringify(props.value) : (JSON.stringify(props.value, null, 1) ?? "null");
  return <code class="prose">{text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text}</code>;
}

function RunHead(props: { label: string; run: RunArtifact }) {
  const r = props.run;
  return (
    <div class="panel">
      <h2>{props.label}</h2>
      <p>
        <a href={`/ui/runs/${encodeURIComponent(r.run_id)}`}>
          <code class="hash">{r.run_id}</code>
        </a>
      </p>
      <p>
        <Badge kind="status" value={r.status} label="Status" />{" "}
        <Badge kind="risk" value={r.decision.risk_level} label="Risk" />
      </p>
      <p>
        <Time value={r.created_at_utc} />
      </p>
    </div>
  );
}

/** The compare page: the form, both runs, and the changes by severity. */
export function DiffPage(props: {
  viewer: Viewer;
  a: string;
  b: string;
  runs: { a: RunArtifact; b: RunArtifact } | null;
  diff: DiffResult | null;
  problem: ApiProblem | null;
}) {
  const changes = props.diff
    ? [...props.diff.changes].sort((x, y) => (ORDER[x.severity] ?? 9) - (ORDER[y.severity] ?? 9))
    : [];
  return (
    <Layout title="Compare runs" section="diff" viewer={props.viewer}>
      <h1>Compare two runs</h1>
      <form class="inline panel" method="get" action="/ui/diff" aria-label="Pick two runs">
        <div>
          <label for="a">Run A (before)</label>
          <input id="a" name="a" value={props.a} required />
        </div>
        <div>
          <label for="b">Run B (after)</label>
          <input id="b" name="b" value={props.b} required />
        </div>
        <div>
          <button type="submit">Compare</button>
        </div>
      </form>
      {props.problem ? <ProblemDetails problem={props.problem} heading="These runs cannot be compared" /> : null}
      {!props.a && !props.b ? (
        <p class="empty">
          Enter two run ids (from the <a href="/ui/runs">runs table</a>). Changes to status, risk level or block reason
          are CRITICAL; to hashes, feasibility, outputs or the tool WARNING; anything else INFO.
        </p>
      ) : null}
      {props.runs ? (
        <div class="sidebyside">
          <RunHead label="A (before)" run={props.runs.a} />
          <RunHead label="B (after)" run={props.runs.b} />
        </div>
      ) : null}
      {props.diff ? (
        <>
          <p>
            Overall: <Badge kind="sev" value={props.diff.severity} label="Severity" />{" "}
            {`${props.diff.changes.length} change(s)`}
          </p>
          {changes.length === 0 ? (
            <Notice tone="ok">
              <p>The two runs are the same.</p>
            </Notice>
          ) : (
            <div class="table-wrap">
              <table class="diff">
                <thead>
                  <tr>
                    <th scope="col">Field (JSON Pointer)</th>
                    <th scope="col">Severity</th>
                    <th scope="col">A (before)</th>
                    <th scope="col">B (after)</th>
                  </tr>
                </thead>
                <tbody>
                  {changes.slice(0, MAX_ROWS).map((c) => (
                    <tr class={`sev-row-${c.severity.replace(/[^A-Z]/g, "")}`}>
                      <td>
                        <code class="hash">{c.path}</code>
                        <span class="hint">{c.op}</span>
                      </td>
                      <td>
                        <Badge kind="sev" value={c.severity} label="Severity" />
                      </td>
                      <td>
                        <Value value={c.before} present={c.op !== "add"} />
                      </td>
                      <td>
                        <Value value={c.after} present={c.op !== "remove"} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {changes.length > MAX_ROWS ? (
            <p class="hint">{`Shown: the first ${MAX_ROWS} of ${changes.length} changes.`}</p>
          ) : null}
        </>
      ) : null}
    </Layout>
  );
}
