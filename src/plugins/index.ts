/**
 * The explicit list of plugins, in load order. A team adding a plugin adds it here
 * (see docs/plugin-guide.md); RMOS_PLUGINS can narrow the list at start.
 */
import type { Plugin } from "../kernel/plugin.js";
import { runsPlugin } from "./runs/mod.js";

export const ALL_PLUGINS: readonly Plugin[] = [runsPlugin];
