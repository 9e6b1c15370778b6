/**
 * The attachments benchmark: upload and download throughput of one large blob through
 * the real service (`rmos serve` of this build in a child process, on 127.0.0.1),
 * each against the raw disk doing the same work in the same run — a
 * `cat file > copy; sync`-style write with fsync, and a `cat file > /dev/null`-style
 * read — plus the server's peak resident-memory growth during each transfer, sampled
 * from /proc (VmRSS every few milliseconds, and the kernel's own high-water mark
 * VmHWM, so that a peak between samples is not missed).
 *
 * Reads are measured from disk: the file's pages are dropped from the page cache
 * (`dd iflag=nocache count=0`, i.e. posix_fadvise DONTNEED) before the raw read and
 * before the download alike; where that is impossible both run warm, and a note says
 * so. Writes go to a new file each round (as each upload makes a new blob), and each
 * written file is dropped from the cache. Each writer starts from the same memory: a
 * primer file of the blob's size is read into the page cache and dropped right before
 * it, so that it finds that much free memory touched a moment ago (on a VM that hands
 * free memory back to the host, memory freed seconds ago costs seconds of kernel time
 * per GiB to fill: see {@link primeFreeMemory}). Each kind runs
 * `rounds` times, alternating with its baseline; the best of each is compared. The
 * client is curl (streaming both ways; node's fetch and http where curl is missing), so
 * that the client costs the shared cores little; the same client sending to a server
 * that drops the bytes gives the ceiling of HTTP alone, in the notes with the
 * warm-cache numbers.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { startChildServer } from "../../src/testing/child_server.js";
import { type BenchSection, fmt } from "../report.js";

const MiB = 1024 * 1024;
const CHUNK = MiB;
/** The target ratio to the raw disk, and the memory bound. */
const TARGET_RATIO = 0.5;
const RSS_LIMIT_BYTES = 64 * MiB;

export interface AttachmentsBenchOptions {
  readonly sizeBytes: number;
  readonly workDir: string;
  /** Measurements of each kind; the best of each is compared (default 3). */
  readonly rounds?: number;
}

/** Writes `size` random bytes to `file`, durably (setup, not timed). */
function makeSource(file: string, size: number): void {
  const fd = fs.openSync(file, "w");
  const buffer = Buffer.allocUnsafe(4 * MiB);
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(buffer.length, size - written);
      randomFillSync(buffer, 0, n);
      fs.writeSync(fd, buffer, 0, n);
      written += n;
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** `cat src > dst; sync`: copies with 1 MiB reads and writes, then fsyncs. Seconds. */
function rawWrite(src: string, dst: string): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const start = performance.now();
  const input = fs.openSync(src, "r");
  const output = fs.openSync(dst, "w");
  try {
    for (;;) {
      const n = fs.readSync(input, buffer, 0, CHUNK, null);
      if (n === 0) break;
      fs.writeSync(output, buffer, 0, n);
    }
    fs.fsyncSync(output);
  } finally {
    fs.closeSync(input);
    fs.closeSync(output);
  }
  return (performance.now() - start) / 1000;
}

/** `cat file > /dev/null`: reads with 1 MiB reads. Seconds. */
function rawRead(file: string): number {
  const buffer = Buffer.allocUnsafe(CHUNK);
  const start = performance.now();
  const fd = fs.openSync(file, "r");
  try {
    while (fs.readSync(fd, buffer, 0, CHUNK, null) > 0);
  } finally {
    fs.closeSync(fd);
  }
  return (performance.now() - start) / 1000;
}

