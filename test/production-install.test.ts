import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DEV_API_KEY } from "../src/auth/api-keys";
import { EXAMPLE_REQUEST } from "../src/dev/example";

const ROOT = join(__dirname, "..");

/**
 * The operations guide's install: a copy of the repository's tracked files as they are in the
 * working tree (no node_modules, no dist; commit new files first),
 * `npm ci --omit=dev`, then `npm start`. The packages come from npm's cache when it has them.
 */
describe("a production install", () => {
  jest.setTimeout(300_000);
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gateway-prod-"));
    const files = execFileSync("git", ["ls-files", "-c"], { cwd: ROOT })
      .toString()
      .split("\n")
      .filter((file) => file !== "" && existsSync(join(ROOT, file)));
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(ROOT, file), join(dir, file));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("installs without the development tools, then npm start serves the README's example", async () => {
    execFileSync("npm", ["ci", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: dir,
      stdio: "pipe",
    });
    expect(
      ["jest", "eslint", "prettier", "ts-jest"].filter((name) =>
        existsSync(join(dir, "node_modules", name)),
      ),
    ).toEqual([]);
    const child = spawn("npm", ["start"], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: "0",
        GATEWAY_DATA_DIR: "memory://",
      },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", () => {
          const match = output.match(/GraphQL: +(http:\/\/\S+\/graphql)/);
          if (match) resolve(match[1]!);
        });
        child.once("exit", (code) => reject(new Error(`npm start exited (${code}):\n${output}`)));
      });
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${DEV_API_KEY}` },
        body: JSON.stringify(EXAMPLE_REQUEST),
      });
      const answer = (await response.json()) as {
        data: { updateAfterSaleOrder: { allApplied: boolean } };
      };
      expect(answer.data.updateAfterSaleOrder.allApplied).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        process.kill(-child.pid!, "SIGTERM");
        await exited;
      }
    }
  });
});
