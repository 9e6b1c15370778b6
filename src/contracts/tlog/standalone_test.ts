/**
 * The toolkit stays importable alone (a client package ships this folder as it is):
 * its modules import only each other, node built-ins, and the RFC 8785 serializer —
 * and the whole folder loads without the rest of the service.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

test("src/contracts/tlog imports nothing outside itself but node:* and ../jcs.js", async () => {
  const dir = fileURLToPath(new URL("./", import.meta.url));
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".js") && !f.endsWith("_test.js"));
  assert.ok(files.includes("mod.js") && files.length > 10);
  for (const file of files) {
    const source = fs.readFileSync(`${dir}/${file}`, "utf8");
    const statics = source.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm);
    const dynamics = source.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g);
    for (const match of [...statics, ...dynamics]) {
      const spec = match[1] as string;
      const allowed = spec.startsWith("node:") || /^\.\/[a-z0-9_]+\.js$/.test(spec) || spec === "../jcs.js";
      assert.ok(allowed, `${file} imports ${spec}`);
    }
  }
  const mod = await import("./mod.js");
  assert.equal(typeof mod.verifyReceipt, "function");
});
