import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The path of `entry` (a folder or file the repository ships, such as `static` or `examples`) in
 * the repository the gateway runs from, found by walking up from `from` (a module in `src/` or in
 * `dist/src/`) to the folder that holds both a package.json and it.
 */
export function repositoryPath(entry: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, entry)))
      return join(dir, entry);
    if (dirname(dir) === dir) throw new Error(`no ${entry} above ${from}`);
  }
}
