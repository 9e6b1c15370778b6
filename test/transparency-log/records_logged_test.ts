/**
 * Every audit-trail record is appended to the transparency log as it is stored: a
 * run, an advisory asset, its review event, its link to a run and a workflow-session
 * event each get a leaf whose sha256 is the SHA-256 of the record's stored canonical
 * bytes. With the log plugin left out (RMOS_PLUGINS) the same records are stored and
 * nothing breaks. After a crash between an advisory file and its leaf, the announced
 * leaf is appended at start; a file nobody announced stays out of the log.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { TRANSPARENCY_LOG } from "../../src/contracts/ports/transparency_log.js";
import { advisoryLinkLeafId, recordLeaf, sessionEventLeaf } from "../../src/contracts/record_leaves.js";
import type { SessionEventRecord } from "../../src/contracts/ports/session_store.js";
import { FileAdvisoryStore } from "../../src/plugins/advisory/file_store.js";
import {
  jsonBody,
  sampleRunRequest,
  startTestKernel,
  tempDir,
  type TestKernel,
} from "../../src/testing/test_kernel.js";

// biome-ignore lint/suspicious/noExplicitAny: assertions read response documents loosely; a wrong guess fails the test
type Doc = Record<string, any>;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function ok(res: Response | Promise<Response>, status: number): Promise<Doc> {
  const r = await res;
  assert.equal(r.status, status, await r.clone().text());
  return (await r.json()) as Doc;
}

const assetBody = { asset_type: "SUGGESTION", source: "ai", provider: "model-x@2", suggestion_data: { a: 1 } };

/** Stores one record of each kind; answers them. */
async function storeEveryKind(t: TestKernel) {
  const run = await ok(t.request("runs", jsonBody(sampleRunRequest())), 201);
  const asset = await ok(t.request("advisories", jsonBody(assetBody)), 201);
  await ok(
    t.request(`advisories/${asset.asset_id}/review`, jsonBody({ decision: "approve", reviewer_id: "ann" })),
    201,
  );
  await ok(
    t.request(`runs/${run.run_id}/attach-advisory`, jsonBody({ advisory_id: asset.asset_id, kind: "explanation" })),
    201,
  );
  const session = await ok(t.request("workflow-sessions", jsonBody({ workflow: "rosette-cut" })), 201);
  await ok(
    t.request(
      `workflow-sessions/${session.session_id}/events`,
      jsonBody({ event: "submit_feasibility" }, { "if-match": '"1"' }),
    ),
    200,
  );
  return { run, asset, session };
}

const dayOf = (id: string, created: string) => created.slice(0, 10) || id;

describe("records appended to the transparency log as they are stored", () => {
  test("a run, an asset, its review, its link and a session event each have their leaf", async () => {
    const t = await startTestKernel();
    try {
      const { run, asset, session } = await storeEveryKind(t);
      const log = t.kernel.resolve(TRANSPARENCY_LOG);
      const runDir = path.join(t.dataDir, "runs", dayOf(run.run_id, run.created_at_utc));
      const advDir = path.join(t.dataDir, "advisories", dayOf(asset.asset_id, asset.created_at_utc));
      const expected: Array<[Parameters<typeof log.leafOf>[0], string, Buffer]> = [
        ["run", run.run_id, fs.readFileSync(path.join(runDir, `${run.run_id}.json`))],
        ["advisory_asset", asset.asset_id, fs.readFileSync(path.join(advDir, `${asset.asset_id}.json`))],
        ["advisory_review", asset.asset_id, fs.readFileSync(path.join(advDir, `${asset.asset_id}.review.json`))],
        [
          "advisory_link",
          advisoryLinkLeafId(run.run_id, asset.asset_id),
          fs.readFileSync(path.join(runDir, `${run.run_id}_advisory_${asset.asset_id}.json`)),
        ],
      ];
      for (const [type, id, bytes] of expected) {
        const found = await log.leafOf(type, id);
        assert.ok(found, `${type} ${id} is in the log`);
        assert.equal(found.leaf.sha256, sha256(bytes), `${type} ${id}: the leaf holds its stored bytes' sha256`);
      }
      const events = (await ok(t.request(`workflow-sessions/${session.session_id}/events`), 200)) as Doc;
      const event = events.items[0] as SessionEventRecord;
      const sessionLeaf = sessionEventLeaf(session.session_id, event);
      assert.deepEqual((await log.leafOf("session_event", sessionLeaf.id))?.leaf, sessionLeaf);
      assert.equal(await log.size(), 5, "one leaf per record, nothing else");
      assert.deepEqual(await log.announced("advisory_asset"), [], "no intent left behind");
    } finally {
      await t.close();
    }
  });

  test("with the log plugin left out, the same records are stored", async () => {
    const t = await startTestKernel({
      env: { RMOS_PLUGINS: "runs,attachments,advisory,diff,workflow-sessions,schema-migrations,v1-compat" },
    });
    try {
      assert.ok(!t.kernel.pluginNames.includes("transparency-log"));
      const { run } = await storeEveryKind(t);
      assert.equal((await t.request(`runs/${run.run_id}`)).status, 200);
      assert.equal((await t.request("log/checkpoint")).status, 404);
    } finally {
      await t.close();
    }
  });

  test("at start, an announced advisory leaf whose file is stored is appended; an unannounced file is not", async () => {
    const dataDir = tempDir("rmos-adv-recovery-");
    try {
      let t = await startTestKernel({ dataDir });
      const asset = await ok(t.request("advisories", jsonBody(assetBody)), 201);
      const stored = (await new FileAdvisoryStore({ dataDir }).getAsset(asset.asset_id)) as Doc;
      await t.close({ keepData: true });

      // Two more assets written as the service writes them, but with no leaf appended:
      // one announced first (a crash between the file and its leaf), one not (slipped in).
      const plain = new FileAdvisoryStore({ dataDir });
      const crashed = { ...stored, asset_id: asset.asset_id.replace(/.$/, (c: string) => (c === "0" ? "1" : "0")) };
      const slipped = { ...stored, asset_id: asset.asset_id.replace(/..$/, "ZZ") };
      t = await startTestKernel({ dataDir });
      const log = t.kernel.resolve(TRANSPARENCY_LOG);
      await plain.createAsset(crashed as never);
      await plain.createAsset(slipped as never);
      const crashedFile = fs.readFileSync(
        path.join(plain.root, dayOf("", stored.created_at_utc), `${crashed.asset_id}.json`),
      );
      await log.announce([recordLeaf("advisory_asset", crashed.asset_id, crashedFile, stored.created_at_utc)]);
      await t.close({ keepData: true });

      t = await startTestKernel({ dataDir });
      try {
        const after = t.kernel.resolve(TRANSPARENCY_LOG);
        assert.equal((await after.leafOf("advisory_asset", crashed.asset_id))?.leaf.sha256, sha256(crashedFile));
        assert.equal(await after.leafOf("advisory_asset", slipped.asset_id), undefined, "a file nobody announced");
        assert.deepEqual(await after.announced("advisory_asset"), []);
      } finally {
        await t.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
