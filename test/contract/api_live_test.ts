/**
 * The API contract over real HTTP. With RMOS_BASE_URL set (e.g. http://10.0.0.5:8080)
 * it checks that installation — this is what a compliance team runs
 * (`RMOS_BASE_URL=... npm run contract`); without it, it starts the service on
 * 127.0.0.1 with an ephemeral port and checks that.
 */
import { after, before } from "node:test";
import { apiContract } from "../../src/contracts/testing/api_contract.js";
import { startTestServer } from "../../src/testing/test_kernel.js";

const given = process.env.RMOS_BASE_URL?.replace(/\/+$/, "");
let origin = given ?? "";
let close: (() => Promise<void>) | undefined;

before(async () => {
  if (given) return;
  const t = await startTestServer();
  origin = t.server.url;
  close = () => t.close();
});
after(() => close?.());

apiContract({
  name: given ? `installation at ${given}` : "real server on 127.0.0.1",
  fetch: (path, init) => fetch(`${origin}${path}`, init),
});
