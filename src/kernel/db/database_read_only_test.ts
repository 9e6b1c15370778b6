/**
 * Unit tests of the read-only-database recognition: PostgreSQL's 25006
 * (read_only_sql_transaction), also when wrapped as a `cause`, is recognised; a full
 * disk (53100), out of memory (53200) and other errors are not taken for it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isDatabaseReadOnly } from "./database_read_only.js";

const coded = (code: string) => Object.assign(new Error(code), { code });

test("25006 is a read-only database, direct or wrapped", () => {
  assert.equal(isDatabaseReadOnly(coded("25006")), true);
  assert.equal(isDatabaseReadOnly(new Error("wrapped", { cause: coded("25006") })), true);
});

test("other codes and non-errors are not a read-only database", () => {
  for (const other of [coded("53100"), coded("53200"), coded("25P02"), coded("ENOSPC"), new Error("x"), "25006"]) {
    assert.equal(isDatabaseReadOnly(other), false, String(other));
  }
});
