/**
 * Workflow sessions: the list (filters by workflow and state, cursor pagination) and
 * one session with its linked runs and its append-only event timeline.
 */
import { Badge, Cut, JsonBlock, Time } from "./components.js";
import { Layout, type Viewer } from "./layout.js";

export interface WorkflowSession {
  readonly session_id: string;
  readonly workflow: string;
  readonly state: string;
  readonly context: unknown;
  readonly run_ids: readonly string[];
  readonly version: number;
  readonly created_at_utc: string;
  readonly updated_at_utc: string;
}

export interface SessionEvent {
  readonly seq: number;
  readonly event: string;
  readonly from_state: string;
  readonly to_state: string;
  readonly run_id?: string;
  readonly note?: string;
  readonly at: string;
  readonly version: number;
}

const STATES = ["DRAFT", "FEASIBILITY_CHECKED", "APPROVED", "REJECTED", "TOOLPATHS_READY", "COMPLETED", "CANCELLED"];

/** The list of workflow sessions. */
export function SessionsPage(props: {
  viewer: Viewer;
  workflow: string;
  state: string;
  items: readonly WorkflowSession[];
  nextHref: string | null;
}) {
  return (
    <Layout title="Sessions" section="sessions" viewer={props.viewer}>
      <h1>Workflow sessions</h1>
      <form class="inline panel" method="get" action="/ui/sessions" aria-label="Filter sessions">
        <div>
          <label for="workflow">Workflow</label>
          <input id="workflow" name="workflow" value={props.workflow} />
        </div>
        <div>
          <label for="state">State</label>
          <select id="state" name="state">
            <option value="">Any</option>
            {STATES.map((s) => (
              <option value={s} selected={props.state === s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <div>
          <button type="submit">Apply</button> <a href="/ui/sessions">Clear</a>
        </div>
      </form>
      {props.items.length === 0 ? (
        <p class="empty">
          No workflow session matches. Sessions are created by clients with{" "}
          <code>POST /api/rmos/workflow-sessions</code>.
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Workflow</th>
                <th scope="col">State</th>
                <th scope="col">Runs</th>
                <th scope="col">Updated (UTC)</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((s) => (
                <tr>
                  <td>
                    <a href={`/ui/sessions/${encodeURIComponent(s.session_id)}`}>
                      <code>{s.session_id}</code>
                    </a>
                  </td>
                  <td>
                    <Cut text={s.workflow} max={40} />
                  </td>
                  <td>
                    <Badge kind="wfs" value={s.state} label="State" />
                  </td>
                  <td>{String(s.run_ids.length)}</td>
                  <td>
                    <Time value={s.updated_at_utc} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        {props.nextHref ? (
          <a href={props.nextHref} rel="next">
            Next page
          </a>
        ) : (
          <span>This is the last page.</span>
        )}
      </nav>
    </Layout>
  );
}

/** One workflow session with its event timeline. */
export function SessionPage(props: { viewer: Viewer; session: WorkflowSession; events: readonly SessionEvent[] }) {
  const s = props.session;
  return (
    <Layout title={s.session_id} section="sessions" viewer={props.viewer}>
      <p>
        <a href="/ui/sessions">← All sessions</a>
      </p>
      <h1>
        Session <code class="hash">{s.session_id}</code>
      </h1>
      <div class="panel">
        <dl class="facts">
          <dt>Workflow</dt>
          <dd class="prose">{s.workflow}</dd>
          <dt>State</dt>
          <dd>
            <Badge kind="wfs" value={s.state} label="State" />
          </dd>
          <dt>Version</dt>
          <dd>{String(s.version)}</dd>
          <dt>Created</dt>
          <dd>
            <Time value={s.created_at_utc} />
          </dd>
          <dt>Updated</dt>
          <dd>
            <Time value={s.updated_at_utc} />
          </dd>
          <dt>Runs</dt>
          <dd>
            {s.run_ids.length === 0 ? (
              "none linked"
            ) : (
              <ul>
                {s.run_ids.map((id) => (
                  <li>
                    <a href={`/ui/runs/${encodeURIComponent(id)}`}>
                      <code>{id}</code>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </dd>
        </dl>
      </div>
      <h2 id="timeline">Event timeline</h2>
      {props.events.length === 0 ? (
        <p class="empty">No event yet: the session is still in its first state.</p>
      ) : (
        <ol class="timeline" aria-labelledby="timeline">
          {props.events.map((e) => (
            <li>
              <strong>{`#${e.seq} ${e.event}`}</strong>: {e.from_state} →{" "}
              <Badge kind="wfs" value={e.to_state} label="State" /> <Time value={e.at} />
              {e.run_id ? (
                <>
                  {" "}
                  run{" "}
                  <a href={`/ui/runs/${encodeURIComponent(e.run_id)}`}>
                    <code>{e.run_id}</code>
                  </a>
                </>
              ) : null}
              {e.note ? <p class="prose">{e.note}</p> : null}
            </li>
          ))}
        </ol>
      )}
      <h2>Context</h2>
      <JsonBlock value={s.context} label="Session context" />
    </Layout>
  );
}
