/**
 * `--checks MODULE`: a module's contractChecks are loaded by path or by package export
 * (resolved from the working directory) and appended; a missing module, one without
 * the array, a malformed check or a reused id is a usage error naming the module.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { CONTRACT_CHECKS } from "./catalog.js";
import { UsageError } from "./cli_args.js";
import { loadExtraChecks } from "./extra_checks.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmos-extra-checks-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const check = (id: string) =>
  `{ id: ${JSON.stringify(id)}, title: "T", statement: "S", writes: "never", async run(ctx) { ctx.note("ran"); } }`;
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};

write("good.mjs", `export const contractChecks = [${check("plugin-a")}, ${check("plugin-b")}];`);
write(
  "node_modules/acme-plugin/package.json",
  JSON.stringify({ name: "acme-plugin", type: "module", exports: { "./contract": { default: "./c.js" } } }),
);
write("node_modules/acme-plugin/c.js", `export const contractChecks = [${check("acme-1")}];`);
write("none.mjs", "export const other = [];");
write("bad.mjs", `export const contractChecks = [{ id: "x", title: "T" }];`);
write("dup.mjs", `export const contractChecks = [${check("invariant-3")}];`);
write("throws.mjs", `throw new Error("broken module");`);

test("loads checks by path and by package export, after the catalog's", async () => {
  const loaded = await loadExtraChecks(["./good.mjs", "acme-plugin/contract"], CONTRACT_CHECKS, dir);
  assert.deepEqual(
    loaded.map((c) => c.id),
    ["plugin-a", "plugin-b", "acme-1"],
  );
  assert.deepEqual(await loadExtraChecks([], CONTRACT_CHECKS, dir), []);
});

test("refuses what cannot be run, naming the module", async () => {
  const cases: Array<[string, RegExp]> = [
    ["./missing.mjs", /--checks \.\/missing\.mjs: cannot load/],
    ["no-such-package/contract", /--checks no-such-package\/contract: not found/],
    ["./none.mjs", /exports no contractChecks array/],
    ["./bad.mjs", /contractChecks\[0\] is not a check/],
    ["./dup.mjs", /check id "invariant-3" is already used/],
    ["./throws.mjs", /broken module/],
  ];
  for (const [spec, message] of cases) {
    await assert.rejects(
      () => loadExtraChecks([spec], CONTRACT_CHECKS, dir),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      spec,
    );
  }
  await assert.rejects(
    () => loadExtraChecks(["./good.mjs", "./good.mjs"], CONTRACT_CHECKS, dir),
    /check id "plugin-a" is already used/,
  );
});
