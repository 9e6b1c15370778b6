/**
 * Conditional GETs: whether an `If-None-Match` header matches a resource's strong ETag
 * (RFC 9110 §13.1.2 — weak comparison, `*` matches any current representation), so that
 * every plugin answering 304 Not Modified decides it the same way.
 */

/** Whether an If-None-Match header matches the strong ETag `etag` (quoted). */
export function ifNoneMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  return header.split(",").some((t) => t.trim().replace(/^W\//, "") === etag);
}
