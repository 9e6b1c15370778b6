/**
 * The kernel orders plugins from what they provide and consume, and refuses a plugin
 * list it cannot load with a message naming both ends: duplicate name, duplicate
 * provider (both plugins), missing provider (consumer, token, and the plugin that
 * RMOS_PLUGINS left out), cycle (every edge), unknown name in RMOS_PLUGINS.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { token, type Token } from "../contracts/token.js";
import { type Consumes, definePlugin, late, optional, type Plugin } from "./plugin_api/plugin.js";
import { PluginLoadError, orderPlugins } from "./plugin_order.js";

const A = token<string>("test.A");
const B = token<string>("test.B");
const C = token<string>("test.C");
const DB = token<string>("test.Database");

const p = (name: string, provides: Token<unknown>[] = [], consumes: Consumes = {}): Plugin =>
  definePlugin({ name, provides, consumes, init: () => ({}) });
const names = (plugins: Plugin[]) => plugins.map((x) => x.name);

test("providers come first, list order is kept otherwise", () => {
  const order = orderPlugins([p("b", [], { a: A }), p("a", [A]), p("c")], "all");
  assert.deepEqual(names(order), ["a", "b", "c"]);
});
test("an optional dependency orders its provider first when it is loaded, and is skipped when not", () => {
  assert.deepEqual(names(orderPlugins([p("b", [], { a: optional(A) }), p("a", [A])], "all")), ["a", "b"]);
  assert.deepEqual(names(orderPlugins([p("b", [], { a: optional(A) })], "all")), ["b"]);
});
test("a late dependency adds no edge, so two plugins may offer each other services", () => {
  const order = orderPlugins([p("runs", [A], { b: late(B) }), p("blobs", [B], { a: A })], "all");
  assert.deepEqual(names(order), ["runs", "blobs"]);
});
test("a token the kernel provides needs no plugin", () => {
  assert.deepEqual(names(orderPlugins([p("a", [], { db: DB })], "all", new Set([DB]))), ["a"]);
});
test("a duplicate name is refused", () => {
  assert.throws(() => orderPlugins([p("a"), p("a")], "all"), /plugin "a" is listed twice/);
});
test("a token provided twice names both plugins", () => {
  assert.throws(
    () => orderPlugins([p("one", [A]), p("two", [A])], "all"),
    /test\.A is provided by both plugin "one" and plugin "two"/,
  );
});
test("a plugin may not provide what the kernel provides", () => {
  assert.throws(() => orderPlugins([p("a", [DB])], "all", new Set([DB])), /plugin "a" provides test\.Database/);
});
test("a missing provider names the consumer and the token", () => {
  assert.throws(
    () => orderPlugins([p("b", [], { thing: A })], "all"),
    /plugin "b" consumes test\.A \("thing"\), which no plugin provides/,
  );
});
test("a provider switched off by RMOS_PLUGINS is named", () => {
  assert.throws(
    () => orderPlugins([p("a", [A]), p("b", [], { a: A })], ["b"]),
    /plugin "b" consumes test\.A \("a"\), which only plugin "a" provides, and RMOS_PLUGINS does not enable it/,
  );
});
test("a cycle is refused, naming every edge", () => {
  assert.throws(
    () => orderPlugins([p("a", [A], { b: B }), p("b", [B], { c: C }), p("c", [C], { a: optional(A) })], "all"),
    (e: unknown) =>
      e instanceof PluginLoadError &&
      e.message ===
        'plugins form a dependency cycle: "a" consumes test.B from "b", "b" consumes test.C from "c", "c" consumes test.A from "a"',
  );
});
test("a plugin consuming what it provides itself is refused", () => {
  assert.throws(
    () => orderPlugins([p("a", [A], { a: A })], "all"),
    /plugin "a" consumes test\.A, which it provides itself/,
  );
});
test("an unknown name in RMOS_PLUGINS is refused", () => {
  assert.throws(() => orderPlugins([p("a")], ["a", "zz"]), /RMOS_PLUGINS names "zz"/);
});
test("a name that is not kebab-case is refused", () => {
  assert.throws(() => orderPlugins([p("Bad_Name")], "all"), /not kebab-case/);
});
