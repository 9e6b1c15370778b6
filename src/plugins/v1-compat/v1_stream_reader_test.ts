/**
 * Tests of the streaming v1 reader and the v1 value parser: the sample store is read
 * completely and faithfully (same keys as JSON.parse, exact raw bytes at the reported
 * offsets), results do not depend on chunk size (down to one byte, with multi-byte UTF-8
 * split across chunks), malformed input gives clear errors with byte offsets — as an
 * error entry when the record can be delimited, as a thrown V1SyntaxError otherwise —
 * and never hangs, and a fast-check property compares the reader with JSON.parse.
 */

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  type V1Entry,
  type V1ErrorEntry,
  type V1RecordEntry,
  RawNumber,
  readV1Runs,
  readV1RunsFrom,
  toPlainJson,
  V1SyntaxError,
} from "./v1_stream_reader.js";
import { chunked, drain, makeTempDir, removeDir, SAMPLE_RUNS } from "./v1_test_support.js";
import { MAX_V1_DEPTH, parseV1Json } from "./v1_value.js";

const TIMEOUT = { timeout: 60_000 };

/** Reads an in-memory runs.json in chunks of `size` bytes. */
function readText(text: string | Buffer, size = 64 * 1024) {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  return drain(readV1RunsFrom(chunked(bytes, size)));
}

function okEntry(entry: V1Entry | undefined): V1RecordEntry {
  assert.ok(entry, "missing entry");
  assert.ok(entry.ok, `expected a parsed record, got error: ${entry.ok ? "" : entry.error}`);
  return entry;
}

function errorEntry(entry: V1Entry | undefined): V1ErrorEntry {
  assert.ok(entry, "missing entry");
  assert.ok(!entry.ok, `expected an error entry for key ${entry.key}`);
  return entry;
}

function assertFatal(error: unknown, offset: number, pattern: RegExp): void {
  assert.ok(error instanceof V1SyntaxError, `expected a V1SyntaxError, got ${String(error)}`);
  assert.equal(error.offset, offset, error.message);
  assert.match(error.message, pattern);
  assert.match(error.message, new RegExp(`at byte ${offset}$`));
}

describe("readV1Runs on the sample store", TIMEOUT, () => {
  const fileBytes = readFileSync(SAMPLE_RUNS);
  const parsed = JSON.parse(fileBytes.toString("utf8")) as Record<string, unknown>;

  it("yields one parsed entry per top-level key, in file order, equal to JSON.parse", async () => {
    const { entries, error } = await drain(readV1Runs(SAMPLE_RUNS));
    assert.equal(error, undefined);
    assert.equal(entries.length, Object.keys(parsed).length);
    assert.deepEqual(
      entries.map((e) => e.key),
      Object.keys(parsed),
    );
    for (const entry of entries) {
      const ok = okEntry(entry);
      assert.deepEqual(toPlainJson(ok.value), parsed[ok.key]);
    }
  });

  it("gives the exact bytes of each record at its offset, and they re-parse to the value", async () => {
    const { entries } = await drain(readV1Runs(SAMPLE_RUNS));
    for (const entry of entries) {
      const ok = okEntry(entry);
      assert.ok(ok.raw.equals(fileBytes.subarray(ok.offset, ok.offset + ok.raw.length)));
      assert.deepEqual(JSON.parse(ok.raw.toString("utf8")), toPlainJson(ok.value));
      assert.deepEqual(parseV1Json(ok.raw), ok.value);
    }
  });

  it("keeps number text as written (1.0 stays 1.0)", async () => {
    const { entries } = await drain(readV1Runs(SAMPLE_RUNS));
    const texts = new Set<string>();
    for (const entry of entries) {
      const record = okEntry(entry).value;
      assert.ok(record instanceof Map);
      const feasibility = record.get("feasibility");
      if (feasibility instanceof Map) {
        const n = feasibility.get("stepover");
        assert.ok(n instanceof RawNumber);
        texts.add(n.text);
      }
    }
    assert.ok(texts.has("1.0"), `stepover texts: ${[...texts].join(" ")}`);
  });

  // Tiny reads from the file system cost a syscall each, so the tiny sizes feed the
  // same bytes from memory (the scanner sees the same chunks either way).
  for (const chunkSize of [1, 2, 3, 7]) {
    it(`gives identical results with ${chunkSize}-byte chunks`, async () => {
      const reference = await drain(readV1Runs(SAMPLE_RUNS));
      const small = await drain(readV1RunsFrom(chunked(fileBytes, chunkSize)));
      assert.equal(small.error, undefined);
      assert.deepEqual(small.entries, reference.entries);
    });
  }

  for (const chunkSize of [61, 4096]) {
    it(`gives identical results reading the file in ${chunkSize}-byte chunks`, async () => {
      const reference = await drain(readV1Runs(SAMPLE_RUNS));
      const small = await drain(readV1Runs(SAMPLE_RUNS, { chunkSize }));
      assert.equal(small.error, undefined);
      assert.deepEqual(small.entries, reference.entries);
    });
  }

  it("refuses a chunk size that is not a positive integer", async () => {
    const { error } = await drain(readV1Runs(SAMPLE_RUNS, { chunkSize: 0 }));
    assert.ok(error instanceof RangeError);
  });

  it("stops cleanly when the consumer breaks early", async () => {
    let seen = 0;
    for await (const _entry of readV1Runs(SAMPLE_RUNS, { chunkSize: 1000 })) {
      if (++seen === 3) break;
    }
    assert.equal(seen, 3);
  });
});

