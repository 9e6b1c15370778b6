/**
 * The runs plugin's own verification checks of a stored run: its bytes read back as
 * written (canonical JSON, SHA-256 as recorded), it validates against its schema, and
 * every hash whose content it holds is recomputed. Imported artifacts whose hashes
 * were made another way (`provenance.hash_method`) leave the feasibility and toolpath
 * hashes to the verifier registered for that method.
 */
import { CURRENT_SCHEMA_VERSION, RunArtifactSchema } from "../../contracts/artifact.js";
import { JCS_SHA256, canonicalSha256, sha256Hex } from "../../contracts/hashing.js";
import { canonicalize } from "../../contracts/jcs.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { StoredRun } from "../../contracts/ports/run_store.js";
import type { RunCheck, RunVerifier, RunVerifierRegistry } from "../../contracts/ports/run_verifiers.js";

function hashCheck(
  name: string,
  stored: unknown,
  content: unknown,
  compute: (v: unknown) => string,
): RunCheck | undefined {
  if (content === undefined || content === null) return undefined;
  if (typeof stored !== "string") return { name, ok: false, detail: "content present but no hash stored" };
  let actual: string;
  try {
    actual = compute(content);
  } catch (error) {
    return { name, ok: false, detail: `cannot hash the content: ${(error as Error).message}` };
  }
  return actual === stored
    ? { name, ok: true, detail: "recomputed, matches" }
    : { name, ok: false, detail: `stored ${stored}, recomputed ${actual}` };
}

/** The core verifier; `registry` tells which other hash methods are covered. */
export function coreRunVerifier(
  registry: RunVerifierRegistry,
  upcaster: () => ArtifactUpcaster | undefined,
): RunVerifier {
  return {
    name: "runs",
    hashMethods: [JCS_SHA256],
    async verify(run: StoredRun): Promise<RunCheck[]> {
      const checks: RunCheck[] = [];
      let canonical: string | undefined;
      try {
        canonical = canonicalize(run.artifact);
      } catch (error) {
        checks.push({ name: "stored_bytes", ok: false, detail: (error as Error).message });
      }
      if (canonical !== undefined) {
        const same = Buffer.from(canonical, "utf8").equals(run.bytes);
        checks.push({
          name: "stored_bytes",
          ok: same && sha256Hex(run.bytes) === run.sha256,
          detail: same
            ? `intact, sha256 ${run.sha256}`
            : "the stored bytes are not the canonical form of their content",
        });
      }
      let artifact = run.artifact;
      if (artifact.schema_version !== CURRENT_SCHEMA_VERSION) {
        const up = upcaster();
        if (up) artifact = up.toCurrent(artifact);
      }
      const parsed = RunArtifactSchema.safeParse(artifact);
      checks.push({
        name: "schema",
        ok: parsed.success,
        detail: parsed.success
          ? `valid ${CURRENT_SCHEMA_VERSION}${run.artifact.schema_version !== CURRENT_SCHEMA_VERSION ? ` (stored as ${run.artifact.schema_version})` : ""}`
          : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      });
      const hashes = (run.artifact.hashes ?? {}) as Record<string, unknown>;
      const outputs = (run.artifact.outputs ?? {}) as Record<string, unknown>;
      const method = (run.artifact.provenance as { hash_method?: string } | undefined)?.hash_method ?? JCS_SHA256;
      const jsonHashes: Array<[string, unknown]> = [
        ["feasibility_sha256", run.artifact.feasibility],
        ["toolpaths_sha256", outputs.toolpaths],
      ];
      if (method === JCS_SHA256) {
        for (const [name, content] of jsonHashes) {
          const c = hashCheck(name, hashes[name], content, canonicalSha256);
          if (c) checks.push(c);
        }
      } else if (!registry.handlesHashMethod(method)) {
        checks.push({
          name: "feasibility_sha256",
          ok: false,
          detail: `no verifier is loaded for hash method ${method}`,
        });
      }
      const opplan = hashCheck("opplan_sha256", hashes.opplan_sha256, outputs.opplan_json, canonicalSha256);
      if (opplan && method === JCS_SHA256) checks.push(opplan);
      const gcode = hashCheck("gcode_sha256", hashes.gcode_sha256, outputs.gcode_text, (v) => sha256Hex(String(v)));
      if (gcode) checks.push(gcode);
      return checks;
    },
  };
}
