/**
 * The run verification extension point.
 *
 * `GET /runs/{id}/verify` and `rmos verify` run every registered verifier over a
 * stored run and report each check by name. The runs plugin contributes the core
 * checks (stored bytes, schema, JCS hashes); the attachments plugin adds blob checks;
 * v1-compat adds the legacy-hash check for imported runs (their hashes were computed
 * another way, named in `provenance.hash_method`).
 */
import type { StoredRun } from "./run_store.js";
import { token } from "../token.js";

export interface RunCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface RunVerifier {
  /** Names the verifier in messages. */
  readonly name: string;
  /** Hash methods (`provenance.hash_method`) whose feasibility hash this verifier checks. */
  readonly hashMethods?: readonly string[];
  verify(run: StoredRun): Promise<RunCheck[]>;
}

/** Where plugins add verifiers, in registration order. */
export class RunVerifierRegistry {
  readonly #verifiers: RunVerifier[] = [];

  /** Adds a verifier; its checks run after those added before it. */
  add(verifier: RunVerifier): void {
    if (this.#verifiers.some((v) => v.name === verifier.name)) {
      throw new Error(`a run verifier named ${verifier.name} is already registered`);
    }
    this.#verifiers.push(verifier);
  }

  /** The verifiers, in order. */
  list(): readonly RunVerifier[] {
    return this.#verifiers;
  }

  /** Whether some verifier checks hashes made with `method`. */
  handlesHashMethod(method: string): boolean {
    return this.#verifiers.some((v) => v.hashMethods?.includes(method));
  }

  /** Runs every verifier; a verifier that throws is reported as a failed check, not lost. */
  async verify(run: StoredRun): Promise<{ ok: boolean; checks: RunCheck[] }> {
    const checks: RunCheck[] = [];
    for (const verifier of this.#verifiers) {
      try {
        checks.push(...(await verifier.verify(run)));
      } catch (error) {
        checks.push({ name: verifier.name, ok: false, detail: `verifier failed: ${(error as Error).message}` });
      }
    }
    return { ok: checks.every((c) => c.ok), checks };
  }
}

export const RUN_VERIFIERS = token<RunVerifierRegistry>("RunVerifierRegistry");
