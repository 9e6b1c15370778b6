/**
 * The advisory plugin: append-only context for write-once runs. AI explanations,
 * suggestions, images and validations are stored as write-once advisory assets, reviewed
 * by append-only decision events, and linked to runs by write-once link files beside the
 * run (the run's own bytes never change). `suggest-and-attach` generates an explanation
 * with a pluggable provider (EXPLANATION_PROVIDER; default: the offline rules explainer)
 * and lets a pluggable approval policy (APPROVAL_POLICY; default by RMOS_ADVISORY_POLICY)
 * decide its review state. It provides ADVISORY_STORE and adds the `advisory_links`
 * check to run verification. With the transparency-log plugin loaded, every asset,
 * review event and link is appended to the log as it is stored (recovered at start).
 */
import { APPROVAL_POLICY } from "../../contracts/ports/advisory_approval_policy.js";
import { EXPLANATION_PROVIDER } from "../../contracts/ports/advisory_explanation_provider.js";
import { ADVISORY_STORE } from "../../contracts/ports/advisory_store.js";
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { DATABASE } from "../../contracts/ports/database.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import { LOG_RECORD_SOURCES } from "../../contracts/ports/log_record_sources.js";
import { TRANSPARENCY_LOG } from "../../contracts/ports/transparency_log.js";
import { bind, definePlugin, late, optional } from "../../kernel/plugin_api/plugin.js";
import { selectApprovalPolicy } from "./approval_policies.js";
import { AdvisoryConfigSchema } from "./config.js";
import { registerAdvisoryRoutes } from "./handlers.js";
import { advisoryLinkVerifier } from "./link_verifier.js";
import { LinkedRuns } from "./linked_runs.js";
import { AdvisoryMetrics } from "./metrics.js";
import { rulesExplainer } from "./rules_explainer.js";
import { AdvisoryService } from "./service.js";
import { advisoryStorage } from "./storage.js";

export const advisoryPlugin = definePlugin({
  name: "advisory",
  provides: [ADVISORY_STORE],
  migrations: {
    sqlite: new URL("./migrations/sqlite/", import.meta.url),
    postgres: new URL("./migrations/postgres/", import.meta.url),
  },
  consumes: {
    db: DATABASE,
    runs: RUN_STORE,
    verifiers: RUN_VERIFIERS,
    upcaster: late(ARTIFACT_UPCASTER),
    policy: optional(APPROVAL_POLICY),
    provider: optional(EXPLANATION_PROVIDER),
    log: optional(TRANSPARENCY_LOG),
    logSources: optional(LOG_RECORD_SOURCES),
  },

  init({ db, runs, verifiers, upcaster, policy, provider, log, logSources }, ctx) {
    const config = ctx.readConfig(AdvisoryConfigSchema);
    const storage = advisoryStorage(db, ctx.config, ctx.logger, log);
    const store = storage.store;
    const metrics = new AdvisoryMetrics(ctx.metrics, () => store.stats());
    const approval = selectApprovalPolicy(config.policy, policy);
    const explainer = provider ?? rulesExplainer;
    logSources?.add({
      name: "advisory",
      types: ["advisory_asset", "advisory_review"],
      digests: () => storage.logDigests(),
    });
    verifiers.add(advisoryLinkVerifier(() => ({ runs, advisories: store })));
    const service = new AdvisoryService({
      store,
      runs,
      linkedRuns: new LinkedRuns(db),
      upcaster,
      provider: explainer,
      policy: approval,
      callPolicy: config.provider,
      metrics,
      logger: ctx.logger,
      log,
    });
    return {
      provide: [bind(ADVISORY_STORE, store)],
      routes: (r) => registerAdvisoryRoutes(r, service),
      async start() {
        const opened = await storage.open();
        const recovered = [await storage.recoverLeaves(), await service.recoverLinkLeaves()];
        if (recovered.some((r) => r.appended + r.forgotten > 0)) {
          ctx.logger.warn({ assets_and_reviews: recovered[0], links: recovered[1] }, "advisory log leaves recovered");
        }
        const described = { policy: approval.name, provider: explainer.id, provider_call: config.provider };
        ctx.logger.info({ ...opened, ...described }, "advisory store opened");
      },
      close: () => storage.close(),
    };
  },
});
