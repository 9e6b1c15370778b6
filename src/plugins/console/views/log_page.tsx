/**
 * The transparency log's latest checkpoint: whether its signature checks against the
 * log's verifier key, origin, size and root (shown only from a checkpoint that
 * checks), the signed note as served, and the verifier key — or "not available on
 * this installation" when the service has no transparency log.
 */
import { Hash, Notice, Verdict } from "./components.js";
import { Layout, type Viewer } from "./layout.js";

export type LogState =
  | { readonly kind: "unavailable" }
  | { readonly kind: "problem"; readonly detail: string }
  | {
      readonly kind: "checkpoint";
      readonly text: string;
      readonly origin: string | null;
      readonly size: number | null;
      readonly root: string | null;
      readonly verifierKey: string | null;
      readonly signature: { readonly ok: boolean; readonly detail: string };
    };

/** The transparency-log page. */
export function LogPage(props: { viewer: Viewer; state: LogState }) {
  const s = props.state;
  return (
    <Layout title="Transparency log" section="log" viewer={props.viewer}>
      <h1>Transparency log</h1>
      {s.kind === "unavailable" ? (
        <Notice>
          <p>
            <strong>Not available on this installation:</strong> this service has no transparency log (no{" "}
            <code>/api/rmos/log/checkpoint</code>). Runs are still hashed and verified; receipts appear once the log is
            enabled.
          </p>
        </Notice>
      ) : s.kind === "problem" ? (
        <Notice tone="bad">
          <p>{`The checkpoint could not be read: ${s.detail}`}</p>
        </Notice>
      ) : (
        <>
          <div class="panel">
            <p>
              <Verdict ok={s.signature.ok} yes="signed" no="not verified" />{" "}
              {`The latest checkpoint ${s.signature.detail}.`}
            </p>
            <dl class="facts">
              <dt>Origin</dt>
              <dd>{s.origin ?? "—"}</dd>
              <dt>Size (entries)</dt>
              <dd>{s.size === null ? "—" : String(s.size)}</dd>
              <dt>Root hash</dt>
              <dd>{s.root ? <Hash value={s.root} label="root hash" /> : "—"}</dd>
              <dt>Verifier key</dt>
              <dd>{s.verifierKey ? <Hash value={s.verifierKey} label="verifier key" /> : "not published"}</dd>
            </dl>
          </div>
          <h2>Latest checkpoint (signed note)</h2>
          <pre tabindex={0}>{s.text}</pre>
          <p class="hint">
            Keep a copy: any later checkpoint must be consistent with it. Check a receipt offline with{" "}
            <code>rmos log verify-receipt FILE --verifier-key KEY</code>.
          </p>
        </>
      )}
    </Layout>
  );
}
