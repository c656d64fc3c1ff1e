import { spawn } from "node:child_process";
import { join } from "node:path";
import { DEV_API_KEY } from "../src/auth/api-keys";

/**
 * The entry point `npm start` runs, compiled (npm test builds it first), as a real child process.
 */
const MAIN = join(__dirname, "..", "dist", "src", "main.js");

function startMain(env: Record<string, string>) {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? "",
      HOST: "127.0.0.1",
      PORT: "0",
      GATEWAY_DATA_DIR: "memory://",
      ...env,
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  /** Resolves with stdout once it contains `marker`. */
  const printed = (marker: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => (stdout.includes(marker) ? resolve(stdout) : undefined);
      child.stdout.on("data", check);
      void exited.then(() =>
        reject(new Error(`exited before printing ${marker}:\n${stdout}\n${stderr}`)),
      );
      check();
    });
  return { child, exited, printed, output: () => ({ stdout, stderr }) };
}

describe("npm start's entry point", () => {
  jest.setTimeout(20_000);

  it("says first that it runs against the built-in emulator, and its printed example works; SIGTERM stops it cleanly", async () => {
    const main = startMain({});
    try {
      const stdout = await main.printed("\nJSON\n");
      expect(stdout.split("\n")[0]).toBe(
        "RUNNING AGAINST THE BUILT-IN BAIDU EMULATOR: no Baidu credentials are configured, nothing is sent to Baidu.",
      );
      const url = stdout.match(/GraphQL: +(http:\/\/\S+\/graphql)/)![1]!;
      expect(stdout).toContain(`API key:   ${DEV_API_KEY}`);
      const body = stdout.match(/<<'JSON'\n([\s\S]*?)\nJSON\n/)![1]!;
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${DEV_API_KEY}` },
        body,
      });
      expect(await response.json()).toEqual({
        data: {
          updateAfterSaleOrder: {
            allApplied: true,
            results: [{ resourceId: "2221554346520", rowsAffected: 1, applied: true }],
          },
        },
      });
    } finally {
      main.child.kill("SIGTERM");
    }
    expect(await main.exited).toBe(0);
  });

  it("refuses to start in production mode without apps or keys, listing both problems", async () => {
    const main = startMain({ GATEWAY_MODE: "production" });
    expect(await main.exited).toBe(1);
    expect(main.output().stderr).toBe(
      [
        "The configuration has 2 problem(s):",
        "  - apps: production mode needs at least one Baidu app (the emulator is for development)",
        "  - apiKeys: production mode needs at least one API key",
        'See "Configuration" in README.md.',
        "",
      ].join("\n"),
    );
  });
});
