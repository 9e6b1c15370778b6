/**
 * The version of the plugin API. A plugin loaded from a package (RMOS_PLUGINS=all,<package>)
 * says in `apiVersion` which major version of this API it was written for, as a number
 * literal; the kernel refuses to load one written for another version, naming the package
 * and both versions. The number changes only when a change to src/kernel/plugin_api or
 * src/contracts would break a plugin that compiled against the previous one.
 */

/** The major version of the plugin API this service offers. */
export const PLUGIN_API_VERSION = 1;