describe("multi-byte UTF-8 across chunk boundaries", TIMEOUT, () => {
  const text =
    '{\n  "épaisseur—😀": {"note": "épaisseur ok — figured grain 😀", "n": 1.0, "e": "\\u00e9\\ud83d\\ude00"},\n' +
    '  "run_2": "—",\n  "run_3": ["😀", "\\"", "\\\\"]\n}\n';
  const expected = [
    {
      key: "épaisseur—😀",
      value: new Map<string, unknown>([
        ["note", "épaisseur ok — figured grain 😀"],
        ["n", new RawNumber("1.0")],
        ["e", "é😀"],
      ]),
    },
    { key: "run_2", value: "—" },
    { key: "run_3", value: ["😀", '"', "\\"] },
  ];

  for (let size = 1; size <= 9; size++) {
    it(`decodes correctly with ${size}-byte chunks`, async () => {
      const { entries, error } = await readText(text, size);
      assert.equal(error, undefined);
      assert.deepEqual(
        entries.map((e) => ({ key: e.key, value: okEntry(e).value })),
        expected,
      );
    });
  }

  it("decodes correctly reading a file 1 byte at a time", async () => {
    const dir = makeTempDir();
    try {
      const path = join(dir, "runs.json");
      writeFileSync(path, text);
      const { entries, error } = await drain(readV1Runs(path, { chunkSize: 1 }));
      assert.equal(error, undefined);
      assert.deepEqual(
        entries.map((e) => ({ key: e.key, value: okEntry(e).value })),
        expected,
      );
    } finally {
      removeDir(dir);
    }
  });

  it("keeps a U+FEFF inside a string (no BOM stripping)", async () => {
    const { entries } = await readText('{"k": "\uFEFFx"}');
    assert.equal(okEntry(entries[0]).value, "\uFEFFx");
  });

  it("accepts lone surrogate escapes, as Python does", async () => {
    const { entries } = await readText('{"k": "a\\ud800b"}');
    assert.equal(okEntry(entries[0]).value, "a\ud800b");
  });
});

