/** The reviewer-is-the-principal rule and four eyes, authenticated and with auth off. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ProblemError } from "../../contracts/problem.js";
import { ANONYMOUS, type Principal } from "./principal.js";
import { assertFourEyes, reviewerFor } from "./review_rules.js";

const alice: Principal = { id: "alice", roles: ["reviewer"], via: "jwt" };
const is403 = (slug: string) => (e: unknown) =>
  e instanceof ProblemError && e.status === 403 && e.toProblem().type === `urn:rmos:problem:${slug}`;

test("the reviewer is the principal: reviewer_id left out or equal; another one is 403", () => {
  assert.equal(reviewerFor(alice, undefined), "alice");
  assert.equal(reviewerFor(alice, "alice"), "alice");
  assert.throws(() => reviewerFor(alice, "bob"), is403("reviewer-mismatch"));
  assert.throws(() => reviewerFor(alice, ""), is403("reviewer-mismatch"));
});

test("four eyes: not the asset's creator, not the creator of a linked run", () => {
  assertFourEyes(alice, { assetCreatedBy: "token:ci", linkedRunsCreatedBy: ["token:ci", "bob"] });
  assert.throws(
    () => assertFourEyes(alice, { assetCreatedBy: "alice", linkedRunsCreatedBy: [] }),
    (e: unknown) => is403("four-eyes")(e) && /created this advisory asset/.test((e as Error).message),
  );
  assert.throws(
    () => assertFourEyes(alice, { assetCreatedBy: "token:ci", linkedRunsCreatedBy: ["bob", "alice"] }),
    (e: unknown) => is403("four-eyes")(e) && /created a run/.test((e as Error).message),
  );
});

test("with RMOS_AUTH=off (anonymous) the body's reviewer_id is recorded and four eyes cannot apply", () => {
  assert.equal(reviewerFor(ANONYMOUS, "carol"), "carol");
  // Without a credential the body is the only source: leaving reviewer_id out is a 400, as before auth existed.
  assert.throws(
    () => reviewerFor(ANONYMOUS, undefined),
    (e: unknown) =>
      e instanceof ProblemError && e.status === 400 && e.toProblem().type === "urn:rmos:problem:validation",
  );
  assertFourEyes(ANONYMOUS, { assetCreatedBy: "anonymous", linkedRunsCreatedBy: ["anonymous"] });
});
