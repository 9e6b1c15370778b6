/**
 * The rules of the runs plugin, free of HTTP: create (server-assigned id and time,
 * server-computed hashes, attachment references checked, idempotency), get (with the
 * read-path upcast), list (cursor pagination) and verify.
 */
import {
  CURRENT_SCHEMA_VERSION,
  type CreateRunRequest,
  type RiskLevel,
  type RunArtifact,
  RunArtifactSchema,
  type RunStatus,
  type RunSummary,
} from "../../contracts/artifact.js";
import { decodeCursor, encodeCursor } from "../../contracts/cursor.js";
import { newId } from "../../contracts/ids.js";
import type { ArtifactUpcaster } from "../../contracts/ports/artifact_upcaster.js";
import type { BlobStore } from "../../contracts/ports/blob_store.js";
import {
  CorruptArtifactError,
  RunAlreadyExistsError,
  type RunStore,
  type StoredArtifact,
  type StoredRun,
} from "../../contracts/ports/run_store.js";
import type { RunCheck, RunVerifierRegistry } from "../../contracts/ports/run_verifiers.js";
import { type FieldError, ProblemError, notFound } from "../../contracts/problem.js";
import { canonicalize } from "../../contracts/jcs.js";
import { getRunOrProblem } from "../../contracts/run_lookup.js";
import { sha256Hex } from "../../contracts/hashing.js";
import { parseUtc } from "../../contracts/time.js";
import { type ReceiptReply, receiptOf } from "../../contracts/log_receipts.js";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { resolveHashes } from "./hash_rules.js";
import type { IdempotencyGate } from "./idempotency.js";

export interface RunsServiceDeps {
  readonly store: RunStore;
  readonly verifiers: RunVerifierRegistry;
  readonly idempotency: IdempotencyGate;
  /** Resolved lazily: the attachments plugin may load after runs. */
  readonly blobs: () => BlobStore | undefined;
  readonly upcaster: () => ArtifactUpcaster | undefined;
  /** The transparency log, when loaded (receipts). */
  readonly log?: TransparencyLog | undefined;
}

export interface ListParams {
  readonly mode?: string | undefined;
  readonly tool_id?: string | undefined;
  readonly status?: RunStatus | undefined;
  readonly risk_level?: RiskLevel | undefined;
  readonly created_from?: string | undefined;
  readonly created_to?: string | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface CreateOptions {
  readonly idempotencyKey?: string | undefined;
  readonly principal: string;
}

export class RunsService {
  constructor(private readonly deps: RunsServiceDeps) {}

  /** Creates a run; `created` is false for an idempotent replay. */
  async create(request: CreateRunRequest, options: CreateOptions): Promise<{ created: boolean; run: StoredRun }> {
    const hashes = resolveHashes(request);
    await this.#checkAttachments(request.attachments ?? []);
    const key = options.idempotencyKey;
    let id = newId("run");
    if (key !== undefined) {
      const outcome = await this.deps.idempotency.enter(key, request, () => newId("run"));
      if (outcome.kind === "replay") return { created: false, run: await this.get(outcome.runId) };
      id = { id: outcome.runId, time: outcome.time };
    }
    const artifact: RunArtifact = {
      schema_version: CURRENT_SCHEMA_VERSION,
      run_id: id.id,
      created_at_utc: new Date(id.time).toISOString(),
      mode: request.mode,
      tool_id: request.tool_id,
      status: request.status,
      request_summary: request.request_summary,
      feasibility: request.feasibility,
      decision: request.decision,
      hashes,
      outputs: request.outputs ?? {},
      attachments: request.attachments ?? [],
      advisory_inputs: request.advisory_inputs ?? [],
      meta: request.meta ?? {},
      created_by: options.principal,
    };
    try {
      // The request schema already held; this proves the assembled artifact is valid too.
      const valid = RunArtifactSchema.parse(artifact);
      const run = await this.deps.store.create(valid as StoredArtifact);
      if (key !== undefined) await this.deps.idempotency.complete(key);
      return { created: true, run };
    } catch (error) {
      if (key !== undefined) await this.deps.idempotency.release(key);
      if (error instanceof RunAlreadyExistsError) {
        throw new ProblemError(409, error.message, { slug: "run-exists" });
      }
      throw error;
    }
  }

