/**
 * The review queue's scan. The API has no list of advisory assets, so the queue is
 * found through the runs (newest first): each run's linked advisories, each pending
 * link's asset read for its current state. One page of the queue scans pages of runs
 * until it has found something pending or has scanned {@link QUEUE_MAX_RUNS_PER_PAGE}
 * runs, so that a stretch of runs with nothing pending does not show as an empty
 * queue; an asset linked to several runs is listed once, with every run that links
 * it. The cursor it answers continues after the last run scanned.
 */
import type { ApiClient } from "./api_client.js";
import { ApiProblemError } from "./api_client.js";
import type { AdvisoryAsset } from "./views/advisory_view.js";

/** Runs read per request of the scan. */
export const QUEUE_RUNS_PER_REQUEST = 25;
/** The most runs one page of the queue scans when nothing pending is found. */
export const QUEUE_MAX_RUNS_PER_PAGE = 100;

/** One pending asset and the runs that link it (in the order found). */
export interface QueueItem {
  readonly asset: AdvisoryAsset;
  readonly kind: string;
  readonly runIds: readonly string[];
}

/** One page of the queue. */
export interface QueuePage {
  readonly items: readonly QueueItem[];
  readonly scannedRuns: number;
  /** Where the next page starts, or null when no older run is left. */
  readonly nextCursor: string | null;
  /** Links whose advisories or asset could not be read (shown, not hidden). */
  readonly unreadable: number;
}

interface RunsPage {
  readonly items: readonly { readonly run_id: string }[];
  readonly next_cursor: string | null;
}

interface RunLink {
  readonly link: { readonly advisory_id: string; readonly kind: string };
  readonly review: { readonly state: string };
}

/** Scans one page of the queue from `cursor` (undefined: the newest run). */
export async function scanReviewQueue(api: ApiClient, cursor: string | undefined): Promise<QueuePage> {
  const byAsset = new Map<string, { asset: AdvisoryAsset; kind: string; runIds: string[] }>();
  let scanned = 0;
  let unreadable = 0;
  let next: string | null | undefined = cursor;
  do {
    const runs: RunsPage = await api.need<RunsPage>("/runs", {
      limit: String(QUEUE_RUNS_PER_REQUEST),
      ...(next ? { cursor: next } : {}),
    });
    scanned += runs.items.length;
    next = runs.next_cursor;
    const perRun = await Promise.all(
      runs.items.map(async (run) => {
        const links = await api.get<{ items: RunLink[] }>(`/runs/${run.run_id}/advisories`);
        if (!links.ok) {
          if (links.status === 401) throw new ApiProblemError(401, links.problem);
          return { runId: run.run_id, pending: [] as RunLink[], failed: 1 };
        }
        return { runId: run.run_id, pending: links.data.items.filter((i) => i.review.state === "PENDING"), failed: 0 };
      }),
    );
    for (const { runId, pending, failed } of perRun) {
      unreadable += failed;
      for (const link of pending) {
        const id = link.link.advisory_id;
        const known = byAsset.get(id);
        if (known) {
          if (!known.runIds.includes(runId)) known.runIds.push(runId);
          continue;
        }
        const asset = await api.get<AdvisoryAsset>(`/advisories/${id}`);
        if (!asset.ok) {
          unreadable += 1;
          continue;
        }
        if (asset.data.review.state === "PENDING")
          byAsset.set(id, { asset: asset.data, kind: link.link.kind, runIds: [runId] });
      }
    }
  } while (byAsset.size === 0 && next && scanned < QUEUE_MAX_RUNS_PER_PAGE);
  return { items: [...byAsset.values()], scannedRuns: scanned, nextCursor: next ?? null, unreadable };
}
