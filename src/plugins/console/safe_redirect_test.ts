/**
 * After sign-in and after a review the console only sends people back into itself:
 * other sites, scheme-relative and backslash tricks, and control characters fall back
 * to the runs page.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeConsolePath } from "./safe_redirect.js";

describe("safeConsolePath", () => {
  it("keeps console paths with their query", () => {
    assert.equal(safeConsolePath("/ui/runs?mode=a&cursor=x"), "/ui/runs?mode=a&cursor=x");
    assert.equal(
      safeConsolePath("/ui/runs/run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0#advisories"),
      "/ui/runs/run_01JD0Q3ZK9N8M6T5R4P3Q2W1X0#advisories",
    );
    assert.equal(safeConsolePath("/ui"), "/ui");
  });

  it("refuses anything that could leave the console", () => {
    for (const bad of [
      "https://evil.example/ui/",
      "//evil.example/ui/",
      "/\\evil.example",
      "/ui\\..\\x",
      "/api/rmos/runs",
      "/uix",
      "javascript:alert(1)",
      "/ui/\u0000",
      "/ui/\nSet-Cookie: x",
      "",
      42,
      undefined,
      "/ui/../api/rmos/runs",
    ]) {
      assert.equal(safeConsolePath(bad), "/ui/runs", String(bad));
    }
    assert.equal(safeConsolePath("/ui/../api/rmos/runs"), "/ui/runs", "dot segments are resolved before the check");
    assert.equal(safeConsolePath("/ui/%2e%2e/api"), "/ui/runs");
  });
});
