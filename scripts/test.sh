#!/usr/bin/env bash
# The one test command (npm test): format + lint, OpenAPI lint, typecheck + build, then every unit,
# contract, end-to-end and crash test under c8 with a coverage floor.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== format and lint (biome)"
npx biome check .

echo "== OpenAPI lint (spectral, spectral:oas ruleset in .spectral.yaml)"
npx spectral lint openapi.json --fail-severity=warn

echo "== typecheck and build (tsc)"
rm -rf dist
npm run --silent build

echo "== PostgreSQL for the tests (one server for the suite, a database per test file)"
# src/testing/postgres_server.ts: the npm package's server binaries, on 127.0.0.1, in a
# temp folder; without fsync (a test that needs durability starts a server of its own).
pg_url_file="$(mktemp)"
node dist/src/testing/postgres_server_main.js --fast >"$pg_url_file" &
pg_pid=$!
trap 'kill "$pg_pid" 2>/dev/null && wait "$pg_pid"; rm -f "$pg_url_file"' EXIT
for _ in $(seq 1 600); do
  grep -q '^postgres://' "$pg_url_file" && break
  kill -0 "$pg_pid" 2>/dev/null || { echo "the test PostgreSQL server did not start" >&2; exit 1; }
  sleep 0.1
done
RMOS_TEST_PG_URL="$(head -n 1 "$pg_url_file")"
export RMOS_TEST_PG_URL RMOS_TEST_PG_DURABLE=0

echo "== tests (node:test under c8, coverage floor in .c8rc.json)"
# The example plugin package's tests (examples/*/dist) import the plugin API by the service's
# package name, as a plugin outside the repository does; register.js resolves that name to
# this checkout in every test process (src/kernel/plugin_packages/resolve_hook.ts).
export LOG_LEVEL=silent
npx c8 node --import ./dist/src/kernel/plugin_packages/register.js --test --test-concurrency=2 \
  dist/src dist/test dist/packages dist/bench examples/machine-calibration/dist
