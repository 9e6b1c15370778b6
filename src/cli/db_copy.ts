/**
 * `rmos db copy`: moving an installation into another database — in practice the
 * embedded one into an empty, migrated PostgreSQL — through the stores' ports, record by
 * record, verifying each on the way. Runs (their exact canonical bytes), their sidecars
 * (advisory links, legacy data), attachment blobs, advisory assets with their review
 * event, the advisory linked-runs rows (who created each run an asset is linked to: the
 * four-eyes rule of a review reads them), workflow sessions with their event history
 * (each with its created_by), and API tokens (their SHA-256 digests and revocations —
 * a token's secret is never stored anywhere, so none is copied; a token keeps working
 * on the target) are copied; every record is then read back from the target and
 * compared with the source (same id, same bytes, same SHA-256, or for sessions and
 * tokens the same record). Idempotency keys are not copied: they only guard retries of
 * requests in progress.
 *
 * Resumable: every record is write-once under its id in the target, and a record that
 * is already there is compared, not written (reported `present`). A copy killed at any
 * point (kill -9) is finished by running it again: a run or blob is inserted in one
 * transaction, so it is either there whole or not at all; a session cut off between its
 * events continues from the target's version. Nothing is copied twice. The report
 * accounts for every source record: copied, present (verified earlier) or failed (with
 * the reason); the command exits 1 when any failed. Records are copied verbatim (each
 * keeps its created_by, never rewritten); who ran the copy is the report's `operator`.
 */
import { ADVISORY_STORE, type AdvisoryStore } from "../contracts/ports/advisory_store.js";
import { BLOB_STORE, type BlobStore } from "../contracts/ports/blob_store.js";
import { RUN_STORE, RunAlreadyExistsError, type RunStore } from "../contracts/ports/run_store.js";
import { SESSION_STORE, type SessionStore } from "../contracts/ports/session_store.js";
import { DATABASE, type Database } from "../contracts/ports/database.js";
import { TOKEN_STORE, type TokenStore } from "../contracts/ports/token_store.js";
import { canonicalize } from "../contracts/jcs.js";
import type { BootedKernel } from "../kernel/plugin_api/cli.js";

/** The kinds of record a copy accounts for. */
export type CopyKind = "runs" | "sidecars" | "blobs" | "advisories" | "linked_runs" | "sessions" | "tokens";

/** What happened to the records of one kind. */
export interface CopyKindReport {
  /** Records in the source. */
  total: number;
  /** Written to the target now, and verified. */
  copied: number;
  /** Already in the target (an earlier copy), and verified identical. */
  present: number;
  failed: Array<{ id: string; reason: string }>;
}

/** The report of a copy: every source record is copied, present or failed. */
export interface CopyReport {
  readonly ok: boolean;
  /** Who ran the copy (`cli:<name>`); the records keep their own created_by. */
  readonly operator: string;
  readonly kinds: Record<CopyKind, CopyKindReport>;
  /** Kinds the source or the target has no store for (their plugin is not loaded). */
  readonly skipped: CopyKind[];
}

/** Progress of one kind: `done` records of `total` (when known). */
export type CopyProgress = (kind: CopyKind, done: number, total: number | undefined) => void;

/** Runs copied at once: each is a few round trips to the target, so they overlap. */
const RUN_CONCURRENCY = 16;

/**
 * Calls `work` for each item of `items` with at most `limit` calls in flight, pulling
 * items only as slots free up (the source is never read far ahead).
 */
export async function forEachConcurrently<T>(
  items: AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined) {
      const next = await iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (error) {
        failed = error;
      }
    }
  };
  // Each worker awaits its own `next()`; an async generator queues those calls in order.
  await Promise.all(Array.from({ length: limit }, worker));
  if (failed !== undefined) throw failed;
}

