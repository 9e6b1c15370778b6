/**
 * `node dist/bench/postgres/list_plan.js [rows]`: the query plans of the run list on
 * PostgreSQL, for docs/operations/scale-out.md. Starts a server of its own (see
 * src/testing/postgres_server.ts), migrates a fresh database, fills `runs_index` with
 * `rows` (default 100 000) realistic index rows spread over a year — 6 modes, 40 tools,
 * 5 % BLOCKED, risk levels weighted — analyses it, and prints `EXPLAIN (ANALYZE,
 * BUFFERS)` of the exact SQL the store issues for typical pages: the first page,
 * filtered pages, a time window, and a deep cursor page; and the table's and indexes' sizes.
 */
import { PostgresRunStore, runListSql } from "../../src/plugins/runs/postgres_run_store.js";
import { migratedTestDatabase } from "../../src/testing/postgres_schema.js";
import type { RunListQuery } from "../../src/contracts/ports/run_store.js";

const rows = Number(process.argv[2] ?? 100_000);
const db = await migratedTestDatabase();
const pool = db.pool({ max: 2 });
try {
  const start = Date.UTC(2025, 6, 1) * 1000;
  const span = 365 * 24 * 3600 * 1_000_000;
  await pool.query(
    `INSERT INTO runs_index (run_id, created_us, created_at, created_at_utc, schema_version, mode, tool_id, status, risk_level, feasibility_sha256, sha256, size_bytes)
     SELECT 'run_' || upper(substr(md5(i::text), 1, 26)), us, to_timestamp(us / 1e6), to_char(to_timestamp(us / 1e6) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            '2.0.0', (ARRAY['rosette','inlay','pocket','profile','vcarve','drill'])[1 + i % 6], 'tool_' || (i * 7919 % 40),
            CASE WHEN i % 20 = 0 THEN 'BLOCKED' ELSE 'OK' END,
            CASE WHEN i % 20 = 0 THEN 'RED' WHEN i % 7 = 0 THEN 'YELLOW' ELSE 'GREEN' END,
            md5(i::text) || md5((i + 1)::text), md5((-i)::text) || md5((-i - 1)::text), 1800 + i % 900
       FROM (SELECT i, $1::bigint + (i::bigint * $2::bigint / $3::bigint) AS us FROM generate_series(1, $3::int) AS i) AS g`,
    [start, span, rows],
  );
  await pool.query("ANALYZE runs_index");
  const store = new PostgresRunStore(pool);
  const first = await store.list({ limit: 50 });
  const deep = await store.list({ limit: 50, after: { created_us: start + span / 2, run_id: "run_M" } });
  const cases: Array<[string, RunListQuery]> = [
    ["first page, no filter", { limit: 50 }],
    ["mode filter", { limit: 50, mode: "inlay" }],
    ["tool filter, second page", { limit: 50, tool_id: "tool_7", after: first.next ?? undefined }],
    ["status BLOCKED and risk RED", { limit: 50, status: "BLOCKED", risk_level: "RED" }],
    [
      "one week, mode filter",
      {
        limit: 50,
        mode: "pocket",
        created_from_us: start + span / 2,
        created_to_us: start + span / 2 + 7 * 24 * 3600 * 1_000_000,
      },
    ],
    ["a page half-way down (cursor)", { limit: 50, after: deep.next ?? undefined }],
  ];
  const sizes = await pool.query<{ name: string; size: string }>(
    `SELECT c.relname AS name, pg_size_pretty(pg_relation_size(c.oid)) AS size FROM pg_class c
      WHERE c.relname = 'runs_index' OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'runs_index'::regclass)
      ORDER BY c.relname`,
  );
  process.stdout.write(`runs_index rows: ${rows}\n${sizes.rows.map((r) => `  ${r.name}: ${r.size}`).join("\n")}\n\n`);
  for (const [title, query] of cases) {
    const { sql, params } = runListSql(query);
    const plan = await pool.query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql}`, params);
    process.stdout.write(`-- ${title}\n${sql}\n${plan.rows.map((r) => r["QUERY PLAN"]).join("\n")}\n\n`);
  }
} finally {
  await db.drop();
}