/** Overwrites the first 16 bytes of `file` with new random bytes, so that each round uploads new content. */
function restamp(file: string): void {
  const fd = fs.openSync(file, "r+");
  try {
    fs.writeSync(fd, randomFillSync(Buffer.alloc(16)), 0, 16, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Drops a file's pages from the page cache; false when this system cannot. */
function evict(file: string): boolean {
  const r = spawnSync("dd", [`if=${file}`, "iflag=nocache", "count=0", "status=none"], { stdio: "ignore" });
  return r.status === 0;
}

/**
 * Reads `primer` (the blob's size) into the page cache and drops it again, right before
 * a writer runs: the writer then finds as much free memory, freed a moment ago.
 *
 * Why: this VM's balloon driver reports free memory to the host (virtio-balloon free
 * page reporting, about 2 s after it is freed), which takes the pages back; the first
 * write into such a page faults it in again on the host. Measured here, a 1 GiB
 * write + fsync into memory freed just before ran at 1 537–2 271 MiB/s (0.3 s of CPU),
 * 5 s after at 363–456 MiB/s (1.7 s of CPU). Without the primer, what a writer pays
 * depends on how long ago the step before it freed memory — a dice roll for the
 * baseline (610 / 1 578 / 1 570 MiB/s in one run) that depends on the other steps.
 * With it, the raw write always gets the fast case; so does the upload (which, writing
 * with O_DIRECT, does not fill the page cache at all). Reads from disk fill the page
 * cache as well, so the raw read and the download start after the primer too.
 */
function primeFreeMemory(primer: string): void {
  rawRead(primer);
  evict(primer);
}

/** Samples a process's resident memory from /proc while a transfer runs. */
class RssSampler {
  #peak = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #hwmBefore: number;
  readonly baseline: number;

  constructor(private readonly pid: number) {
    const s = RssSampler.read(pid);
    this.baseline = s.rss;
    this.#hwmBefore = s.hwm;
    this.#peak = s.rss;
    this.#timer = setInterval(() => {
      this.#peak = Math.max(this.#peak, RssSampler.read(pid).rss);
    }, 5);
  }

  /** VmRSS and VmHWM in bytes. */
  static read(pid: number): { rss: number; hwm: number } {
    const text = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  }

  /** Stops; the peak growth over the baseline, in bytes. */
  stop(): number {
    clearInterval(this.#timer);
    const end = RssSampler.read(this.pid);
    this.#peak = Math.max(this.#peak, end.rss);
    // A new high-water mark was set during the transfer: it is the exact peak.
    if (end.hwm > this.#hwmBefore) this.#peak = Math.max(this.#peak, end.hwm);
    return this.#peak - this.baseline;
  }
}

const mbps = (bytes: number, seconds: number) => bytes / MiB / seconds;

interface Uploaded {
  readonly seconds: number;
  readonly sha256: string;
  readonly status: number;
}

/** Uploads `file` by fetch, its body streamed from the file (`duplex: "half"`). */
async function fetchUpload(url: string, file: string, size: number): Promise<Uploaded> {
  const start = performance.now();
  const body = Readable.toWeb(fs.createReadStream(file, { highWaterMark: CHUNK })) as ReadableStream<Uint8Array>;
  const res = await fetch(url, {
    method: "POST",
    body,
    duplex: "half",
    headers: { "content-type": "application/octet-stream", "content-length": String(size) },
  } as RequestInit);
  const text = await res.text();
  const sha256 = res.status < 300 ? ((JSON.parse(text) as { sha256?: string }).sha256 ?? "") : "";
  return { seconds: (performance.now() - start) / 1000, sha256, status: res.status };
}

/** `curl -T file -X POST`: streams the file; answers curl's own transfer time. */
function curlUpload(url: string, file: string): Promise<Uploaded> {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", [
      "-sS",
      "-T",
      file,
      "-X",
      "POST",
      "-H",
      "expect:",
      "-H",
      "content-type: application/octet-stream",
      "-w",
      "\n%{http_code} %{time_total}",
      url,
    ]);
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const cut = out.lastIndexOf("\n");
      const [status, seconds] = out
        .slice(cut + 1)
        .split(" ")
        .map(Number);
      if (code !== 0 || seconds === undefined) return reject(new Error(`curl exited with ${code}: ${out}`));
      const body = out.slice(0, cut);
      const sha256 = (status ?? 0) < 300 ? ((JSON.parse(body) as { sha256?: string }).sha256 ?? "") : "";
      resolve({ seconds, sha256, status: status ?? 0 });
    });
  });
}

