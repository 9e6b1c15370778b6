/**
 * SHA-256 off the event loop: one worker thread (sha256_worker.ts), shared by every
 * upload of the process, hashes ranges of a SharedArrayBuffer that the upload fills.
 *
 * Hashing is the largest piece of CPU work of an upload (SHA-256 runs at ~1.9 GB/s on
 * this project's VM: ~0.55 s per GiB). On the event loop it is serialised with reading
 * the socket; on this thread it runs beside it, on another core, while the writes run
 * on the libuv thread pool. The bytes are not copied to the worker: the upload's ring
 * of slots is shared memory, and a message per slot (1 MiB) says which range to hash.
 *
 * The worker is started on first use and kept (unreferenced while no job is open, so
 * it never keeps the process alive); when it fails or exits, every open job fails and
 * the next job starts a new one. Answers come in the order of the requests, per job.
 */
import { Worker } from "node:worker_threads";
import type { Sha256Answer, Sha256Request } from "./sha256_worker.js";

interface Waiter {
  readonly resolve: (answer: Sha256Answer) => void;
  readonly reject: (error: Error) => void;
}

const WORKER_URL = new URL("./sha256_worker.js", import.meta.url);

/**
 * The worker, with the process's Node flags but --input-type (it refuses a worker's
 * file: a process started with `-e`); without any when a worker cannot take them.
 */
function newWorker(): Worker {
  const execArgv = process.execArgv.filter((flag) => !flag.startsWith("--input-type"));
  try {
    return new Worker(WORKER_URL, { execArgv });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_WORKER_INVALID_EXEC_ARGV") throw error;
    return new Worker(WORKER_URL, { execArgv: [] });
  }
}

/** The shared worker and the open jobs' waiting requests. */
class Sha256Thread {
  #worker: Worker | undefined;
  readonly #waiting = new Map<number, Waiter[]>();
  #nextId = 1;

  /** Opens a job over `buffer`; its requests are answered in order. */
  open(buffer: SharedArrayBuffer): Sha256Job {
    const id = this.#nextId++;
    this.#waiting.set(id, []);
    try {
      if (this.#waiting.size === 1) this.#started().ref();
    } catch (error) {
      this.#waiting.delete(id); // no worker: the job never opened
      throw error;
    }
    const job = new Sha256Job(this, id);
    this.request({ op: "open", id, buffer }).catch(() => {}); // a failure also fails the job's next request
    return job;
  }

  /** Sends one request of an open job; resolves with its answer. */
  request(message: Sha256Request): Promise<Sha256Answer> {
    const queue = this.#waiting.get(message.id);
    if (!queue) return Promise.reject(new Error(`the hashing job ${message.id} is closed`));
    return new Promise<Sha256Answer>((resolve, reject) => {
      queue.push({ resolve, reject });
      this.#started().postMessage(message);
    }).then((answer) => {
      if (answer.error !== undefined) throw new Error(`SHA-256 worker: ${answer.error}`);
      return answer;
    });
  }

  /**
   * Forgets a job once its last request is made (`drop`: tells the worker to forget it
   * too); the worker is unreferenced when none is open.
   */
  close(id: number, drop = false): void {
    if (drop && this.#waiting.has(id)) this.#worker?.postMessage({ op: "drop", id } satisfies Sha256Request);
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#worker?.unref();
  }

  #started(): Worker {
    if (this.#worker) return this.#worker;
    const worker = newWorker();
    worker.on("message", (answer: Sha256Answer) => this.#waiting.get(answer.id)?.shift()?.resolve(answer));
    const fail = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const queue of this.#waiting.values()) for (const waiter of queue.splice(0)) waiter.reject(error);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the SHA-256 worker exited (code ${code})`)));
    if (this.#waiting.size === 0) worker.unref();
    this.#worker = worker;
    return worker;
  }
}

/** One upload's running SHA-256 in the worker. */
export class Sha256Job {
  #closed = false;

  constructor(
    private readonly thread: Sha256Thread,
    private readonly id: number,
  ) {}

  /** Hashes `length` bytes of the job's buffer at `offset` (after every earlier range); resolves when done. */
  async update(offset: number, length: number): Promise<void> {
    await this.thread.request({ op: "update", id: this.id, offset, length });
  }

  /** The hex SHA-256 of every range hashed; closes the job. */
  async digest(): Promise<string> {
    const pending = this.thread.request({ op: "digest", id: this.id });
    try {
      return (await pending).digest as string;
    } finally {
      this.#close();
    }
  }

  /** Abandons the job (after a failure); the worker forgets it. */
  drop(): void {
    this.#close(true);
  }

  #close(drop = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.thread.close(this.id, drop);
  }
}

let shared: Sha256Thread | undefined;

/** Opens a SHA-256 job on the process's hashing worker over `buffer`. */
export function openSha256Job(buffer: SharedArrayBuffer): Sha256Job {
  shared ??= new Sha256Thread();
  return shared.open(buffer);
}
