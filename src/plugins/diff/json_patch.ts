/**
 * A small RFC 6902 JSON Patch applier: add, remove, replace, move, copy and test, applied
 * in order to a deep copy of the document, so the input is never mutated and a failing
 * patch leaves nothing half-applied. Array indexes follow RFC 6901 ("0" or digits without a
 * leading zero; "-" means "after the last element" and is only valid for add/move/copy
 * targets). Any bad operation, path or failed test throws a JsonPatchError that says which
 * operation failed and why. The diff engine emits patches in this format; tests and
 * clients use this module to apply them.
 */

import { formatPointer, JsonPointerError, parsePointer } from "../../contracts/json_pointer.js";
import type { JsonObject } from "./json_value.js";
import { cloneJson, hasMember, isArrayIndex, jsonEqual, kindOf, setMember } from "./json_value.js";

/** One RFC 6902 operation. */
export type JsonPatchOp =
  | { op: "add"; path: string; value: unknown }
  | { op: "remove"; path: string }
  | { op: "replace"; path: string; value: unknown }
  | { op: "move"; from: string; path: string }
  | { op: "copy"; from: string; path: string }
  | { op: "test"; path: string; value: unknown };

/** Raised when a patch cannot be applied; `index` is the position of the failing operation. */
export class JsonPatchError extends Error {
  override name = "JsonPatchError";
  constructor(
    message: string,
    readonly index: number,
    readonly operation: unknown,
  ) {
    super(`JSON Patch operation ${index}: ${message}`);
  }
}

/** An internal failure, turned into a JsonPatchError with the operation's index. */
class OpFailure extends Error {}

/**
 * Applies `patch` to `doc` and returns the patched document. `doc` and the operations'
 * values are not modified (the result shares nothing with them). Throws a JsonPatchError
 * for a malformed operation, a path that does not resolve, a "from" that is a proper
 * prefix of the "path" of a move, or a failing test.
 */
export function applyPatch(doc: unknown, patch: readonly JsonPatchOp[]): unknown {
  if (!Array.isArray(patch)) throw new JsonPatchError("the patch is not an array", -1, patch);
  // The document lives in a box so that the root ("") is a member like any other.
  const box: JsonObject = {};
  setMember(box, "root", cloneJson(doc));
  patch.forEach((operation: unknown, index) => {
    try {
      applyOne(box, operation);
    } catch (error) {
      if (error instanceof OpFailure || error instanceof JsonPointerError) {
        throw new JsonPatchError(error.message, index, operation);
      }
      if (error instanceof TypeError) {
        throw new JsonPatchError(`invalid value: ${error.message}`, index, operation);
      }
      throw error;
    }
  });
  return box.root;
}

function applyOne(box: JsonObject, operation: unknown): void {
  if (typeof operation !== "object" || operation === null || Array.isArray(operation)) {
    throw new OpFailure("not an operation object");
  }
  const op = operation as Record<string, unknown>;
  const path = pointerMember(op, "path");
  switch (op.op) {
    case "add":
      add(box, path, cloneJson(valueMember(op)));
      return;
    case "remove":
      remove(box, path);
      return;
    case "replace":
      replace(box, path, cloneJson(valueMember(op)));
      return;
    case "move": {
      const from = pointerMember(op, "from");
      if (from === path) {
        get(box, from); // must exist; moving onto itself changes nothing
        return;
      }
      if (path.startsWith(`${from}/`)) {
        throw new OpFailure(`cannot move "${from}" into its own child "${path}"`);
      }
      add(box, path, remove(box, from));
      return;
    }
    case "copy": {
      const from = pointerMember(op, "from");
      add(box, path, cloneJson(get(box, from)));
      return;
    }
    case "test": {
      const actual = get(box, path);
      if (!jsonEqual(actual, valueMember(op))) {
        throw new OpFailure(`test failed at "${path}"`);
      }
      return;
    }
    default:
      throw new OpFailure(`unknown op ${JSON.stringify(op.op) ?? "(missing)"}`);
  }
}

function pointerMember(op: Record<string, unknown>, name: "path" | "from"): string {
  const pointer = op[name];
  if (typeof pointer !== "string") throw new OpFailure(`"${name}" must be a string`);
  parsePointer(pointer); // validates the syntax
  return pointer;
}

function valueMember(op: Record<string, unknown>): unknown {
  if (!Object.hasOwn(op, "value") || op.value === undefined) {
    throw new OpFailure(`"${String(op.op)}" needs a "value"`);
  }
  kindOf(op.value, "value");
  return op.value;
}

/** The container holding the target of a pointer, and the target's token in it. */
interface Location {
  parent: unknown;
  token: string;
}

/** Walks to the parent of `pointer`'s target; the root's parent is the box. */
function locate(box: JsonObject, pointer: string): Location {
  const tokens = parsePointer(pointer);
  const last = tokens.pop();
  if (last === undefined) return { parent: box, token: "root" };
  let parent: unknown = box.root;
  tokens.forEach((token, i) => {
    parent = child(parent, token, formatPointer(tokens.slice(0, i)));
  });
  return { parent, token: last };
}

/** The member or element `token` of `container`; throws when there is none. */
function child(container: unknown, token: string, where: string): unknown {
  if (Array.isArray(container)) {
    if (!isArrayIndex(token) || Number(token) >= container.length) {
      throw new OpFailure(`path not found: no index "${token}" in the array at "${where}"`);
    }
    return container[Number(token)];
  }
  if (typeof container === "object" && container !== null) {
    const object = container as JsonObject;
    if (!hasMember(object, token)) {
      throw new OpFailure(`path not found: no member "${token}" in the object at "${where}"`);
    }
    return object[token];
  }
  throw new OpFailure(`path not found: the value at "${where}" is not an object or array`);
}

function get(box: JsonObject, pointer: string): unknown {
  const { parent, token } = locate(box, pointer);
  return child(parent, token, parentPointer(pointer));
}

function add(box: JsonObject, pointer: string, value: unknown): void {
  const { parent, token } = locate(box, pointer);
  if (Array.isArray(parent)) {
    if (token === "-") {
      parent.push(value);
      return;
    }
    if (!isArrayIndex(token) || Number(token) > parent.length) {
      throw new OpFailure(`cannot add at "${pointer}": array index out of range or malformed`);
    }
    parent.splice(Number(token), 0, value);
    return;
  }
  if (typeof parent === "object" && parent !== null) {
    setMember(parent as JsonObject, token, value);
    return;
  }
  throw new OpFailure(`cannot add at "${pointer}": the parent is not an object or array`);
}

function replace(box: JsonObject, pointer: string, value: unknown): void {
  const { parent, token } = locate(box, pointer);
  child(parent, token, parentPointer(pointer)); // the target must exist
  if (Array.isArray(parent)) parent[Number(token)] = value;
  else setMember(parent as JsonObject, token, value);
}

function remove(box: JsonObject, pointer: string): unknown {
  if (pointer === "") throw new OpFailure("cannot remove the whole document");
  const { parent, token } = locate(box, pointer);
  const value = child(parent, token, parentPointer(pointer));
  if (Array.isArray(parent)) parent.splice(Number(token), 1);
  else delete (parent as JsonObject)[token];
  return value;
}

function parentPointer(pointer: string): string {
  return pointer.slice(0, Math.max(0, pointer.lastIndexOf("/")));
}
