import { parseArgs } from "node:util";
import {
  DEV_TOKEN_LIFETIME_SECONDS,
  DEV_TOKEN_MAX_LIFETIME_SECONDS,
  mintDevToken,
} from "../auth/dev-token";
import { ALL_ROLES, isRole } from "../auth/roles";

const USAGE = `npm run dev-token -- [--sub <name>] [--app <appKey>]... [--role <role>]... [--ttl <seconds>]
  A development token for a gateway in development mode with its emulator (npm start with no Baidu
  app configured); no other gateway accepts it. Send it as  Authorization: Bearer <token>.
  --sub   the caller's name (sub; logged as jwt:<name>), default developer
  --app   an app key it may act for, repeatable; default every app (*)
  --role  ${ALL_ROLES.join(", ")}; repeatable; default all three
  --ttl   lifetime in seconds, default ${DEV_TOKEN_LIFETIME_SECONDS}, at most ${DEV_TOKEN_MAX_LIFETIME_SECONDS}
`;

/** `npm run dev-token`: the token on stdout (for `$(…)`), what it allows on stderr. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: "string" },
      app: { type: "string", multiple: true },
      role: { type: "string", multiple: true },
      ttl: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void process.stdout.write(USAGE);
  const roles = values.role ?? [...ALL_ROLES];
  const unknown = roles.filter((role) => !isRole(role));
  const ttl = values.ttl === undefined ? DEV_TOKEN_LIFETIME_SECONDS : Number(values.ttl);
  if (unknown.length > 0 || !Number.isInteger(ttl)) {
    process.stderr.write(
      `${unknown.length > 0 ? `Unknown role(s): ${unknown.join(", ")}` : "--ttl: must be a whole number of seconds"}\n\n${USAGE}`,
    );
    process.exit(2);
  }
  const token = await mintDevToken({
    subject: values.sub ?? "developer",
    apps: values.app ?? ["*"],
    roles: roles.filter(isRole),
    lifetimeSeconds: ttl,
  });
  process.stderr.write(
    `Development token for ${values.sub ?? "developer"}: apps ${(values.app ?? ["*"]).join(", ")}; roles ${roles.join(", ")}; valid ${ttl} s. Accepted only by a gateway in development mode with its emulator.\n`,
  );
  process.stdout.write(`${token}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  process.exit(2);
});
