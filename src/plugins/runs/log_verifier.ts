/**
 * The run verifier of the transparency log (registered when the log plugin is
 * loaded): the `in_log` check — the run has its leaf, and the leaf's sha256 is the
 * SHA-256 of the bytes stored now. A run edited behind the service's back, or slipped
 * in without being appended, fails it, naming which.
 */
import type { RunVerifier } from "../../contracts/ports/run_verifiers.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";

/** The `in_log` check against `log`. */
export function logRunVerifier(log: TransparencyLog): RunVerifier {
  return {
    name: "transparency-log",
    async verify(run) {
      const runId = run.artifact.run_id;
      const found = await log.leafOf("run", runId);
      if (!found) {
        return [{ name: "in_log", ok: false, detail: `run ${runId} is not in the transparency log (inserted?)` }];
      }
      if (found.leaf.sha256 !== run.sha256) {
        return [
          {
            name: "in_log",
            ok: false,
            detail: `leaf ${found.leaf_index} holds sha256 ${found.leaf.sha256}; the stored bytes hash to ${run.sha256} (edited)`,
          },
        ];
      }
      return [{ name: "in_log", ok: true, detail: `leaf ${found.leaf_index}, sha256 matches the stored bytes` }];
    },
  };
}
