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

echo "== tests (node:test under c8, coverage floor in .c8rc.json)"
export LOG_LEVEL=silent
npx c8 node --test --test-concurrency=2 dist/src dist/test dist/packages
