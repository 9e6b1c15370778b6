/**
 * The cache of stored runs shared by both run stores. Artifacts are write-once, so a
 * cached run is never stale. It keeps only each run's canonical bytes and their SHA-256
 * — never a parsed artifact — so the memory it holds is the byte budget it is given
 * (a parsed artifact tree costs more than its bytes and would grow the heap past the
 * budget: seen in the soak). Each hit returns a new StoredRun that parses its bytes on
 * first use, for the one request that asked; GET /runs/{id} answers the bytes unparsed.
 */
import type { StoredArtifact, StoredRun } from "../../contracts/ports/run_store.js";
import { ByteLruCache } from "./lru_cache.js";

/** A cached run's bytes, their SHA-256, and the schema version they are in when the store knew it. */
export interface CachedBytes {
  readonly bytes: Buffer;
  readonly sha256: string;
  readonly schemaVersion: string | undefined;
}

/**
 * A stored run over `bytes` whose artifact is parsed on first use. Only for bytes that
 * were checked already (written from a validated artifact, or read and validated with
 * their recorded hash): parsing them again cannot fail.
 */
export function storedRunOf(bytes: Buffer, sha256: string): StoredRun {
  let artifact: StoredArtifact | undefined;
  return {
    bytes,
    sha256,
    get artifact(): StoredArtifact {
      artifact ??= JSON.parse(bytes.toString("utf8")) as StoredArtifact;
      return artifact;
    },
  };
}

/** `bytes`, or a copy of them in an allocation of their own when they share a larger one. */
export function ownAllocation(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes;
  const own = Buffer.allocUnsafeSlow(bytes.length);
  bytes.copy(own);
  return own;
}

/** A byte-bounded LRU of stored runs' bytes, keyed by run id. */
export class StoredRunCache {
  readonly #lru: ByteLruCache<CachedBytes>;

  constructor(maxBytes: number) {
    this.#lru = new ByteLruCache(maxBytes);
  }

  /** The cached run (a fresh lazily parsed view of its bytes), or undefined. */
  get(runId: string): StoredRun | undefined {
    const hit = this.#lru.get(runId);
    return hit && storedRunOf(hit.bytes, hit.sha256);
  }

  /** The cached bytes of `runId` as they are (no view made), marked as recently used; or undefined. */
  peek(runId: string): CachedBytes | undefined {
    return this.#lru.get(runId);
  }

  /**
   * Keeps a checked run's bytes (not its parsed artifact), and the schema version of
   * the artifact when the caller has it at hand (`peek` answers it). Bytes that are a view into a
   * larger allocation — a small Buffer made from a string is a slice of Node's shared
   * 8 KiB pool — are copied into one of their own size first: a cached slice would keep
   * the whole slab alive (seen in the soak as twice the budget held).
   */
  set(runId: string, run: Pick<StoredRun, "bytes" | "sha256">, schemaVersion?: string): void {
    this.#lru.set(runId, { bytes: ownAllocation(run.bytes), sha256: run.sha256, schemaVersion });
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#lru.size;
  }

  /** Runs held. */
  get entries(): number {
    return this.#lru.entries;
  }
}
