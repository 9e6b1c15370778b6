/**
 * The crash tests' burst: eight clients create runs (2 KB of padding each) against a
 * real `rmos serve` child until `killAfter` more creates are acknowledged, then the
 * server is killed with SIGKILL mid-burst. Only answers that arrived count as
 * acknowledged: a request cut off by the kill never got its 201.
 */
import { makeCreateBody } from "../contracts/testing/artifacts.js";
import type { ChildServer } from "./child_server.js";

/**
 * Bursts creates at `server`, adds each acknowledged run's answered bytes to
 * `acknowledged` (by run id), and kills the server once `killAfter` (default 60) more
 * are in; `round` goes into the runs' meta so rounds never repeat a body.
 */
export async function burstCreatesThenKill9(
  server: ChildServer,
  acknowledged: Map<string, Buffer>,
  round: number,
  killAfter = 60,
): Promise<void> {
  let stop = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop && i < 10_000; i++) {
      try {
        const res = await fetch(`${server.url}/api/rmos/runs`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(makeCreateBody({ meta: { round, w, i, pad: "x".repeat(2000) } })),
        });
        if (res.status === 201) {
          const bytes = Buffer.from(await res.arrayBuffer());
          acknowledged.set(JSON.parse(bytes.toString()).run_id, bytes);
        }
      } catch {
        return; // the server died under us: this request was never acknowledged
      }
    }
  };
  const writers = Array.from({ length: 8 }, (_, w) => writer(w));
  const target = acknowledged.size + killAfter;
  while (acknowledged.size < target) await new Promise((r) => setTimeout(r, 5));
  await server.kill9();
  stop = true;
  await Promise.all(writers);
}
