/**
 * The kernel refuses a plugin list it cannot load, naming the plugin: duplicate,
 * missing dependency, cycle, unknown name in RMOS_PLUGINS.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Plugin } from "./plugin.js";
import { PluginLoadError, orderPlugins } from "./plugin_order.js";

const p = (name: string, dependsOn: string[] = []): Plugin => ({ name, dependsOn, register() {} });

test("dependencies come first, list order is kept otherwise", () => {
  const order = orderPlugins([p("b", ["a"]), p("a"), p("c")], "all").map((x) => x.name);
  assert.deepEqual(order, ["a", "b", "c"]);
});
test("a duplicate name is refused", () => {
  assert.throws(() => orderPlugins([p("a"), p("a")], "all"), /plugin "a" is listed twice/);
});
test("a missing dependency names the plugin and the dependency", () => {
  assert.throws(() => orderPlugins([p("b", ["nope"])], "all"), /plugin "b" depends on "nope", which does not exist/);
});
test("a dependency switched off by RMOS_PLUGINS is named", () => {
  assert.throws(
    () => orderPlugins([p("a"), p("b", ["a"])], ["b"]),
    /depends on "a", which is not enabled in RMOS_PLUGINS/,
  );
});
test("a cycle is refused with its path", () => {
  assert.throws(
    () => orderPlugins([p("a", ["b"]), p("b", ["a"])], "all"),
    (e: unknown) => e instanceof PluginLoadError && /cycle: a -> b -> a/.test(e.message),
  );
});
test("an unknown name in RMOS_PLUGINS is refused", () => {
  assert.throws(() => orderPlugins([p("a")], ["a", "zz"]), /RMOS_PLUGINS names "zz"/);
});
test("a name that is not kebab-case is refused", () => {
  assert.throws(() => orderPlugins([p("Bad_Name")], "all"), /not kebab-case/);
});
