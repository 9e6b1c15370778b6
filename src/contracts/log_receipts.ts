/**
 * Receipts over HTTP, shared by every plugin that answers `GET .../{id}/receipt` for
 * its records: the response schemas (a receipt, or "pending" with Retry-After until a
 * signed checkpoint covers the leaf), the responses a route declares, and the mapping
 * of the log port's answer to a status — 200 the receipt, 202 pending (Retry-After in
 * whole seconds), 404 problem+json when the log is not loaded or does not hold the
 * record.
 */
import { z } from "@hono/zod-openapi";
import { jsonContent, problemResponses } from "./http.js";
import type { ReceiptAnswer, TransparencyLog } from "./ports/transparency_log.js";
import { ProblemError } from "./problem.js";
import type { LeafType } from "./tlog/leaf.js";

export const ReceiptSchema = z
  .object({
    leaf_index: z.number().int().nonnegative(),
    leaf: z.string().openapi({ description: "The canonical leaf JSON (RFC 8785), as a string." }),
    inclusion_proof: z.array(z.string()).openapi({ description: "RFC 9162 audit path, base64 hashes." }),
    checkpoint: z.string().openapi({ description: "The signed checkpoint note the proof leads to." }),
  })
  .openapi("LogReceipt");

export const PendingReceiptSchema = z
  .object({
    status: z.literal("pending"),
    leaf_index: z.number().int().nonnegative(),
    retry_after_ms: z.number().int().nonnegative(),
  })
  .openapi("LogReceiptPending");

/** The responses of a receipt route (200, 202 with Retry-After, and the problems). */
export function receiptResponses() {
  return {
    200: jsonContent(ReceiptSchema, "the receipt: the leaf, its inclusion proof and the signed checkpoint"),
    202: {
      ...jsonContent(PendingReceiptSchema, "in the log, not yet covered by a signed checkpoint"),
      headers: { "Retry-After": { schema: { type: "string" as const }, description: "seconds" } },
    },
    ...problemResponses(400, 404),
  };
}

/** What a receipt handler answers: a status, a JSON body and, for 202, Retry-After. */
export type ReceiptReply =
  | { readonly status: 200; readonly body: z.infer<typeof ReceiptSchema> }
  | { readonly status: 202; readonly body: z.infer<typeof PendingReceiptSchema>; readonly retryAfter: string };

/** Maps the log's answer for (type, id) to a reply; a 404 problem when there is no leaf. */
export function receiptReply(answer: ReceiptAnswer, what: string): ReceiptReply {
  if (answer.status === "unknown") {
    throw new ProblemError(404, `${what} is not in the transparency log`, { slug: "not-in-log" });
  }
  if (answer.status === "pending") {
    return {
      status: 202,
      body: { status: "pending", leaf_index: answer.leaf_index, retry_after_ms: answer.retry_after_ms },
      retryAfter: String(Math.max(1, Math.ceil(answer.retry_after_ms / 1000))),
    };
  }
  const { receipt } = answer;
  return { status: 200, body: { ...receipt, inclusion_proof: [...receipt.inclusion_proof] } };
}

/** The receipt of (type, id) through `log`; a 404 problem when the log plugin is not loaded. */
export async function receiptOf(
  log: TransparencyLog | undefined,
  type: LeafType,
  id: string,
  what: string,
): Promise<ReceiptReply> {
  if (!log) {
    throw new ProblemError(404, `the transparency log is not loaded (RMOS_PLUGINS): ${what} has no receipt`, {
      slug: "log-disabled",
    });
  }
  return receiptReply(await log.receipt(type, id), what);
}
