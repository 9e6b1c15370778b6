/**
 * Records that could not be imported, kept aside with their reason: nothing in a v1
 * store is dropped silently. Each one is two write-once durable files under
 * `<data>/v1-import/rejected/`: `<entry_id>.record` holds the record's exact bytes
 * (whatever they are: invalid JSON, invalid UTF-8), and `<entry_id>.json` says which
 * key it was filed under, where it was in runs.json, and why it was not imported. The
 * entry id is the SHA-256 of the key and the bytes together, so a key from a file never
 * becomes a path, a re-run finds the same entry (and writes nothing), and two different
 * records under one duplicated key are two entries. The reason file is written last:
 * it is what marks the record as accounted for.
 */
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { writeOnceDurable } from "../../kernel/plugin_api/storage.js";
import { V1_IMPORT_DIR } from "./v1_backups.js";

/** What is recorded about a record kept aside. */
export interface KeptAsideRecord {
  readonly entry_id: string;
  /** The key it was filed under in runs.json. */
  readonly key: string;
  /** Byte offset of the record in the runs.json it was read from, and its length. */
  readonly offset: number;
  readonly length: number;
  /** SHA-256 of the record's exact bytes. */
  readonly record_sha256: string;
  /** The runs.json it was read from. */
  readonly runs_json_sha256: string;
  /** Why it was not imported. */
  readonly reason: string;
  /** The file holding its bytes, beside this one. */
  readonly record_file: string;
}

/** The entry id of a record: SHA-256 over its key (as JSON text), a newline, and its bytes. */
export function entryIdOf(key: string, raw: Uint8Array): string {
  return createHash("sha256").update(JSON.stringify(key), "utf8").update("\n").update(raw).digest("hex");
}

export class KeptAside {
  /** `<data>/v1-import/rejected` */
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(path.resolve(dataDir), V1_IMPORT_DIR, "rejected");
  }

  /** The data-relative location of an entry's reason file. */
  locationOf(entryId: string): string {
    return `${V1_IMPORT_DIR}/rejected/${entryId}.json`;
  }

  /** Keeps a record aside (bytes first, then the reason); "exists" when it was kept before. */
  async keep(record: Omit<KeptAsideRecord, "entry_id" | "record_file" | "record_sha256">, raw: Uint8Array) {
    const entryId = entryIdOf(record.key, raw);
    const doc: KeptAsideRecord = {
      entry_id: entryId,
      ...record,
      record_sha256: createHash("sha256").update(raw).digest("hex"),
      record_file: `${entryId}.record`,
    };
    await writeOnceDurable(this.dir, doc.record_file, raw);
    const outcome = await writeOnceDurable(
      this.dir,
      `${entryId}.json`,
      Buffer.from(`${JSON.stringify(doc, null, 2)}\n`),
    );
    return { outcome, location: this.locationOf(entryId) };
  }

  /** The reason file of an entry, or undefined when the record was not kept aside. */
  async get(entryId: string): Promise<KeptAsideRecord | undefined> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.dir, `${entryId}.json`), "utf8")) as KeptAsideRecord;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }
}
