/**
 * The advisory plugin's Prometheus metrics, in the kernel's registry.
 *
 * Counters (since this process started, for `rate()`): advisories created by asset
 * type, decisions (approved / rejected) by who decided (`human` or `system` policy),
 * and failed provider attempts by outcome. Gauges, read from the store's counts at each
 * scrape: advisories pending review, and the approval rate — approved / (approved +
 * rejected) over every stored decision, NaN while there is none (a rate of nothing is
 * not 0).
 */
import { Counter, Gauge, type Registry } from "prom-client";
import {
  ADVISORY_ASSET_TYPES,
  type AdvisoryAssetType,
  type AdvisoryStats,
  type ReviewDecision,
} from "../../contracts/ports/advisory_store.js";
import { SYSTEM_REVIEWER_PREFIX } from "../../contracts/ports/advisory_approval_policy.js";

export class AdvisoryMetrics {
  readonly created: Counter<"asset_type">;
  readonly approved: Counter<"reviewer">;
  readonly rejected: Counter<"reviewer">;
  readonly providerFailures: Counter<"outcome">;

  constructor(registry: Registry, stats: () => Promise<AdvisoryStats>) {
    this.created = new Counter({
      name: "rmos_advisories_created_total",
      help: "Advisory assets created by this process, by asset type",
      labelNames: ["asset_type"] as const,
      registers: [registry],
    });
    this.approved = new Counter({
      name: "rmos_advisories_approved_total",
      help: "Advisory assets approved by this process, by reviewer kind (human, system)",
      labelNames: ["reviewer"] as const,
      registers: [registry],
    });
    this.rejected = new Counter({
      name: "rmos_advisories_rejected_total",
      help: "Advisory assets rejected by this process, by reviewer kind (human, system)",
      labelNames: ["reviewer"] as const,
      registers: [registry],
    });
    this.providerFailures = new Counter({
      name: "rmos_advisory_provider_failures_total",
      help: "Failed explanation-provider attempts, by outcome (error, timeout)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    });
    // Every label combination starts at 0, so that dashboards and rate() see the series at once.
    for (const type of ADVISORY_ASSET_TYPES) this.created.inc({ asset_type: type }, 0);
    for (const reviewer of ["human", "system"]) {
      this.approved.inc({ reviewer }, 0);
      this.rejected.inc({ reviewer }, 0);
    }
    for (const outcome of ["error", "timeout"]) this.providerFailures.inc({ outcome }, 0);
    new Gauge({
      name: "rmos_advisories_pending",
      help: "Stored advisory assets without a review decision",
      registers: [registry],
      async collect() {
        const s = await stats();
        this.set(s.assets - s.approved - s.rejected);
      },
    });
    new Gauge({
      name: "rmos_advisory_approval_rate",
      help: "Approved / (approved + rejected) over every stored review decision; NaN while there is none",
      registers: [registry],
      async collect() {
        const s = await stats();
        const decided = s.approved + s.rejected;
        this.set(decided === 0 ? Number.NaN : s.approved / decided);
      },
    });
  }

  /** Counts a recorded decision. */
  decided(decision: ReviewDecision, reviewerId: string): void {
    const reviewer = reviewerId.startsWith(SYSTEM_REVIEWER_PREFIX) ? "system" : "human";
    (decision === "approve" ? this.approved : this.rejected).inc({ reviewer });
  }

  /** Counts a created asset. */
  createdAsset(type: AdvisoryAssetType): void {
    this.created.inc({ asset_type: type });
  }
}
