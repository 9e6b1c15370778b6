/**
 * Unit tests of the full-storage recognition: the codes of a full file system, a full
 * SQLite and a full PostgreSQL, also when wrapped as a `cause`; other errors are not
 * taken for it; the free-space check reports a missing directory as not ready.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isStorageFull, storageSpaceCheck } from "./storage_full.js";

const coded = (code: string) => Object.assign(new Error(code), { code });

test("full-storage codes, direct or wrapped", () => {
  for (const code of ["ENOSPC", "EDQUOT", "SQLITE_FULL", "53100"]) {
    assert.equal(isStorageFull(coded(code)), true, code);
    assert.equal(isStorageFull(new Error("wrapped", { cause: coded(code) })), true, `${code} as a cause`);
  }
  for (const other of [
    coded("EACCES"),
    coded("SQLITE_BUSY"),
    coded("53200"),
    coded("25006"),
    new Error("no code"),
    "ENOSPC",
    undefined,
  ]) {
    assert.equal(isStorageFull(other), false, String(other));
  }
});

test("the free-space check: ok with room, not ok below the minimum or without the directory", async () => {
  assert.equal((await storageSpaceCheck(".", 0)).ok, true);
  const tooMuch = await storageSpaceCheck(".", Number.MAX_SAFE_INTEGER);
  assert.equal(tooMuch.ok, false);
  assert.match(tooMuch.detail, /storage full/);
  assert.equal((await storageSpaceCheck("/nonexistent-rmos-dir", 0)).ok, false);
});
