/**
 * The checks of the contract, in report order: the nine SPEC governance invariants,
 * then the other API rules that protect them (consistency, Idempotency-Key,
 * X-Request-Id, authentication and roles).
 */
import type { Check } from "./check.js";
import { atomicDurable } from "./checks/atomic_durable.js";
import { authorization } from "./checks/authorization.js";
import { badInput } from "./checks/bad_input.js";
import { consistencyRules } from "./checks/consistency.js";
import { hashesTrue } from "./checks/hashes_true.js";
import { idempotencyKey } from "./checks/idempotency_key.js";
import { partitionedLayout } from "./checks/partitioned_layout.js";
import { requestId } from "./checks/request_id.js";
import { requiredFields } from "./checks/required_fields.js";
import { safeIdentifiers } from "./checks/safe_identifiers.js";
import { stableIdentity } from "./checks/stable_identity.js";
import { utcOnly } from "./checks/utc_only.js";
import { writeOnce } from "./checks/write_once.js";

/** Every check, in report order. */
export const CONTRACT_CHECKS: readonly Check[] = [
  requiredFields,
  hashesTrue,
  writeOnce,
  atomicDurable,
  partitionedLayout,
  stableIdentity,
  utcOnly,
  safeIdentifiers,
  badInput,
  consistencyRules,
  idempotencyKey,
  requestId,
  authorization,
];
