/**
 * The transparency-log plugin's handlers: thin — parse the tile path strictly, ask
 * the service, shape the answer (content types, cache headers, problem+json for a
 * bad path or a tile, proof or record that does not exist).
 */
import { receiptReply } from "../../contracts/log_receipts.js";
import { type IndexedLeaf, LogRangeError, type TransparencyLog } from "../../contracts/ports/transparency_log.js";
import { ProblemError } from "../../contracts/problem.js";
import { encodeBase64 } from "../../contracts/tlog/base64.js";
import { encodeEntryBundle } from "../../contracts/tlog/entry_bundle.js";
import { parseTilePath, TILE_WIDTH } from "../../contracts/tlog/tile_path.js";
import type { RouteRegistrar } from "../../kernel/plugin_api/routes.js";
import {
  checkpointRoute,
  consistencyProofRoute,
  inclusionProofRoute,
  receiptRoute,
  tileRoutes,
  verifierKeyRoute,
} from "./routes.js";

/** What the routes ask of the log: the port, and the tiles and entry bundles it serves. */
export interface LogRoutesService extends TransparencyLog {
  tile(level: number, index: number, width: number): Uint8Array | undefined | Promise<Uint8Array | undefined>;
  entries(index: number, width: number): IndexedLeaf[] | undefined | Promise<IndexedLeaf[] | undefined>;
}

const TEXT = "text/plain; charset=utf-8";
const IMMUTABLE = "public, max-age=31536000, immutable";
const SHORT = "public, max-age=5";

function rangeProblem(error: unknown): never {
  if (error instanceof LogRangeError) {
    throw new ProblemError(error.beyondLog ? 404 : 400, error.message, { slug: "log-range" });
  }
  throw error;
}

/** Registers the log routes with their handlers. */
export function registerLogRoutes(r: RouteRegistrar, service: () => LogRoutesService): void {
  r.openapi(checkpointRoute, async (c) => {
    const checkpoint = await service().latestCheckpoint();
    return c.body(checkpoint.note, 200, { "content-type": TEXT, "cache-control": "no-cache" }) as never;
  });

  r.openapi(verifierKeyRoute, (c) => c.body(`${service().verifierKey}\n`, 200, { "content-type": TEXT }) as never);

  for (const route of tileRoutes) {
    r.openapi(route, async (c) => {
      const params = c.req.valid("param") as Record<string, string>;
      const elements = Object.keys(params)
        .filter((k) => k.startsWith("n"))
        .sort()
        .map((k) => params[k]);
      const path = `tile/${params.level}/${elements.join("/")}`;
      const parsed = parseTilePath(path);
      if (!parsed.ok) throw new ProblemError(400, `${path}: ${parsed.reason}`, { slug: "tile-path" });
      const { level, index, width } = parsed.tile;
      const full = width === TILE_WIDTH;
      let bytes: Uint8Array | undefined;
      if (level === "entries") {
        const leaves = await service().entries(index, width);
        bytes = leaves && encodeEntryBundle(leaves.map((l) => Buffer.from(l.text, "utf8")));
      } else {
        bytes = await service().tile(level, index, width);
      }
      if (!bytes) {
        throw new ProblemError(
          404,
          full
            ? `${path} is not complete yet: fetch its partial form (.p/<W>) for the width the checkpoint implies`
            : `${path} does not exist: the log is not that large`,
          { slug: "tile-not-found" },
        );
      }
      return c.body(new Uint8Array(bytes), 200, {
        "content-type": "application/octet-stream",
        "cache-control": full ? IMMUTABLE : SHORT,
      }) as never;
    });
  }

  r.openapi(inclusionProofRoute, async (c) => {
    const { index, size } = c.req.valid("query");
    const hashes = await service().inclusionProof(index, size).catch(rangeProblem);
    return c.json({ index, size, hashes: hashes.map(encodeBase64) }, 200);
  });

  r.openapi(consistencyProofRoute, async (c) => {
    const { from, to } = c.req.valid("query");
    const hashes = await service().consistencyProof(from, to).catch(rangeProblem);
    return c.json({ from, to, hashes: hashes.map(encodeBase64) }, 200);
  });

  r.openapi(receiptRoute, async (c) => {
    const { type, id } = c.req.valid("query");
    const reply = receiptReply(await service().receipt(type, id), `${type} ${id}`);
    if (reply.status === 202) {
      c.header("Retry-After", reply.retryAfter);
      return c.json(reply.body, 202);
    }
    return c.json(reply.body, 200);
  });
}
