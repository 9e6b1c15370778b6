/**
 * The existing runs a read-only check inspects: the newest ones (up to a bound), found
 * through `GET /runs` page by page and each read whole with `GET /runs/{id}` — its
 * exact bytes, the parsed artifact, its ETag, and the list summary it came from. A
 * read fails the check that asked (an installation that cannot show its runs is not
 * compliant); an empty installation gives an empty sample.
 */
import assert from "node:assert/strict";
import { API } from "./http_steps.js";
import type { ContractTarget } from "./target.js";

/** One existing run as read through the API. */
export interface SampledRun {
  readonly runId: string;
  readonly summary: Record<string, unknown>;
  readonly bytes: Buffer;
  readonly artifact: Record<string, any>;
  readonly etag: string | null;
}

/** Reads up to `max` of the newest runs. */
export async function sampleRuns(target: ContractTarget, max: number): Promise<SampledRun[]> {
  const out: SampledRun[] = [];
  let cursor: string | null = null;
  for (let page = 0; out.length < max && page < 1000; page++) {
    const query = new URLSearchParams({ limit: String(Math.min(100, max - out.length)) });
    if (cursor) query.set("cursor", cursor);
    const res = await target.fetch(`${API}/runs?${query}`);
    assert.equal(res.status, 200, `GET ${API}/runs: status ${res.status}`);
    const listing = (await res.json()) as { items?: Array<Record<string, unknown>>; next_cursor?: string | null };
    assert.ok(Array.isArray(listing.items), `GET ${API}/runs: items[]`);
    for (const summary of listing.items) {
      const runId = String(summary.run_id);
      const read = await target.fetch(`${API}/runs/${encodeURIComponent(runId)}`);
      assert.equal(read.status, 200, `GET ${API}/runs/${runId}: status ${read.status}`);
      const bytes = Buffer.from(await read.arrayBuffer());
      out.push({
        runId,
        summary,
        bytes,
        artifact: JSON.parse(bytes.toString("utf8")) as Record<string, any>,
        etag: read.headers.get("etag"),
      });
      if (out.length >= max) break;
    }
    cursor = listing.next_cursor ?? null;
    if (!cursor) break;
  }
  return out;
}
