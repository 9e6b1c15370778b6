/**
 * The governance contract (@rmos/contract) against the in-process app (`app.request`,
 * no network), with every plugin loaded: first in full mode (it creates runs), then
 * read-only over the runs that left.
 */
import { after, before } from "node:test";
import { startTestKernel, type TestKernel } from "../../src/testing/test_kernel.js";
import { contractSuite } from "./contract_suite.js";

let t: TestKernel;
before(async () => {
  t = await startTestKernel();
});
after(() => t.close());

const target = () => ({ name: "in-process app", fetch: (path: string, init?: RequestInit) => t.request(path, init) });
contractSuite("in-process app", target, { readOnly: false });
contractSuite("in-process app", target, { readOnly: true });
