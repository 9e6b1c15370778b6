/**
 * The diff plugin's CLI command: `rmos diff A B` prints what changed between two stored runs
 * (the same comparison as GET /runs/diff, through the same service) as a readable,
 * side-by-side summary, or the API's JSON body with --json; `rmos diff --rules` prints the
 * severity table in force on this installation. Exit codes: 0 compared (whatever the
 * differences, unless --fail-on says otherwise), 1 a run is unknown or unreadable, or the
 * overall severity reached --fail-on; 2 a usage error.
 */
import { parseCommandArgs, UsageError, writeJson } from "../../kernel/plugin_api/args.js";
import { isRunId } from "../../contracts/ids.js";
import { DIFF_RULE_SEVERITIES } from "../../contracts/ports/diff_severity.js";
import { ProblemError } from "../../contracts/problem.js";
import type { CliCommand, CliIo } from "../../kernel/plugin_api/cli.js";
import { renderDiff, renderRules, useColor } from "./render.js";
import type { Severity } from "./severity.js";
import { compareSeverity } from "./severity.js";
import { DIFF_SERVICE } from "./service.js";

const HELP = `Usage: rmos diff <run_a> <run_b> [--json] [--no-color] [--fail-on SEVERITY]
       rmos diff --rules [--json] [--no-color]

Compares two stored runs, both brought to the current schema version, and prints
one line per change: its severity, its JSON Pointer, and the value in a and in b
side by side. Long values (G-code, say) are cut to a preview with their length and
the first hex digits of their SHA-256. Attachments, advisory inputs and warnings
are matched by identity, so a reordered list shows as moves.

Severity (SPEC "diff"): CRITICAL for status, decision.risk_level and
decision.block_reason; WARNING for hashes, feasibility, outputs and tool_id; INFO
for anything else; NONE when the runs are equal. Plugins and the environment
variable RMOS_DIFF_SEVERITY_RULES can add or re-rate rules (docs/plugins/diff.md).

Options:
  --json              print the GET /runs/diff body (changes, severity, patch)
  --no-color          never colour (colour is used only on a terminal, and never
                      when NO_COLOR is set)
  --fail-on SEVERITY  exit 1 when the overall severity is at least SEVERITY
                      (${DIFF_RULE_SEVERITIES.join(", ")})
  --rules             print the severity table in force instead of comparing

Exit codes: 0 compared; 1 a run is unknown or unreadable, or --fail-on was
reached; 2 usage error.`;

/** The terminal traits of the command's standard output. */
function terminalOf(io: CliIo): { isTTY: boolean; columns: number | undefined } {
  const stdout = io.stdout as NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  return { isTTY: stdout.isTTY === true, columns: stdout.columns };
}

/** Checks the arguments before anything is opened. */
function parse(args: readonly string[]) {
  const { values, positionals } = parseCommandArgs(args, {
    "no-color": { type: "boolean" },
    "fail-on": { type: "string" },
    rules: { type: "boolean" },
  });
  const failOn = values["fail-on"];
  if (failOn !== undefined && !(DIFF_RULE_SEVERITIES as readonly string[]).includes(failOn)) {
    throw new UsageError(`--fail-on must be one of ${DIFF_RULE_SEVERITIES.join(", ")}, not "${failOn}"`);
  }
  if (values.rules) {
    if (positionals.length > 0) throw new UsageError("--rules takes no run ids");
  } else if (!values.help) {
    if (positionals.length !== 2) throw new UsageError(`expected two run ids, got ${positionals.length}`);
    for (const id of positionals) {
      if (!isRunId(id)) {
        throw new UsageError(`${JSON.stringify(id)} is not a run id (run_ followed by a ULID or 12 lowercase hex)`);
      }
    }
  }
  return { values, positionals, failOn: failOn as Severity | undefined };
}

export const diffCommand: CliCommand = {
  name: "diff",
  summary: "what changed between two runs, and how much it matters",
  help: HELP,
  async run({ args, io, boot }) {
    const { values, positionals, failOn } = parse(args);
    if (values.help) {
      io.stdout.write(`${this.help}\n`);
      return 0;
    }
    const terminal = terminalOf(io);
    const color = useColor({ isTTY: terminal.isTTY, env: process.env, noColorFlag: values["no-color"] === true });
    const kernel = await boot();
    try {
      const service = kernel.resolveOptional(DIFF_SERVICE);
      if (!service) {
        io.stderr.write("rmos diff: the diff plugin is not enabled on this installation (see RMOS_PLUGINS)\n");
        return 2;
      }
      if (values.rules) {
        const rules = service.rules();
        if (values.json) writeJson(io.stdout, { rules, uncovered_paths: "INFO" });
        else io.stdout.write(renderRules(rules, { color }));
        return 0;
      }
      const [a, b] = positionals as [string, string];
      let result: Awaited<ReturnType<typeof service.diff>>;
      try {
        result = await service.diff(a, b);
      } catch (error) {
        if (error instanceof ProblemError) {
          io.stderr.write(`rmos diff: ${error.detail}\n`);
          return 1;
        }
        throw error;
      }
      if (values.json) writeJson(io.stdout, result);
      else io.stdout.write(renderDiff(result, { color, width: terminal.columns ?? 120 }));
      return failOn !== undefined && compareSeverity(result.severity, failOn) >= 0 ? 1 : 0;
    } finally {
      await kernel.close();
    }
  },
};
