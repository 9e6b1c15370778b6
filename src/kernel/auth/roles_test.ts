/** Roles: SPEC's table as data, the role-list parser, and the "any one of" rule. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ALL_ROLES, allows, isRole, normalizeRoles, parseRoleList, ROLES_FOR, RoleListError } from "./roles.js";

test("SPEC's table: every role reads; only writer writes, reviewer reviews, admin administers", () => {
  assert.deepEqual([...ALL_ROLES], ["auditor", "writer", "reviewer", "admin"]);
  for (const role of ALL_ROLES) assert.ok(allows(ROLES_FOR.read, [role]), `${role} reads`);
  const may = (kind: keyof typeof ROLES_FOR) => ALL_ROLES.filter((r) => allows(ROLES_FOR[kind], [r]));
  assert.deepEqual(may("write"), ["writer"]);
  assert.deepEqual(may("review"), ["reviewer"]);
  assert.deepEqual(may("admin"), ["admin"]);
});

test("a principal with several roles may do what any of them may; with none, nothing", () => {
  assert.ok(allows(["writer"], ["auditor", "writer"]));
  assert.ok(allows(["reviewer"], ["writer", "reviewer"]));
  assert.equal(allows(["writer"], ["auditor", "reviewer", "admin"]), false);
  assert.equal(allows(ALL_ROLES, []), false);
});

test("parseRoleList: commas and spaces, duplicates folded, table order; unknown or empty refused", () => {
  assert.deepEqual(parseRoleList("reviewer, writer,writer"), ["writer", "reviewer"]);
  assert.deepEqual(parseRoleList("admin"), ["admin"]);
  assert.throws(
    () => parseRoleList("writer,root"),
    (e: unknown) => e instanceof RoleListError && /root/.test(e.message),
  );
  assert.throws(() => parseRoleList(" , "), RoleListError);
  assert.throws(() => parseRoleList("Writer"), RoleListError, "role names are case-sensitive");
});

test("isRole and normalizeRoles", () => {
  assert.equal(isRole("auditor"), true);
  assert.equal(isRole("__proto__"), false);
  assert.equal(isRole(1), false);
  assert.deepEqual(normalizeRoles(["admin", "auditor", "admin"]), ["auditor", "admin"]);
});
