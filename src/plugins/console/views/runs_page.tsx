/**
 * The runs table: a GET form with the API's own filter names (so a filtered view is a
 * shareable URL), the newest runs first, and a link to the next page carrying the
 * API's cursor. Validation errors from the API are shown above the form.
 */
import type { ApiProblem } from "../api_client.js";
import { Badge, Notice, Time } from "./components.js";
import { Layout, type Viewer } from "./layout.js";
import { ProblemDetails } from "./problem_details.js";

export interface RunSummary {
  readonly run_id: string;
  readonly created_at_utc: string;
  readonly mode: string;
  readonly tool_id: string;
  readonly status: string;
  readonly risk_level: string;
  readonly feasibility_sha256: string;
}

/** The API's list query names, in form order. */
export const RUN_FILTERS = ["mode", "tool_id", "status", "risk_level", "created_from", "created_to", "limit"] as const;

const STATUSES = ["OK", "BLOCKED", "ERROR"];
const RISKS = ["GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"];

function Select(props: { name: string; label: string; options: readonly string[]; value: string }) {
  return (
    <div>
      <label for={`f-${props.name}`}>{props.label}</label>
      <select id={`f-${props.name}`} name={props.name}>
        <option value="">Any</option>
        {props.options.map((o) => (
          <option value={o} selected={props.value === o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function Field(props: { name: string; label: string; value: string; hint?: string; type?: string }) {
  return (
    <div>
      <label for={`f-${props.name}`}>
        {props.label}
        {props.hint ? <span class="hint">{props.hint}</span> : null}
      </label>
      <input id={`f-${props.name}`} name={props.name} type={props.type ?? "text"} value={props.value} />
    </div>
  );
}

/** The runs table with its filters and pager. */
export function RunsPage(props: {
  viewer: Viewer;
  filters: Readonly<Record<string, string>>;
  items: readonly RunSummary[] | null;
  nextHref: string | null;
  firstHref: string | null;
  problem: ApiProblem | null;
}) {
  const f = (name: string) => props.filters[name] ?? "";
  const filtered = RUN_FILTERS.some((n) => n !== "limit" && f(n) !== "");
  return (
    <Layout title="Runs" section="runs" viewer={props.viewer}>
      <h1>Runs</h1>
      <p class="lead">
        Every run artifact the service holds, newest first. Filters use the API's own names, so the address of this page
        can be shared.
      </p>
      <form class="filters panel" method="get" action="/ui/runs" aria-label="Filter runs">
        <Field name="mode" label="Mode" value={f("mode")} hint="exact, e.g. toolpath" />
        <Field name="tool_id" label="Tool id" value={f("tool_id")} hint="exact" />
        <Select name="status" label="Status" options={STATUSES} value={f("status")} />
        <Select name="risk_level" label="Risk level" options={RISKS} value={f("risk_level")} />
        <Field
          name="created_from"
          label="Created from"
          value={f("created_from")}
          hint="RFC 3339 with offset, inclusive"
        />
        <Field
          name="created_to"
          label="Created before"
          value={f("created_to")}
          hint="RFC 3339 with offset, exclusive"
        />
        <Field name="limit" label="Per page" value={f("limit")} hint="1 to 500 (default 50)" type="number" />
        <div>
          <button type="submit">Apply filters</button> <a href="/ui/runs">Clear</a>
        </div>
      </form>
      {props.problem ? <ProblemDetails problem={props.problem} heading="The API did not accept these filters" /> : null}
      {props.items && props.items.length === 0 ? (
        <div class="empty">
          {filtered ? (
            <p>
              No run matches these filters. <a href="/ui/runs">Show all runs</a>.
            </p>
          ) : props.firstHref ? (
            <p>
              No more runs: this was the last page. <a href={props.firstHref}>Back to the newest</a>.
            </p>
          ) : (
            <p>
              No runs are stored yet. Runs appear here as soon as a client creates one with{" "}
              <code>POST /api/rmos/runs</code> or an import from v1 brings them in (<code>rmos v1 migrate</code>).
            </p>
          )}
        </div>
      ) : null}
      {props.items && props.items.length > 0 ? (
        <>
          <div class="table-wrap">
            <table>
              <caption class="hint">{`${props.items.length} run(s) on this page`}</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Created (UTC)</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Tool</th>
                  <th scope="col">Status</th>
                  <th scope="col">Risk</th>
                  <th scope="col">Feasibility SHA-256</th>
                </tr>
              </thead>
              <tbody>
                {props.items.map((r) => (
                  <tr>
                    <td>
                      <a href={`/ui/runs/${encodeURIComponent(r.run_id)}`}>
                        <code>{r.run_id}</code>
                      </a>
                    </td>
                    <td>
                      <Time value={r.created_at_utc} />
                    </td>
                    <td>
                      <span class="cell-text" title={r.mode}>
                        {r.mode}
                      </span>
                    </td>
                    <td>
                      <span class="cell-text" title={r.tool_id}>
                        {r.tool_id}
                      </span>
                    </td>
                    <td>
                      <Badge kind="status" value={r.status} label="Status" />
                    </td>
                    <td>
                      <Badge kind="risk" value={r.risk_level} label="Risk" />
                    </td>
                    <td>
                      <code class="trunc" title={r.feasibility_sha256}>
                        {r.feasibility_sha256}
                      </code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <nav class="pager" aria-label="Pages">
            {props.firstHref ? <a href={props.firstHref}>Newest</a> : null}
            {props.nextHref ? (
              <a href={props.nextHref} rel="next">
                Next page (older runs)
              </a>
            ) : (
              <span>This is the last page.</span>
            )}
          </nav>
        </>
      ) : null}
      <h2 id="compare">Compare two runs</h2>
      <form class="inline panel" method="get" action="/ui/diff" aria-labelledby="compare">
        <div>
          <label for="cmp-a">Run A (before)</label>
          <input id="cmp-a" name="a" required />
        </div>
        <div>
          <label for="cmp-b">Run B (after)</label>
          <input id="cmp-b" name="b" required />
        </div>
        <div>
          <button type="submit">Compare</button>
        </div>
      </form>
      <Notice>
        <p>
          Risk levels: <Badge kind="risk" value="GREEN" /> cleared, <Badge kind="risk" value="YELLOW" /> cleared with
          caution, <Badge kind="risk" value="RED" /> not safe, <Badge kind="risk" value="UNKNOWN" /> not assessed,{" "}
          <Badge kind="risk" value="ERROR" /> evaluation failed.
        </p>
      </Notice>
    </Layout>
  );
}
