/**
 * The read-path upcast port: brings an artifact stored in an older schema version to
 * the current one when it is read (lazy migration), so that every API answer is in
 * the current schema. The schema-migrations plugin binds it; without it, artifacts
 * are answered as stored.
 */
import type { StoredArtifact } from "./run_store.js";
import { token } from "../token.js";

export interface ArtifactUpcaster {
  /** The artifact in the current schema version (the same object when already current). */
  toCurrent(artifact: StoredArtifact): StoredArtifact;
}

export const ARTIFACT_UPCASTER = token<ArtifactUpcaster>("ArtifactUpcaster");
