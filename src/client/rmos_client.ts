/**
 * The typed client of the RMOS Runs API, generated from openapi.json: `schema.d.ts`
 * is written by openapi-typescript (`npm run openapi`), and openapi-fetch turns it into
 * a client whose paths, parameters and bodies are checked by the compiler. Consuming
 * services use it; so do this project's end-to-end tests.
 */
import createClient from "openapi-fetch";
import type { paths } from "./schema.js";

export type { components, paths } from "./schema.js";

/** A client for the service at `origin` (e.g. http://127.0.0.1:8080). */
export function createRmosClient(origin: string, options: { headers?: Record<string, string> } = {}) {
  return createClient<paths>({ baseUrl: origin.replace(/\/+$/, ""), headers: options.headers });
}

export type RmosClient = ReturnType<typeof createRmosClient>;
