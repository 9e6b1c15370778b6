/**
 * A new file written with direct I/O (O_DIRECT) from shared memory aligned for it, or —
 * where the system or file system cannot — an ordinary buffered file.
 *
 * Why: a large upload written through the page cache costs the kernel a copy of every
 * byte into freshly allocated page-cache memory, and on a VM whose free memory is handed
 * back to the host (virtio-balloon free page reporting, as on this project's VM), every
 * such page is faulted in again first: measured here, 0.3 s of CPU per GiB when the
 * pages were freed a moment ago and 1.7–3 s when they were not. Direct I/O sends the
 * upload's own buffer to the device, fills no page cache (which a fresh 1 GiB blob
 * would only evict other data from), and costs the thread pool a wait, not CPU.
 *
 * Direct I/O needs the memory, the file offset and the length aligned to the device's
 * block size. Node cannot ask for aligned memory, so the buffer is allocated
 * {@link ALIGNMENT} bytes larger and the start that the kernel accepts is found by
 * trying (one 4 KiB write at offset 0 per candidate; a misaligned one is refused with
 * EINVAL before any I/O). Writers then write whole {@link ALIGNMENT} blocks from
 * `base` on; a last partial block is padded and the file truncated to its size before
 * it is synced.
 */
import { constants } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import fs from "node:fs/promises";

/** The alignment used for memory, offsets and lengths (the largest logical block size in use). */
export const ALIGNMENT = 4096;
/** Memory alignments tried: V8's allocations are at least 16-byte aligned. */
const PROBE_STEP = 16;

export interface UploadFile {
  readonly handle: FileHandle;
  /** `bytes` of shared memory from `base` on, for the writes (ALIGNMENT more in all). */
  readonly memory: SharedArrayBuffer;
  readonly base: number;
  /** Whether writes go around the page cache: then whole ALIGNMENT blocks only, and a truncate at the end. */
  readonly direct: boolean;
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Memory of finished uploads, kept for the next ones (at most {@link IDLE_MEMORY_KEPT}),
 * with the base that direct I/O took last time: an upload then neither allocates nor
 * faults in its ring, nor probes more than once.
 */
const idle: Array<{ memory: SharedArrayBuffer; base: number | undefined }> = [];
/** Rings kept between uploads. */
export const IDLE_MEMORY_KEPT = 2;

/** `bytes` (+ slack for alignment) of shared memory: an idle ring of that size, or a new one. */
function memoryOf(bytes: number): { memory: SharedArrayBuffer; base: number | undefined } {
  const at = idle.findIndex((m) => m.memory.byteLength === bytes + ALIGNMENT);
  if (at >= 0) return idle.splice(at, 1)[0] as { memory: SharedArrayBuffer; base: number | undefined };
  return { memory: new SharedArrayBuffer(bytes + ALIGNMENT), base: undefined };
}

/**
 * Gives an upload's memory back once nothing reads it any more (its writes and its
 * hash are done): the next upload may reuse it.
 */
export function releaseUploadMemory(file: UploadFile): void {
  keep({ memory: file.memory, base: file.direct ? file.base : undefined });
}

function keep(ring: { memory: SharedArrayBuffer; base: number | undefined }): void {
  if (idle.length < IDLE_MEMORY_KEPT) idle.push(ring);
}

/**
 * The offset into `memory` that the kernel accepts for direct writes to `handle`, if
 * any; `known` (what it took last time) is tried first.
 */
async function alignedBase(
  handle: FileHandle,
  memory: SharedArrayBuffer,
  known: number | undefined,
): Promise<number | undefined> {
  const candidates = known === undefined ? [] : [known];
  for (let base = 0; base < ALIGNMENT; base += PROBE_STEP) if (base !== known) candidates.push(base);
  for (const base of candidates) {
    try {
      await handle.write(new Uint8Array(memory, base, ALIGNMENT), 0, ALIGNMENT, 0);
      return base;
    } catch (error) {
      if (errnoOf(error) !== "EINVAL") throw error;
    }
  }
  return undefined;
}

/** Opens a buffered file (the fallback, and what `direct: false` asks for). */
async function openBuffered(
  path: string,
  ring: { memory: SharedArrayBuffer; base: number | undefined },
): Promise<UploadFile> {
  let handle: FileHandle;
  try {
    handle = await fs.open(path, "wx", 0o444);
  } catch (error) {
    keep(ring); // unused: it goes back where it came from
    throw error;
  }
  return { handle, memory: ring.memory, base: 0, direct: false };
}

/**
 * Creates `path` (it must not exist, mode 0444) with `bytes` (a multiple of
 * {@link ALIGNMENT}) of shared memory from `base` on to write it from; direct I/O
 * unless `direct` is false or it cannot be had here. The memory goes back with
 * {@link releaseUploadMemory}.
 */
export async function createUploadFile(path: string, bytes: number, direct = true): Promise<UploadFile> {
  const ring = memoryOf(bytes);
  const O_DIRECT = constants.O_DIRECT as number | undefined;
  if (!direct || O_DIRECT === undefined) return openBuffered(path, ring);
  let handle: FileHandle;
  try {
    handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_DIRECT, 0o444);
  } catch (error) {
    if (errnoOf(error) === "EINVAL") return openBuffered(path, ring); // this file system has no direct I/O
    keep(ring);
    throw error;
  }
  let base: number | undefined;
  try {
    base = await alignedBase(handle, ring.memory, ring.base);
  } catch (error) {
    keep(ring);
    await handle.close();
    await fs.unlink(path).catch(() => {}); // the error above is the one to report
    throw error;
  }
  if (base !== undefined) return { handle, memory: ring.memory, base, direct: true };
  // No alignment found: start again without direct I/O.
  await handle.close();
  await fs.unlink(path);
  return openBuffered(path, ring);
}