  async #checkAttachments(refs: NonNullable<CreateRunRequest["attachments"]>): Promise<void> {
    if (refs.length === 0) return;
    const blobs = this.deps.blobs();
    const errors: FieldError[] = [];
    const seen = new Set<string>();
    for (const [i, ref] of refs.entries()) {
      if (seen.has(ref.sha256)) {
        errors.push({
          location: "body",
          pointer: `/attachments/${i}/sha256`,
          message: "listed twice",
          code: "duplicate",
        });
        continue;
      }
      seen.add(ref.sha256);
      const info = blobs ? await blobs.stat(ref.sha256) : undefined;
      if (!blobs) {
        errors.push({
          location: "body",
          pointer: `/attachments/${i}`,
          message: "attachments are not enabled on this installation",
          code: "attachments_disabled",
        });
      } else if (!info) {
        errors.push({
          location: "body",
          pointer: `/attachments/${i}/sha256`,
          message: "no blob with this sha256 was uploaded (POST /attachments first)",
          code: "unknown_blob",
        });
      } else if (info.size_bytes !== ref.size_bytes) {
        errors.push({
          location: "body",
          pointer: `/attachments/${i}/size_bytes`,
          message: `the stored blob has ${info.size_bytes} bytes`,
          code: "size_mismatch",
        });
      }
    }
    if (errors.length > 0) {
      throw new ProblemError(422, "some attachments do not name stored blobs", { slug: "unknown-attachment", errors });
    }
  }

  /** The run as the API answers it: current schema, its bytes and ETag; throws 404/500 problems. */
  async get(runId: string): Promise<StoredRun> {
    const stored = await getRunOrProblem(this.deps.store, runId);
    const upcaster = this.deps.upcaster();
    if (!upcaster || stored.artifact.schema_version === CURRENT_SCHEMA_VERSION) return stored;
    const current = upcaster.toCurrent(stored.artifact);
    if (current === stored.artifact) return stored;
    const bytes = Buffer.from(canonicalize(current), "utf8");
    return { artifact: current, bytes, sha256: sha256Hex(bytes) };
  }

  /** A page of summaries, newest first, and the cursor of the next page. */
  async list(params: ListParams): Promise<{ items: RunSummary[]; next_cursor: string | null }> {
    const after = params.cursor ? decodeCursor(params.cursor, ["number", "string"] as const) : undefined;
    const page = await this.deps.store.list({
      mode: params.mode,
      tool_id: params.tool_id,
      status: params.status,
      risk_level: params.risk_level,
      created_from_us: params.created_from ? parseUtc(params.created_from).micros : undefined,
      created_to_us: params.created_to ? parseUtc(params.created_to).micros : undefined,
      limit: params.limit,
      after: after ? { created_us: after[0], run_id: after[1] } : undefined,
    });
    return {
      items: page.items,
      next_cursor: page.next ? encodeCursor([page.next.created_us, page.next.run_id]) : null,
    };
  }

  /** Every check of every verifier over one run. */
  /** The run's receipt (404 for an unknown run, one not in the log, or no log loaded). */
  async receipt(runId: string): Promise<ReceiptReply> {
    if (!(await this.deps.store.has(runId))) throw notFound("run", runId);
    return receiptOf(this.deps.log, "run", runId, `run ${runId}`);
  }

  async verify(runId: string): Promise<{ ok: boolean; checks: RunCheck[] }> {
    let stored: StoredRun | undefined;
    try {
      stored = await this.deps.store.get(runId, { fresh: true });
    } catch (error) {
      if (error instanceof CorruptArtifactError) {
        return { ok: false, checks: [{ name: "stored_bytes", ok: false, detail: error.message }] };
      }
      throw error;
    }
    if (!stored) throw notFound("run", runId);
    return this.deps.verifiers.verify(stored);
  }
}
