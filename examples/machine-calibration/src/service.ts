/**
 * The calibration service: create (write-once: a second write of an id answers the
 * stored record when it is the same calibration, 409 when it is another), get and list.
 * No HTTP types; the handlers turn its answers into responses.
 */
import { decodeCursor, encodeCursor } from "rmos-runs/contracts/cursor.js";
import { notFound, ProblemError } from "rmos-runs/contracts/problem.js";
import { calibrationHash, contentOf, newCalibration } from "./calibration.js";
import type { Calibration, CreateCalibration } from "./schemas.js";
import type { CalibrationStore } from "./store.js";

/** What `create` did: stored the record now (`created`), or found the same one stored before. */
export interface Created {
  readonly record: Calibration;
  readonly created: boolean;
}

/** A page as the API answers it. */
export interface ListedPage {
  readonly items: readonly Calibration[];
  readonly next_cursor: string | null;
}

/** The calibration records' rules over a store. */
export class CalibrationService {
  constructor(
    private readonly store: CalibrationStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Records a calibration. Repeating the same calibration (same content, so the same
   * hash) answers the stored record; another calibration under a taken id is a 409.
   */
  async create(body: CreateCalibration, principal: string): Promise<Created> {
    const record = newCalibration(body, principal, this.now());
    const outcome = await this.store.insert(record);
    if (outcome.inserted) return { record, created: true };
    if (outcome.existing.sha256 === calibrationHash(contentOf(body)))
      return { record: outcome.existing, created: false };
    throw new ProblemError(
      409,
      `calibration ${body.calibration_id} is already recorded with other values (sha256 ${outcome.existing.sha256}); a calibration is written once: record a new one under a new id`,
      {
        slug: "calibration-exists",
        extensions: { calibration_id: body.calibration_id, sha256: outcome.existing.sha256 },
      },
    );
  }

  /** The record of `id`; a 404 when there is none. */
  async get(id: string): Promise<Calibration> {
    const record = await this.store.get(id);
    if (!record) throw notFound("calibration", id);
    return record;
  }

  /** One page of records, of one machine or all, in id order. */
  async list(query: { machineId?: string; cursor?: string; limit: number }): Promise<ListedPage> {
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, ["string"] as const)[0];
    const page = await this.store.list({
      limit: query.limit,
      ...(query.machineId !== undefined ? { machineId: query.machineId } : {}),
      ...(after !== undefined ? { after } : {}),
    });
    return { items: page.items, next_cursor: page.next === null ? null : encodeCursor([page.next]) };
  }
}
