/**
 * The console session on each request: the sealed cookie is opened (any failure — a
 * tampered, expired or foreign cookie — gives a fresh anonymous session), left on the
 * context, and written back when a handler replaced it or it is new. The cookie is
 * HttpOnly, SameSite=Strict, scoped to /ui, and Secure when the request came over TLS
 * (the URL is https, or a proxy says `X-Forwarded-Proto: https`).
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { serialize } from "hono/utils/cookie";
import { newSession, openSession, type SessionData, sealSession } from "./session_seal.js";
import { withHeaders } from "./security_headers.js";

/** The name of the console's session cookie. */
export const SESSION_COOKIE = "rmos_console";

export interface SessionEnv {
  Variables: {
    session: SessionData;
    /** Set by a handler to replace the session (sign-in, sign-out). */
    nextSession?: SessionData;
  };
}

export interface SessionOptions {
  readonly key: () => Buffer;
  readonly ttlSeconds: number;
  readonly now?: () => number;
}

/** Whether the request reached the service over TLS. */
export function overTls(c: Context): boolean {
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return proto === "https" || new URL(c.req.url).protocol === "https:";
}

/** The Set-Cookie value for `session`. */
export function sessionCookie(key: Buffer, session: SessionData, nowSeconds: number, secure: boolean): string {
  return serialize(SESSION_COOKIE, sealSession(key, session), {
    path: "/ui",
    httpOnly: true,
    sameSite: "Strict",
    secure,
    maxAge: Math.max(0, session.exp - nowSeconds),
  });
}

/** The session middleware; see the module comment. */
export function sessions(options: SessionOptions): MiddlewareHandler<SessionEnv> {
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return async (c, next) => {
    const t = now();
    const key = options.key();
    const sealed = getCookie(c, SESSION_COOKIE);
    const opened = sealed ? openSession(key, sealed, t) : undefined;
    const session = opened ?? newSession(null, t, options.ttlSeconds);
    c.set("session", session);
    await next();
    const replaced = c.get("nextSession");
    const toWrite = replaced ?? (opened ? undefined : session);
    if (toWrite) c.res = withHeaders(c.res, {}, { "Set-Cookie": sessionCookie(key, toWrite, t, overTls(c)) });
  };
}
