/**
 * The embedded SessionStore on SQLite (tables of migrations/0001_init_workflow_sessions.sql).
 *
 * A change is one `BEGIN IMMEDIATE` transaction: `UPDATE workflow_sessions SET
 * state, version = version + 1 WHERE session_id = ? AND version = ? AND state = ?`;
 * when no row changed, nothing else is written and the caller learns whether the
 * session is missing or has moved on; when one did, the event is inserted (seq =
 * the version it started from, so the primary key also refuses a duplicate) and a
 * named run is linked. Two processes sharing the file therefore never both apply a
 * change from the same version. Events are only ever inserted. The statements are
 * plain SQL that PostgreSQL runs as well; only the driver calls are SQLite's.
 */
import type BetterSqlite3 from "better-sqlite3";
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

export class SqliteSessionStore implements SessionStore {
  readonly #db: BetterSqlite3.Database;
  readonly #insertSession: BetterSqlite3.Statement;
  readonly #insertLink: BetterSqlite3.Statement;
  readonly #nextLinkSeq: BetterSqlite3.Statement;
  readonly #byId: BetterSqlite3.Statement;
  readonly #runsOf: BetterSqlite3.Statement;
  readonly #advance: BetterSqlite3.Statement;
  readonly #insertEvent: BetterSqlite3.Statement;
  readonly #eventsOf: BetterSqlite3.Statement;
  readonly #eventAt: BetterSqlite3.Statement;
  readonly #lists = new Map<string, BetterSqlite3.Statement>();
  readonly #createTx: (session: NewSession) => void;
  readonly #appendTx: (
    sessionId: string,
    expectedVersion: number,
    t: SessionTransition,
  ) => { session: WorkflowSession; event: SessionEventRecord } | undefined;

  readonly #log: TransparencyLog | undefined;

  /** `log`, when given, gets each event's leaf in the event's own transaction. */
  constructor(db: BetterSqlite3.Database, log?: TransparencyLog) {
    this.#log = log;
    this.#db = db;
    this.#insertSession = db.prepare(
      `INSERT INTO workflow_sessions (${SESSION_COLUMNS}) VALUES (?, ?, 'DRAFT', ?, 1, ?, ?, ?)`,
    );
    this.#insertLink = db.prepare(
      "INSERT INTO workflow_session_runs (session_id, run_id, link_seq, linked_at_utc) VALUES (?, ?, ?, ?) ON CONFLICT (session_id, run_id) DO NOTHING",
    );
    this.#nextLinkSeq = db
      .prepare("SELECT COALESCE(MAX(link_seq), 0) + 1 FROM workflow_session_runs WHERE session_id = ?")
      .pluck();
    this.#byId = db.prepare(`SELECT ${SESSION_COLUMNS} FROM workflow_sessions WHERE session_id = ?`);
    this.#runsOf = db
      .prepare("SELECT run_id FROM workflow_session_runs WHERE session_id = ? ORDER BY link_seq")
      .pluck();
    this.#advance = db.prepare(
      "UPDATE workflow_sessions SET state = ?, version = version + 1, updated_at_utc = ? WHERE session_id = ? AND version = ? AND state = ?",
    );
    this.#insertEvent = db.prepare(
      "INSERT INTO workflow_session_events (session_id, seq, event, from_state, to_state, run_id, note, at_utc, version, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.#eventsOf = db.prepare(
      `SELECT ${EVENT_COLUMNS} FROM workflow_session_events WHERE session_id = ? ORDER BY seq`,
    );
    this.#eventAt = db.prepare(`SELECT ${EVENT_COLUMNS} FROM workflow_session_events WHERE session_id = ? AND seq = ?`);

    const create = db.transaction((session: NewSession) => {
      this.#insertSession.run(
        session.session_id,
        session.workflow,
        JSON.stringify(session.context),
        session.created_at_utc,
        session.created_at_utc,
        session.created_by ?? NOBODY,
      );
      session.run_ids.forEach((runId, i) => {
        this.#insertLink.run(session.session_id, runId, i + 1, session.created_at_utc);
      });
    });
    this.#createTx = (session) => create.immediate(session);

    const append = db.transaction((sessionId: string, expectedVersion: number, t: SessionTransition) => {
      const changed = this.#advance.run(t.to_state, t.at, sessionId, expectedVersion, t.from_state).changes;
      if (changed !== 1) return undefined;
      this.#insertEvent.run(
        sessionId,
        expectedVersion,
        t.event,
        t.from_state,
        t.to_state,
        t.run_id ?? null,
        t.note ?? null,
        t.at,
        expectedVersion + 1,
        t.created_by ?? NOBODY,
      );
      if (t.run_id !== undefined) {
        this.#insertLink.run(sessionId, t.run_id, this.#nextLinkSeq.get(sessionId), t.at);
      }
      const event = eventOf(this.#eventAt.get(sessionId, expectedVersion) as EventRow, sessionId);
      this.#log?.appendInTransaction([sessionEventLeaf(sessionId, event)]);
      return { session: this.#read(sessionId) as WorkflowSession, event };
    });
    this.#appendTx = (sessionId, expectedVersion, t) => append.immediate(sessionId, expectedVersion, t);
  }

  #sessionOf(row: SessionRow): WorkflowSession {
    return sessionOf(row, this.#runsOf.all(row.session_id) as string[]);
  }

  #read(sessionId: string): WorkflowSession | undefined {
    const row = this.#byId.get(sessionId) as SessionRow | undefined;
    return row ? this.#sessionOf(row) : undefined;
  }

  async create(session: NewSession): Promise<WorkflowSession> {
    try {
      this.#createTx(session);
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
        throw new SessionAlreadyExistsError(session.session_id);
      }
      throw error;
    }
    return this.#read(session.session_id) as WorkflowSession;
  }

  async get(sessionId: string): Promise<WorkflowSession | undefined> {
    return this.#read(sessionId);
  }

  async list(query: SessionListQuery): Promise<SessionPage> {
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (query.workflow !== undefined) {
      where.push("workflow = ?");
      params.push(query.workflow);
    }
    if (query.state !== undefined) {
      where.push("state = ?");
      params.push(query.state);
    }
    if (query.after !== undefined) {
      where.push("session_id < ?");
      params.push(query.after);
    }
    const sql = `SELECT ${SESSION_COLUMNS} FROM workflow_sessions ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY session_id DESC LIMIT ?`;
    let statement = this.#lists.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#lists.set(sql, statement);
    }
    // One read transaction, so that the rows and their run links are one snapshot.
    const { rows, more } = this.#db.transaction(() => {
      const found = statement.all(...params, query.limit + 1) as SessionRow[];
      return {
        rows: found.slice(0, query.limit).map((row) => this.#sessionOf(row)),
        more: found.length > query.limit,
      };
    })();
    const last = rows.at(-1);
    return { items: rows, next: more && last ? last.session_id : null };
  }

  async appendEvent(
    sessionId: string,
    expectedVersion: number,
    transition: SessionTransition,
  ): Promise<AppendEventResult> {
    const appended = this.#appendTx(sessionId, expectedVersion, transition);
    if (appended) return { outcome: "appended", ...appended };
    const current = this.#read(sessionId);
    if (!current) return { outcome: "not_found" };
    if (current.version === expectedVersion) {
      throw new Error(
        `workflow session store: ${sessionId} is at version ${expectedVersion} but in state ${current.state}, not ${transition.from_state}`,
      );
    }
    return { outcome: "stale", current };
  }

  async events(sessionId: string): Promise<SessionEventRecord[] | undefined> {
    return this.#db.transaction(() => {
      if (!this.#byId.get(sessionId)) return undefined;
      return (this.#eventsOf.all(sessionId) as EventRow[]).map((row) => eventOf(row, sessionId));
    })();
  }
}
