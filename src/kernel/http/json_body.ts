/**
 * The body-size limit of JSON routes, reading an `application/json` body straight from
 * Node's request when served by Node.
 *
 * Hono's `bodyLimit` asks `c.req.raw.body` first, which makes @hono/node-server build
 * a full undici `Request` around a Web stream of the Node request; the JSON is then read
 * through that stream. For a create of a few KiB this was a good part of the request's
 * CPU. Here, when the Content-Type's media type is `application/json` and nothing has
 * read the body yet, the body is read from `incoming` in flowing mode — refused with the
 * same 413 problem the moment it passes the limit (at once when Content-Length says so,
 * without reading), and then left for the lingering close as before — and its parse is
 * what `c.req.json()` answers (the request's body cache holds its text): decoded as
 * UTF-8 the way `Response.json()` decodes (a BOM dropped, bad sequences replaced), a
 * SyntaxError when it is not JSON, exactly as the validators and the shape limit
 * expect. Any other request (another media type, which the route's media-type gate refuses with 415
 * without reading; a body read already; `app.request`) goes through `bodyLimit`.
 */
import type { IncomingMessage } from "node:http";
import type { MiddlewareHandler } from "hono";
import { nodeBindingsOf, rawHeaderValue } from "./node_bindings.js";

/** The body of `incoming`, or "too-large" as soon as it passes `maxBytes` (the rest left unread). */
function readBody(incoming: IncomingMessage, maxBytes: number): Promise<Buffer | "too-large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const detach = () => {
      incoming.off("data", onData);
      incoming.off("end", onEnd);
      incoming.off("error", onError);
      incoming.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        detach();
        incoming.pause();
        resolve("too-large");
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      detach();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      detach();
      reject(error);
    };
    const onClose = () => {
      detach();
      reject(new Error("the connection closed before the body was complete"));
    };
    incoming.on("data", onData);
    incoming.on("end", onEnd);
    incoming.on("error", onError);
    incoming.on("close", onClose);
  });
}

const utf8 = new TextDecoder("utf-8");

/** The media type of a Content-Type, lower case, without parameters. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType?.split(";")[0] ?? "").trim().toLowerCase();
}

/**
 * The body-size limit of a JSON route: `tooLarge` throws the 413; `fallback` is Hono's
 * `bodyLimit` with the same limit and refusal, for the requests not read here.
 */
export function jsonBodyLimit(maxBytes: number, tooLarge: () => never, fallback: MiddlewareHandler): MiddlewareHandler {
  return async (c, next) => {
    const node = nodeBindingsOf(c);
    const incoming = node?.incoming;
    if (
      incoming === undefined ||
      incoming.readableFlowing !== null ||
      incoming.readableEnded ||
      mediaTypeOf(rawHeaderValue(incoming.rawHeaders, "content-type")) !== "application/json"
    ) {
      return fallback(c, next);
    }
    const raw = incoming.rawHeaders;
    const declared = rawHeaderValue(raw, "content-length");
    if (declared !== undefined && rawHeaderValue(raw, "transfer-encoding") === undefined) {
      if (Number.parseInt(declared, 10) > maxBytes) tooLarge();
    }
    const body = await readBody(incoming, maxBytes);
    if (body === "too-large") tooLarge();
    // `c.req.json()` parses the cached *text* (Hono's body cache key for json() is
    // "text"): caching the parse under "json" instead made every json() call
    // stringify it again and read it back through a Web Response and its stream.
    // (The cache holds promises at run time; its declared type says otherwise.)
    (c.req.bodyCache as { text?: Promise<string> }).text = Promise.resolve(utf8.decode(body));
    await next();
  };
}
