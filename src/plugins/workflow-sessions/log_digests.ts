/**
 * The workflow-sessions' records for `rmos verify`'s reconciliation with the
 * transparency log: every event of every session, page by page, hashed as its leaf
 * hashes it (the canonical JSON of the event as read back, with its session id).
 */
import type { RecordDigest } from "../../contracts/log_reconcile.js";
import type { SessionStore } from "../../contracts/ports/session_store.js";
import { sessionEventLeaf } from "../../contracts/record_leaves.js";

const PAGE = 500;

/** One digest per stored session event. */
export async function* sessionEventDigests(store: SessionStore): AsyncGenerator<RecordDigest> {
  let after: string | undefined;
  for (;;) {
    const page = await store.list({ limit: PAGE, after });
    for (const session of page.items) {
      for (const event of (await store.events(session.session_id)) ?? []) {
        const leaf = sessionEventLeaf(session.session_id, event);
        yield { type: leaf.type, id: leaf.id, sha256: leaf.sha256 };
      }
    }
    if (page.next === null) return;
    after = page.next;
  }
}