/** A node:http server that reads and drops request bodies: what HTTP alone costs here. */
async function discardServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      res.writeHead(201, { "content-type": "application/json" });
      res.end('{"sha256":""}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Whether `curl` can be run here. */
function haveCurl(): boolean {
  return spawnSync("curl", ["--version"], { stdio: "ignore" }).status === 0;
}

/** `curl -o /dev/null`: answers curl's own transfer time, the byte count and the status. */
function curlDownload(url: string): Promise<{ seconds: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download} %{time_total}", url]);
    let out = "";
    child.stdout.on("data", (d) => {
      out += String(d);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      const [status, bytes, seconds] = out.trim().split(" ").map(Number);
      if (code !== 0 || seconds === undefined) reject(new Error(`curl exited with ${code}: ${out}`));
      else resolve({ seconds, bytes: bytes ?? 0, status: status ?? 0 });
    });
  });
}

/** The same with node:http, counting and discarding the bytes (where curl is missing). */
function nodeDownload(url: string): Promise<{ seconds: number; bytes: number; status: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
        });
        res.on("end", () =>
          resolve({ seconds: (performance.now() - start) / 1000, bytes, status: res.statusCode ?? 0 }),
        );
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

async function createRun(baseUrl: string, sha256: string, size: number): Promise<string> {
  const res = await fetch(`${baseUrl}/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      mode: "toolpath",
      tool_id: "bench",
      status: "OK",
      request_summary: {},
      feasibility: { bench: true },
      decision: { risk_level: "GREEN", warnings: [], details: {} },
      attachments: [
        { sha256, kind: "bench", mime: "application/octet-stream", filename: "blob.bin", size_bytes: size },
      ],
    }),
  });
  if (res.status !== 201) throw new Error(`creating the run failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { run_id: string }).run_id;
}

