/**
 * The explicit list of plugins (a composition root: the one place that imports every
 * plugin). The kernel loads them in this order, except that a plugin always comes
 * after the providers of what it consumes. A team adding a plugin adds it here (see
 * docs/plugin-guide.md); RMOS_PLUGINS can narrow the list at start.
 */
import type { Plugin } from "../kernel/plugin_api/plugin.js";
import { runsPlugin } from "./runs/mod.js";
import { attachmentsPlugin } from "./attachments/mod.js";
import { advisoryPlugin } from "./advisory/mod.js";
import { diffPlugin } from "./diff/mod.js";
import { workflowSessionsPlugin } from "./workflow-sessions/mod.js";
import { schemaMigrationsPlugin } from "./schema-migrations/mod.js";
import { v1CompatPlugin } from "./v1-compat/mod.js";

export const ALL_PLUGINS: readonly Plugin[] = [
  runsPlugin,
  attachmentsPlugin,
  advisoryPlugin,
  diffPlugin,
  workflowSessionsPlugin,
  schemaMigrationsPlugin,
  v1CompatPlugin,
];
