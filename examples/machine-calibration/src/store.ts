/**
 * Where calibration records live: the port (CalibrationStore) and its one
 * implementation on the kernel's backend-neutral Database handle — the same SQL on
 * SQLite and PostgreSQL (`?` placeholders, `ON CONFLICT DO NOTHING`), each backend's
 * tables made by its own migrations. A record is inserted once and never changed; the
 * list pages by calibration id.
 */
import type { Database } from "rmos-runs/contracts/ports/database.js";
import { canonicalize } from "rmos-runs/contracts/jcs.js";
import type { Calibration } from "./schemas.js";

/** The outcome of an insert: the record stored now, or the one stored before under that id. */
export type InsertOutcome = { readonly inserted: true } | { readonly inserted: false; readonly existing: Calibration };

/** A page of the list, in calibration id order. */
export interface CalibrationPage {
  readonly items: readonly Calibration[];
  /** The last id of the page when more follow. */
  readonly next: string | null;
}

/** The calibration records. */
export interface CalibrationStore {
  /** Stores `record` unless its id is taken; then answers the stored one, unchanged. */
  insert(record: Calibration): Promise<InsertOutcome>;
  /** The record of `id`, or undefined. */
  get(id: string): Promise<Calibration | undefined>;
  /** Up to `limit` records after `after` (an id), of one machine or all. */
  list(query: {
    readonly machineId?: string;
    readonly after?: string;
    readonly limit: number;
  }): Promise<CalibrationPage>;
}

interface Row {
  record_json: string;
  calibration_id: string;
}

/** CalibrationStore on the kernel's database (either backend). */
export class SqlCalibrationStore implements CalibrationStore {
  constructor(private readonly db: Database) {}

  async insert(record: Calibration): Promise<InsertOutcome> {
    const { changes } = await this.db.exec(
      `INSERT INTO machine_calibrations
         (calibration_id, machine_id, measured_at_utc, sha256, record_json, created_at_utc, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (calibration_id) DO NOTHING`,
      [
        record.calibration_id,
        record.machine_id,
        record.measured_at_utc,
        record.sha256,
        canonicalize(record),
        record.created_at_utc,
        record.created_by,
      ],
    );
    if (changes === 1) return { inserted: true };
    const existing = await this.get(record.calibration_id);
    if (!existing) throw new Error(`calibration ${record.calibration_id} was neither inserted nor found`);
    return { inserted: false, existing };
  }

  async get(id: string): Promise<Calibration | undefined> {
    const [row] = await this.db.query<Row>(
      "SELECT record_json, calibration_id FROM machine_calibrations WHERE calibration_id = ?",
      [id],
    );
    return row ? (JSON.parse(row.record_json) as Calibration) : undefined;
  }

  async list(query: { machineId?: string; after?: string; limit: number }): Promise<CalibrationPage> {
    const where: string[] = [];
    const params: string[] = [];
    if (query.machineId !== undefined) {
      where.push("machine_id = ?");
      params.push(query.machineId);
    }
    if (query.after !== undefined) {
      where.push("calibration_id > ?");
      params.push(query.after);
    }
    const rows = await this.db.query<Row>(
      `SELECT record_json, calibration_id FROM machine_calibrations
       ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY calibration_id LIMIT ${Math.trunc(query.limit) + 1}`,
      params,
    );
    const page = rows.slice(0, query.limit);
    const more = rows.length > query.limit;
    return {
      items: page.map((r) => JSON.parse(r.record_json) as Calibration),
      next: more ? (page[page.length - 1]?.calibration_id ?? null) : null,
    };
  }
}
