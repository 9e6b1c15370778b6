/** The version named in reports is the package's. */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { CONTRACT_VERSION } from "./version.js";

test("CONTRACT_VERSION equals packages/contract/package.json's version", () => {
  // compiled to dist/packages/contract/src/: the repository root is four levels up
  const pkg = JSON.parse(
    fs.readFileSync(new URL("../../../../packages/contract/package.json", import.meta.url), "utf8"),
  );
  assert.equal(CONTRACT_VERSION, pkg.version);
});
