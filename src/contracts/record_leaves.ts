/**
 * The log leaves of the audit-trail records, built in one place so that the plugin
 * that stores a record and the checks that verify it (`rmos verify`, a run's
 * `/verify`) agree byte for byte: a leaf names the record (type and id) and the
 * SHA-256 of its stored canonical bytes. Runs, advisory assets, review events and
 * links are stored as canonical JSON files, hashed as stored; a workflow-session event
 * is a database row, hashed as the RFC 8785 canonical JSON of the event as read back
 * with its session id.
 */
import { sha256Hex } from "./hashing.js";
import { canonicalize } from "./jcs.js";
import type { SessionEventRecord } from "./ports/session_store.js";
import type { LeafType, LogLeaf } from "./tlog/leaf.js";

/** The leaf of a record of `type` named `id`, stored as `bytes`, created at `createdAtUtc`. */
export function recordLeaf(type: LeafType, id: string, bytes: Uint8Array, createdAtUtc: string): LogLeaf {
  return { type, id, sha256: sha256Hex(bytes), created_at_utc: createdAtUtc };
}

/** The leaf id of the link of advisory `assetId` on run `runId`. */
export function advisoryLinkLeafId(runId: string, assetId: string): string {
  return `${runId}/${assetId}`;
}

/** The leaf id of event `seq` of session `sessionId`. */
export function sessionEventLeafId(sessionId: string, seq: number): string {
  return `${sessionId}/${seq}`;
}

/** The canonical bytes a session event's leaf hashes: the event as read back, with its session id. */
export function sessionEventBytes(sessionId: string, event: SessionEventRecord): Buffer {
  return Buffer.from(canonicalize({ session_id: sessionId, ...event }), "utf8");
}

/** The leaf of event `event` of session `sessionId`. */
export function sessionEventLeaf(sessionId: string, event: SessionEventRecord): LogLeaf {
  return recordLeaf(
    "session_event",
    sessionEventLeafId(sessionId, event.seq),
    sessionEventBytes(sessionId, event),
    event.at,
  );
}
