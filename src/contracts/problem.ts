/**
 * RFC 9457 problem details: the one shape of every error the service answers.
 *
 * Code anywhere below the HTTP layer throws a {@link ProblemError}; the kernel turns
 * it into an `application/problem+json` response. `type` is `about:blank` for plain
 * HTTP errors and `urn:rmos:problem:<slug>` for the service's own kinds (listed in
 * docs/problems.md), so that a client can branch on it without parsing text.
 */
import { z } from "@hono/zod-openapi";

export const FieldErrorSchema = z
  .object({
    location: z.enum(["body", "query", "path", "header"]).openapi({ description: "Where the field is." }),
    pointer: z.string().openapi({ description: "JSON Pointer to the field (or the parameter name)." }),
    message: z.string(),
    code: z.string(),
  })
  .openapi("FieldError");
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    request_id: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
  })
  .catchall(z.unknown())
  .openapi("Problem");
export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  422: "Unprocessable Content",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  507: "Insufficient Storage",
};

/** The standard title of an HTTP status. */
export function statusTitle(status: number): string {
  return TITLES[status] ?? "Error";
}

/** Options of a ProblemError beyond status and detail. */
export interface ProblemOptions {
  /** A slug for `urn:rmos:problem:<slug>`; omit for `about:blank`. */
  readonly slug?: string;
  readonly title?: string;
  readonly errors?: readonly FieldError[];
  /** Extra members of the problem body. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Extra response headers (e.g. `Allow`). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** An error that is answered as problem+json with its status. */
export class ProblemError extends Error {
  override readonly name = "ProblemError";
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly options: ProblemOptions = {},
  ) {
    super(detail);
  }

  /** The problem body (without request id and instance, which the kernel adds). */
  toProblem(): Problem {
    const { slug, title, errors, extensions } = this.options;
    return {
      type: slug ? `urn:rmos:problem:${slug}` : "about:blank",
      title: title ?? statusTitle(this.status),
      status: this.status,
      detail: this.detail,
      ...(errors && errors.length > 0 ? { errors: [...errors] } : {}),
      ...extensions,
    };
  }
}

/** 404 for an id that is well formed but unknown. */
export function notFound(what: string, id: string): ProblemError {
  return new ProblemError(404, `${what} ${id} does not exist`, { slug: "not-found" });
}
