/** The bounded ETag cache: least recently used entries go first; capacity 0 keeps nothing. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EtagCache } from "./etag_cache.js";

test("keeps at most `capacity` entries, evicting the least recently used", () => {
  const cache = new EtagCache(2);
  cache.set("a", { etag: '"1"', text: "A" });
  cache.set("b", { etag: '"2"', text: "B" });
  assert.equal(cache.get("a")?.text, "A"); // a is now the most recent
  cache.set("c", { etag: '"3"', text: "C" });
  assert.equal(cache.size, 2);
  assert.equal(cache.get("b"), undefined);
  assert.equal(cache.get("a")?.etag, '"1"');
  cache.set("a", { etag: '"4"', text: "A2" });
  assert.equal(cache.get("a")?.text, "A2");
  assert.equal(cache.size, 2);
});

test("capacity 0 caches nothing", () => {
  const cache = new EtagCache(0);
  cache.set("a", { etag: '"1"', text: "A" });
  assert.equal(cache.size, 0);
  assert.equal(cache.get("a"), undefined);
});
