/**
 * Reading a stored advisory asset back, the same on every backend: the bytes must parse
 * as an asset record, name the asset asked for, be the canonical JSON that was written,
 * and carry the content hash of their own suggestion data. Anything else is
 * CorruptAdvisoryError naming the asset and where it was read.
 */
import { canonicalize } from "../../contracts/jcs.js";
import {
  type AdvisoryAssetRecord,
  advisoryContentHash,
  CorruptAdvisoryError,
} from "../../contracts/ports/advisory_store.js";
import { StoredAssetSchema } from "./schemas.js";

/** The asset record in `bytes`, checked; `where` names the file or row for the error. */
export function parseStoredAsset(assetId: string, bytes: Buffer, where: string): AdvisoryAssetRecord {
  let parsed: AdvisoryAssetRecord;
  try {
    parsed = StoredAssetSchema.parse(JSON.parse(bytes.toString("utf8"))) as AdvisoryAssetRecord;
  } catch (error) {
    throw new CorruptAdvisoryError(
      assetId,
      where,
      `not a valid asset record (${(error as Error).message.slice(0, 200)})`,
    );
  }
  if (parsed.asset_id !== assetId) throw new CorruptAdvisoryError(assetId, where, `it names ${parsed.asset_id}`);
  if (canonicalize(parsed) !== bytes.toString("utf8")) {
    throw new CorruptAdvisoryError(assetId, where, "its bytes are not the canonical JSON that was written");
  }
  const actual = advisoryContentHash(parsed.suggestion_data);
  if (actual !== parsed.content_hash) {
    throw new CorruptAdvisoryError(assetId, where, `content hash is ${actual}, the record says ${parsed.content_hash}`);
  }
  return parsed;
}
