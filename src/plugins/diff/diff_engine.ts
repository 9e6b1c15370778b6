/**
 * The pure core of the run diff: compares two JSON documents (normally two run artifacts)
 * and returns the list of changes, each with its JSON Pointer and severity, the overall
 * severity, and an RFC 6902 JSON Patch that turns the first document into the second
 * exactly (array order included). Objects are compared member by member (sorted keys, so
 * the output is deterministic); arrays listed in the identity map are matched by an
 * identity key, so a reorder shows up as moves rather than as every element changing;
 * other arrays are compared index by index. A change of type (object to array, number to
 * string, ...) and any change to a string, however long, is one `replace`: text is never
 * diffed line by line.
 *
 * Conventions of a Change:
 * - `path` points into b, except for `remove`, whose path points into a (the thing is gone);
 *   for elements of identity arrays the index is the element's position in b.
 * - `before` is the value in a and `after` the value in b; a side that does not exist is
 *   omitted (the key is absent), never null, because null is a legal JSON value. So `add`
 *   has only `after`, `remove` only `before`, `replace` both.
 * - `move` reports an element of an identity array that changed its position relative to
 *   the others: `from` is its pointer in a, `path` its pointer in b, and it has neither
 *   `before` nor `after` (the value did not change; if it did, that is reported separately
 *   under `path`). Only the fewest elements that explain the new order are reported as moved
 *   (those outside a longest common ordered subsequence); elements shifted merely because
 *   something was added or removed before them are not reported at all.
 * - `severity` comes from the severity table (severity.ts) for `path`; an add, remove or
 *   replace of a whole subtree is also at least as severe as any rule strictly below it whose
 *   value differs, so replacing `/decision` wholesale still counts as a `risk_level` change.
 *
 * Values in changes and in the patch are shared with the inputs, not copied: treat the result
 * as read-only (or serialise it).
 */

import type { JsonPatchOp } from "./json_patch.js";
import { appendSegment, parsePointer } from "../../contracts/json_pointer.js";
import type { JsonObject, Lookup } from "./json_value.js";
import { assertJson, canonicalJson, hasMember, jsonEqual, jsonKeys, kindOf, lookup } from "./json_value.js";
import type { Severity, SeverityRule } from "./severity.js";
import { DEFAULT_SEVERITY_RULES, maxSeverity, rulesBelow, severityOf } from "./severity.js";

/** The kinds of change the diff reports. */
export type ChangeOp = "add" | "remove" | "replace" | "move";

/** One difference between a and b (see the module comment for the conventions). */
export interface Change {
  /** JSON Pointer of the change: into b, or into a for `remove`. */
  path: string;
  op: ChangeOp;
  /** For `move` only: the element's JSON Pointer in a. */
  from?: string;
  /** The value in a; absent for `add` and `move`. */
  before?: unknown;
  /** The value in b; absent for `remove` and `move`. */
  after?: unknown;
  severity: Severity;
}

/**
 * Which arrays are compared by identity rather than by index: keys are JSON Pointers of
 * arrays, where a token "*" matches any one token (so "/outputs/*" covers
 * "/outputs/toolpaths"; the most specific pattern wins); values are the member of the
 * elements that identifies them, or IDENTITY_BY_VALUE to identify an element by its whole
 * value. An element that lacks the identity member is identified by its whole value.
 * Elements with the same identity are paired in order of appearance.
 */
export type IdentityKeys = Readonly<Record<string, string>>;

/** Identity "key" meaning: the element's whole value is its identity (e.g. strings). */
export const IDENTITY_BY_VALUE = "$value";

/** The identity map for run artifacts. */
export const DEFAULT_IDENTITY_KEYS: IdentityKeys = Object.freeze({
  "/attachments": "sha256",
  "/advisory_inputs": "advisory_id",
  "/decision/warnings": IDENTITY_BY_VALUE,
});

/** Options of diffArtifacts. */
export interface DiffOptions {
  /** The severity table; default DEFAULT_SEVERITY_RULES (extend it with withRules). */
  rules?: readonly SeverityRule[];
  /** The identity map; replaces DEFAULT_IDENTITY_KEYS (spread that to extend it). */
  identity?: IdentityKeys;
}

/** What diffArtifacts returns. */
export interface DiffResult {
  /** The most severe change; NONE when a and b are equal. */
  severity: Severity;
  changes: Change[];
  /** RFC 6902 patch: applyPatch(a, patch) deep-equals b. */
  patch: JsonPatchOp[];
}

