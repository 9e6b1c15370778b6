/**
 * Removal of temp files that an interrupted import left behind. Temp files are named
 * by `tempNameFor` (`.tmp-<name>-<pid>-<random>`); a temp file whose process is still
 * alive may belong to an import running right now and is left alone, one whose process
 * is gone can never be completed and is removed (a killed backup of a large runs.json
 * would otherwise keep its partial copy for ever). Nothing with the temp prefix is ever
 * read as data.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { fsyncDir, TEMP_PREFIX } from "../../kernel/plugin_api/storage.js";

/** Whether a process with this id is running (signal 0 probes without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process id written in a temp name, or undefined when the name has none. */
export function tempOwner(name: string): number | undefined {
  if (!name.startsWith(TEMP_PREFIX)) return undefined;
  const parts = name.split("-");
  const pid = Number(parts.at(-2));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

/** Removes the temp files directly in `dir` whose writing process has exited; answers how many. */
export async function removeStaleTemps(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  let removed = 0;
  for (const name of names) {
    const pid = tempOwner(name);
    if (pid === undefined || pid === process.pid || alive(pid)) continue;
    await fs.rm(path.join(dir, name), { force: true });
    removed++;
  }
  if (removed > 0) await fsyncDir(dir);
  return removed;
}
