/**
 * The worker thread behind sha256_thread.ts: SHA-256 of byte ranges of shared memory.
 *
 * Each message names a job (one upload) and asks to open it over a SharedArrayBuffer,
 * to hash a range of that buffer (in the order the messages come), to answer the
 * digest, or to drop it. Every message gets exactly one answer, in order: `{ id }` when
 * done, `{ id, digest }` for a digest, `{ id, error }` when it could not be done — so
 * the main thread can match answers to requests with one queue per job.
 */
import { createHash, type Hash } from "node:crypto";
import { parentPort } from "node:worker_threads";

/** What the main thread asks. */
export type Sha256Request =
  | { readonly op: "open"; readonly id: number; readonly buffer: SharedArrayBuffer }
  | { readonly op: "update"; readonly id: number; readonly offset: number; readonly length: number }
  | { readonly op: "digest"; readonly id: number }
  | { readonly op: "drop"; readonly id: number };

/** The answer to one request. */
export interface Sha256Answer {
  readonly id: number;
  readonly digest?: string;
  readonly error?: string;
}

interface Job {
  readonly hash: Hash;
  readonly buffer: SharedArrayBuffer;
}

const jobs = new Map<number, Job>();

function answer(request: Sha256Request): Sha256Answer {
  if (request.op === "open") {
    jobs.set(request.id, { hash: createHash("sha256"), buffer: request.buffer });
    return { id: request.id };
  }
  if (request.op === "drop") {
    jobs.delete(request.id);
    return { id: request.id };
  }
  const job = jobs.get(request.id);
  if (!job) return { id: request.id, error: `no hashing job ${request.id}` };
  if (request.op === "update") {
    job.hash.update(new Uint8Array(job.buffer, request.offset, request.length));
    return { id: request.id };
  }
  jobs.delete(request.id);
  return { id: request.id, digest: job.hash.digest("hex") };
}

const port = parentPort;
if (!port) throw new Error("sha256_worker.js runs as a worker thread only");
port.on("message", (request: Sha256Request) => {
  let reply: Sha256Answer;
  try {
    reply = answer(request);
  } catch (error) {
    reply = { id: request.id, error: String((error as Error).message ?? error) };
  }
  port.postMessage(reply);
});
