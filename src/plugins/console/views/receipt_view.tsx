/**
 * The run's transparency-log receipt as the console found it: checked (each check in
 * words), waiting for a checkpoint, absent, or "not available on this installation"
 * when the service has no transparency log.
 */
import type { ApiProblem } from "../api_client.js";
import type { ReceiptCheck } from "../receipt_check.js";
import { Hash, Notice, Verdict } from "./components.js";

export type ReceiptState =
  | { readonly kind: "unavailable" }
  | { readonly kind: "pending"; readonly retryAfter: string | null }
  | { readonly kind: "problem"; readonly problem: ApiProblem }
  | { readonly kind: "checked"; readonly leafIndex: number | null; readonly check: ReceiptCheck };

/** The receipt section of the run page. */
export function ReceiptView(props: { state: ReceiptState }) {
  const s = props.state;
  if (s.kind === "unavailable") {
    return (
      <Notice>
        <p>
          <strong>Not available on this installation:</strong> this service has no transparency log, so runs have no
          inclusion receipt. The stored hashes above are still verified.
        </p>
      </Notice>
    );
  }
  if (s.kind === "pending") {
    return (
      <Notice tone="warn">
        <p>
          The run is in the log but no signed checkpoint covers it yet
          {s.retryAfter ? ` (try again in ${s.retryAfter} s)` : ""}. Reload the page in a moment.
        </p>
      </Notice>
    );
  }
  if (s.kind === "problem") {
    return (
      <Notice tone="bad">
        <p>{`No receipt: ${s.problem.status} ${s.problem.title}${s.problem.detail ? ` — ${s.problem.detail}` : ""}`}</p>
      </Notice>
    );
  }
  const c = s.check;
  return (
    <div>
      <p>
        <Verdict ok={c.ok} yes="verified" no="not verified" />{" "}
        {c.ok ? "The receipt checks against the log." : "The receipt does NOT check against the log."}
      </p>
      <dl class="facts">
        <dt>Leaf index</dt>
        <dd>{s.leafIndex === null ? "—" : String(s.leafIndex)}</dd>
        <dt>Log origin</dt>
        <dd>{c.origin ?? "—"}</dd>
        <dt>Checkpoint size</dt>
        <dd>{c.size === null ? "—" : String(c.size)}</dd>
        <dt>Checkpoint root</dt>
        <dd>{c.root ? <Hash value={c.root} label="checkpoint root" /> : "—"}</dd>
      </dl>
      <ul>
        {c.checks.map((k) => (
          <li>
            <Verdict ok={k.ok} /> <strong>{k.name}</strong>: {k.detail}
          </li>
        ))}
      </ul>
    </div>
  );
}
