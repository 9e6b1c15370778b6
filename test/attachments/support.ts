/**
 * Shared helpers of the attachments tests (no tests here): an embedded blob store
 * fixture for the contract kit, a kernel with the runs and attachments plugins, and
 * ways to damage stored blobs on disk.
 */
import fs from "node:fs/promises";
import path from "node:path";
import type { BlobStoreFixture } from "../../src/contracts/testing/blob_store_contract.js";
import { TEMP_PREFIX } from "../../src/kernel/fs/durable_files.js";
import { attachmentsPlugin } from "../../src/plugins/attachments/mod.js";
import { EmbeddedBlobStore } from "../../src/plugins/attachments/embedded_blob_store.js";
import { runsPlugin } from "../../src/plugins/runs/mod.js";
import { startTestKernel, startTestServer, tempDir, type TestKernelOptions } from "../../src/testing/test_kernel.js";

/** The plugins these tests load: runs and attachments (whatever src/plugins/index.ts lists). */
export const PLUGINS = [runsPlugin, attachmentsPlugin];

/** The path of a blob in an embedded data directory. */
export function blobPath(dataDir: string, sha256: string): string {
  return path.join(dataDir, "blobs", sha256.slice(0, 2), sha256);
}

/** Damages a stored blob file in place. */
export async function damageBlob(file: string, how: "delete" | "truncate" | "alter"): Promise<void> {
  if (how === "delete") return fs.unlink(file);
  await fs.chmod(file, 0o644);
  if (how === "truncate") {
    const st = await fs.stat(file);
    await fs.truncate(file, Math.floor(st.size / 2));
  } else {
    const handle = await fs.open(file, "r+");
    try {
      const one = Buffer.alloc(1);
      await handle.read(one, 0, 1, 0);
      one[0] = (one[0] as number) ^ 0xff;
      await handle.write(one, 0, 1, 0);
    } finally {
      await handle.close();
    }
  }
}

/** Every `.tmp-*` file under `<dataDir>/blobs` (root and shard directories). */
export async function tempFilesIn(dataDir: string): Promise<string[]> {
  const root = path.join(dataDir, "blobs");
  const found: string[] = [];
  const walk = async (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.isDirectory()) await walk(path.join(dir, e.name));
      else if (e.name.startsWith(TEMP_PREFIX)) found.push(path.relative(root, path.join(dir, e.name)));
    }
  };
  await walk(root);
  return found.sort();
}

/** A fresh embedded store in a temp directory, as a contract-kit fixture. */
export async function embeddedFixture(): Promise<BlobStoreFixture & { dataDir: string; store: EmbeddedBlobStore }> {
  const dataDir = tempDir("rmos-blobs-");
  const store = new EmbeddedBlobStore({ dataDir });
  await store.open();
  return {
    dataDir,
    store,
    damage: (sha, how) => damageBlob(blobPath(dataDir, sha), how),
    leftovers: () => tempFilesIn(dataDir),
    dispose: async () => {
      await store.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A started kernel with runs + attachments on a temp data directory. */
export function startKernel(options: TestKernelOptions = {}) {
  return startTestKernel({ plugins: PLUGINS, ...options });
}

/** A started server with runs + attachments on 127.0.0.1. */
export function startServer(options: TestKernelOptions = {}) {
  return startTestServer({ plugins: PLUGINS, ...options });
}
