/**
 * The advisory plugin: append-only context for write-once runs. AI explanations,
 * suggestions, images and validations are stored as write-once advisory assets, reviewed
 * by append-only decision events, and linked to runs by write-once link files beside the
 * run (the run's own bytes never change). `suggest-and-attach` generates an explanation
 * with a pluggable provider (EXPLANATION_PROVIDER; default: the offline rules explainer)
 * and lets a pluggable approval policy (APPROVAL_POLICY; default by RMOS_ADVISORY_POLICY)
 * decide its review state. It provides ADVISORY_STORE and adds the `advisory_links`
 * check to run verification.
 */
import { APPROVAL_POLICY } from "../../contracts/ports/advisory_approval_policy.js";
import { EXPLANATION_PROVIDER } from "../../contracts/ports/advisory_explanation_provider.js";
import { ADVISORY_STORE } from "../../contracts/ports/advisory_store.js";
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { RUN_VERIFIERS } from "../../contracts/ports/run_verifiers.js";
import { token } from "../../contracts/token.js";
import type { Plugin, PluginContext } from "../../kernel/plugin.js";
import { selectApprovalPolicy } from "./approval_policies.js";
import { type AdvisoryConfig, AdvisoryConfigSchema } from "./config.js";
import { FileAdvisoryStore } from "./file_store.js";
import { registerAdvisoryRoutes } from "./handlers.js";
import { advisoryLinkVerifier } from "./link_verifier.js";
import { AdvisoryMetrics } from "./metrics.js";
import { rulesExplainer } from "./rules_explainer.js";
import { AdvisoryService } from "./service.js";

/** What one kernel's advisory plugin holds (the plugin object itself is shared by kernels). */
interface AdvisoryParts {
  readonly config: AdvisoryConfig;
  readonly fileStore: FileAdvisoryStore;
  readonly metrics: AdvisoryMetrics;
}

/** Plugin-private: bound in the plugin's own child container only. */
const PARTS = token<AdvisoryParts>("advisory.parts");

function serviceOf(ctx: PluginContext): AdvisoryService {
  const { config, metrics } = ctx.resolve(PARTS);
  const policy = selectApprovalPolicy(config.policy, ctx.resolveOptional(APPROVAL_POLICY));
  const provider = ctx.resolveOptional(EXPLANATION_PROVIDER) ?? rulesExplainer;
  return new AdvisoryService({
    store: ctx.resolve(ADVISORY_STORE),
    runs: ctx.resolve(RUN_STORE),
    upcaster: () => ctx.resolveOptional(ARTIFACT_UPCASTER),
    provider,
    policy,
    callPolicy: config.provider,
    metrics,
    logger: ctx.logger,
  });
}

export const advisoryPlugin: Plugin = {
  name: "advisory",
  dependsOn: ["runs"],

  register(ctx) {
    const config = ctx.readConfig(AdvisoryConfigSchema);
    const fileStore = new FileAdvisoryStore({ dataDir: ctx.config.dataDir, logger: ctx.logger });
    ctx.provide(ADVISORY_STORE, fileStore);
    const metrics = new AdvisoryMetrics(ctx.metrics, () => ctx.resolve(ADVISORY_STORE).stats());
    ctx.container.register(PARTS, { useValue: { config, fileStore, metrics } });
    ctx
      .resolve(RUN_VERIFIERS)
      .add(advisoryLinkVerifier(() => ({ runs: ctx.resolve(RUN_STORE), advisories: ctx.resolve(ADVISORY_STORE) })));
  },

  routes(registrar, ctx) {
    let service: AdvisoryService | undefined; // one per kernel, made on first request (after onReady)
    registerAdvisoryRoutes(registrar, () => {
      service ??= serviceOf(ctx);
      return service;
    });
  },

  async onReady(ctx) {
    const { config, fileStore } = ctx.resolve(PARTS);
    const opened = await fileStore.open();
    const policy = selectApprovalPolicy(config.policy, ctx.resolveOptional(APPROVAL_POLICY));
    const provider = ctx.resolveOptional(EXPLANATION_PROVIDER) ?? rulesExplainer;
    ctx.logger.info(
      { ...opened, policy: policy.name, provider: provider.id, provider_call: config.provider },
      "advisory store opened",
    );
  },

  async onClose(ctx) {
    await ctx.resolve(PARTS).fileStore.close();
  },
};
