import { createHash } from "node:crypto";
import { existsSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../../src/store/open";

/**
 * A migrated PGlite data directory that tests copy instead of running initdb (about 2 s) each time.
 * Named after the migrations' source, so a changed migration makes a new template.
 */
export function templateDir(): string {
  const source = readFileSync(join(__dirname, "../../src/store/migrations.ts"));
  return join(
    tmpdir(),
    `gateway-pglite-template-${createHash("sha256").update(source).digest("hex").slice(0, 16)}`,
  );
}

/** Jest's globalSetup: makes the template once per run (or reuses one from an earlier run). */
export async function makeTemplate(): Promise<void> {
  const dir = templateDir();
  if (existsSync(dir)) return;
  const building = `${dir}.${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const sql = await openStore({ databaseUrl: undefined, dataDir: building });
  await sql.close();
  renameSync(building, dir);
}
