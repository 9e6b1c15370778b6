/**
 * The digest a client may send with an upload: `Content-Digest: sha-256=:<base64>:`
 * (RFC 9530, a structured-field dictionary) and/or `?sha256=<hex>`.
 *
 * Either is a promise about the body; the upload is refused (422) when the bytes do
 * not keep it. A header that cannot be read, a digest of the wrong length, a
 * `Content-Digest` that names only algorithms this service cannot check, or two claims
 * that disagree are the client's mistakes (400): an integrity claim is never ignored.
 */

/** Raised for a digest claim that cannot be used; answered as 400 naming where it came from. */
export class DigestClaimError extends Error {
  override readonly name = "DigestClaimError";
  constructor(
    message: string,
    /** The header or the query parameter that carried the claim. */
    readonly source: "header" | "query" = "header",
  ) {
    super(message);
  }
}

const MEMBER = /^([a-z*][a-z0-9_.*-]*)\s*=\s*:([A-Za-z0-9+/]*={0,2}):\s*(?:;.*)?$/;

/** The SHA-256 (hex) of a `Content-Digest` header, or undefined when there is none. */
export function sha256FromContentDigest(header: string | undefined): string | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const algorithms: string[] = [];
  let found: string | undefined;
  for (const raw of header.split(",")) {
    const member = raw.trim();
    if (member === "") continue;
    const m = MEMBER.exec(member);
    if (!m)
      throw new DigestClaimError(`Content-Digest is not a list of algorithm=:base64: members: ${member.slice(0, 80)}`);
    const algorithm = m[1] as string;
    algorithms.push(algorithm);
    if (algorithm !== "sha-256") continue;
    const bytes = Buffer.from(m[2] as string, "base64");
    if (bytes.length !== 32) throw new DigestClaimError("Content-Digest sha-256 must be 32 bytes in base64");
    const hex = bytes.toString("hex");
    if (found !== undefined && found !== hex)
      throw new DigestClaimError("Content-Digest names two different sha-256 values");
    found = hex;
  }
  if (found === undefined) {
    throw new DigestClaimError(
      `Content-Digest names ${algorithms.join(", ") || "no algorithm"}; this service checks sha-256 only (send sha-256=:<base64>:)`,
    );
  }
  return found;
}

/** The expected SHA-256 of an upload from its claims; undefined when the client made none. */
export function expectedSha256(claims: {
  contentDigest?: string | undefined;
  query?: string | undefined;
}): string | undefined {
  const fromHeader = sha256FromContentDigest(claims.contentDigest);
  let fromQuery: string | undefined;
  if (claims.query !== undefined) {
    if (!/^[0-9a-fA-F]{64}$/.test(claims.query))
      throw new DigestClaimError("?sha256 must be 64 hex characters", "query");
    fromQuery = claims.query.toLowerCase();
  }
  if (fromHeader !== undefined && fromQuery !== undefined && fromHeader !== fromQuery) {
    throw new DigestClaimError(`Content-Digest (sha-256 ${fromHeader}) and ?sha256=${fromQuery} disagree`);
  }
  return fromHeader ?? fromQuery;
}

/** The `sha-256=:<base64>:` form of a hex SHA-256, for Repr-Digest / Content-Digest headers. */
export function contentDigestOf(sha256Hex: string): string {
  return `sha-256=:${Buffer.from(sha256Hex, "hex").toString("base64")}:`;
}
