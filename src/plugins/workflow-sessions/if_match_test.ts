/**
 * Tests of the If-Match rules: missing and `*` are 428, a value that is not a list of
 * entity-tags is 400, strong tags of the form "N" name versions, anything else never
 * matches; and the ETag of every version reads back as that version.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { ProblemError } from "../../contracts/problem.js";
import { etagOf, matchedVersions } from "./if_match.js";

function statusOf(header: string | undefined): number | number[] {
  try {
    return matchedVersions(header);
  } catch (error) {
    assert.ok(error instanceof ProblemError, String(error));
    return error.status;
  }
}

describe("If-Match", () => {
  test("missing, empty or * → 428", () => {
    assert.equal(statusOf(undefined), 428);
    assert.equal(statusOf(""), 428);
    assert.equal(statusOf("  "), 428);
    assert.equal(statusOf("*"), 428);
  });

  test("not a list of entity-tags → 400 naming the header", () => {
    for (const bad of ["3", '"3', '"3" "4"', "W/3", '"3";', 'x"3"', '"a"b"']) {
      assert.equal(statusOf(bad), 400, bad);
    }
    try {
      matchedVersions("3");
      assert.fail("expected a 400");
    } catch (error) {
      assert.ok(error instanceof ProblemError);
      assert.equal(error.options.errors?.[0]?.pointer, "if-match");
    }
  });

  test('strong tags of the form "N" name versions; other tags name none', () => {
    assert.deepEqual(statusOf('"3"'), [3]);
    assert.deepEqual(statusOf(' "3" , "12"'), [3, 12]);
    assert.deepEqual(statusOf(', "5" ,,'), [5]);
    assert.deepEqual(statusOf('W/"3"'), [], "weak tags never match (strong comparison)");
    assert.deepEqual(statusOf('"abc"'), []);
    assert.deepEqual(statusOf('"0"'), []);
    assert.deepEqual(statusOf('"03"'), []);
    assert.deepEqual(statusOf('"3,4"'), [], "a comma inside a tag is part of it");
    assert.deepEqual(statusOf('""'), []);
  });

  test("the ETag of any version matches exactly that version", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999_999 }), (version) => {
        assert.deepEqual(matchedVersions(etagOf(version)), [version]);
      }),
    );
    assert.equal(etagOf(7), '"7"');
  });
});
