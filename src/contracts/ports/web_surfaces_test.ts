/**
 * The web-surface registry: a surface owns one `/name` prefix; the API's prefix, a
 * prefix taken twice, and anything that is not a single lowercase segment are refused;
 * `owns` answers for the prefix and below only (the kernel lets those paths through
 * authentication).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WebSurfaceRegistry } from "./web_surfaces.js";

const surface = (prefix: string) => ({ prefix, fetch: async () => new Response("x") });

describe("WebSurfaceRegistry", () => {
  it("keeps surfaces in the order added", () => {
    const r = new WebSurfaceRegistry();
    r.add(surface("/ui"));
    r.add(surface("/status-board"));
    assert.deepEqual(
      r.list().map((s) => s.prefix),
      ["/ui", "/status-board"],
    );
  });

  it("refuses a taken prefix, the API's, and malformed ones", () => {
    const r = new WebSurfaceRegistry();
    r.add(surface("/ui"));
    assert.throws(() => r.add(surface("/ui")), /already taken/);
    assert.throws(() => r.add(surface("/api")), /already taken/);
    for (const bad of ["ui", "/", "/UI", "/ui/x", "/../x", "/ui*", ""]) {
      assert.throws(() => r.add(surface(bad)), /must look like \/name/, bad);
    }
  });

  it("owns its prefix and what is below it, nothing beside it", () => {
    const r = new WebSurfaceRegistry();
    r.add(surface("/ui"));
    for (const p of ["/ui", "/ui/", "/ui/runs", "/ui/a/b"]) assert.equal(r.owns(p), true, p);
    for (const p of ["/uix", "/uix/runs", "/api/rmos/ui", "/", "", "ui/runs", "/UI/runs"])
      assert.equal(r.owns(p), false, p);
    assert.equal(new WebSurfaceRegistry().owns("/ui"), false);
  });
});