/**
 * Compares `a` with `b` (any JSON values; normally two run artifacts). Returns the changes,
 * their maximum severity (NONE when equal) and a JSON Patch turning `a` into `b`. Throws a
 * TypeError when either input contains something JSON cannot represent (undefined as a value,
 * functions, bigints, non-finite numbers, Dates, ...); object members set to undefined count
 * as absent.
 */
export function diffArtifacts(a: unknown, b: unknown, options: DiffOptions = {}): DiffResult {
  assertJson(a);
  assertJson(b);
  const differ = new Differ(options.rules ?? DEFAULT_SEVERITY_RULES, options.identity ?? DEFAULT_IDENTITY_KEYS);
  differ.diff(a, b, "");
  let severity: Severity = "NONE";
  for (const change of differ.changes) severity = maxSeverity(severity, change.severity);
  return { severity, changes: differ.changes, patch: differ.patch };
}

interface IdentityPattern {
  tokens: string[];
  key: string;
  wildcards: number;
}

class Differ {
  readonly changes: Change[] = [];
  readonly patch: JsonPatchOp[] = [];
  private readonly patterns: IdentityPattern[];

  constructor(
    private readonly rules: readonly SeverityRule[],
    identity: IdentityKeys,
  ) {
    this.patterns = Object.keys(identity)
      .sort()
      .map((pointer) => {
        const tokens = parsePointer(pointer);
        const key = identity[pointer] as string;
        return { tokens, key, wildcards: tokens.filter((t) => t === "*").length };
      });
  }

  diff(a: unknown, b: unknown, path: string): void {
    const kind = kindOf(a, path);
    if (kind !== kindOf(b, path)) {
      this.replace(path, a, b);
    } else if (kind === "object") {
      this.diffObjects(a as JsonObject, b as JsonObject, path);
    } else if (kind === "array") {
      const key = this.identityKeyFor(path);
      if (key === undefined) this.diffByIndex(a as unknown[], b as unknown[], path);
      else this.diffByIdentity(a as unknown[], b as unknown[], path, key);
    } else if (a !== b) {
      this.replace(path, a, b);
    }
  }

  private diffObjects(a: JsonObject, b: JsonObject, path: string): void {
    const keys = [...new Set([...jsonKeys(a), ...jsonKeys(b)])].sort();
    for (const key of keys) {
      const childPath = appendSegment(path, key);
      if (!hasMember(b, key)) this.remove(childPath, a[key]);
      else if (!hasMember(a, key)) this.add(childPath, b[key]);
      else this.diff(a[key], b[key], childPath);
    }
  }

