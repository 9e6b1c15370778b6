/** Strict reading of the Authorization header, with hostile variants. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_CREDENTIAL_LENGTH, readBearer } from "./bearer_header.js";

test("Bearer <b64token>: the scheme in any case, one space, the credential", () => {
  assert.deepEqual(readBearer("Bearer abc.DEF-_~+/=="), { kind: "bearer", credential: "abc.DEF-_~+/==" });
  assert.deepEqual(readBearer("bearer x"), { kind: "bearer", credential: "x" });
  assert.deepEqual(readBearer("BEARER x"), { kind: "bearer", credential: "x" });
  assert.deepEqual(readBearer(undefined), { kind: "absent" });
});

test("anything else is malformed", () => {
  for (const bad of [
    "",
    "Bearer",
    "Bearer ",
    "Bearer  x",
    " Bearer x",
    "Bearer x ",
    "Bearer x y",
    "Bearer x,Bearer y",
    "Basic dXNlcjpwYXNz",
    "Token x",
    "Bearerx",
    "Bearer\tx",
    "Bearer x\r\n",
    "Bearer =x",
    "Bearer x=y",
    "Bearer \u00e9",
    "Bearer x\u0000",
    `Bearer ${"a".repeat(MAX_CREDENTIAL_LENGTH + 1)}`,
  ]) {
    assert.deepEqual(readBearer(bad), { kind: "malformed" }, JSON.stringify(bad.slice(0, 40)));
  }
  assert.equal(readBearer(`Bearer ${"a".repeat(MAX_CREDENTIAL_LENGTH)}`).kind, "bearer");
});

test("a huge header is refused without running the pattern over it (bounded time)", () => {
  const huge = `Bearer ${"a".repeat(10_000_000)}`;
  const started = process.hrtime.bigint();
  assert.deepEqual(readBearer(huge), { kind: "malformed" });
  assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 50);
});
