/**
 * The run store port: write-once storage of run artifacts, whatever the backend.
 *
 * The embedded store (files + SQLite index) and the PostgreSQL store implement this
 * interface and must both pass `runStoreContract`. Every method is async so that a
 * network backend fits. A store refuses a second write of the same run id, refuses an
 * artifact that lacks the governance fields, and answers the exact bytes it stored.
 * Sidecars are small write-once documents kept beside a run (advisory links,
 * materialised schema migrations): the run's own bytes are never touched.
 */
import type { RiskLevel, RunStatus, RunSummary } from "../artifact.js";
import { token } from "../token.js";

/** An artifact as stored: any schema version, with at least the identity fields. */
export interface StoredArtifact {
  readonly schema_version: string;
  readonly run_id: string;
  readonly created_at_utc: string;
  readonly [field: string]: unknown;
}

/** A stored artifact, its exact bytes and their SHA-256 (the ETag). */
export interface StoredRun {
  readonly artifact: StoredArtifact;
  readonly bytes: Buffer;
  readonly sha256: string;
}

/** Filters and page position of a list; times are microseconds since the epoch. */
export interface RunListQuery {
  readonly mode?: string | undefined;
  readonly tool_id?: string | undefined;
  readonly status?: RunStatus | undefined;
  readonly risk_level?: RiskLevel | undefined;
  /** inclusive */
  readonly created_from_us?: number | undefined;
  /** exclusive */
  readonly created_to_us?: number | undefined;
  readonly limit: number;
  /** Position after which the page starts (newest first): the last item of the previous page. */
  readonly after?: RunCursor | undefined;
}

/** A position in the newest-first order. */
export interface RunCursor {
  readonly created_us: number;
  readonly run_id: string;
}

export interface RunPage {
  readonly items: RunSummary[];
  /** The position of the last item when more may follow, else null. */
  readonly next: RunCursor | null;
}

/** One stored run file (or row) met by a full scan, readable on demand. */
export interface ScannedRun {
  readonly run_id: string;
  /** Where it lives, for messages (a path, or a table and key). */
  readonly location: string;
  /** Reads and checks it; throws CorruptArtifactError when it cannot be read back. */
  read(): Promise<StoredRun>;
}

/** Raised by `create` for a run id that is already stored. */
export class RunAlreadyExistsError extends Error {
  override readonly name = "RunAlreadyExistsError";
  constructor(readonly runId: string) {
    super(`run ${runId} is already stored; artifacts are write-once`);
  }
}

/** Raised when an artifact lacks a field every artifact must have (governance invariant 1). */
export class InvalidArtifactError extends Error {
  override readonly name = "InvalidArtifactError";
}

/** Raised when stored bytes cannot be read back as the artifact that was written. */
export class CorruptArtifactError extends Error {
  override readonly name = "CorruptArtifactError";
  constructor(
    readonly runId: string,
    readonly location: string,
    reason: string,
  ) {
    super(`stored artifact ${runId} at ${location} is corrupt: ${reason}`);
  }
}

/** Progress of a long store operation. */
export type ProgressFn = (done: number, total: number) => void;

export interface RunStore {
  /** Writes a new artifact once, durably; throws RunAlreadyExistsError or InvalidArtifactError. */
  create(artifact: StoredArtifact): Promise<StoredRun>;
  /**
   * The stored run, or undefined; throws CorruptArtifactError when its bytes are damaged.
   * `fresh` bypasses any cache and re-reads the record (for verification).
   */
  get(runId: string, options?: { fresh?: boolean }): Promise<StoredRun | undefined>;
  /** Whether a run with this id is stored. */
  has(runId: string): Promise<boolean>;
  /** A page of summaries, newest first. */
  list(query: RunListQuery): Promise<RunPage>;
  /** How many runs are stored. */
  count(): Promise<number>;
  /** How many runs are stored in each schema_version (from the index, when the backend has one). */
  versionCounts?(): Promise<Record<string, number>>;
  /** Every stored run, including ones that no longer read back (for verify and migrations). */
  scan(): AsyncIterable<ScannedRun>;
  /** Writes a sidecar document beside a run, once: "created", or "exists" with the stored bytes. */
  putSidecar(runId: string, name: string, bytes: Buffer): Promise<{ created: boolean; bytes: Buffer }>;
  /** A sidecar's bytes, or undefined. */
  getSidecar(runId: string, name: string): Promise<Buffer | undefined>;
  /** The names of a run's sidecars that start with `prefix`, sorted. */
  listSidecars(runId: string, prefix: string): Promise<string[]>;
  /** Every sidecar of every run (`rmos db copy` walks a whole store with it), in no set order. */
  scanSidecars(): AsyncIterable<{ readonly run_id: string; readonly name: string }>;
  /** Rebuilds derived state (the index) from the authoritative records, when the backend has any. */
  rebuildIndex?(progress?: ProgressFn): Promise<{ indexed: number; corrupt: number }>;
  close(): Promise<void>;
}

export const RUN_STORE = token<RunStore>("RunStore");

/** The pattern of a sidecar name. */
export const SIDECAR_NAME_PATTERN = /^[a-z][A-Za-z0-9_.-]{0,120}$/;

/** Checks the fields every stored artifact must have, whatever its schema version (invariant 1). */
export function assertGovernanceFields(artifact: StoredArtifact): void {
  const hashes = artifact.hashes as { feasibility_sha256?: unknown } | undefined;
  const decision = artifact.decision as { risk_level?: unknown } | undefined;
  const problems: string[] = [];
  if (typeof hashes?.feasibility_sha256 !== "string" || !/^[0-9a-f]{64}$/.test(hashes.feasibility_sha256)) {
    problems.push("hashes.feasibility_sha256 must be 64 lowercase hex");
  }
  const risks = ["GREEN", "YELLOW", "RED", "UNKNOWN", "ERROR"];
  if (typeof decision?.risk_level !== "string" || !risks.includes(decision.risk_level)) {
    problems.push("decision.risk_level must be one of GREEN, YELLOW, RED, UNKNOWN, ERROR");
  }
  if (typeof artifact.run_id !== "string" || !/^run_[0-9A-Za-z]+$/.test(artifact.run_id)) {
    problems.push("run_id is missing or malformed");
  }
  if (typeof artifact.created_at_utc !== "string" || !artifact.created_at_utc.endsWith("Z")) {
    problems.push("created_at_utc must be UTC");
  }
  if (problems.length > 0) throw new InvalidArtifactError(problems.join("; "));
}
