import "reflect-metadata";
import { DEV_API_KEY } from "./auth/api-keys";
import { ConfigError, loadConfig } from "./config/load";
import type { GatewayConfig } from "./config/types";
import { withEmulator } from "./dev/mode";
import { exampleCurl } from "./dev/example";
import { createLogger, describeError } from "./ops/log";

/**
 * `npm start`: read the configuration once, then serve; with no Baidu app configured, embed the
 * emulator.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\nSee "Configuration" in README.md.\n`);
    process.exit(1);
  }
  // graphql-js chooses its instanceof checks when it loads: the development variant costs about
  // 15 µs a request in the benchmark's profile. Production mode gets the plain one.
  if (config.mode === "production" && !process.env.NODE_ENV) process.env.NODE_ENV = "production";
  const { startGateway } = await import("./server.js");
  const logger = createLogger({ level: config.logLevel });
  const dev = config.emulator ? await withEmulator(config) : undefined;
  const gateway = await startGateway({
    config: dev?.config ?? config,
    logger,
    processMetrics: true,
  });
  const out = (line = "") => process.stdout.write(line + "\n");
  if (dev) {
    out(
      "RUNNING AGAINST THE BUILT-IN BAIDU EMULATOR: no Baidu credentials are configured, nothing is sent to Baidu.",
    );
    out(`  Emulator:  ${dev.emulator.url}  (stored orders: ${dev.emulator.url}/__emulator/orders)`);
    out(`  GraphQL:   ${gateway.graphqlUrl}  (open it in a browser for a playground)`);
    out(`  API key:   ${DEV_API_KEY}  (development only; accepted only with the emulator)`);
    out(`  Ledger:    ${describeStore(config)}`);
    out("  Try it from a second terminal:");
    out();
    out(exampleCurl(gateway.graphqlUrl));
    out();
  } else {
    out(
      `Gateway for ${config.apps.length} Baidu app(s) at ${config.baidu.baseUrl}: ${gateway.graphqlUrl} (${config.mode} mode)`,
    );
    out(`Ledger: ${describeStore(config)}`);
  }
  // Both signals, or one twice, lead to one shutdown.
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await gateway.close();
      await dev?.emulator.close();
    })().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("Shutdown failed", describeError(error));
        process.exit(1);
      },
    ));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** Where the ledger is; a DATABASE_URL may hold a password, so only its host is named. */
function describeStore(config: GatewayConfig): string {
  if (!config.store.databaseUrl) return `embedded PostgreSQL in ${config.store.dataDir}`;
  const url = URL.parse(config.store.databaseUrl);
  return `PostgreSQL at ${url ? `${url.hostname}:${url.port || 5432}${url.pathname}` : "DATABASE_URL"}`;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `The gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
