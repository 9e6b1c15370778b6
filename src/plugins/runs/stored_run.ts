/**
 * Reading a stored run back, for both run stores: its bytes must hash to the SHA-256
 * recorded when it was stored (else CorruptArtifactError naming what changed), and
 * parse into an artifact for that run id with its governance fields (else
 * CorruptArtifactError naming why) — a damaged record is refused, never served.
 */
import { sha256Hex } from "../../contracts/hashing.js";
import {
  CorruptArtifactError,
  type StoredArtifact,
  type StoredRun,
  assertGovernanceFields,
} from "../../contracts/ports/run_store.js";

/** Parses stored bytes into an artifact, checking the governance fields. */
export function parseStored(runId: string, location: string, bytes: Buffer): StoredArtifact {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw new CorruptArtifactError(runId, location, `not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CorruptArtifactError(runId, location, "not a JSON object");
  }
  const artifact = value as StoredArtifact;
  if (artifact.run_id !== runId) {
    throw new CorruptArtifactError(runId, location, `holds run_id ${String(artifact.run_id)}`);
  }
  try {
    assertGovernanceFields(artifact);
  } catch (error) {
    throw new CorruptArtifactError(runId, location, (error as Error).message);
  }
  return artifact;
}

/** The run `runId` read from `location`: its bytes checked against `expectedSha`, then parsed. */
export function checkedStoredRun(runId: string, location: string, bytes: Buffer, expectedSha: string): StoredRun {
  const sha256 = sha256Hex(bytes);
  if (sha256 !== expectedSha) {
    throw new CorruptArtifactError(
      runId,
      location,
      `bytes changed since written (sha256 ${sha256}, recorded ${expectedSha})`,
    );
  }
  return { artifact: parseStored(runId, location, bytes), bytes, sha256 };
}
