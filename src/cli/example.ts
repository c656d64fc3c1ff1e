import { repositoryPath } from "../lib/repository";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEV_API_KEY } from "../auth/api-keys";

/**
 * The examples in `examples/`, in the order that runs them all against a fresh `npm start`
 * (Baidu's example order 2221554346520 seeded with its after-sale order "onlyOne"):
 * importOrder overwrites the seeded order without after-sale info, so appendAfterSaleOrders can
 * add "onlyOne" again, and the after-sale updates then find it.
 */
export const EXAMPLES = [
  {
    name: "importOrder",
    what: "E1: pushes Baidu's example order 2221554346520 (overwrites it, after-sale info included)",
  },
  { name: "updateOrderInfo", what: "E2: replaces the order's products, payment, links and status" },
  {
    name: "updateOrderStatus",
    what: "E3: two orders of one user COMPLETED (3221554346520 is not seeded: rowsAffected 0)",
  },
  {
    name: "appendAfterSaleOrders",
    what: 'E4: adds the after-sale order "onlyOne" (refused once it exists)',
  },
  {
    name: "updateAfterSaleOrder",
    what: "E5: replaces all after-sale info (the README's curl example)",
  },
  { name: "updateAfterSaleOrderStatus", what: 'E6: after-sale order "onlyOne" REFUNDED' },
  { name: "updateOrderLogistics", what: "E7: sets the order's tracking number" },
  { name: "delivery", what: "a delivery of the ledger by id (--var id=<the id a write answered>)" },
  { name: "deliveries", what: "the ledger's deliveries of the example order, newest first" },
  { name: "order", what: "what the gateway last delivered for the example order" },
  { name: "apps", what: "the Baidu apps the API key may write to" },
] as const;

export type ExampleName = (typeof EXAMPLES)[number]["name"];

export const DEFAULT_URL = "http://127.0.0.1:4000/graphql";

/** The repository's `examples/` folder, from `src/` or `dist/src/`. */
export function examplesDir(): string {
  return repositoryPath("examples", __dirname);
}

export function isExampleName(name: string): name is ExampleName {
  return EXAMPLES.some((example) => example.name === name);
}

/** An example's operation and variables, as `npm run example` sends them. */
export function loadExample(
  name: ExampleName,
  dir = examplesDir(),
): { query: string; variables: Record<string, unknown> } {
  return {
    query: readFileSync(join(dir, `${name}.graphql`), "utf8"),
    variables: JSON.parse(readFileSync(join(dir, `${name}.variables.json`), "utf8")) as Record<
      string,
      unknown
    >,
  };
}

export interface RunOptions {
  url?: string;
  key?: string;
  /** Top-level variables replacing the file's (e.g. `{ id: "7" }` for `delivery`). */
  vars?: Record<string, unknown>;
}

/** Sends one example; the answer's JSON and whether it has GraphQL errors. */
export async function runExample(
  name: ExampleName,
  options: RunOptions = {},
): Promise<{ status: number; body: { data?: unknown; errors?: unknown[] } }> {
  const { query, variables } = loadExample(name);
  const response = await fetch(options.url ?? DEFAULT_URL, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${options.key ?? DEV_API_KEY}`,
    },
    body: JSON.stringify({ query, variables: { ...variables, ...options.vars } }),
  });
  const text = await response.text();
  try {
    return {
      status: response.status,
      body: JSON.parse(text) as { data?: unknown; errors?: unknown[] },
    };
  } catch {
    throw new Error(
      `HTTP ${response.status} from ${options.url ?? DEFAULT_URL}, not JSON: ${text.slice(0, 500)}`,
    );
  }
}

/** What `npm run example` with no name prints. */
export function usage(): string {
  const width = Math.max(...EXAMPLES.map((example) => example.name.length));
  return [
    "usage: npm run example -- <name> [--url <graphql url>] [--key <api key>] [--var <name>=<value>]...",
    `  --url  default ${DEFAULT_URL} (the gateway npm start runs)`,
    `  --key  default the development key ${DEV_API_KEY}`,
    "  --var  replaces a top-level variable of the example (the value is read as JSON, else as a string)",
    "",
    "examples (examples/<name>.graphql and <name>.variables.json; run in this order after a fresh npm start, every write applies",
    "except the second order of updateOrderStatus):",
    ...EXAMPLES.map((example) => `  ${example.name.padEnd(width)}  ${example.what}`),
  ].join("\n");
}

function parseArgs(args: readonly string[]): { name?: string; options: RunOptions } {
  const options: RunOptions = {};
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "--url") options.url = value();
    else if (arg === "--key") options.key = value();
    else if (arg === "--var") {
      const assignment = value();
      const equals = assignment.indexOf("=");
      if (equals <= 0) throw new UsageError(`--var wants <name>=<value>, not ${assignment}`);
      const raw = assignment.slice(equals + 1);
      let parsed: unknown = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        // A plain string.
      }
      options.vars = { ...options.vars, [assignment.slice(0, equals)]: parsed };
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option ${arg}`);
    else if (name === undefined) name = arg;
    else throw new UsageError(`one example at a time (got ${name} and ${arg})`);
  }
  return name === undefined ? { options } : { name, options };
}

class UsageError extends Error {}

/**
 * `npm run example -- <name>`: sends examples/<name>.graphql with its variables and prints the
 * answer.
 */
async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage()}\n`);
    return 2;
  }
  if (parsed.name === undefined) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (!isExampleName(parsed.name)) {
    process.stderr.write(`no example named ${parsed.name}\n\n${usage()}\n`);
    return 2;
  }
  const { status, body } = await runExample(parsed.name, parsed.options);
  process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  if (body.errors?.length) {
    process.stderr.write(`GraphQL errors (HTTP ${status})\n`);
    return 1;
  }
  return status === 200 ? 0 : 1;
}

if (require.main === module) {
  main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      const cause =
        error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
      process.stderr.write(
        `${error instanceof Error ? error.message : String(error)}${cause}\nIs the gateway running? Start it with npm start.\n`,
      );
      process.exitCode = 1;
    },
  );
}
