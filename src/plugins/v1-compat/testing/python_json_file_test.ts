/**
 * Tests of the `json.dump(indent=2, ensure_ascii=False)` writer: hand-made values with
 * every layout rule (empty containers, nesting, the level offset, escapes, number text
 * as given), and — where python3 is installed — Python itself as the oracle for random
 * values: each value, read from the text Python wrote for it, is written again by the
 * writer and must come out byte for byte as Python wrote it.
 */

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { NEEDS_PYTHON_SKIP, runPython } from "../v1_test_support.js";
import { parseV1Json, RawNumber, type V1Value } from "../v1_value.js";
import { pythonJsonIndented } from "./python_json_file.js";

const v1 = (text: string): V1Value => parseV1Json(Buffer.from(text, "utf8"));

describe("pythonJsonIndented", () => {
  it("lays out members and elements one a line, empty containers inline", () => {
    const value = v1('{"b": [1.0, {}, [], {"x": null}], "a": "é—😀\\n\\"", "c": {"d": true, "e": false}}');
    assert.equal(
      pythonJsonIndented(value),
      [
        "{",
        '  "b": [',
        "    1.0,",
        "    {},",
        "    [],",
        "    {",
        '      "x": null',
        "    }",
        "  ],",
        '  "a": "é—😀\\n\\"",',
        '  "c": {',
        '    "d": true,',
        '    "e": false',
        "  }",
        "}",
      ].join("\n"),
    );
  });

  it("keeps insertion order and number text, and indents for the given level", () => {
    const value = new Map<string, V1Value>([
      ["z", new RawNumber("1e-05")],
      ["a", [new RawNumber("-0.0")]],
    ]);
    assert.equal(pythonJsonIndented(value, 2, 1), '{\n    "z": 1e-05,\n    "a": [\n      -0.0\n    ]\n  }');
    assert.equal(pythonJsonIndented(value, 4), '{\n    "z": 1e-05,\n    "a": [\n        -0.0\n    ]\n}');
    assert.equal(pythonJsonIndented("\u0001/"), '"\\u0001/"');
    assert.equal(pythonJsonIndented(new Map()), "{}");
  });
});

describe("pythonJsonIndented against Python", { skip: NEEDS_PYTHON_SKIP }, () => {
  it("writes what json.dumps(indent=2, ensure_ascii=False) writes for random values", () => {
    const values = fc.sample(fc.jsonValue({ maxDepth: 4 }), { numRuns: 300, seed: 17 });
    const lines = values.map((v) => JSON.stringify(v));
    const program = `
import json, sys
for line in sys.stdin.buffer.read().decode("utf-8").split("\\n")[:-1]:
    print(json.dumps(json.dumps(json.loads(line), indent=2, ensure_ascii=False)))
`;
    const expected = runPython(program, `${lines.join("\n")}\n`).map((l) => JSON.parse(l) as string);
    assert.equal(expected.length, lines.length);
    lines.forEach((line, i) => {
      // The value as Python holds it (its key order, its number reprs), read back from its own text.
      const python = expected[i] as string;
      assert.equal(pythonJsonIndented(v1(python)), python, line);
    });
  });
});
