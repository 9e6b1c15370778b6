/**
 * Governance invariant 2, "hashes are true": the hashes the server computes for a new
 * run, and the comparison with the ones a client sent.
 *
 * `feasibility_sha256`, `toolpaths_sha256` and `opplan_sha256` are SHA-256 over the
 * RFC 8785 canonical JSON of their content; `gcode_sha256` over the G-code's UTF-8
 * bytes. A hash whose content was not sent is kept as the client gave it. A client
 * hash that disagrees with the content is a 422 listing every mismatch.
 */
import type { CreateRunRequest, RunArtifact } from "../../contracts/artifact.js";
import { canonicalSha256, sha256Hex } from "../../contracts/hashing.js";
import type { FieldError } from "../../contracts/problem.js";
import { ProblemError } from "../../contracts/problem.js";

type Hashes = RunArtifact["hashes"];
type Outputs = NonNullable<CreateRunRequest["outputs"]>;

/** The hashes of the content of a run (feasibility and outputs). */
export function computeHashes(
  feasibility: unknown,
  outputs: Outputs | undefined,
): Partial<Hashes> & { feasibility_sha256: string } {
  const out: Partial<Hashes> & { feasibility_sha256: string } = { feasibility_sha256: canonicalSha256(feasibility) };
  if (outputs?.gcode_text !== undefined) out.gcode_sha256 = sha256Hex(outputs.gcode_text);
  if (outputs?.toolpaths !== undefined) out.toolpaths_sha256 = canonicalSha256(outputs.toolpaths);
  if (outputs?.opplan_json !== undefined) out.opplan_sha256 = canonicalSha256(outputs.opplan_json);
  return out;
}

/** The hashes to store: computed ones, plus client ones for content not sent; throws 422 on a mismatch. */
export function resolveHashes(request: Pick<CreateRunRequest, "feasibility" | "outputs" | "hashes">): Hashes {
  const computed = computeHashes(request.feasibility, request.outputs);
  const given = request.hashes ?? {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(given) as Array<[keyof Hashes, string | undefined]>) {
    const ours = computed[name];
    if (value !== undefined && ours !== undefined && ours !== value) {
      errors.push({
        location: "body",
        pointer: `/hashes/${name}`,
        message: `does not match the content: the server computed ${ours}`,
        code: "hash_mismatch",
      });
    }
  }
  if (errors.length > 0) {
    throw new ProblemError(422, `${errors.length} hash(es) do not match the content they name`, {
      slug: "hash-mismatch",
      title: "Hash mismatch",
      errors,
    });
  }
  return { ...given, ...computed } as Hashes;
}
