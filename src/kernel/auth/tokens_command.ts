/**
 * `rmos tokens create|list|revoke` (SPEC "Authentication and roles"). `create` prints
 * the token once — alone on standard output, so that `TOKEN=$(rmos tokens create …)`
 * works, with its details on standard error; `--json` prints
 * `{ token_id, token, name, roles, expires_at_utc }` instead. `list` never shows a
 * secret or digest. `revoke` takes effect at the next request on every instance.
 * The command is built over an opener of the token store, so that it does not depend
 * on how the kernel binds the store.
 */
import { parseCommandArgs, UsageError, writeJson } from "../plugin_api/args.js";
import type { TokenStore, TokenSummary } from "../../contracts/ports/token_store.js";
import type { CliCommand, CliIo, CliRunContext } from "../plugin_api/cli.js";
import { TOKEN_ID_PATTERN } from "./api_token.js";
import { DurationError, parseDuration } from "./duration.js";
import { OperatorNameError, operatorPrincipal } from "./operator.js";
import { ALL_ROLES, parseRoleList, type Role, RoleListError } from "./roles.js";
import { issueToken, TOKEN_NAME_PATTERN } from "./token_issuer.js";

/** An opened token store and how to close what was opened for it. */
export interface OpenedTokenStore {
  readonly store: TokenStore;
  close(): Promise<void>;
}

/** Opens the token store for one command run (e.g. boots the kernel with migrations). */
export type TokenStoreOpener = (ctx: CliRunContext) => Promise<OpenedTokenStore>;

const HELP = `Usage: rmos tokens create --name NAME --role ROLE[,ROLE...] [--expires-in DURATION] [--as OPERATOR] [--json]
       rmos tokens list [--json]
       rmos tokens revoke TOKEN_ID [--as OPERATOR] [--json]

API tokens for RMOS_AUTH=on. A request sends one as: Authorization: Bearer <token>.

  create   mints a token for principal token:NAME with the given roles
           (${ALL_ROLES.join(", ")}; several separated by commas or by repeating --role).
           DURATION is a whole number and a unit s, m, h or d (30s, 12h, 90d); without it
           the token lives until revoked. The token is printed ONCE, alone on standard
           output (details on standard error); only its SHA-256 is stored.
           --json prints { token_id, token, name, roles, expires_at_utc }.
  list     every token with its state (active, expired, revoked); never a secret.
  revoke   refuses the token from the next request on, on every instance; revoking
           twice is harmless. Exit 1 for an unknown token id.

--as OPERATOR records who did it (default: cli:<os user>).`;

function stateOf(t: TokenSummary, now: Date): "active" | "expired" | "revoked" {
  if (t.revoked_at_utc !== null) return "revoked";
  if (t.expires_at_utc !== null && Date.parse(t.expires_at_utc) <= now.getTime()) return "expired";
  return "active";
}

