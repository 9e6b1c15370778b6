/**
 * The run page against the real transparency log: a kernel with every plugin (the log
 * included, checkpoints every 10 ms), runs written through the API. The receipt is
 * verified with the repository's one verifier (src/contracts/tlog) and shown as such;
 * a receipt kept from before the log grew is verified too (a consistency proof from
 * its checkpoint to the latest); the log page shows the latest checkpoint as signed. The same console,
 * reaching the same kernel through a dispatcher that alters the receipt in transit
 * (another leaf index, a changed proof hash, a checkpoint signed by another key, the
 * receipt of another run), shows each as failed and names the check.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { after, before, describe, it } from "node:test";
import { formatCheckpoint, parseCheckpoint } from "../../src/contracts/tlog/checkpoint.js";
import { generateSigner } from "../../src/contracts/tlog/note_keys.js";
import { openNote, parseNote, signNote } from "../../src/contracts/tlog/signed_note.js";
import { createConsoleApp } from "../../src/plugins/console/console_app.js";
import { jsonBody, sampleRunRequest, startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

let t: TestKernel;
let runA: string;
let runB: string;

async function newRun(): Promise<string> {
  const res = await t.request("runs", jsonBody(sampleRunRequest()));
  assert.equal(res.status, 201);
  return ((await res.json()) as { run_id: string }).run_id;
}

/** Waits (bounded) until the run's receipt is served. */
async function receiptOf(runId: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const res = await t.request(`runs/${runId}/receipt`);
    if (res.status === 200) return (await res.json()) as Record<string, unknown>;
    assert.equal(res.status, 202, `receipt of ${runId}: ${res.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no receipt for ${runId} within 4 s`);
}

/** The receipt section of a run page. */
function receiptSection(html: string): string {
  const start = html.indexOf('id="receipt"');
  assert.ok(start >= 0, "the run page has a receipt section");
  return html.slice(start, html.indexOf("</section>", start));
}

/** The checkpoint size of a signed checkpoint note. */
function sizeOf(note: string): number {
  const opened = parseNote(note);
  assert.ok(opened.ok);
  const parsed = parseCheckpoint(opened.text);
  assert.ok(parsed.ok);
  return parsed.checkpoint.size;
}

/**
 * runA's page from a console whose API calls reach the real kernel, except that the
 * receipt is answered with `receipt` (a kept or an altered one).
 */
async function pageWithReceipt(receipt: Record<string, unknown>): Promise<string> {
  const app = createConsoleApp({ key: () => crypto.randomBytes(32), ttlSeconds: 3600 });
  const api = async (request: Request): Promise<Response> => {
    if (new URL(request.url).pathname !== `/api/rmos/runs/${runA}/receipt`) return t.kernel.app.fetch(request, {});
    return new Response(JSON.stringify(receipt), { status: 200, headers: { "content-type": "application/json" } });
  };
  const res = await app.request(`/ui/runs/${runA}`, {}, { api });
  assert.equal(res.status, 200);
  return res.text();
}

before(async () => {
  t = await startTestKernel({ env: { RMOS_LOG_CHECKPOINT_INTERVAL_MS: "10" } });
  runA = await newRun();
  await receiptOf(runA);
});
after(() => t.close());

describe("run page on the real log", () => {
  it("a run's receipt is verified and shown as such", async () => {
    const html = receiptSection(await (await t.kernel.app.request(`/ui/runs/${runA}`)).text());
    assert.match(html, /class="badge ok-true">verified</);
    assert.match(html, /The receipt checks against the log\./);
    for (const name of ["receipt", "leaf", "record", "latest checkpoint"]) {
      assert.match(html, new RegExp(`class="badge ok-true">passed</span> <strong>${name}</strong>`), name);
    }
    assert.doesNotMatch(html, /ok-false/);
  });

  it("a receipt kept from before the log grew is verified through a consistency proof", async () => {
    const kept = await receiptOf(runA);
    const keptSize = sizeOf(kept.checkpoint as string);
    runB = await newRun();
    await newRun();
    await receiptOf(runB);
    let latestSize = keptSize;
    for (let i = 0; i < 200 && latestSize <= keptSize; i++) {
      latestSize = sizeOf(await (await t.request("log/checkpoint")).text());
      if (latestSize <= keptSize) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(latestSize > keptSize, "the log grew");
    const html = receiptSection(await pageWithReceipt(kept));
    assert.match(html, /class="badge ok-true">verified</);
    assert.match(html, new RegExp(`has grown to ${latestSize} entries; a consistency proof shows it extends`));
    const log = await (await t.kernel.app.request("/ui/log")).text();
    assert.match(log, /class="badge ok-true">signed</);
  });

  it("a receipt altered in transit is shown as failed, naming the check", async () => {
    const genuine = await receiptOf(runA);
    const otherRun = await receiptOf(runB);
    const parsedNote = parseNote(genuine.checkpoint as string);
    assert.ok(parsedNote.ok);
    const checkpoint = parseCheckpoint(parsedNote.text);
    assert.ok(checkpoint.ok);
    const origin = checkpoint.checkpoint.origin;
    const forgedNote = signNote(formatCheckpoint(checkpoint.checkpoint), generateSigner(origin).signer);
    assert.equal(openNote(forgedNote, []).ok, false, "the forged note is signed by no known key");
    const proof = [...(genuine.inclusion_proof as string[])];
    const tamperings: Array<[string, Record<string, unknown>, string]> = [
      ["another leaf index", { ...genuine, leaf_index: (genuine.leaf_index as number) + 1 }, "receipt"],
      ["a checkpoint signed by another key", { ...genuine, checkpoint: forgedNote }, "receipt"],
      ["the receipt of another run", otherRun, "leaf"],
    ];
    if (proof.length > 0) {
      proof[0] = Buffer.alloc(32, 7).toString("base64");
      tamperings.push(["a changed proof hash", { ...genuine, inclusion_proof: proof }, "receipt"]);
    }
    for (const [what, altered, check] of tamperings) {
      const html = receiptSection(await pageWithReceipt(altered));
      assert.match(html, /class="badge ok-false">not verified</, what);
      assert.match(html, /The receipt does NOT check against the log\./, what);
      assert.match(html, new RegExp(`class="badge ok-false">failed</span> <strong>${check}</strong>`), what);
    }
  });
});