function emptyKind(): CopyKindReport {
  return { total: 0, copied: 0, present: 0, failed: [] };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Copies `runs` and their sidecars. */
async function copyRuns(
  from: RunStore,
  to: RunStore,
  report: CopyReport["kinds"],
  progress: CopyProgress,
): Promise<void> {
  const total = await from.count();
  const runs = report.runs;
  const sidecars = report.sidecars;
  await forEachConcurrently(from.scan(), RUN_CONCURRENCY, async (entry) => {
    runs.total++;
    progress("runs", runs.total, total);
    let copied = false;
    try {
      const source = await entry.read();
      // Write first: on a fresh target nearly every run is new, and a write-once store
      // refuses one it holds already (RunAlreadyExistsError) — then it is compared.
      try {
        await to.create(source.artifact);
        copied = true;
      } catch (error) {
        if (!(error instanceof RunAlreadyExistsError)) throw error;
      }
      const back = await to.get(entry.run_id, { fresh: true });
      if (!back?.bytes.equals(source.bytes) || back.sha256 !== source.sha256) {
        const reason = copied
          ? "read back from the target, the bytes differ"
          : "the target holds different bytes under this id";
        runs.failed.push({ id: entry.run_id, reason });
        return;
      }
    } catch (error) {
      runs.failed.push({ id: entry.run_id, reason: messageOf(error) });
      return;
    }
    if (copied) runs.copied++;
    else runs.present++;
  });
  for await (const { run_id, name } of from.scanSidecars()) {
    const id = `${run_id}/${name}`;
    sidecars.total++;
    progress("sidecars", sidecars.total, undefined);
    try {
      const bytes = await from.getSidecar(run_id, name);
      if (!bytes) throw new Error("listed in the source but not readable");
      if (!(await to.has(run_id))) throw new Error("its run is not in the target");
      const result = await to.putSidecar(run_id, name, bytes);
      if (!result.bytes.equals(bytes)) {
        sidecars.failed.push({ id, reason: "the target holds different bytes under this name" });
      } else if (result.created) sidecars.copied++;
      else sidecars.present++;
    } catch (error) {
      sidecars.failed.push({ id, reason: messageOf(error) });
    }
  }
}

/** Copies every blob, streaming it (never whole in memory), then re-hashes it in the target. */
async function copyBlobs(from: BlobStore, to: BlobStore, kind: CopyKindReport, progress: CopyProgress) {
  for await (const sha256 of from.scan()) {
    kind.total++;
    progress("blobs", kind.total, undefined);
    try {
      const info = await from.stat(sha256);
      if (!info) throw new Error("listed in the source but not readable");
      let created = false;
      if (!(await to.stat(sha256))) {
        const body = await from.read(sha256);
        const put = await to.put(body, {
          maxBytes: info.size_bytes,
          expectedSha256: sha256,
          sizeHint: info.size_bytes,
        });
        created = put.created;
      }
      const check = await to.verify(sha256, info.size_bytes);
      if (!check.ok) kind.failed.push({ id: sha256, reason: `in the target: ${check.reason}` });
      else if (created) kind.copied++;
      else kind.present++;
    } catch (error) {
      kind.failed.push({ id: sha256, reason: messageOf(error) });
    }
  }
}

/** Copies every advisory asset and its review event. */
async function copyAdvisories(from: AdvisoryStore, to: AdvisoryStore, kind: CopyKindReport, progress: CopyProgress) {
  for await (const assetId of from.scan()) {
    kind.total++;
    progress("advisories", kind.total, undefined);
    try {
      const asset = await from.getAsset(assetId);
      if (!asset) throw new Error("listed in the source but not readable");
      const events = await from.reviewEvents(assetId);
      let wrote = false;
      const existing = await to.getAsset(assetId);
      if (!existing) {
        await to.createAsset(asset);
        wrote = true;
      } else if (canonicalize(existing) !== canonicalize(asset)) {
        throw new Error("the target holds a different asset under this id");
      }
      const present = await to.reviewEvents(assetId);
      for (const event of events.slice(present.length)) {
        await to.recordDecision(event);
        wrote = true;
      }
      const back = { asset: await to.getAsset(assetId), events: await to.reviewEvents(assetId) };
      if (canonicalize(back) !== canonicalize({ asset, events })) {
        throw new Error("read back from the target, the asset or its review events differ");
      }
      if (wrote) kind.copied++;
      else kind.present++;
    } catch (error) {
      kind.failed.push({ id: assetId, reason: messageOf(error) });
    }
  }
}

/** Copies every session by replaying its events in the target from the version it has. */
async function copySessions(from: SessionStore, to: SessionStore, kind: CopyKindReport, progress: CopyProgress) {
  let after: string | undefined;
  for (let pages = 0; pages < 1_000_000; pages++) {
    const page = await from.list({ limit: 200, ...(after !== undefined ? { after } : {}) });
    for (const listed of page.items) {
      const id = listed.session_id;
      kind.total++;
      progress("sessions", kind.total, undefined);
      try {
        const session = await from.get(id);
        const events = await from.events(id);
        if (!session || !events) throw new Error("listed in the source but not readable");
        let wrote = false;
        let target = await to.get(id);
        if (!target) {
          target = await to.create({
            session_id: session.session_id,
            workflow: session.workflow,
            context: session.context,
            // Every linked run up front: the events' links are then links of runs
            // already linked, which change nothing, so the order is the source's.
            run_ids: session.run_ids,
            created_at_utc: session.created_at_utc,
            created_by: session.created_by,
          });
          wrote = true;
        }
        for (const event of events.slice(target.version - 1)) {
          const result = await to.appendEvent(id, event.version - 1, {
            event: event.event,
            from_state: event.from_state,
            to_state: event.to_state,
            run_id: event.run_id,
            note: event.note,
            at: event.at,
            created_by: event.created_by,
          });
          if (result.outcome !== "appended") throw new Error(`replaying event ${event.seq}: ${result.outcome}`);
          wrote = true;
        }
        const back = { session: await to.get(id), events: await to.events(id) };
        if (canonicalize(back) !== canonicalize({ session, events })) {
          throw new Error("read back from the target, the session or its events differ");
        }
        if (wrote) kind.copied++;
        else kind.present++;
      } catch (error) {
        kind.failed.push({ id, reason: messageOf(error) });
      }
    }
    if (page.next === null) return;
    after = page.next;
  }
}

/** Copies every token record (digest, roles, times, revocation): a revocation left undone by a cut copy is finished. */
async function copyTokens(from: TokenStore, to: TokenStore, kind: CopyKindReport, progress: CopyProgress) {
  const listed = await from.list();
  for (const summary of listed) {
    const id = summary.token_id;
    kind.total++;
    progress("tokens", kind.total, listed.length);
    try {
      const record = await from.find(id);
      if (!record) throw new Error("listed in the source but not readable");
      let wrote = false;
      let target = await to.find(id);
      if (!target) {
        const { revoked_at_utc: _at, revoked_by: _by, ...fresh } = record;
        await to.insert(fresh);
        wrote = true;
        target = await to.find(id);
      }
      if (record.revoked_at_utc !== null && target?.revoked_at_utc === null) {
        await to.revoke(id, new Date(record.revoked_at_utc), record.revoked_by ?? "");
        wrote = true;
        target = await to.find(id);
      }
      if (canonicalize(target) !== canonicalize(record))
        throw new Error("read back from the target, the token differs");
      if (wrote) kind.copied++;
      else kind.present++;
    } catch (error) {
      kind.failed.push({ id, reason: messageOf(error) });
    }
  }
}

interface LinkedRunRow {
  advisory_id: string;
  run_id: string;
  run_created_by: string;
}

/** Copies the rows of `advisory_linked_runs` (insert-only on both sides; one already there is compared). */
async function copyLinkedRuns(from: Database, to: Database, kind: CopyKindReport, progress: CopyProgress) {
  const select = "SELECT advisory_id, run_id, run_created_by FROM advisory_linked_runs";
  const rows = await from.query<LinkedRunRow>(`${select} ORDER BY advisory_id, run_id`);
  for (const row of rows) {
    const id = `${row.advisory_id}/${row.run_id}`;
    kind.total++;
    progress("linked_runs", kind.total, rows.length);
    try {
      const { changes } = await to.exec(
        "INSERT INTO advisory_linked_runs (advisory_id, run_id, run_created_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        [row.advisory_id, row.run_id, row.run_created_by],
      );
      const back = await to.query<LinkedRunRow>(`${select} WHERE advisory_id = ? AND run_id = ?`, [
        row.advisory_id,
        row.run_id,
      ]);
      if (back.length !== 1 || back[0]?.run_created_by !== row.run_created_by) {
        throw new Error("read back from the target, the row differs");
      }
      if (changes === 1) kind.copied++;
      else kind.present++;
    } catch (error) {
      kind.failed.push({ id, reason: messageOf(error) });
    }
  }
}

/**
 * Copies everything `source` holds into `target` (both started), verifying each record;
 * `operator` (who runs the copy) goes into the report, never into the records.
 */
export async function copyInstallation(
  source: BootedKernel,
  target: BootedKernel,
  operator: string,
  progress: CopyProgress = () => {},
): Promise<CopyReport> {
  const kinds: Record<CopyKind, CopyKindReport> = {
    runs: emptyKind(),
    sidecars: emptyKind(),
    blobs: emptyKind(),
    advisories: emptyKind(),
    linked_runs: emptyKind(),
    sessions: emptyKind(),
    tokens: emptyKind(),
  };
  const skipped: CopyKind[] = [];
  const pair = <T>(token: Parameters<BootedKernel["resolveOptional"]>[0]) =>
    [source.resolveOptional(token), target.resolveOptional(token)] as [T | undefined, T | undefined];

  const [fromRuns, toRuns] = pair<RunStore>(RUN_STORE);
  if (fromRuns && toRuns) await copyRuns(fromRuns, toRuns, kinds, progress);
  else skipped.push("runs", "sidecars");
  const [fromBlobs, toBlobs] = pair<BlobStore>(BLOB_STORE);
  if (fromBlobs && toBlobs) await copyBlobs(fromBlobs, toBlobs, kinds.blobs, progress);
  else skipped.push("blobs");
  const [fromAdvisories, toAdvisories] = pair<AdvisoryStore>(ADVISORY_STORE);
  if (fromAdvisories && toAdvisories) await copyAdvisories(fromAdvisories, toAdvisories, kinds.advisories, progress);
  else skipped.push("advisories");
  // The linked-runs table belongs to the advisory plugin: copied when both sides load it.
  const [fromDb, toDb] = pair<Database>(DATABASE);
  if (fromAdvisories && toAdvisories && fromDb && toDb) await copyLinkedRuns(fromDb, toDb, kinds.linked_runs, progress);
  else skipped.push("linked_runs");
  const [fromSessions, toSessions] = pair<SessionStore>(SESSION_STORE);
  if (fromSessions && toSessions) await copySessions(fromSessions, toSessions, kinds.sessions, progress);
  else skipped.push("sessions");
  const [fromTokens, toTokens] = pair<TokenStore>(TOKEN_STORE);
  if (fromTokens && toTokens) await copyTokens(fromTokens, toTokens, kinds.tokens, progress);
  else skipped.push("tokens");

  const ok = Object.values(kinds).every((k) => k.failed.length === 0 && k.copied + k.present === k.total);
  return { ok, operator, kinds, skipped };
}
