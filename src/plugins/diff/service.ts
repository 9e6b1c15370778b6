/**
 * The rules of the diff plugin, free of HTTP: load both runs from the run store (404 for an
 * unknown one, a 500 "stored-artifact-corrupt" problem for one whose bytes fail their
 * check), bring both to the current schema version with the read-path upcaster when one is
 * bound (so a 1.x run and a 2.0.0 run are compared field for field, not reported as
 * different shapes), and compare them with the pure engine under the severity table in
 * force. The HTTP handler and the `rmos diff` command both go through this service, so they
 * answer the same thing.
 */
import { getRunOrProblem } from "../../contracts/run_lookup.js";
import { isRunId } from "../../contracts/ids.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { RunStore, StoredArtifact } from "../../contracts/ports/run_store.js";
import { ProblemError } from "../../contracts/problem.js";
import { token } from "../../contracts/token.js";
import type { Change, IdentityKeys } from "./diff_engine.js";
import { DEFAULT_IDENTITY_KEYS, diffArtifacts } from "./diff_engine.js";
import type { JsonPatchOp } from "./json_patch.js";
import type { RuleInForce } from "./rules_config.js";
import type { Severity } from "./severity.js";

/** What GET /runs/diff answers (SPEC "diff"). */
export interface RunDiff {
  /** The run ids compared, as asked. */
  readonly a: string;
  readonly b: string;
  /** The most severe change; NONE when the runs are equal. */
  readonly severity: Severity;
  readonly changes: Change[];
  /** RFC 6902 JSON Patch turning a (in the current schema) into b. */
  readonly patch: JsonPatchOp[];
}

/** What the service needs; the upcaster and the table are looked up on each call. */
export interface DiffServiceDeps {
  readonly store: RunStore;
  /** The read-path upcaster, when the schema-migrations plugin (or another) binds one. */
  readonly upcaster: () => ArtifactUpcaster | undefined;
  /** The severity table in force. */
  readonly rules: () => readonly RuleInForce[];
  /** Arrays compared by identity; default DEFAULT_IDENTITY_KEYS. */
  readonly identity?: IdentityKeys;
}

/** Compares stored runs. */
export class DiffService {
  constructor(private readonly deps: DiffServiceDeps) {}

  /**
   * Compares run `a` with run `b` in the current schema. Throws a 400 problem for a
   * malformed id, 404 for an unknown run, 500 "stored-artifact-corrupt" for a damaged one.
   */
  async diff(a: string, b: string): Promise<RunDiff> {
    checkId("a", a);
    checkId("b", b);
    const left = await this.#load(a);
    const right = a === b ? left : await this.#load(b);
    const { severity, changes, patch } = diffArtifacts(left, right, {
      rules: this.deps.rules(),
      identity: this.deps.identity ?? DEFAULT_IDENTITY_KEYS,
    });
    return { a, b, severity, changes, patch };
  }

  /** The severity table in force (SPEC rules, then plugins', then the configuration's). */
  rules(): readonly RuleInForce[] {
    return this.deps.rules();
  }

  async #load(runId: string): Promise<StoredArtifact> {
    const stored = await getRunOrProblem(this.deps.store, runId);
    const upcaster = this.deps.upcaster();
    return upcaster ? upcaster.toCurrent(stored.artifact) : stored.artifact;
  }
}

function checkId(parameter: "a" | "b", value: string): void {
  if (isRunId(value)) return;
  throw new ProblemError(400, `${parameter}: must be run_ followed by a ULID or 12 lowercase hex`, {
    slug: "validation",
    title: "Validation failed",
    errors: [
      {
        location: "query",
        pointer: parameter,
        message: "must be run_ followed by a ULID or 12 lowercase hex",
        code: "invalid_format",
      },
    ],
  });
}

/** The diff plugin's own DiffService, provided for its `rmos diff` command (not a contract between plugins). */
export const DIFF_SERVICE = token<DiffService>("diff.DiffService");
