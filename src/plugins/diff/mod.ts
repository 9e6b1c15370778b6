/**
 * The diff plugin: `GET /runs/diff?a=&b=` and `rmos diff A B` — what changed between two
 * runs (JSON Pointer, op, before, after, severity per change), the overall severity and an
 * RFC 6902 patch turning a into b. It provides the DIFF_SEVERITY registry so that other
 * plugins can add severity rules, reads the operator's rules from RMOS_DIFF_SEVERITY_RULES
 * at start, and compares runs in the current schema version through ARTIFACT_UPCASTER when
 * a plugin binds it.
 */
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { DIFF_SEVERITY, DiffSeverityRegistry } from "../../contracts/ports/diff_severity.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import type { Plugin } from "../../kernel/plugin.js";
import { diffCommand } from "./commands.js";
import { registerDiffRoutes } from "./handlers.js";
import { DiffConfigSchema, effectiveRules, SEVERITY_RULES_VARIABLE } from "./rules_config.js";
import { DIFF_SERVICE, DiffService, diffServiceOf } from "./service.js";

export const diffPlugin: Plugin = {
  name: "diff",
  dependsOn: ["runs"],
  commands: [diffCommand],

  register(ctx) {
    ctx.provide(DIFF_SEVERITY, new DiffSeverityRegistry());
  },

  routes(registrar, ctx) {
    registerDiffRoutes(registrar, () => diffServiceOf(ctx));
  },

  async onReady(ctx) {
    const configured = ctx.readConfig(DiffConfigSchema)[SEVERITY_RULES_VARIABLE];
    const registry = ctx.resolve(DIFF_SEVERITY);
    const service = new DiffService({
      store: ctx.resolve(RUN_STORE),
      upcaster: () => ctx.resolveOptional(ARTIFACT_UPCASTER),
      // Looked up on each call: a plugin may still add rules in its own onReady.
      rules: () => effectiveRules(registry.list(), configured),
    });
    ctx.container.register(DIFF_SERVICE, { useValue: service });
    if (registry.list().length + configured.length > 0) {
      ctx.logger.info(
        { plugin_rules: registry.list().length, configured_rules: configured.length },
        "diff severity rules extended",
      );
    }
  },
};
