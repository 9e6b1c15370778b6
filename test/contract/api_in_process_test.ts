/**
 * The governance contract (@rmos/contract) against the in-process app (`app.request`,
 * no network), with every plugin loaded and RMOS_AUTH=on: the contract's requests
 * carry a writer+reviewer API token (its anonymous probes carry none). First in full
 * mode (it creates runs), then read-only over the runs that left.
 */
import { after, before } from "node:test";
import type { ContractTarget } from "../../packages/contract/src/index.js";
import { type AuthKernel, startAuthKernel } from "../../src/testing/auth_kernel.js";
import { contractSuite } from "./contract_suite.js";

let k: AuthKernel;
before(async () => {
  k = await startAuthKernel({ contract: ["writer", "reviewer"] });
});
after(() => k.close());

const target = (): ContractTarget => ({
  name: "in-process app (RMOS_AUTH=on)",
  fetch: (path, init) => k.t.request(path, k.as("contract", init)),
  fetchAnonymous: (path, init) => k.t.request(path, init),
});
contractSuite("in-process app", target, { readOnly: false });
contractSuite("in-process app", target, { readOnly: true });
