/**
 * `rmos log keygen|status|verify-receipt`: make a signing key (mode 0600, the
 * verifier key printed), show the log's size and latest checkpoint, and verify a
 * receipt offline with nothing but the receipt file and the verifier key (exit 0
 * valid, 1 not, 2 usage).
 */
import fs from "node:fs";
import { parseCommandArgs, UsageError, writeJson } from "../../kernel/plugin_api/args.js";
import { TRANSPARENCY_LOG } from "../../contracts/ports/transparency_log.js";
import { isValidKeyName } from "../../contracts/tlog/checkpoint.js";
import { verifierKeyOf } from "../../contracts/tlog/note_keys.js";
import { verifyReceipt } from "../../contracts/tlog/receipt.js";
import type { CliCommand, CliRunContext } from "../../kernel/plugin_api/cli.js";
import { writeNewKeyFile } from "./log_keys.js";

const HELP = `Usage: rmos log keygen --origin ORIGIN --out FILE [--json]
       rmos log status [--json]
       rmos log verify-receipt FILE --verifier-key KEY [--json]

keygen          writes a new Ed25519 signing key named ORIGIN to FILE (mode 0600; an
                existing file is never overwritten) and prints its verifier key
                (--json: { origin, verifier_key, key_file }). Point RMOS_LOG_KEY_FILE at it.
status          the log's origin, verifier key, size and latest signed checkpoint.
verify-receipt  checks a receipt (JSON from GET .../receipt) offline against the
                verifier key <origin>+<key id>+<key>: exit 0 valid, 1 not valid.`;

async function keygen({ args, io }: CliRunContext): Promise<number> {
  const { values } = parseCommandArgs(args, { origin: { type: "string" }, out: { type: "string" } });
  if (!values.origin || !values.out) throw new UsageError("keygen needs --origin ORIGIN and --out FILE");
  if (!isValidKeyName(values.origin)) throw new UsageError("the origin must be non-empty, without spaces or '+'");
  if (fs.existsSync(values.out)) throw new UsageError(`${values.out} exists: refusing to overwrite a key`);
  const signer = writeNewKeyFile(values.out, values.origin);
  const report = { origin: signer.name, verifier_key: verifierKeyOf(signer), key_file: values.out };
  if (values.json) writeJson(io.stdout, report);
  else io.stdout.write(`${report.verifier_key}\n`);
  return 0;
}

async function status({ args, io, boot }: CliRunContext): Promise<number> {
  const { values } = parseCommandArgs(args, {});
  const kernel = await boot();
  try {
    const log = kernel.resolve(TRANSPARENCY_LOG);
    const size = await log.size();
    const checkpoint = await log.latestCheckpoint();
    const report = {
      origin: log.origin,
      verifier_key: log.verifierKey,
      size,
      checkpoint: { size: checkpoint.size, root: checkpoint.root, signed_at_utc: checkpoint.signed_at_utc },
      uncovered: size - checkpoint.size,
    };
    if (values.json) writeJson(io.stdout, report);
    else {
      io.stdout.write(
        `origin        ${report.origin}\nverifier key  ${report.verifier_key}\nleaves        ${size}\ncheckpoint    size ${checkpoint.size}, root ${checkpoint.root}, signed ${checkpoint.signed_at_utc}\n`,
      );
    }
    return 0;
  } finally {
    await kernel.close();
  }
}

async function verify({ args, io }: CliRunContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { "verifier-key": { type: "string" } });
  const file = positionals[1];
  const key = values["verifier-key"];
  if (!file || !key) throw new UsageError("verify-receipt needs FILE and --verifier-key KEY");
  let receipt: unknown;
  try {
    receipt = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`cannot read the receipt ${file}: ${(error as Error).message}`);
  }
  const result = verifyReceipt(receipt, key.trim());
  if (values.json) {
    writeJson(
      io.stdout,
      result.ok
        ? { ok: true, leaf: result.leaf, leaf_index: result.leaf_index, tree_size: result.checkpoint.size }
        : { ok: false, reason: result.reason },
    );
  } else if (result.ok) {
    io.stdout.write(
      `valid: ${result.leaf.type} ${result.leaf.id} (sha256 ${result.leaf.sha256}) is leaf ${result.leaf_index} of the tree of size ${result.checkpoint.size} signed by ${result.checkpoint.origin}\n`,
    );
  } else {
    io.stdout.write(`NOT valid: ${result.reason}\n`);
  }
  return result.ok ? 0 : 1;
}

export const logCommand: CliCommand = {
  name: "log",
  summary: "the transparency log: keygen | status | verify-receipt",
  help: HELP,
  async run(ctx) {
    const action = ctx.args[0];
    if (!action || action === "--help" || action === "-h") {
      ctx.io.stdout.write(`${HELP}\n`);
      return action ? 0 : 2;
    }
    if (ctx.args.includes("--help") || ctx.args.includes("-h")) {
      ctx.io.stdout.write(`${HELP}\n`);
      return 0;
    }
    const rest = { ...ctx, args: ctx.args.slice(1) };
    if (action === "keygen") return keygen(rest);
    if (action === "status") return status(rest);
    if (action === "verify-receipt") return verify({ ...ctx, args: ctx.args });
    throw new UsageError(`unknown log action "${action}" (keygen, status, verify-receipt)`);
  },
};
