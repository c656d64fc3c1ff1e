import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MIGRATIONS } from "../src/store/migrations";
import { openStore } from "../src/store/open";
import { templateDir } from "./support/pglite-template";

describe("the embedded store", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gateway-store-"));
    cpSync(templateDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is refused to a second opener while the first holds it, and free again once it is closed", async () => {
    const first = await openStore({ databaseUrl: undefined, dataDir: dir });
    await expect(openStore({ databaseUrl: undefined, dataDir: dir })).rejects.toThrow(
      `The embedded store ${dir} is in use by process ${process.pid}; stop it, or give this one its own GATEWAY_DATA_DIR (or DATABASE_URL)`,
    );
    await first.close();
    const again = await openStore({ databaseUrl: undefined, dataDir: dir });
    await again.close();
  });

  it("takes over the mark of a process that died holding it", async () => {
    writeFileSync(join(dir, "gateway.pid"), "2147483646");
    const sql = await openStore({ databaseUrl: undefined, dataDir: dir });
    await sql.close();
  });

  it("has every migration applied once, in order", async () => {
    const sql = await openStore({ databaseUrl: undefined, dataDir: dir });
    const rows = await sql.query<{ version: number; name: string }>(
      "select version, name from schema_migrations order by version",
    );
    await sql.close();
    expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });
});