/** Runs the benchmark; `sizeBytes` is the blob size (1 GiB in `npm run bench`). */
export async function runAttachmentsBench(opts: AttachmentsBenchOptions): Promise<BenchSection> {
  const { sizeBytes: size, workDir } = opts;
  const rounds = Math.max(1, opts.rounds ?? 3);
  fs.mkdirSync(workDir, { recursive: true });
  const source = path.join(workDir, "source.bin");
  const rawCopy = (round: number) => path.join(workDir, `raw-copy-${round}.bin`);
  const warm = path.join(workDir, "warm.bin");
  const primer = path.join(workDir, "primer.bin");
  const dataDir = path.join(workDir, "data");
  const notes: string[] = [];
  const sizeLabel = size >= 1024 * MiB ? `${fmt(size / 1024 / MiB, 2)} GiB` : `${fmt(size / MiB)} MiB`;
  const curl = haveCurl();
  const download = curl ? curlDownload : nodeDownload;
  const upload = (url: string, file: string) => (curl ? curlUpload(url, file) : fetchUpload(url, file, size));
  makeSource(source, size);
  makeSource(primer, size);
  makeSource(warm, 8 * MiB);

  const server = await startChildServer({
    RMOS_DATA_DIR: dataDir,
    RMOS_PLUGINS: "runs,attachments",
    RMOS_MAX_ATTACHMENT_BYTES: String(Math.max(size, 1024 * MiB)),
  });
  const pid = server.child.pid as number;
  const baseUrl = `${server.url}/api/rmos`;
  let sink: Awaited<ReturnType<typeof discardServer>> | undefined;
  try {
    // Warm up both paths (JIT, sockets) with a small blob before anything is timed.
    const w = curl
      ? await curlUpload(`${baseUrl}/attachments`, warm)
      : await fetchUpload(`${baseUrl}/attachments`, warm, 8 * MiB);
    await download(`${baseUrl}/runs/${await createRun(baseUrl, w.sha256, 8 * MiB)}/attachments/${w.sha256}`);
    await sleep(200);

    // Writes, alternating: raw copy + fsync, the upload of the same bytes (new bytes each
    // round), and the same client sending to a server that drops the bytes (HTTP alone).
    const rawWrites: number[] = [];
    const uploads: number[] = [];
    const discards: number[] = [];
    sink = await discardServer();
    const uploadGrowths: number[] = [];
    let uploadBaseline = 0;
    let sha256 = "";
    for (let r = 0; r < rounds; r++) {
      restamp(source);
      // A new file each round, as every upload makes a new blob. After each write its
      // (synced) pages are dropped; each writer starts right after the primer freed
      // the blob's size of recently touched memory (see primeFreeMemory).
      primeFreeMemory(primer);
      rawWrites.push(rawWrite(source, rawCopy(r)));
      evict(rawCopy(r));
      primeFreeMemory(primer);
      const sampler = new RssSampler(pid);
      const up = await upload(`${baseUrl}/attachments`, source);
      uploadGrowths.push(sampler.stop());
      uploadBaseline = sampler.baseline;
      if (up.status !== 201) throw new Error(`the upload answered ${up.status}`);
      uploads.push(up.seconds);
      sha256 = up.sha256;
      evict(path.join(dataDir, "blobs", sha256.slice(0, 2), sha256));
      discards.push((await upload(sink.url, source)).seconds);
    }
    const runId = await createRun(baseUrl, sha256, size);
    const blobUrl = `${baseUrl}/runs/${runId}/attachments/${sha256}`;
    const blobFile = path.join(dataDir, "blobs", sha256.slice(0, 2), sha256);

    // Reads from disk, alternating: the pages are dropped before the raw read and the download alike.
    const rawFile = rawCopy(rounds - 1);
    const cold = evict(rawFile) && evict(blobFile);
    if (!cold) notes.push("The page cache could not be dropped here: reads and downloads were both measured warm.");
    const rawReads: number[] = [];
    const downloads: number[] = [];
    const downloadGrowths: number[] = [];
    let downloadBaseline = 0;
    for (let r = 0; r < rounds; r++) {
      // Each reader fills the page cache too: it starts right after the primer, as the writers do.
      if (cold) evict(rawFile);
      primeFreeMemory(primer);
      rawReads.push(rawRead(rawFile));
      if (cold) evict(blobFile);
      primeFreeMemory(primer);
      const sampler = new RssSampler(pid);
      const down = await download(blobUrl);
      downloadGrowths.push(sampler.stop());
      downloadBaseline = sampler.baseline;
      if (down.status !== 200 || down.bytes !== size) {
        throw new Error(`the download answered ${down.status} with ${down.bytes} bytes`);
      }
      downloads.push(down.seconds);
    }
    // Warm page cache, for the notes.
    const warmRaw = Math.min(rawRead(rawFile), rawRead(rawFile));
    const warmDown = Math.min((await download(blobUrl)).seconds, (await download(blobUrl)).seconds);

    const verify = (await (await fetch(`${baseUrl}/runs/${runId}/attachments/verify`)).json()) as { ok: boolean };
    if (!verify.ok) throw new Error("the uploaded blob does not verify");

    const best = (xs: number[]) => Math.min(...xs);
    const uploadGrowth = Math.max(...uploadGrowths);
    const downloadGrowth = Math.max(...downloadGrowths);
    const mibs = (xs: number[]) => xs.map((x) => fmt(x / MiB, 1)).join(", ");
    const list = (xs: number[]) => xs.map((x) => fmt(mbps(size, x))).join(", ");
    const upRatio = best(rawWrites) / best(uploads);
    const downRatio = best(rawReads) / best(downloads);
    const rows = [
      {
        metric: `upload ${sizeLabel} (POST /attachments: stream, hash, fsync, link)`,
        value: `${fmt(mbps(size, best(uploads)))} MiB/s`,
        baseline: `${fmt(mbps(size, best(rawWrites)))} MiB/s raw write + fsync`,
        ratio: `${fmt(upRatio * 100)} %`,
        target: `≥ ${TARGET_RATIO * 100} %`,
        pass: upRatio >= TARGET_RATIO,
      },
      {
        metric: `download ${sizeLabel} (GET /runs/{id}/attachments/{sha256})${cold ? ", from disk" : ""}`,
        value: `${fmt(mbps(size, best(downloads)))} MiB/s`,
        baseline: `${fmt(mbps(size, best(rawReads)))} MiB/s raw read${cold ? " from disk" : ""}`,
        ratio: `${fmt(downRatio * 100)} %`,
        target: `≥ ${TARGET_RATIO * 100} %`,
        pass: downRatio >= TARGET_RATIO,
      },
      {
        metric: "server peak RSS growth during an upload",
        value: `${fmt(uploadGrowth / MiB, 1)} MiB`,
        baseline: `${fmt(uploadBaseline / MiB)} MiB RSS before`,
        ratio: `${fmt((uploadGrowth / size) * 100, 2)} % of the blob`,
        target: `< ${RSS_LIMIT_BYTES / MiB} MiB`,
        pass: uploadGrowth < RSS_LIMIT_BYTES,
      },
      {
        metric: "server peak RSS growth during a download",
        value: `${fmt(downloadGrowth / MiB, 1)} MiB`,
        baseline: `${fmt(downloadBaseline / MiB)} MiB RSS before`,
        ratio: `${fmt((downloadGrowth / size) * 100, 2)} % of the blob`,
        target: `< ${RSS_LIMIT_BYTES / MiB} MiB`,
        pass: downloadGrowth < RSS_LIMIT_BYTES,
      },
    ];
    notes.push(
      `Server: \`rmos serve\` of this build in a child process (runs + attachments plugins). Client on 127.0.0.1: ${curl ? "curl, streaming (`curl -T file -X POST`, `curl -o /dev/null`; its own transfer times)" : 'curl was not found: uploads by fetch with the file streamed (`duplex: "half"`), downloads by node:http'}. 2 cores shared by server, client and disk.`,
      `HTTP alone: the same client sending the same bytes to a node:http server that drops them reaches ${fmt(mbps(size, best(discards)))} MiB/s (${fmt((best(rawWrites) / best(discards)) * 100)} % of the raw write) — the ceiling for any HTTP upload on this machine; the upload reaches ${fmt((best(discards) / best(uploads)) * 100)} % of it.`,
      `Best of ${rounds} for each kind, measured alternately with its baseline (every round uploads new bytes). MiB/s per round — raw write: ${list(rawWrites)}; upload: ${list(uploads)}; HTTP alone: ${list(discards)}; raw read: ${list(rawReads)}; download: ${list(downloads)}.`,
      `Warm page cache: raw read ${fmt(mbps(size, warmRaw))} MiB/s, download ${fmt(mbps(size, warmDown))} MiB/s (${fmt((warmRaw / warmDown) * 100)} %) — with the file in memory the HTTP path is the limit, not the disk.`,
      "The upload's time includes hashing every byte (SHA-256), the fsync and the link; the raw write's includes its fsync. Each raw write goes to a new file, as each upload makes a new blob, and each written file's pages are dropped from the cache; right before each writer, a primer file of the blob's size is read and dropped, so that both start with that much memory freed a moment ago (so do the raw read and the download): on this VM free memory is handed back to the host about 2 s after it is freed, and filling such memory costs seconds of kernel time per GiB, so the writers must start from the same state (the fast one). Afterwards the blob was re-hashed (GET …/attachments/verify: ok).",
      `RSS is the server process's (VmRSS sampled every 5 ms, and VmHWM), growth over its value just before each transfer; the largest is reported. Per round, MiB — uploads: ${mibs(uploadGrowths)}; downloads: ${mibs(downloadGrowths)}. The first upload of a process grows most: the allocator takes in the socket's read buffers that wait for collection; later ones reuse that memory. Nothing grows with the blob's size.`,
    );
    return { title: `attachments: ${sizeLabel} blob upload and download`, rows, notes };
  } finally {
    await sink?.close();
    await server.stop();
    for (let r = 0; r < rounds; r++) fs.rmSync(rawCopy(r), { force: true });
    for (const f of [source, primer, warm]) fs.rmSync(f, { force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
