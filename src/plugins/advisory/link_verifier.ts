/**
 * The advisory contribution to run verification (`GET /runs/{run_id}/verify`,
 * `rmos verify`): every advisory link of the run is read back and checked — its bytes
 * are the canonical JSON of a valid link naming this run and the asset its file name
 * names, the asset exists and reads back intact (content hash recomputed), and the
 * asset's content hash is the one the link pinned. A run without links gets no check.
 */
import { canonicalize } from "../../contracts/jcs.js";
import { ADVISORY_LINK_PREFIX, type AdvisoryStore } from "../../contracts/ports/advisory_store.js";
import type { RunStore, StoredRun } from "../../contracts/ports/run_store.js";
import type { RunCheck, RunVerifier } from "../../contracts/ports/run_verifiers.js";
import { AdvisoryLinkSchema } from "./schemas.js";

const LINK_NAME = /^advisory_(adv_[0-9A-HJKMNP-TV-Z]{26})$/;

async function problemsOf(runId: string, name: string, runs: RunStore, store: AdvisoryStore): Promise<string | null> {
  const m = LINK_NAME.exec(name);
  if (!m) return `${name}: not an advisory link name`;
  const advisoryId = m[1] as string;
  const bytes = await runs.getSidecar(runId, name);
  if (!bytes) return `${advisoryId}: link listed but unreadable`;
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch {
    return `${advisoryId}: link is not JSON`;
  }
  const parsed = AdvisoryLinkSchema.safeParse(value);
  if (!parsed.success) return `${advisoryId}: link does not validate (${parsed.error.issues[0]?.message ?? "invalid"})`;
  const link = parsed.data;
  if (canonicalize(value) !== bytes.toString("utf8")) return `${advisoryId}: link bytes are not canonical JSON`;
  if (link.run_id !== runId) return `${advisoryId}: link names run ${link.run_id}`;
  if (link.advisory_id !== advisoryId) return `${advisoryId}: link names asset ${link.advisory_id}`;
  let asset: Awaited<ReturnType<AdvisoryStore["getAsset"]>>;
  try {
    asset = await store.getAsset(advisoryId);
  } catch (error) {
    return `${advisoryId}: ${(error as Error).message}`;
  }
  if (!asset) return `${advisoryId}: the linked asset is missing`;
  if (asset.content_hash !== link.content_hash) {
    return `${advisoryId}: asset content hash ${asset.content_hash} is not the ${link.content_hash} the link pinned`;
  }
  if (asset.asset_type !== link.asset_type)
    return `${advisoryId}: asset type ${asset.asset_type}, link says ${link.asset_type}`;
  return null;
}

/** The `advisory_links` verifier; stores are resolved when it runs. */
export function advisoryLinkVerifier(stores: () => { runs: RunStore; advisories: AdvisoryStore }): RunVerifier {
  return {
    name: "advisory_links",
    async verify(run: StoredRun): Promise<RunCheck[]> {
      const { runs, advisories } = stores();
      const runId = run.artifact.run_id;
      const names = await runs.listSidecars(runId, ADVISORY_LINK_PREFIX);
      if (names.length === 0) return [];
      const problems: string[] = [];
      for (const name of names) {
        const problem = await problemsOf(runId, name, runs, advisories);
        if (problem) problems.push(problem);
      }
      return [
        {
          name: "advisory_links",
          ok: problems.length === 0,
          detail:
            problems.length === 0
              ? `${names.length} advisory link(s) intact, each asset's content hash recomputed`
              : `${problems.length} of ${names.length} advisory link(s) failed: ${problems.join("; ")}`,
        },
      ];
    },
  };
}