  /** Same index, same slot: diff the common prefix, then add or remove the tail. */
  private diffByIndex(a: unknown[], b: unknown[], path: string): void {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) this.diff(a[i], b[i], appendSegment(path, i));
    for (let i = common; i < b.length; i++) this.add(appendSegment(path, i), b[i]);
    for (let i = common; i < a.length; i++) {
      this.record({ path: appendSegment(path, i), op: "remove", before: a[i] });
    }
    // Removing from the end first keeps every index valid while the patch applies.
    for (let i = a.length - 1; i >= common; i--) {
      this.patch.push({ op: "remove", path: appendSegment(path, i) });
    }
  }

  /**
   * Pairs elements by identity. The patch first removes the unpaired elements of a (from the
   * highest index down), then moves the paired elements that are out of order (each right
   * after its predecessor in b), then adds the new elements of b (lowest index first), and
   * finally patches the paired elements in place, at their position in b.
   */
  private diffByIdentity(a: unknown[], b: unknown[], path: string, key: string): void {
    const waiting = new Map<string, number[]>();
    a.forEach((item, i) => {
      const id = identityOf(item, key);
      const queue = waiting.get(id);
      if (queue === undefined) waiting.set(id, [i]);
      else queue.push(i);
    });
    // partner[j] is the index in a of b[j]'s partner, undefined for a new element.
    const partner: (number | undefined)[] = b.map((item) => waiting.get(identityOf(item, key))?.shift());
    const paired = new Set(partner.filter((i) => i !== undefined));

    // 1. Removals.
    a.forEach((item, i) => {
      if (!paired.has(i)) this.record({ path: appendSegment(path, i), op: "remove", before: item });
    });
    for (let i = a.length - 1; i >= 0; i--) {
      if (!paired.has(i)) this.patch.push({ op: "remove", path: appendSegment(path, i) });
    }

    // 2. Moves. `order` lists the paired elements (by index in a) in their order in b; the
    // ones on a longest increasing run keep their place, the others move.
    const order = partner.filter((i) => i !== undefined);
    const staying = new Set(longestIncreasingSubsequence(order));
    const working = a.map((_, i) => i).filter((i) => paired.has(i));
    const positionInB = new Map<number, number>();
    partner.forEach((aIndex, j) => {
      if (aIndex !== undefined) positionInB.set(aIndex, j);
    });
    order.forEach((aIndex, k) => {
      if (staying.has(aIndex)) return;
      this.record({
        path: appendSegment(path, positionInB.get(aIndex) as number),
        op: "move",
        from: appendSegment(path, aIndex),
      });
      const from = working.indexOf(aIndex);
      working.splice(from, 1);
      const to = k === 0 ? 0 : working.indexOf(order[k - 1] as number) + 1;
      working.splice(to, 0, aIndex);
      if (from !== to) {
        this.patch.push({
          op: "move",
          from: appendSegment(path, from),
          path: appendSegment(path, to),
        });
      }
    });

    // 3. Additions, in b's order, so each index is final when it is written.
    partner.forEach((aIndex, j) => {
      if (aIndex === undefined) this.add(appendSegment(path, j), b[j]);
    });

    // 4. Changes inside paired elements, at their position in b.
    partner.forEach((aIndex, j) => {
      if (aIndex !== undefined) this.diff(a[aIndex], b[j], appendSegment(path, j));
    });
  }

  private identityKeyFor(path: string): string | undefined {
    let best: IdentityPattern | undefined;
    let tokens: string[] | undefined;
    for (const pattern of this.patterns) {
      tokens ??= parsePointer(path);
      if (pattern.tokens.length !== tokens.length) continue;
      if (!pattern.tokens.every((t, i) => t === "*" || t === tokens?.[i])) continue;
      if (best === undefined || pattern.wildcards < best.wildcards) best = pattern;
    }
    return best?.key;
  }

  private add(path: string, after: unknown): void {
    this.record({ path, op: "add", after });
    this.patch.push({ op: "add", path, value: after });
  }

  private remove(path: string, before: unknown): void {
    this.record({ path, op: "remove", before });
    this.patch.push({ op: "remove", path });
  }

  private replace(path: string, before: unknown, after: unknown): void {
    this.record({ path, op: "replace", before, after });
    this.patch.push({ op: "replace", path, value: after });
  }

  /** Adds a change, computing its severity. */
  private record(change: Omit<Change, "severity">): void {
    this.changes.push({ ...change, severity: this.severityOfChange(change) });
  }

  /**
   * The table's severity for the change's path, raised by every rule strictly below the path
   * whose value differs between the change's before and after (absent counts as different
   * from present).
   */
  private severityOfChange(change: Omit<Change, "severity">): Severity {
    let severity = severityOf(change.path, this.rules);
    if (change.op === "move") return severity;
    const depth = parsePointer(change.path).length;
    for (const rule of rulesBelow(change.path, this.rules)) {
      const relative = parsePointer(rule.pointer).slice(depth);
      const before: Lookup = "before" in change ? lookup(change.before, relative) : ABSENT;
      const after: Lookup = "after" in change ? lookup(change.after, relative) : ABSENT;
      if (!sameLookup(before, after)) severity = maxSeverity(severity, rule.severity);
    }
    return severity;
  }
}

const ABSENT: Lookup = { found: false };

function sameLookup(x: Lookup, y: Lookup): boolean {
  if (!x.found || !y.found) return x.found === y.found;
  return jsonEqual(x.value, y.value);
}

/** The identity token of an array element (see IdentityKeys). */
function identityOf(item: unknown, key: string): string {
  if (key !== IDENTITY_BY_VALUE && kindOf(item) === "object" && hasMember(item as JsonObject, key)) {
    return `key:${canonicalJson((item as JsonObject)[key])}`;
  }
  return `value:${canonicalJson(item)}`;
}

/**
 * The elements of a longest strictly increasing subsequence of `values` (patience sorting,
 * O(n log n)); deterministic for a given input.
 */
function longestIncreasingSubsequence(values: readonly number[]): number[] {
  const tails: number[] = []; // tails[k]: index in values of the last element of a run of length k+1
  const previous: number[] = new Array<number>(values.length).fill(-1);
  values.forEach((value, i) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((values[tails[mid] as number] as number) < value) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1] as number;
    tails[low] = i;
  });
  const result: number[] = [];
  for (let i = tails.at(-1) ?? -1; i >= 0; i = previous[i] as number) {
    result.push(values[i] as number);
  }
  return result.reverse();
}
