/**
 * Test support: a kernel on a fresh temporary data directory, in process (for
 * `app.request()` tests) or listening on 127.0.0.1 with an ephemeral port (for
 * end-to-end tests). Not part of the service; used by tests and contract kits.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../kernel/config.js";
import { createKernel, type Kernel } from "../kernel/kernel.js";
import { createLogger } from "../kernel/logger.js";
import type { Plugin } from "../kernel/plugin_api/plugin.js";
import { listen, type RunningServer } from "../kernel/server.js";
import { ALL_PLUGINS } from "../plugins/index.js";

export interface TestKernel {
  readonly kernel: Kernel;
  readonly dataDir: string;
  /** `app.request` with the API base prepended to relative paths. */
  request(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** Closes the kernel and removes the data directory (unless `keepData`). */
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface TestKernelOptions {
  /** The plugins (default: the built-in ones). */
  readonly plugins?: readonly Plugin[];
  /** Plugins loaded after those: a plugin package's own, in its tests (`rmos-runs/testing/test_kernel.js`). */
  readonly extraPlugins?: readonly Plugin[];
  readonly env?: Readonly<Record<string, string>>;
  /** Reuse this data directory instead of a new one. */
  readonly dataDir?: string;
}

/** A fresh temporary directory. */
export function tempDir(prefix = "rmos-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Builds and starts a kernel on a temporary data directory. */
export async function startTestKernel(options: TestKernelOptions = {}): Promise<TestKernel> {
  const dataDir = options.dataDir ?? tempDir();
  const config = loadConfig({ LOG_LEVEL: "silent", PORT: "0", ...options.env, RMOS_DATA_DIR: dataDir });
  const kernel = createKernel({
    config,
    plugins: [...(options.plugins ?? ALL_PLUGINS), ...(options.extraPlugins ?? [])],
    logger: createLogger(config.logLevel, 2),
  });
  await kernel.start();
  return {
    kernel,
    dataDir,
    request: (p, init) => {
      const url = p.startsWith("http") || p.startsWith("/") ? p : `/api/rmos/${p}`;
      return Promise.resolve(kernel.app.request(url, init));
    },
    close: async ({ keepData = false } = {}) => {
      await kernel.close();
      if (!keepData && !options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A started kernel listening on 127.0.0.1 with an ephemeral port. */
export async function startTestServer(
  options: TestKernelOptions = {},
): Promise<TestKernel & { server: RunningServer; baseUrl: string }> {
  const t = await startTestKernel({ ...options, env: { HOST: "127.0.0.1", ...options.env } });
  const server = await listen(t.kernel);
  return {
    ...t,
    server,
    baseUrl: `${server.url}/api/rmos`,
    close: async ({ keepData = false } = {}) => {
      await server.close(); // closes the kernel too
      if (!keepData && !options.dataDir) fs.rmSync(t.dataDir, { recursive: true, force: true });
    },
  };
}

/** A valid create-run body; `overrides` are merged at the top level. */
export function sampleRunRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    mode: "rosette",
    tool_id: "tool_vbit_60",
    status: "OK",
    request_summary: { design_id: "design_0001", params: { ring_count: 3 } },
    feasibility: { material: "maple", depth_mm: 1.5, checks: [{ name: "chipload", ok: true, value: 0.02 }] },
    decision: { risk_level: "GREEN", score: 0.93, warnings: [], details: {} },
    outputs: { gcode_text: "G21\nG90\nM3 S18000\nG1 X1 Y1 F800\nM5\nM30\n", toolpaths: { segments: 12 } },
    meta: { operator: "ana" },
    ...overrides,
  };
}

/** JSON request init for `request`. */
export function jsonBody(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}