describe("records that can be delimited but are invalid: error entries", TIMEOUT, () => {
  it("reports an unquoted key inside a record and reads on", async () => {
    const text = '{"a": {"x": 1}, "b": {y: 2}, "c": 3}';
    const { entries, error } = await readText(text, 5);
    assert.equal(error, undefined);
    assert.deepEqual(
      entries.map((e) => [e.key, e.ok]),
      [
        ["a", true],
        ["b", false],
        ["c", true],
      ],
    );
    const bad = errorEntry(entries[1]);
    assert.equal(bad.offset, text.indexOf("{y"));
    assert.equal(bad.errorOffset, text.indexOf("y:"));
    assert.match(bad.error, /expected a double-quoted key at byte 22$/);
    assert.equal(bad.raw.toString(), "{y: 2}");
  });

  const cases: Array<[string, string, string, RegExp]> = [
    ["duplicate key", '{"r": {"a": 1, "a": 2}}', '"a": 2', /duplicate key "a"/],
    ["trailing comma in an object", '{"r": {"a": 1,}}', "}}", /trailing comma/],
    ["trailing comma in an array", '{"r": [1,]}', "]}", /trailing comma/],
    ["a bad escape", '{"r": ["a\\x"]}', "\\x", /invalid escape/],
    ["a bad \\u escape", '{"r": ["\\u12g4"]}', "\\u12", /invalid \\uXXXX escape/],
    ["a raw newline in a string", '{"r": ["a\nb"]}', "\nb", /unescaped control character byte 0x0a/],
    ["a leading zero", '{"r": [01]}', "1]", /expected ',' or '\]'/],
    ["a bare minus", '{"r": [-]}', "]}", /invalid number/],
    ["a dangling decimal point", '{"r": [1.]}', "]}", /digit must follow '\.'/],
    ["a misspelt literal", '{"r": [ture]}', "ure", /invalid literal, expected 'true'/],
    ["a single-quoted string", "{\"r\": ['a']}", "'a'", /unexpected '''/],
    ["a missing colon", '{"r": {"a" 1}}', "1}", /expected ':'/],
    ["a bare word as a record", '{"r": nope, "s": 1}', "ope", /invalid literal, expected 'null'/],
  ];
  for (const [name, text, at, pattern] of cases) {
    it(`reports ${name} at its byte offset`, async () => {
      const { entries, error } = await readText(text, 3);
      assert.equal(error, undefined);
      const bad = errorEntry(entries[0]);
      assert.equal(bad.key, "r");
      assert.equal(bad.errorOffset, Buffer.from(text.slice(0, text.indexOf(at))).length);
      assert.match(bad.error, pattern);
    });
  }

  it("reports invalid UTF-8 in a string at the offending byte", async () => {
    const text = Buffer.concat([Buffer.from('{"r": ["ok", "é'), Buffer.from([0xff]), Buffer.from('"]}')]);
    const { entries, error } = await readText(text, 2);
    assert.equal(error, undefined);
    const bad = errorEntry(entries[0]);
    assert.equal(bad.errorOffset, text.indexOf(0xff));
    assert.match(bad.error, /invalid UTF-8/);
  });

  it("reports an encoded surrogate (CESU-8) as invalid UTF-8", async () => {
    const text = Buffer.concat([Buffer.from('{"r": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]);
    const bad = errorEntry((await readText(text)).entries[0]);
    assert.equal(bad.errorOffset, 7);
  });

  it("reports a malformed top-level key as an error entry with its raw text", async () => {
    const { entries, error } = await readText('{"ba\\d": 1, "ok": 2}');
    assert.equal(error, undefined);
    const bad = errorEntry(entries[0]);
    assert.equal(bad.key, "ba\\d");
    assert.match(bad.error, /^key: invalid escape/);
    assert.equal(okEntry(entries[1]).key, "ok");
  });

  it(`accepts nesting of ${MAX_V1_DEPTH} levels and refuses one more`, async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const { entries } = await readText(`{"ok": ${deep(MAX_V1_DEPTH)}, "bad": ${deep(MAX_V1_DEPTH + 1)}}`);
    okEntry(entries[0]);
    assert.match(errorEntry(entries[1]).error, /nesting deeper than/);
  });

  it("accepts NaN and ±Infinity as Python does, unless told not to", async () => {
    const text = '{"r": [NaN, Infinity, -Infinity]}';
    const { entries } = await readText(text);
    assert.deepEqual(okEntry(entries[0]).value, [
      new RawNumber("NaN"),
      new RawNumber("Infinity"),
      new RawNumber("-Infinity"),
    ]);
    const strict = await drain(readV1RunsFrom([Buffer.from(text)], { allowNonFinite: false }));
    assert.match(errorEntry(strict.entries[0]).error, /NaN is not allowed at byte 7/);
  });
});

describe("broken top-level structure: a thrown V1SyntaxError naming the offset", TIMEOUT, () => {
  const sample = readFileSync(SAMPLE_RUNS);

  it("reports a truncated file at every kind of cut point, after the complete records", async () => {
    const full = await readText(sample);
    const cuts = [1, 2, 100, 1234, sample.indexOf("é") + 1, sample.indexOf("—") + 2, sample.length - 2];
    for (let k = 0; k < 20; k++) cuts.push(Math.floor(((k + 0.5) / 20) * sample.length));
    for (const cut of cuts) {
      const { entries, error } = await readText(sample.subarray(0, cut), 997);
      assertFatal(error, cut, /unexpected end of input: the file is truncated/);
      assert.deepEqual(entries, full.entries.slice(0, entries.length));
    }
  });

  it("reports a truncated scalar record after yielding it", async () => {
    const { entries, error } = await readText('{"a": 12');
    assert.deepEqual(okEntry(entries[0]).value, new RawNumber("12"));
    assertFatal(error, 8, /truncated/);
  });

  it("reports trailing garbage after the object", async () => {
    const { entries, error } = await readText('{"a": 1}\n x');
    assert.equal(entries.length, 1);
    assertFatal(error, 10, /unexpected 'x' after the end of the top-level object/);
    assertFatal((await readText('{"a": 1}{"b": 2}')).error, 8, /after the end/);
  });

  it("reports an unquoted top-level key", async () => {
    const { entries, error } = await readText('{"a": 1, b: 2}', 1);
    assert.deepEqual(
      entries.map((e) => e.key),
      ["a"],
    );
    assertFatal(error, 9, /unexpected 'b', expected a double-quoted key/);
  });

  const cases: Array<[string, string | Buffer, number, RegExp]> = [
    ["an empty file", "", 0, /the file is empty/],
    ["white space only", " \n ", 3, /the file is empty/],
    ["a top-level array", "[1, 2]", 0, /must hold one JSON object/],
    ["a UTF-8 BOM", "\uFEFF{}", 0, /byte order mark/],
    ["mismatched brackets", '{"a": [1, 2}, "b": 1}', 11, /mismatched '}', expected '\]'/],
    ["a top-level trailing comma", '{"a": 1,}', 8, /trailing comma/],
    ["a missing comma", '{"a": 1 "b": 2}', 8, /expected ',' or '}' after the record of key "a"/],
    ["a missing colon", '{"a" 1}', 5, /expected ':' after the key/],
    ["a missing value", '{"a": , "b": 1}', 6, /expected a value/],
    ["an unterminated string", '{"a": "abc}', 11, /truncated \(inside the record of key "a"\)/],
    ["an unclosed object", '{"a": {"b": 1}', 14, /truncated/],
  ];
  for (const [name, text, offset, pattern] of cases) {
    it(`reports ${name}`, async () => {
      for (const size of [1, 4, 1024]) assertFatal((await readText(text, size)).error, offset, pattern);
    });
  }

  it("reports a broken file read through a path too", async () => {
    const dir = makeTempDir();
    try {
      const path = join(dir, "runs.json");
      writeFileSync(path, '{"a": {"x": [1, 2]}, "b": {');
      const { entries, error } = await drain(readV1Runs(path, { chunkSize: 3 }));
      assert.equal(entries.length, 1);
      assertFatal(error, 27, /truncated/);
    } finally {
      removeDir(dir);
    }
  });
});

describe("property: the reader agrees with JSON.parse", TIMEOUT, () => {
  for (const stringUnit of ["grapheme-ascii", "binary"] as const) {
    it(`for fc.jsonValue() with ${stringUnit} strings, in random chunk sizes`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ stringUnit }), fc.integer({ min: 1, max: 64 }), async (v, size) => {
          const text = `{"k": ${JSON.stringify(v, null, 2)}}`;
          const { entries, error } = await readText(text, size);
          assert.equal(error, undefined);
          assert.equal(entries.length, 1);
          const entry = okEntry(entries[0]);
          assert.equal(entry.key, "k");
          assert.deepEqual(toPlainJson(entry.value), (JSON.parse(text) as { k: unknown }).k);
          assert.equal(entry.raw.toString("utf8"), JSON.stringify(v, null, 2));
        }),
        { numRuns: 300 },
      );
    });
  }

  it("toPlainJson loses precision beyond 2^53, RawNumber keeps the text", () => {
    const value = parseV1Json(Buffer.from("[12345678901234567890, 1.0, -0.0]"));
    assert.deepEqual(value, [new RawNumber("12345678901234567890"), new RawNumber("1.0"), new RawNumber("-0.0")]);
    assert.deepEqual(toPlainJson(value), [12345678901234567000, 1, -0]);
  });

  it('toPlainJson makes "__proto__" an own property, like JSON.parse', () => {
    const text = '{"__proto__": {"polluted": true}}';
    const plain = toPlainJson(parseV1Json(Buffer.from(text)));
    assert.deepEqual(plain, JSON.parse(text));
    assert.equal(Object.getPrototypeOf(plain), Object.prototype);
  });
});
