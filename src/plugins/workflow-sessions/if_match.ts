/**
 * ETags and `If-Match` for workflow sessions.
 *
 * A session's ETag is its version, quoted: `"3"`. A change must carry `If-Match`
 * (RFC 9110 §13.1.1) naming the version the client based it on: none → 428; `*` →
 * 428 as well, because "whatever the current version is" is exactly the lost update
 * the header is there to prevent; a value that is not a list of entity-tags → 400.
 * Comparison is strong, so a weak tag (`W/"3"`) or a tag this service never issues
 * never matches (412 once the session is found).
 */
import { ProblemError } from "../../contracts/problem.js";

/** The ETag of a session version. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*(?:,|$)/;
const VERSION = /^[1-9][0-9]{0,14}$/;

/**
 * The session versions an `If-Match` header names (strong tags of the form `"N"`);
 * empty when it names none this service could have issued. Throws a 428 ProblemError
 * when the header is missing or `*`, a 400 when it is not a list of entity-tags.
 */
export function matchedVersions(header: string | undefined): number[] {
  if (header === undefined || header.trim() === "") {
    throw new ProblemError(
      428,
      'changing a workflow session requires If-Match with the ETag of the version you last read (e.g. If-Match: "3")',
      { slug: "if-match-required" },
    );
  }
  if (header.trim() === "*") {
    throw new ProblemError(
      428,
      'If-Match: * does not say which version you changed from; send the session\'s ETag (e.g. If-Match: "3")',
      { slug: "if-match-required" },
    );
  }
  const versions: number[] = [];
  let rest = header;
  while (rest.trim() !== "") {
    if (/^\s*,/.test(rest)) {
      rest = rest.replace(/^\s*,/, ""); // empty list elements are allowed by the #rule
      continue;
    }
    const m = ENTITY_TAG.exec(rest);
    if (!m) {
      throw new ProblemError(400, 'If-Match must be a list of entity-tags such as "3" (with the quotes)', {
        slug: "validation",
        title: "Validation failed",
        errors: [
          { location: "header", pointer: "if-match", message: "not a list of entity-tags", code: "invalid_if_match" },
        ],
      });
    }
    const opaque = m[2] as string;
    if (m[1] === undefined && VERSION.test(opaque)) versions.push(Number(opaque));
    rest = rest.slice(m[0].length);
  }
  return versions;
}
