/**
 * The errors the client throws. Every error answer of the service is an RFC 9457
 * problem+json body; {@link RmosProblem} carries its fields (`type`, `title`, `status`,
 * `detail`, `errors[]` for field errors) plus the request id, so a caller can branch
 * on `status` or `type` and show `errors` next to the fields they name. An answer that
 * is not problem+json (a proxy's HTML error page, say) still becomes an RmosProblem,
 * built from the status line and the start of the body. A request that never got an
 * answer (connection refused or reset, after the retries) is an
 * {@link RmosConnectionError}.
 */
import type { FieldError } from "./types.js";

/** The fields of an RFC 9457 problem document as the service sends them. */
export interface ProblemFields {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors?: readonly FieldError[];
}

/** An error answer of the service, with its problem+json fields. */
export class RmosProblem extends Error implements ProblemFields {
  override readonly name = "RmosProblem";
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance?: string;
  readonly errors: readonly FieldError[];
  /** The `X-Request-Id` of the answer, to quote to the service's operators. */
  readonly requestId?: string;
  /** The whole problem document as received (it may carry extension members). */
  readonly body: Readonly<Record<string, unknown>>;

  constructor(fields: ProblemFields & { requestId?: string; body?: Record<string, unknown> }) {
    super(`${fields.status} ${fields.title}: ${fields.detail}`);
    this.type = fields.type;
    this.title = fields.title;
    this.status = fields.status;
    this.detail = fields.detail;
    if (fields.instance !== undefined) this.instance = fields.instance;
    this.errors = fields.errors ?? [];
    if (fields.requestId !== undefined) this.requestId = fields.requestId;
    this.body = fields.body ?? { ...fields };
  }
}

/** No answer from the service: the connection failed (after the retries, when any). */
export class RmosConnectionError extends Error {
  override readonly name = "RmosConnectionError";
  constructor(
    message: string,
    /** How many requests were sent in all. */
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const str = (v: unknown, fallback: string): string => (typeof v === "string" ? v : fallback);

/** Builds the RmosProblem for an error answer (reads its body). */
export async function problemFromResponse(res: Response): Promise<RmosProblem> {
  const requestId = res.headers.get("x-request-id") ?? undefined;
  const text = await res.text();
  const contentType = res.headers.get("content-type") ?? "";
  let body: Record<string, unknown> | undefined;
  if (/json/i.test(contentType)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = undefined; // not JSON after all: described from the status line below
    }
  }
  const statusText = res.statusText || `HTTP ${res.status}`;
  if (!body) {
    const detail = text.trim().slice(0, 500) || statusText;
    return new RmosProblem({
      type: "about:blank",
      title: statusText,
      status: res.status,
      detail,
      ...(requestId ? { requestId } : {}),
    });
  }
  const errors = Array.isArray(body.errors) ? (body.errors as FieldError[]) : undefined;
  return new RmosProblem({
    type: str(body.type, "about:blank"),
    title: str(body.title, statusText),
    status: typeof body.status === "number" ? body.status : res.status,
    detail: str(body.detail, ""),
    ...(typeof body.instance === "string" ? { instance: body.instance } : {}),
    ...(errors ? { errors } : {}),
    ...(requestId ? { requestId } : {}),
    body,
  });
}
