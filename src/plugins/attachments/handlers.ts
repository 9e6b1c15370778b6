/**
 * The attachments plugin's handlers: thin — read the raw body as a stream, call the
 * service, and shape the download (ETag, 304, Range → 206/416, streamed bytes).
 */
import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { AttachmentRefSchema } from "../../contracts/artifact.js";
import { ProblemError } from "../../contracts/problem.js";
import type { KernelEnv, RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import { contentDigestOf, DigestClaimError, expectedSha256 } from "./content_digest.js";
import { flowingChunks } from "./flowing_chunks.js";
import { ifNoneMatches } from "../../contracts/etag.js";
import { decideRange, ifRangeAllows } from "./http_range.js";
import {
  getRunAttachmentRoute,
  listRunAttachmentsRoute,
  uploadAttachmentRoute,
  verifyRunAttachmentsRoute,
} from "./routes.js";
import type { AttachmentsService } from "./service.js";

const DEFAULT_MIME = "application/octet-stream";

/** What @hono/node-server passes as the environment: the Node request and response. */
interface NodeBindings {
  readonly incoming?: Readable;
  readonly outgoing?: ServerResponse;
}

/** The header that tells @hono/node-server the handler wrote the response itself. */
const ALREADY_SENT = "x-hono-already-sent";

/**
 * The request body as chunks, read as they arrive (never buffered whole). Served by
 * Node, the IncomingMessage is read directly, in flowing mode with a bounded queue (see
 * flowing_chunks.ts) — the Web stream that @hono/node-server wraps around it costs two
 * stream layers per 64 KiB chunk, and paused-mode reading stops the socket at every
 * chunk; elsewhere (app.request, other runtimes) the Web body is read. Stopping early
 * (413) neither destroys nor cancels the body, so that the answer can still be sent on
 * the connection.
 */
export function requestChunks(c: Context<KernelEnv>): AsyncIterable<Uint8Array> {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  if (incoming instanceof Readable && !incoming.readableEnded && incoming.readableFlowing === null) {
    return flowingChunks(incoming);
  }
  const body = c.req.raw.body;
  if (!body) return (async function* () {})();
  return body.values({ preventCancel: true });
}

function badRequest(detail: string, location: "header" | "query", pointer: string): ProblemError {
  return new ProblemError(400, detail, {
    slug: "validation",
    title: "Validation failed",
    errors: [{ location, pointer, message: detail, code: "invalid" }],
  });
}

/** The upload's media type: the Content-Type, or application/octet-stream. */
export function uploadMime(contentType: string | undefined): string {
  const value = contentType?.trim();
  if (!value) return DEFAULT_MIME;
  if (!AttachmentRefSchema.shape.mime.safeParse(value).success) {
    throw badRequest(
      `Content-Type ${JSON.stringify(value.slice(0, 80))} is not a media type such as text/x-gcode`,
      "header",
      "content-type",
    );
  }
  return value;
}

/** `Content-Disposition: attachment` with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(filename).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

function declaredLength(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim());
}

/**
 * Served by Node, a download is written straight into the response: the blob store
 * fills two reused buffers in turn (see EmbeddedBlobStore.copyTo), so a 1 GiB download
 * allocates nothing per chunk — the Web stream path allocates a fresh buffer per chunk,
 * and V8 lets tens of MiB of them wait for collection. The headers go out with the
 * first bytes; a failure before that is answered as usual, a failure after it cuts the
 * connection (the client sees a short body, never a wrong one).
 */
async function sendDirect(
  c: Context<KernelEnv>,
  outgoing: ServerResponse,
  head: { status: number; headers: Record<string, string> },
  copy: (sink: ServerResponse) => Promise<void>,
): Promise<void> {
  const headers = { ...head.headers, "x-request-id": c.get("requestId") };
  outgoing.statusCode = head.status;
  for (const [name, value] of Object.entries(headers)) outgoing.setHeader(name, value);
  try {
    await copy(outgoing);
    outgoing.end();
  } catch (error) {
    if (!outgoing.headersSent) {
      for (const name of Object.keys(headers)) outgoing.removeHeader(name);
      outgoing.statusCode = 200;
      throw error;
    }
    c.get("logger")?.info({ err: error }, "download cut short");
    outgoing.destroy(error as Error);
  }
}

/** Registers the attachments routes with their handlers. */
export function registerAttachmentsRoutes(r: RouteRegistrar, service: AttachmentsService): void {
  r.openapi(uploadAttachmentRoute, async (c) => {
    let expected: string | undefined;
    try {
      expected = expectedSha256({
        contentDigest: c.req.valid("header")["content-digest"],
        query: c.req.valid("query").sha256,
      });
    } catch (error) {
      if (error instanceof DigestClaimError) {
        throw badRequest(error.message, error.source, error.source === "query" ? "sha256" : "content-digest");
      }
      throw error;
    }
    const mime = uploadMime(c.req.header("content-type"));
    const { created, result } = await service.upload(requestChunks(c as never), {
      declaredLength: declaredLength(c.req.header("content-length")),
      expectedSha256: expected,
      mime,
    });
    return c.json(result, created ? 201 : 200, { etag: `"${result.sha256}"` });
  });

  r.openapi(listRunAttachmentsRoute, async (c) => {
    const { run_id } = c.req.valid("param");
    return c.json({ run_id, items: await service.list(run_id) }, 200);
  });

  r.openapi(verifyRunAttachmentsRoute, async (c) => c.json(await service.verifyRun(c.req.valid("param").run_id), 200));

  r.openapi(getRunAttachmentRoute, async (c) => {
    const { run_id, sha256 } = c.req.valid("param");
    const headers = c.req.valid("header");
    const { ref, info } = await service.locate(run_id, sha256);
    const etag = `"${sha256}"`;
    const common: Record<string, string> = {
      etag,
      "accept-ranges": "bytes",
      "cache-control": "private, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
      "content-disposition": contentDisposition(ref.filename),
    };
    if (ifNoneMatches(headers["if-none-match"], etag))
      return new Response(null, { status: 304, headers: common }) as never;
    const size = info.size_bytes;
    const decision = ifRangeAllows(headers["if-range"], etag)
      ? decideRange(headers.range, size)
      : { kind: "full" as const };
    if (decision.kind === "unsatisfiable") {
      throw new ProblemError(
        416,
        `the range ${headers.range} is not within the ${size} bytes of attachment ${sha256}`,
        {
          slug: "range-not-satisfiable",
          headers: { "content-range": `bytes */${size}`, "accept-ranges": "bytes" },
        },
      );
    }
    const range = decision.kind === "partial" ? { start: decision.start, end: decision.end } : undefined;
    const out: Record<string, string> = {
      ...common,
      "content-type": ref.mime,
      "content-length": String(range ? range.end - range.start + 1 : size),
    };
    if (range) out["content-range"] = `bytes ${range.start}-${range.end}/${size}`;
    else out["repr-digest"] = contentDigestOf(sha256);
    const status = range ? 206 : 200;
    // HEAD (answered by this GET route): the headers only, without opening the file.
    if (c.req.method === "HEAD" || size === 0) return new Response(null, { status, headers: out }) as never;
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    if (outgoing && service.canCopy) {
      await sendDirect(c as never, outgoing, { status, headers: out }, (sink) => service.copyTo(sha256, sink, range));
      return new Response(null, { status, headers: { ...out, [ALREADY_SENT]: "true" } }) as never;
    }
    const stream = await service.read(sha256, range);
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status, headers: out }) as never;
  });
}
