/**
 * The governance contract (@rmos/contract) over real HTTP. With RMOS_BASE_URL set
 * (e.g. http://10.0.0.5:8080, and RMOS_TOKEN when authentication is on) it checks that
 * installation (`npm run contract`); without it, it starts the service on 127.0.0.1
 * with an ephemeral port and RMOS_AUTH=on, issues a writer+reviewer token, and checks
 * that. Installations are better checked with the
 * `rmos-contract` command, which needs no checkout; this keeps the suite's own
 * HTTP path covered.
 */
import { after, before } from "node:test";
import { httpTarget } from "../../packages/contract/src/index.js";
import { startAuthServer } from "../../src/testing/auth_kernel.js";
import { contractSuite } from "./contract_suite.js";

const given = process.env.RMOS_BASE_URL;
let origin = given ?? "";
let token = process.env.RMOS_TOKEN;
let close: (() => Promise<void>) | undefined;

before(async () => {
  if (given) return;
  const k = await startAuthServer({ contract: ["writer", "reviewer"] });
  origin = k.t.server.url;
  token = k.tokens.contract;
  close = () => k.close();
});
after(() => close?.());

const target = () => httpTarget(origin, token ? { token } : {});
contractSuite(given ? `installation at ${given}` : "real server on 127.0.0.1", target, { readOnly: false });
