/**
 * Where the record plugins tell `rmos verify` how to enumerate what they store, so
 * that every stored record can be compared with the transparency log
 * (reconcileWithLog): each source names the leaf types it owns and yields one digest
 * per stored record — its type, id and the SHA-256 of its stored bytes as they are
 * now, read without trusting any index. The transparency-log plugin provides the
 * registry; runs, advisory and workflow-sessions add their sources in `init`.
 */
import type { RecordDigest } from "../log_reconcile.js";
import type { LeafType } from "../tlog/leaf.js";
import { token } from "../token.js";

/** One plugin's stored records. */
export interface LogRecordSource {
  /** Names the source in messages (the plugin). */
  readonly name: string;
  /** The leaf types whose every record this source yields. */
  readonly types: readonly LeafType[];
  /** One digest per stored record of `types`. */
  digests(): AsyncIterable<RecordDigest>;
}

/** The registered sources, in registration order. */
export class LogRecordSources {
  readonly #sources: LogRecordSource[] = [];

  /** Adds a source; a leaf type belongs to one source only. */
  add(source: LogRecordSource): void {
    for (const type of source.types) {
      const owner = this.#sources.find((s) => s.types.includes(type));
      if (owner) throw new Error(`leaf type ${type} is already enumerated by ${owner.name}`);
    }
    this.#sources.push(source);
  }

  /** The sources, in order. */
  list(): readonly LogRecordSource[] {
    return this.#sources;
  }

  /** Every leaf type some source enumerates. */
  types(): LeafType[] {
    return this.#sources.flatMap((s) => [...s.types]);
  }

  /** Every digest of every source, source after source. */
  async *digests(): AsyncGenerator<RecordDigest> {
    for (const source of this.#sources) yield* source.digests();
  }
}

export const LOG_RECORD_SOURCES = token<LogRecordSources>("LogRecordSources");
