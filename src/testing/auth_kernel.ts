/**
 * Test support: a real kernel with RMOS_AUTH=on and real API tokens issued into its
 * token store (the same `issueToken` as `rmos tokens create`), in process or listening
 * on 127.0.0.1, and a helper that adds a token's `Authorization` header to a request.
 */
import { TOKEN_STORE } from "../contracts/ports/token_store.js";
import type { Role } from "../kernel/auth/roles.js";
import { issueToken } from "../kernel/auth/token_issuer.js";
import { startTestKernel, startTestServer, type TestKernel, type TestKernelOptions } from "./test_kernel.js";

/** The tokens to issue: name → roles (the principal is `token:<name>`). */
export type TokenSpec = Readonly<Record<string, readonly Role[]>>;

export interface AuthKernel<T extends TestKernel = TestKernel> {
  readonly t: T;
  /** The issued tokens by name. */
  readonly tokens: Readonly<Record<string, string>>;
  /** `init` with `Authorization: Bearer <token of name>` added. */
  as(name: string, init?: RequestInit): RequestInit;
  close(): Promise<void>;
}

/** `init` with `Authorization: Bearer <token>` added to its headers. */
export function withBearer(token: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("authorization", `Bearer ${token}`);
  return { ...init, headers };
}

async function issueAll(t: TestKernel, spec: TokenSpec): Promise<Record<string, string>> {
  const store = t.kernel.resolve(TOKEN_STORE);
  const tokens: Record<string, string> = {};
  for (const [name, roles] of Object.entries(spec)) {
    tokens[name] = (await issueToken(store, { name, roles, createdBy: "cli:test" })).token;
  }
  return tokens;
}

function authKernelOf<T extends TestKernel>(t: T, tokens: Record<string, string>): AuthKernel<T> {
  return {
    t,
    tokens,
    as(name, init) {
      const token = tokens[name];
      if (token === undefined) throw new Error(`no token named ${name} was issued`);
      return withBearer(token, init);
    },
    close: () => t.close(),
  };
}

/** A started in-process kernel with RMOS_AUTH=on and the tokens of `spec`. */
export async function startAuthKernel(spec: TokenSpec, options: TestKernelOptions = {}): Promise<AuthKernel> {
  const t = await startTestKernel({ ...options, env: { RMOS_AUTH: "on", ...options.env } });
  return authKernelOf(t, await issueAll(t, spec));
}

/** The same, listening on 127.0.0.1 with an ephemeral port. */
export async function startAuthServer(
  spec: TokenSpec,
  options: TestKernelOptions = {},
): Promise<AuthKernel<Awaited<ReturnType<typeof startTestServer>>>> {
  const t = await startTestServer({ ...options, env: { RMOS_AUTH: "on", ...options.env } });
  return authKernelOf(t, await issueAll(t, spec));
}
