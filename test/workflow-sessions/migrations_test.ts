/**
 * The plugin's SQL migrations inside the kernel: a restart on the same data applies
 * nothing and keeps the sessions; an edited applied migration of this plugin stops
 * the start with a message naming the file; a pending one makes `/readyz` 503.
 * The plugin is started from a copy of its migrations folder so the copy can be
 * edited without touching the source tree.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import Sqlite from "better-sqlite3";
import { loadConfig } from "../../src/kernel/config.js";
import { MigrationDriftError } from "../../src/kernel/db/migrations.js";
import { createKernel, type Kernel } from "../../src/kernel/kernel.js";
import { createLogger } from "../../src/kernel/logger.js";
import type { Plugin } from "../../src/kernel/plugin_api/plugin.js";
import { ALL_PLUGINS } from "../../src/plugins/index.js";
import { workflowSessionsPlugin } from "../../src/plugins/workflow-sessions/mod.js";
import { jsonBody, startTestKernel } from "../../src/testing/test_kernel.js";

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

const runs = ALL_PLUGINS.find((p) => p.name === "runs") as Plugin;

/** The plugin, reading its migrations from a copy of its folder; answers both. */
function pluginWithCopiedMigrations(only?: string[]): { plugin: Plugin; folder: string } {
  const folder = path.join(tempDir("rmos-wfs-migrations-"), "migrations");
  const source = fileURLToPath(workflowSessionsPlugin.migrations?.sqlite as URL);
  fs.mkdirSync(folder);
  for (const file of fs.readdirSync(source).filter((f) => f.endsWith(".sql"))) {
    if (!only || only.includes(file)) fs.copyFileSync(path.join(source, file), path.join(folder, file));
  }
  return { plugin: { ...workflowSessionsPlugin, migrations: { sqlite: pathToFileURL(`${folder}/`) } }, folder };
}

/** A kernel on `dataDir`, not started. */
function kernelFor(dataDir: string, plugins: Plugin[], env: Record<string, string> = {}): Kernel {
  const config = loadConfig({ LOG_LEVEL: "silent", ...env, RMOS_DATA_DIR: dataDir });
  return createKernel({ config, plugins, logger: createLogger(config.logLevel, 2) });
}

const migrationRows = (dataDir: string) => {
  const db = new Sqlite(path.join(dataDir, "rmos.db"), { readonly: true });
  try {
    return db.prepare("SELECT plugin, id, checksum, applied_at FROM rmos_migrations ORDER BY plugin, id").all();
  } finally {
    db.close();
  }
};

describe("workflow-sessions migrations in the kernel", () => {
  test("a second start on the same data applies nothing and keeps the sessions", async () => {
    const dataDir = tempDir("rmos-wfs-data-");
    const first = await startTestKernel({ dataDir, plugins: [runs, workflowSessionsPlugin] });
    const created = await first.request("workflow-sessions", jsonBody({ workflow: "restart" }));
    assert.equal(created.status, 201);
    const session = (await created.json()) as { session_id: string };
    await first.close();
    const rows = migrationRows(dataDir);
    assert.deepEqual(
      (rows as Array<{ plugin: string; id: string }>).filter((r) => r.plugin === "workflow-sessions").map((r) => r.id),
      ["0001_init_workflow_sessions", "0002_add_indexes", "0003_created_by"],
    );

    const second = await startTestKernel({ dataDir, plugins: [runs, workflowSessionsPlugin] });
    try {
      assert.deepEqual(migrationRows(dataDir), rows, "nothing re-applied, nothing re-recorded");
      const again = await second.request(`workflow-sessions/${session.session_id}`);
      assert.equal(again.status, 200);
    } finally {
      await second.close();
    }
  });

  test("an edited applied migration (even a comment) stops the start with a message naming it", async () => {
    const dataDir = tempDir("rmos-wfs-data-");
    const { plugin, folder } = pluginWithCopiedMigrations();
    const first = await startTestKernel({ dataDir, plugins: [runs, plugin] });
    await first.close();
    fs.appendFileSync(path.join(folder, "0001_init_workflow_sessions.sql"), "\n-- a harmless-looking edit\n");
    const kernel = kernelFor(dataDir, [runs, plugin]);
    try {
      await assert.rejects(kernel.start(), (error: unknown) => {
        assert.ok(error instanceof MigrationDriftError, String(error));
        assert.match(
          error.message,
          /workflow-sessions\/0001_init_workflow_sessions: file checksum .* differs from the applied/,
        );
        assert.match(error.message, /Restore the original files/);
        return true;
      });
    } finally {
      await kernel.close();
    }
  });

  test("/readyz is 503 while one of the plugin's migrations is pending", async () => {
    const dataDir = tempDir("rmos-wfs-data-");
    const { plugin, folder } = pluginWithCopiedMigrations(["0001_init_workflow_sessions.sql"]);
    const first = await startTestKernel({ dataDir, plugins: [runs, plugin] });
    assert.equal((await first.request("/readyz")).status, 200);
    await first.close();
    fs.copyFileSync(
      path.join(fileURLToPath(workflowSessionsPlugin.migrations?.sqlite as URL), "0002_add_indexes.sql"),
      path.join(folder, "0002_add_indexes.sql"),
    );
    const second = kernelFor(dataDir, [runs, plugin], { RMOS_AUTO_MIGRATE: "false" });
    try {
      await second.openDatabase();
      const res = await second.app.request("/readyz");
      assert.equal(res.status, 503);
      const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; detail: string }> };
      const check = body.checks.find((c) => c.name === "migrations");
      assert.equal(check?.ok, false);
      assert.match(check?.detail ?? "", /\b1 pending\b/);
      await assert.rejects(second.start(), /workflow-sessions\/0002_add_indexes.*rmos db migrate/);
      assert.deepEqual(
        (await second.migrate()).map((m) => `${m.plugin}/${m.id}`),
        ["workflow-sessions/0002_add_indexes"],
      );
      assert.equal((await second.app.request("/readyz")).status, 200);
    } finally {
      await second.close();
    }
  });
});
