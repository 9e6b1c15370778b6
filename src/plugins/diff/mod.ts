/**
 * The diff plugin: `GET /runs/diff?a=&b=` and `rmos diff A B` — what changed between two
 * runs (JSON Pointer, op, before, after, severity per change), the overall severity and an
 * RFC 6902 patch turning a into b. It provides the DIFF_SEVERITY registry so that other
 * plugins can add severity rules, reads the operator's rules from RMOS_DIFF_SEVERITY_RULES,
 * and compares runs in the current schema version through ARTIFACT_UPCASTER when a
 * plugin binds it.
 */
import { ARTIFACT_UPCASTER } from "../../contracts/ports/artifact_upcaster.js";
import { DIFF_SEVERITY, DiffSeverityRegistry } from "../../contracts/ports/diff_severity.js";
import { RUN_STORE } from "../../contracts/ports/run_store.js";
import { bind, definePlugin, late } from "../../kernel/plugin_api/plugin.js";
import { diffCommand } from "./commands.js";
import { registerDiffRoutes } from "./handlers.js";
import { type DiffConfig, DiffConfigSchema, effectiveRules, SEVERITY_RULES_VARIABLE } from "./rules_config.js";
import { DIFF_SERVICE, DiffService } from "./service.js";

export const diffPlugin = definePlugin({
  name: "diff",
  provides: [DIFF_SEVERITY, DIFF_SERVICE],
  consumes: { runs: RUN_STORE, upcaster: late(ARTIFACT_UPCASTER) },
  commands: [diffCommand],

  init({ runs, upcaster }, ctx) {
    const registry = new DiffSeverityRegistry();
    // The operator's rules are read at start (a bad value stops the start, not `rmos openapi`);
    // rules are looked up on each call: plugins loaded later add theirs in their own init.
    let configured: DiffConfig[typeof SEVERITY_RULES_VARIABLE] = [];
    const service = new DiffService({
      store: runs,
      upcaster,
      rules: () => effectiveRules(registry.list(), configured),
    });
    return {
      provide: [bind(DIFF_SEVERITY, registry), bind(DIFF_SERVICE, service)],
      routes: (r) => registerDiffRoutes(r, service),
      async start() {
        configured = ctx.readConfig(DiffConfigSchema)[SEVERITY_RULES_VARIABLE];
        if (registry.list().length + configured.length > 0) {
          ctx.logger.info(
            { plugin_rules: registry.list().length, configured_rules: configured.length },
            "diff severity rules extended",
          );
        }
      },
    };
  },
});