function asUsage<T>(f: () => T): T {
  try {
    return f();
  } catch (error) {
    if (error instanceof RoleListError || error instanceof DurationError || error instanceof OperatorNameError) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

type Values = ReturnType<typeof parseArgsOf>["values"];

function parseArgsOf(args: readonly string[]) {
  return parseCommandArgs(args, {
    name: { type: "string" },
    role: { type: "string", multiple: true },
    "expires-in": { type: "string" },
    as: { type: "string" },
  });
}

/** Checks everything `create` needs before the store is opened. */
function createRequest(values: Values, rest: readonly string[]) {
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
  if (!values.name) throw new UsageError("--name NAME is required");
  if (!values.role || values.role.length === 0) throw new UsageError("--role ROLE is required");
  const name = values.name;
  if (!TOKEN_NAME_PATTERN.test(name)) {
    throw new UsageError(
      `token name "${name}" must be 1-64 characters of letters, digits and . _ @ -, starting with a letter or digit`,
    );
  }
  const roles: Role[] = asUsage(() => parseRoleList((values.role as string[]).join(",")));
  const expires = values["expires-in"];
  const expiresInMs = expires === undefined ? undefined : asUsage(() => parseDuration(expires));
  const createdBy = asUsage(() => operatorPrincipal(values.as));
  return { name, roles, createdBy, ...(expiresInMs !== undefined ? { expiresInMs } : {}) };
}

async function create(
  store: TokenStore,
  request: ReturnType<typeof createRequest>,
  at: Date,
  values: Values,
  io: CliIo,
) {
  const issued = await issueToken(store, { ...request, now: at });
  if (values.json) writeJson(io.stdout, issued);
  else {
    io.stdout.write(`${issued.token}\n`);
    io.stderr.write(
      `created ${issued.token_id} for principal token:${issued.name} (roles: ${issued.roles.join(", ")}; expires: ${issued.expires_at_utc ?? "never"}).\nThe token above is shown this once and is not stored: keep it now. Send it as: Authorization: Bearer <token>\n`,
    );
  }
  return 0;
}

async function list(store: TokenStore, at: Date, values: Values, io: CliIo) {
  const tokens = (await store.list()).map((t) => ({ ...t, state: stateOf(t, at) }));
  if (values.json) writeJson(io.stdout, { tokens });
  else if (tokens.length === 0) io.stdout.write("no tokens\n");
  else {
    const rows = [
      ["TOKEN_ID", "NAME", "ROLES", "STATE", "EXPIRES", "CREATED_BY"],
      ...tokens.map((t) => [t.token_id, t.name, t.roles.join(","), t.state, t.expires_at_utc ?? "never", t.created_by]),
    ];
    const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
    for (const r of rows)
      io.stdout.write(
        `${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join("  ")
          .trimEnd()}\n`,
      );
  }
  return 0;
}

async function revoke(store: TokenStore, tokenId: string, at: Date, by: string, values: Values, io: CliIo) {
  const result = await store.revoke(tokenId, at, by);
  if (values.json) writeJson(io.stdout, { token_id: tokenId, ...result });
  else if (result.outcome === "unknown") io.stderr.write(`no token ${tokenId}\n`);
  else if (result.outcome === "revoked") io.stdout.write(`revoked ${tokenId} at ${result.revoked_at_utc}\n`);
  else io.stdout.write(`${tokenId} was already revoked at ${result.revoked_at_utc}\n`);
  return result.outcome === "unknown" ? 1 : 0;
}

/** Refuses options given to an action that does not take them. */
function checkOptions(values: Values, action: string): void {
  const takes: Record<string, readonly string[]> = {
    name: ["create"],
    role: ["create"],
    "expires-in": ["create"],
    as: ["create", "revoke"],
  };
  for (const [option, actions] of Object.entries(takes)) {
    if ((values as Record<string, unknown>)[option] !== undefined && !actions.includes(action)) {
      throw new UsageError(`--${option} is not an option of "tokens ${action}"`);
    }
  }
}

/** The `rmos tokens` command over `open`. */
export function createTokensCommand(open: TokenStoreOpener, now: () => Date = () => new Date()): CliCommand {
  return {
    name: "tokens",
    summary: "create, list and revoke API tokens",
    help: HELP,
    async run(ctx) {
      const { values, positionals } = parseArgsOf(ctx.args);
      const { io } = ctx;
      const [action, ...rest] = positionals;
      if (values.help || !action) {
        io.stdout.write(`${HELP}\n`);
        return values.help ? 0 : 2;
      }
      if (action !== "create" && action !== "list" && action !== "revoke") {
        throw new UsageError(`unknown tokens action "${action}"`);
      }
      checkOptions(values, action);
      // Every usage error is found before the store is opened.
      let work: (store: TokenStore) => Promise<number>;
      if (action === "create") {
        const request = createRequest(values, rest);
        work = (store) => create(store, request, now(), values, io);
      } else if (action === "list") {
        if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
        work = (store) => list(store, now(), values, io);
      } else {
        const [tokenId, ...extra] = rest;
        if (!tokenId) throw new UsageError("TOKEN_ID is required");
        if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
        if (!TOKEN_ID_PATTERN.test(tokenId)) {
          throw new UsageError(`"${tokenId}" is not a token id (tok_ + 26 characters)`);
        }
        const by = asUsage(() => operatorPrincipal(values.as));
        work = (store) => revoke(store, tokenId, now(), by, values, io);
      }
      const { store, close } = await open(ctx);
      try {
        return await work(store);
      } finally {
        await close();
      }
    },
  };
}
