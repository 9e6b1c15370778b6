/**
 * `node --import <this file>`: registers the resolution hook (./host_package.ts) for a
 * whole process, so that code outside the service's package — a plugin package's own
 * tests run from this checkout, where no node_modules/rmos-runs exists — imports the
 * service's plugin API by its package name. `npm test` runs every test file with it.
 * `rmos` itself needs no flag: it registers the hook before it imports a plugin package.
 */
import { shareHostPackage } from "./host_package.js";

shareHostPackage();
