/**
 * The review queue: the advisory assets still pending a decision, found among the
 * runs' advisories (newest runs first, one page of runs at a time), each with its text
 * and — for a viewer who may review — the approve / reject form. A form to open any
 * asset by id covers assets linked to no run.
 */
import { type AdvisoryAsset, AdvisoryView } from "./advisory_view.js";
import { Notice } from "./components.js";
import { Layout, type Viewer } from "./layout.js";

export interface PendingItem {
  readonly runId: string;
  readonly kind: string;
  readonly asset: AdvisoryAsset;
}

/** The review queue. */
export function ReviewsPage(props: {
  viewer: Viewer;
  items: readonly PendingItem[];
  scannedRuns: number;
  nextHref: string | null;
  canReview: boolean;
  flash: string | null;
  path: string;
}) {
  return (
    <Layout title="Reviews" section="reviews" viewer={props.viewer}>
      <h1>Reviews</h1>
      <p class="lead">{`Advisory assets waiting for a decision, among the advisories of the ${props.scannedRuns} most recent run(s) on this page.`}</p>
      {props.flash ? (
        <Notice tone="ok" role="status">
          <p>{props.flash}</p>
        </Notice>
      ) : null}
      {!props.canReview ? (
        <Notice tone="warn">
          <p>Your credential does not hold the reviewer role: you see the queue but cannot approve or reject.</p>
        </Notice>
      ) : null}
      {props.items.length === 0 ? (
        <p class="empty">
          Nothing is waiting for review among these runs. Explanations of GREEN runs are approved automatically; others
          appear here.
        </p>
      ) : (
        props.items.map((item) => (
          <div>
            <p>
              For run{" "}
              <a href={`/ui/runs/${encodeURIComponent(item.runId)}#advisories`}>
                <code>{item.runId}</code>
              </a>
            </p>
            <AdvisoryView
              asset={item.asset}
              kind={item.kind}
              canReview={props.canReview}
              csrf={props.viewer.csrf}
              returnTo={props.path}
            />
          </div>
        ))
      )}
      <nav class="pager" aria-label="Pages">
        {props.nextHref ? (
          <a href={props.nextHref} rel="next">
            Look at older runs
          </a>
        ) : (
          <span>No older runs.</span>
        )}
      </nav>
      <h2 id="by-id">Open an advisory asset by id</h2>
      <form class="inline panel" method="get" action="/ui/advisories" aria-labelledby="by-id">
        <div>
          <label for="asset-id">Asset id</label>
          <input id="asset-id" name="id" placeholder="adv_…" required />
        </div>
        <div>
          <button type="submit">Open</button>
        </div>
      </form>
    </Layout>
  );
}

/** One advisory asset on its own page (opened by id). */
export function AdvisoryPage(props: {
  viewer: Viewer;
  asset: AdvisoryAsset;
  canReview: boolean;
  flash: string | null;
  path: string;
}) {
  return (
    <Layout title={props.asset.asset_id} section="reviews" viewer={props.viewer}>
      <p>
        <a href="/ui/reviews">← Review queue</a>
      </p>
      <h1>Advisory asset</h1>
      {props.flash ? (
        <Notice tone="ok" role="status">
          <p>{props.flash}</p>
        </Notice>
      ) : null}
      <AdvisoryView
        asset={props.asset}
        canReview={props.canReview}
        csrf={props.viewer.csrf}
        returnTo={props.path}
        heading="h2"
      />
    </Layout>
  );
}
