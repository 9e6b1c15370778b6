/**
 * The backups of v1 `runs.json` files, and the exact bytes of every imported record
 * read back from them. Before an import touches anything, the runs.json is copied —
 * streamed, hashed on the way, fsynced, then hard-linked to its final name — to
 * `<data>/v1-import/backups/runs-<sha256>.json`: write-once and content-addressed (the
 * name is the SHA-256 of the content, so a second backup of the same file is a no-op
 * and a different file never takes its place). The import then reads the backup, not the
 * live file, so that what was imported is exactly what was backed up. An imported
 * artifact names its record's bytes as a byte range of that backup plus the SHA-256 of
 * the range (`provenance.v1_record_location`, `v1_record_sha256`): the legacy hash stays
 * verifiable from the very bytes v1 stored, and the record costs no file of its own (at
 * 100 000 records, one durable file less per record is a third of the import time).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { SHA256_PATTERN } from "../../contracts/ids.js";
import { ensureDirDurable, fsyncDir, tempNameFor } from "../../kernel/plugin_api/storage.js";
import type { V1RecordLocation } from "./provenance.js";

/** The folder under the data directory that holds everything of the v1 import. */
export const V1_IMPORT_DIR = "v1-import";

/** A file identified by content. */
export interface FileDigest {
  readonly sha256: string;
  readonly size_bytes: number;
}

/** A backup made (or found). */
export interface Backup extends FileDigest {
  /** Path relative to the data directory. */
  readonly location: string;
  /** False when the same content was backed up before. */
  readonly created: boolean;
}

/** The record bytes a location names are not there, or not the bytes that were imported. */
export class V1RecordUnavailableError extends Error {
  override readonly name = "V1RecordUnavailableError";
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Streams a file through SHA-256. */
export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest("hex"), size_bytes: size };
}

export class V1Backups {
  /** `<data>/v1-import/backups` */
  readonly dir: string;

  constructor(readonly dataDir: string) {
    this.dir = path.join(path.resolve(dataDir), V1_IMPORT_DIR, "backups");
  }

  /** The data-relative location of the backup of the runs.json with this SHA-256. */
  locationOf(sha256: string): string {
    if (!SHA256_PATTERN.test(sha256)) throw new V1RecordUnavailableError(`${JSON.stringify(sha256)} is not a sha256`);
    return `${V1_IMPORT_DIR}/backups/runs-${sha256}.json`;
  }

  /** The absolute path of that backup. */
  pathOf(sha256: string): string {
    return path.join(path.resolve(this.dataDir), this.locationOf(sha256));
  }

  /**
   * Copies `runsJson` into the backups, durably and once. Answers its digest and
   * location; `created` is false when a backup of the same content already existed.
   */
  async backup(runsJson: string): Promise<Backup> {
    await ensureDirDurable(this.dir);
    const temp = path.join(this.dir, tempNameFor("runs.json"));
    const handle = await fs.open(temp, "wx", 0o444);
    let closed = false;
    try {
      const hash = createHash("sha256");
      let size = 0;
      for await (const chunk of createReadStream(runsJson, { highWaterMark: 1024 * 1024 })) {
        const bytes = chunk as Buffer;
        hash.update(bytes);
        size += bytes.length;
        let written = 0;
        while (written < bytes.length) {
          written += (await handle.write(bytes, written, bytes.length - written)).bytesWritten;
        }
      }
      await handle.sync();
      await handle.close();
      closed = true;
      const sha256 = hash.digest("hex");
      let created = true;
      try {
        await fs.link(temp, this.pathOf(sha256));
      } catch (error) {
        if (errnoOf(error) !== "EEXIST") throw error;
        created = false;
      }
      await fs.unlink(temp);
      await fsyncDir(this.dir);
      return { sha256, size_bytes: size, location: this.locationOf(sha256), created };
    } finally {
      if (!closed) await handle.close().catch(() => {});
      await fs.rm(temp, { force: true });
    }
  }

  /** Whether a backup of the runs.json with this SHA-256 is kept. */
  async has(sha256: string): Promise<boolean> {
    try {
      return (await fs.stat(this.pathOf(sha256))).isFile();
    } catch (error) {
      if (errnoOf(error) === "ENOENT" || error instanceof V1RecordUnavailableError) return false;
      throw error;
    }
  }

  /**
   * The exact bytes of a record, read from its backup and checked against
   * `expectedSha256`. Throws {@link V1RecordUnavailableError} when the backup or the
   * range is missing or the bytes do not hash to what was imported.
   */
  async readRecord(location: V1RecordLocation, expectedSha256: string): Promise<Buffer> {
    const { offset, length } = location;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 1) {
      throw new V1RecordUnavailableError(`the record location (offset ${offset}, length ${length}) is malformed`);
    }
    const file = this.pathOf(location.runs_json_sha256);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, "r");
    } catch (error) {
      if (errnoOf(error) === "ENOENT") {
        throw new V1RecordUnavailableError(`the backup ${this.locationOf(location.runs_json_sha256)} is missing`);
      }
      throw error;
    }
    try {
      const bytes = Buffer.alloc(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(bytes, read, length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      if (read < length) {
        throw new V1RecordUnavailableError(
          `the backup ${this.locationOf(location.runs_json_sha256)} ends before byte ${offset + length}`,
        );
      }
      const actual = createHash("sha256").update(bytes).digest("hex");
      if (actual !== expectedSha256) {
        throw new V1RecordUnavailableError(
          `bytes ${offset}..${offset + length - 1} of ${this.locationOf(location.runs_json_sha256)} hash to ${actual}, not the imported record's ${expectedSha256}`,
        );
      }
      return bytes;
    } finally {
      await handle.close();
    }
  }
}
