/**
 * Sealing a console session into a cookie value: AES-256-GCM over the session's JSON,
 * with a fresh 96-bit nonce per seal and a fixed associated-data label, encoded as
 * base64url(nonce ‖ ciphertext ‖ tag). The server keeps nothing: any instance holding
 * the key opens any session, and nothing else can read or forge one. Opening refuses —
 * by answering undefined — anything tampered, truncated, sealed under another key, of
 * another shape, or past its expiry.
 */
import crypto from "node:crypto";

/** What a session holds. `tok` is the signed-in credential, null for an anonymous session. */
export interface SessionData {
  readonly v: 1;
  /** A random id, new at every sign-in and sign-out. */
  readonly sid: string;
  readonly tok: string | null;
  /** The CSRF token every form of this session must carry. */
  readonly csrf: string;
  /** Issued and expiry times, in seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

const AAD = Buffer.from("rmos-console-session/1");
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** A sealed session larger than this is refused unopened (a cookie is at most 4 KiB anyway). */
const MAX_SEALED_CHARS = 6000;

/** Seals `data` under the 32-byte `key`. */
export function sealSession(key: Buffer, data: SessionData): string {
  const nonce = crypto.randomBytes(NONCE_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(data), "utf8"), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString("base64url");
}

function isSession(value: unknown): value is SessionData {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return (
    s.v === 1 &&
    typeof s.sid === "string" &&
    (s.tok === null || typeof s.tok === "string") &&
    typeof s.csrf === "string" &&
    s.csrf.length >= 32 &&
    Number.isSafeInteger(s.iat) &&
    Number.isSafeInteger(s.exp)
  );
}

/** Opens a sealed session; undefined when it is not one this key sealed, or it expired at `nowSeconds`. */
export function openSession(key: Buffer, sealed: string, nowSeconds: number): SessionData | undefined {
  if (sealed.length > MAX_SEALED_CHARS || !/^[A-Za-z0-9_-]+$/.test(sealed)) return undefined;
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length < NONCE_BYTES + TAG_BYTES + 2) return undefined;
  const nonce = raw.subarray(0, NONCE_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
  let text: string;
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(AAD);
    decipher.setAuthTag(tag);
    text = Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8");
  } catch {
    return undefined; // authentication failed: tampered, truncated or another key
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isSession(parsed)) return undefined;
  if (parsed.exp <= nowSeconds || parsed.iat > nowSeconds + 60) return undefined;
  return parsed;
}

/** A new session: fresh id and CSRF token, valid for `ttlSeconds` from `nowSeconds`. */
export function newSession(tok: string | null, nowSeconds: number, ttlSeconds: number): SessionData {
  return {
    v: 1,
    sid: crypto.randomBytes(16).toString("base64url"),
    tok,
    csrf: crypto.randomBytes(32).toString("base64url"),
    iat: nowSeconds,
    exp: nowSeconds + ttlSeconds,
  };
}

/** Whether `given` is this session's CSRF token (constant time). */
export function csrfMatches(session: SessionData, given: unknown): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
