/**
 * The IdempotencyStore on PostgreSQL (`runs_idempotency_keys`), shared by every
 * instance: a reservation made on one instance is seen by all, so a retried POST /runs
 * that a load balancer sends elsewhere finds its run. Each step is one statement. The
 * service never deletes: a reservation whose run was not created is marked `released`,
 * and a released key may be reserved again (the app role holds UPDATE here, no DELETE).
 * A reservation records the instance that made it (its pool's `application_name`,
 * unique per process); `takeOver` replaces another instance's in-flight reservation
 * only when no session of that instance is connected (it stopped or crashed), so a
 * request still being served elsewhere is answered 409 (retry), never duplicated.
 */
import type pg from "pg";
import type { IdempotencyRecord, IdempotencyStore } from "../../contracts/ports/idempotency_store.js";

interface Row {
  idem_key: string;
  request_sha256: string;
  run_id: string;
  state: "in_flight" | "done" | "released";
  owner: string;
}

const COLUMNS = "idem_key, request_sha256, run_id, state, owner";

export class PostgresIdempotencyStore implements IdempotencyStore {
  readonly #pool: pg.Pool;

  /** A store on `pool`, whose database `rmos db migrate` has migrated. The pool stays the caller's. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async reserve(
    record: IdempotencyRecord,
  ): Promise<{ reserved: true } | { reserved: false; existing: IdempotencyRecord }> {
    // A key released between the failed insert and the read is retried: a bounded loop,
    // as each round either reserves or finds a live reservation unless it is released again.
    for (let round = 0; round < 5; round++) {
      const inserted = await this.#pool.query(
        `INSERT INTO runs_idempotency_keys (${COLUMNS}, instance)
         VALUES ($1, $2, $3, $4, $5, current_setting('application_name'))
         ON CONFLICT (idem_key) DO UPDATE SET request_sha256 = EXCLUDED.request_sha256, run_id = EXCLUDED.run_id,
           state = EXCLUDED.state, owner = EXCLUDED.owner, instance = EXCLUDED.instance, created_at = now()
         WHERE runs_idempotency_keys.state = 'released'`,
        [record.key, record.request_sha256, record.run_id, record.state, record.owner],
      );
      if (inserted.rowCount === 1) return { reserved: true };
      const { rows } = await this.#pool.query<Row>(`SELECT ${COLUMNS} FROM runs_idempotency_keys WHERE idem_key = $1`, [
        record.key,
      ]);
      const row = rows[0];
      if (row && row.state !== "released") {
        return {
          reserved: false,
          existing: {
            key: row.idem_key,
            request_sha256: row.request_sha256,
            run_id: row.run_id,
            state: row.state,
            owner: row.owner,
          },
        };
      }
    }
    throw new Error(`idempotency key ${record.key} keeps being reserved and released by others; try again`);
  }

  async complete(key: string): Promise<void> {
    await this.#pool.query(
      "UPDATE runs_idempotency_keys SET state = 'done' WHERE idem_key = $1 AND state = 'in_flight'",
      [key],
    );
  }

  async release(key: string, owner: string): Promise<void> {
    await this.#pool.query(
      "UPDATE runs_idempotency_keys SET state = 'released' WHERE idem_key = $1 AND owner = $2 AND state = 'in_flight'",
      [key, owner],
    );
  }

  async takeOver(staleOwner: string, record: IdempotencyRecord): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE runs_idempotency_keys k SET run_id = $1, owner = $2, request_sha256 = $3,
         instance = current_setting('application_name')
        WHERE k.idem_key = $4 AND k.owner = $5 AND k.state = 'in_flight'
          AND (k.instance = current_setting('application_name')
               OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.application_name = k.instance))`,
      [record.run_id, record.owner, record.request_sha256, record.key, staleOwner],
    );
    return rowCount === 1;
  }
}
