/**
 * One transaction on one pooled `pg` client, for stores that use the pool directly
 * (a record and its transparency-log leaf committed together, for one): `BEGIN`, the
 * work on the client, `COMMIT`; `ROLLBACK` when the work throws, and a client whose
 * rollback failed is discarded rather than returned to the pool.
 */
import type pg from "pg";

/** Runs `work` in one transaction on a client of `pool`; answers what it answers. */
export async function inClientTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      try {
        await client.query("ROLLBACK");
      } catch (rollbackError) {
        broken = rollbackError as Error;
      }
      throw error;
    }
  } finally {
    client.release(broken);
  }
}
