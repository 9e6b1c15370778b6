/**
 * The log's leaf: the RFC 8785 canonical JSON (UTF-8) of
 * `{ type, id, sha256, created_at_utc }`, naming one audit-trail record and the
 * SHA-256 of its stored canonical bytes. `type` is one of {@link LEAF_TYPES}; `id`
 * is 1–256 characters without control characters; `sha256` lowercase hex;
 * `created_at_utc` RFC 3339 in UTC with a `Z`. Parsing is strict: exactly these four
 * members, and the text must be the canonical form itself — the same record can
 * have only one leaf, so one leaf hash.
 */
import { canonicalize } from "../jcs.js";
import { refuse, type Verified } from "./verify_result.js";

/** The kinds of record the log holds. */
export const LEAF_TYPES = ["run", "advisory_asset", "advisory_review", "advisory_link", "session_event"] as const;

export type LeafType = (typeof LEAF_TYPES)[number];

/** One log entry. */
export interface LogLeaf {
  readonly type: LeafType;
  readonly id: string;
  readonly sha256: string;
  readonly created_at_utc: string;
}

/** The longest id accepted. */
export const MAX_LEAF_ID_LENGTH = 256;

const SHA256 = /^[0-9a-f]{64}$/;
const UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

/** Why `leaf` is not a valid leaf, or undefined when it is. */
export function leafProblem(leaf: unknown): string | undefined {
  if (typeof leaf !== "object" || leaf === null || Array.isArray(leaf)) return "the leaf is not a JSON object";
  const keys = Object.keys(leaf).sort();
  if (keys.join(",") !== "created_at_utc,id,sha256,type") {
    return `the leaf must have exactly type, id, sha256 and created_at_utc (has ${keys.join(", ") || "nothing"})`;
  }
  const l = leaf as Record<string, unknown>;
  if (typeof l.type !== "string" || !(LEAF_TYPES as readonly string[]).includes(l.type)) {
    return `the leaf type must be one of ${LEAF_TYPES.join(", ")}`;
  }
  if (typeof l.id !== "string" || l.id.length === 0 || l.id.length > MAX_LEAF_ID_LENGTH) {
    return `the leaf id must be 1–${MAX_LEAF_ID_LENGTH} characters`;
  }
  if (/[\u0000-\u001f\u007f]/.test(l.id) || !l.id.isWellFormed()) return "the leaf id contains a control character";
  if (typeof l.sha256 !== "string" || !SHA256.test(l.sha256)) return "the leaf sha256 must be 64 lower-case hex digits";
  if (
    typeof l.created_at_utc !== "string" ||
    !UTC.test(l.created_at_utc) ||
    Number.isNaN(Date.parse(l.created_at_utc))
  ) {
    return "the leaf created_at_utc must be an RFC 3339 UTC timestamp ending in Z";
  }
  return undefined;
}

/** The canonical leaf text of a record; throws RangeError for an invalid leaf. */
export function leafText(leaf: LogLeaf): string {
  const problem = leafProblem(leaf);
  if (problem) throw new RangeError(problem);
  return canonicalize({ type: leaf.type, id: leaf.id, sha256: leaf.sha256, created_at_utc: leaf.created_at_utc });
}

/** Parses leaf text; refuses anything but a valid leaf in its canonical form. */
export function parseLeafText(text: string): Verified<{ leaf: LogLeaf }> {
  if (typeof text !== "string") return refuse("the leaf is not text");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse("the leaf is not JSON");
  }
  const problem = leafProblem(value);
  if (problem) return refuse(problem);
  const leaf = value as LogLeaf;
  if (canonicalize(leaf) !== text) return refuse("the leaf is not in RFC 8785 canonical form");
  return { ok: true, leaf };
}
