/**
 * Reading a run for an HTTP answer, the same way in every plugin: the stored run, or
 * a problem — 404 when the id is unknown, 500 `stored-artifact-corrupt` when its
 * stored bytes fail their integrity check (the server's fault, not the client's).
 */
import { CorruptArtifactError, type RunStore, type StoredRun } from "./ports/run_store.js";
import { ProblemError, notFound } from "./problem.js";

/** The stored run `runId`; throws 404 or 500 ProblemErrors. */
export async function getRunOrProblem(
  store: RunStore,
  runId: string,
  options?: { fresh?: boolean },
): Promise<StoredRun> {
  let stored: StoredRun | undefined;
  try {
    stored = await store.get(runId, options);
  } catch (error) {
    if (error instanceof CorruptArtifactError) {
      throw new ProblemError(500, `the stored artifact ${runId} failed its integrity check; run \`rmos verify\``, {
        slug: "stored-artifact-corrupt",
      });
    }
    throw error;
  }
  if (!stored) throw notFound("run", runId);
  return stored;
}
