/**
 * The table behind the "every operation × every role" test: from an OpenAPI document
 * whose operations carry `x-rmos-roles`, every (operation, role) pair with whether the
 * role must be let through, plus the operations that are public (`security: []`) and
 * the faults — an operation with neither, an empty or unknown role list, or both.
 * Because it reads the generated document, it covers every route of every loaded
 * plugin, including ones added later; the test sends each case with a credential
 * holding only that role and expects 403 exactly when `allowed` is false (and 401
 * without a credential for every protected operation).
 */
import { ROLES_EXTENSION } from "./openapi_security.js";
import { ALL_ROLES, isRole, type Role } from "./roles.js";

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface OperationRef {
  /** Upper case, e.g. `POST`. */
  readonly method: string;
  /** The path template of the document, e.g. `/api/rmos/runs/{run_id}`. */
  readonly path: string;
  readonly operationId?: string;
}

export interface RoleCase extends OperationRef {
  readonly role: Role;
  /** Whether a credential holding only `role` may call the operation. */
  readonly allowed: boolean;
}

export interface RoleCoverage {
  /** Every protected operation × every role. */
  readonly cases: RoleCase[];
  /** Operations that need a credential (each must answer 401 without one). */
  readonly protectedOperations: OperationRef[];
  /** Operations marked public with `security: []`. */
  readonly publicOperations: OperationRef[];
  /** Operations whose roles are missing or wrong; the test fails on any. */
  readonly faults: string[];
}

/** The role matrix of `document` (an OpenAPI 3 document). */
export function roleCoverage(document: Record<string, unknown>): RoleCoverage {
  const cases: RoleCase[] = [];
  const protectedOperations: OperationRef[] = [];
  const publicOperations: OperationRef[] = [];
  const faults: string[] = [];
  const paths = (document.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item?.[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const ref: OperationRef = {
        method: method.toUpperCase(),
        path,
        ...(typeof op.operationId === "string" ? { operationId: op.operationId } : {}),
      };
      const name = `${ref.method} ${path}${ref.operationId ? ` (${ref.operationId})` : ""}`;
      const roles = op[ROLES_EXTENSION];
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (isPublic) {
        if (roles !== undefined) faults.push(`${name}: public (security: []) but also lists ${ROLES_EXTENSION}`);
        else publicOperations.push(ref);
        continue;
      }
      if (roles === undefined) {
        faults.push(`${name}: no ${ROLES_EXTENSION} and not public`);
        continue;
      }
      if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
        faults.push(`${name}: ${ROLES_EXTENSION} must be a non-empty list of ${ALL_ROLES.join(", ")}`);
        continue;
      }
      protectedOperations.push(ref);
      for (const role of ALL_ROLES) cases.push({ ...ref, role, allowed: roles.includes(role) });
    }
  }
  return { cases, protectedOperations, publicOperations, faults };
}

/** A concrete path for a template: each `{name}` becomes `values[name]`, or `fallback`. */
export function fillPath(template: string, values: Readonly<Record<string, string>> = {}, fallback = "x"): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? fallback));
}
