/**
 * The API contract against the in-process app (`app.request`, no network), with every
 * plugin loaded.
 */
import { after, before } from "node:test";
import { apiContract } from "../../src/contracts/testing/api_contract.js";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";

let t: TestKernel;
before(async () => {
  t = await startTestKernel();
});
after(() => t.close());

apiContract({ name: "in-process app", fetch: (path, init) => t.request(path, init) });
