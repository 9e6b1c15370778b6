/**
 * The SessionStore on PostgreSQL (tables of migrations/postgres/: 0001_workflow_sessions.sql,
 * 0002_created_by.sql), shared by every instance; each session and each event keeps its
 * `created_by` principal (`anonymous` when none was given).
 *
 * A change (`If-Match`) is one transaction whose first statement is the conditional
 * `UPDATE workflow_sessions SET state, version = version + 1 ... WHERE session_id AND
 * version = expected AND state = from` with, in the same statement, the event insert
 * and the run link. The row lock of that UPDATE serialises changes of one session
 * across instances: a concurrent change from the same version waits, then finds the
 * version moved and changes nothing (`stale`), so exactly one wins. The session is
 * read back inside the transaction, while the lock still holds it. Events and run
 * links are only ever inserted. With the transparency log on, the event's leaf is
 * appended last in that same transaction (the log's sequencer lock after the row lock).
 */
import type pg from "pg";
import type { TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { sessionEventLeaf } from "../../contracts/record_leaves.js";
import {
  type AppendEventResult,
  type NewSession,
  SessionAlreadyExistsError,
  type SessionEventRecord,
  type SessionListQuery,
  type SessionPage,
  type SessionStore,
  type SessionTransition,
  type WorkflowSession,
} from "../../contracts/ports/session_store.js";
import {
  EVENT_COLUMNS,
  type EventRow,
  NOBODY,
  SESSION_COLUMNS,
  type SessionRow,
  eventOf,
  sessionOf,
} from "./session_rows.js";
import { isStorableKey } from "../../kernel/plugin_api/storage.js";

const UNIQUE_VIOLATION = "23505";

const ADVANCE = `WITH moved AS (
  UPDATE workflow_sessions SET state = $1, version = version + 1, updated_at_utc = $2
   WHERE session_id = $3 AND version = $4 AND state = $5
  RETURNING ${SESSION_COLUMNS}
), event AS (
  INSERT INTO workflow_session_events (session_id, seq, event, from_state, to_state, run_id, note, at_utc, version, created_by)
  SELECT session_id, $4, $6, $5, $1, $7, $8, $2, $4 + 1, $9 FROM moved
), link AS (
  INSERT INTO workflow_session_runs (session_id, run_id, link_seq, linked_at_utc)
  SELECT session_id, $7, (SELECT COALESCE(MAX(link_seq), 0) + 1 FROM workflow_session_runs WHERE session_id = $3), $2
    FROM moved WHERE $7::text IS NOT NULL
  ON CONFLICT (session_id, run_id) DO NOTHING
)
SELECT ${SESSION_COLUMNS} FROM moved`;

/** Runs `fn` in one transaction on one connection (a connection whose ROLLBACK failed is destroyed). */
async function inTransaction<T>(pool: pg.Pool, begin: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

export class PostgresSessionStore implements SessionStore {
  readonly #pool: pg.Pool;
  readonly #log: TransparencyLog | undefined;

  /**
   * A store on `pool`, whose database `rmos db migrate` has migrated (the pool stays the
   * caller's); each event's leaf goes to `log` in the event's transaction.
   */
  constructor(pool: pg.Pool, log?: TransparencyLog) {
    this.#pool = pool;
    this.#log = log;
  }

  async #runIds(client: pg.ClientBase | pg.Pool, sessionIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(sessionIds.map((id) => [id, []]));
    if (sessionIds.length === 0) return out;
    const { rows } = await client.query<{ session_id: string; run_id: string }>(
      "SELECT session_id, run_id FROM workflow_session_runs WHERE session_id = ANY($1) ORDER BY session_id, link_seq",
      [sessionIds],
    );
    for (const row of rows) out.get(row.session_id)?.push(row.run_id);
    return out;
  }

  async #read(client: pg.ClientBase | pg.Pool, sessionId: string): Promise<WorkflowSession | undefined> {
    const { rows } = await client.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM workflow_sessions WHERE session_id = $1`,
      [sessionId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return sessionOf(row, (await this.#runIds(client, [sessionId])).get(sessionId) ?? []);
  }

  async create(session: NewSession): Promise<WorkflowSession> {
    try {
      return await inTransaction(this.#pool, "BEGIN", async (client) => {
        await client.query(
          `INSERT INTO workflow_sessions (${SESSION_COLUMNS}) VALUES ($1, $2, 'DRAFT', $3, 1, $4, $4, $5)`,
          [
            session.session_id,
            session.workflow,
            JSON.stringify(session.context),
            session.created_at_utc,
            session.created_by ?? NOBODY,
          ],
        );
        if (session.run_ids.length > 0) {
          await client.query(
            `INSERT INTO workflow_session_runs (session_id, run_id, link_seq, linked_at_utc)
             SELECT $1, run_id, ord, $3 FROM unnest($2::text[]) WITH ORDINALITY AS t (run_id, ord)
             ON CONFLICT (session_id, run_id) DO NOTHING`,
            [session.session_id, session.run_ids, session.created_at_utc],
          );
        }
        return (await this.#read(client, session.session_id)) as WorkflowSession;
      });
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === UNIQUE_VIOLATION && e.constraint === "workflow_sessions_pkey") {
        throw new SessionAlreadyExistsError(session.session_id);
      }
      throw error;
    }
  }

  async get(sessionId: string): Promise<WorkflowSession | undefined> {
    if (!isStorableKey(sessionId)) return undefined;
    return inTransaction(this.#pool, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", (client) =>
      this.#read(client, sessionId),
    );
  }

  async list(query: SessionListQuery): Promise<SessionPage> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.workflow !== undefined) {
      params.push(query.workflow);
      where.push(`workflow = $${params.length}`);
    }
    if (query.state !== undefined) {
      params.push(query.state);
      where.push(`state = $${params.length}`);
    }
    if (query.after !== undefined) {
      params.push(query.after);
      where.push(`session_id < $${params.length}`);
    }
    params.push(query.limit + 1);
    const sql = `SELECT ${SESSION_COLUMNS} FROM workflow_sessions ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY session_id DESC LIMIT $${params.length}`;
    // One snapshot for the rows and their run links.
    return inTransaction(this.#pool, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", async (client) => {
      const { rows } = await client.query<SessionRow>(sql, params);
      const page = rows.slice(0, query.limit);
      const links = await this.#runIds(
        client,
        page.map((r) => r.session_id),
      );
      const items = page.map((row) => sessionOf(row, links.get(row.session_id) ?? []));
      const last = items.at(-1);
      return { items, next: rows.length > query.limit && last ? last.session_id : null };
    });
  }

  async appendEvent(
    sessionId: string,
    expectedVersion: number,
    transition: SessionTransition,
  ): Promise<AppendEventResult> {
    if (!isStorableKey(sessionId)) return { outcome: "not_found" };
    const appended = await inTransaction(this.#pool, "BEGIN", async (client) => {
      const { rows } = await client.query<SessionRow>(ADVANCE, [
        transition.to_state,
        transition.at,
        sessionId,
        expectedVersion,
        transition.from_state,
        transition.event,
        transition.run_id ?? null,
        transition.note ?? null,
        transition.created_by ?? NOBODY,
      ]);
      if (!rows[0]) return undefined;
      const session = (await this.#read(client, sessionId)) as WorkflowSession;
      const { rows: events } = await client.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM workflow_session_events WHERE session_id = $1 AND seq = $2`,
        [sessionId, expectedVersion],
      );
      const event = eventOf(events[0] as EventRow, sessionId);
      await this.#log?.appendWithClient(client, [sessionEventLeaf(sessionId, event)]);
      return { session, event };
    });
    if (appended) return { outcome: "appended", ...appended };
    const current = await this.get(sessionId);
    if (!current) return { outcome: "not_found" };
    if (current.version === expectedVersion) {
      throw new Error(
        `workflow session store: ${sessionId} is at version ${expectedVersion} but in state ${current.state}, not ${transition.from_state}`,
      );
    }
    return { outcome: "stale", current };
  }

  async events(sessionId: string): Promise<SessionEventRecord[] | undefined> {
    if (!isStorableKey(sessionId)) return undefined;
    return inTransaction(this.#pool, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", async (client) => {
      const exists = await client.query("SELECT 1 FROM workflow_sessions WHERE session_id = $1", [sessionId]);
      if (exists.rowCount !== 1) return undefined;
      const { rows } = await client.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM workflow_session_events WHERE session_id = $1 ORDER BY seq`,
        [sessionId],
      );
      return rows.map((row) => eventOf(row, sessionId));
    });
  }
}
