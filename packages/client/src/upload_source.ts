/**
 * What an attachment upload can be made from, and how it becomes a request body
 * without being held whole in memory: a file path (opened as a stream, and opened
 * again for a retry), a Node Readable or a web ReadableStream (streamed once: it
 * cannot be re-read, so such an upload is not retried), or bytes already in memory.
 * Node modules are imported only when a path or a Node stream is given, so the
 * client itself runs wherever fetch does.
 */
import type { RequestBody } from "./transport.js";

/** A Node.js Readable, structurally (the client does not need Node's types). */
export interface NodeReadableLike extends AsyncIterable<unknown> {
  pipe: (...args: never[]) => unknown;
  on: (...args: never[]) => unknown;
}

/** The data of an upload: a file path, a stream, or bytes. */
export type UploadData = string | Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array> | NodeReadableLike;

/** A body factory and whether calling it again gives the same bytes again. */
export interface UploadBody {
  readonly body: () => Promise<RequestBody>;
  readonly repeatable: boolean;
}

function isNodeReadable(data: unknown): data is NodeReadableLike {
  return (
    typeof data === "object" &&
    data !== null &&
    typeof (data as NodeReadableLike).pipe === "function" &&
    typeof (data as NodeReadableLike).on === "function"
  );
}

async function toWebStream(readable: NodeReadableLike): Promise<ReadableStream<Uint8Array>> {
  const { Readable } = await import("node:stream");
  return Readable.toWeb(readable as unknown as import("node:stream").Readable) as ReadableStream<Uint8Array>;
}

/** The request body for `data` (a string is a file path; it must name a readable file). */
export async function uploadBody(data: UploadData): Promise<UploadBody> {
  if (typeof data === "string") {
    const fs = await import("node:fs");
    const stat = await fs.promises.stat(data);
    if (!stat.isFile()) throw new TypeError(`not a file: ${data}`);
    return { body: () => toWebStream(fs.createReadStream(data)), repeatable: true };
  }
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    return { body: async () => bytes, repeatable: true };
  }
  if (typeof Blob !== "undefined" && data instanceof Blob) return { body: async () => data, repeatable: true };
  if (typeof ReadableStream !== "undefined" && data instanceof ReadableStream) {
    let used = false;
    return {
      body: async () => {
        if (used) throw new TypeError("a stream can be uploaded once");
        used = true;
        return data;
      },
      repeatable: false,
    };
  }
  if (isNodeReadable(data)) {
    let used = false;
    return {
      body: async () => {
        if (used) throw new TypeError("a stream can be uploaded once");
        used = true;
        return toWebStream(data);
      },
      repeatable: false,
    };
  }
  throw new TypeError("upload data must be a file path, bytes, a Blob, or a Node or web stream");
}
