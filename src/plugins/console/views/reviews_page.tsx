/**
 * The review queue: the advisory assets still pending a decision, found among the
 * runs' advisories (newest runs first; see review_queue.ts for how far one page
 * scans), each once with every run that links it, its text and — for a viewer who may
 * review — the approve / reject form. The page says how many runs it scanned and how
 * many links it could not read. A form to open any asset by id covers assets linked
 * to no run.
 */
import type { QueuePage } from "../review_queue.js";
import { type AdvisoryAsset, AdvisoryView } from "./advisory_view.js";
import { Notice } from "./components.js";
import { Layout, type Viewer } from "./layout.js";

/** The review queue. */
export function ReviewsPage(props: {
  viewer: Viewer;
  queue: QueuePage;
  nextHref: string | null;
  canReview: boolean;
  flash: string | null;
  path: string;
}) {
  return (
    <Layout title="Reviews" section="reviews" viewer={props.viewer}>
      <h1>Reviews</h1>
      <p class="lead">{`Advisory assets waiting for a decision, among the advisories of the ${props.queue.scannedRuns} ${props.path === "/ui/reviews" ? "most recent" : "next older"} run(s) scanned for this page.`}</p>
      {props.queue.unreadable > 0 ? (
        <Notice tone="warn">
          <p>{`${props.queue.unreadable} advisory link(s) could not be read; this page may be missing items.`}</p>
        </Notice>
      ) : null}
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
      {props.queue.items.length === 0 ? (
        <p class="empty">
          Nothing is waiting for review among these runs. Explanations of GREEN runs are approved automatically; others
          appear here.
        </p>
      ) : (
        props.queue.items.map((item) => (
          <div>
            <p>
              {item.runIds.length === 1 ? "For run " : "For runs "}
              {item.runIds.map((runId, i) => (
                <>
                  {i > 0 ? ", " : null}
                  <a href={`/ui/runs/${encodeURIComponent(runId)}#advisories`}>
                    <code>{runId}</code>
                  </a>
                </>
              ))}
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
