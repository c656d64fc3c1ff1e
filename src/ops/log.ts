import { pino, type DestinationStream } from "pino";
import { currentRequest } from "./request-scope";

/**
 * JSON lines through pino, one object per line: `time`, `level`, `msg`, the request's `requestId`
 * while one is being served, then the fields. Nothing on the hot path of a successful call logs but
 * the one line per operation.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/**
 * A secret-bearing parameter: first in a form body or after `?`/`&`, also percent-encoded (a URL
 * inside a URL). Its value ends at `&`, `#`, `%26`, whitespace, a quote or a backslash (a JSON
 * escape).
 */
const SECRET_PARAM =
  /((?:^|[?&\s"'(]|%3F|%26)(?:access_token|client_secret|refresh_token)(?:=|%3D))(?:(?!%26)[^&#\s"'\\])*/gi;

/**
 * Baidu's access and refresh tokens by their shape: `24.<32
 * hex>.<lifetime>.<expiry>.<digits>-<digits>` (contract §2.8).
 */
const TOKEN_SHAPE = /\b\d{2}\.[0-9a-f]{32}\.\d+\.\d+\.\d+-\d+\b/g;

/** A JWT (compact JWS): base64url JSON header and payload, then the signature. */
const JWT_SHAPE = /\beyJ[\w-]*\.eyJ[\w-]*\.[\w-]*/g;

/**
 * Secrets by slot: an app's secret, or its current token (a newer token takes the older one's
 * slot).
 */
const heldSecrets = new Map<string, string>();

/**
 * A secret the gateway holds (an app's secret, a live token): from now on redacted wherever it
 * appears.
 */
export function holdSecret(secret: string, slot: string = secret): void {
  // Scrubbing a one- or two-character "secret" would garble every message; such a secret is a
  // mistake anyway.
  if (secret.length >= 3) heldSecrets.set(slot, secret);
}

/**
 * Every secret out of a text: secret-bearing query parameters (as octokit does for `access_token`
 * and `client_secret`), anything shaped like a Baidu token or a JWT, and the secrets held.
 */
export function redactSecrets(text: string): string {
  let redacted = text
    .replace(SECRET_PARAM, "$1[REDACTED]")
    .replace(TOKEN_SHAPE, "[REDACTED]")
    .replace(JWT_SHAPE, "[REDACTED]");
  for (const secret of heldSecrets.values())
    if (redacted.includes(secret)) redacted = redacted.replaceAll(secret, "[REDACTED]");
  return redacted;
}

/**
 * Fields that hold a secret by their name alone, at any depth (an app's config, a token answer).
 */
const SECRET_FIELD =
  /^(?:access_?token|refresh_?token|client_?secret|app_?secret|authorization|api_?key)$/i;

/**
 * `value` with every field named like a secret replaced, at any depth (up to 20 levels). What holds
 * no such field is returned as it is, so a line of plain fields (the one per operation) costs no
 * copy.
 */
function hideSecretFields(value: unknown, depth = 0): unknown {
  if (typeof value !== "object" || value === null || depth > 20) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => hideSecretFields(item, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const hidden =
      SECRET_FIELD.test(key) && field != null ? "[REDACTED]" : hideSecretFields(field, depth + 1);
    if (hidden !== field) (copy ??= { ...value })[key] = hidden;
  }
  return copy ?? value;
}

/**
 * The gateway's logger. Secrets are taken out twice: fields named like secrets at any depth (before
 * the line is written), then every secret-shaped text in the finished line, URLs included, which a
 * path-based redaction (pino's `redact`) would not find.
 */
export function createLogger(options: { level: LogLevel; write?: (line: string) => void }): Logger {
  const write = options.write;
  const destination: DestinationStream = write
    ? { write: (line: string) => write(line.endsWith("\n") ? line.slice(0, -1) : line) }
    : pino.destination({ dest: 2, sync: true });
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      messageKey: "msg",
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        log: (fields) => hideSecretFields(fields) as LogFields,
      },
      mixin: () => {
        const request = currentRequest();
        return request ? { requestId: request.requestId } : {};
      },
      hooks: { streamWrite: redactSecrets },
    },
    destination,
  );
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) =>
    fields ? logger[level](fields, msg) : logger[level](msg);
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

/**
 * An error that reports someone else's answer (Baidu's, or its silence), not a fault of the
 * gateway: its class, message and codes say all there is, so it is logged without a stack.
 * `BaiduError` is one (a getter on its prototype, so not one of its own fields).
 */
export interface UpstreamFault {
  readonly upstreamFault: true;
}

const isUpstreamFault = (error: Error): boolean =>
  (error as Partial<UpstreamFault>).upstreamFault === true;

/**
 * The fields worth logging about an error: its class, message and, for Baidu errors, its codes.
 * The stack only for our own faults: an upstream's answer has nothing to show in one.
 */
export function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const { name, message, stack, ...own } = error as Error & Record<string, unknown>;
  return { error: { name, message, ...own, ...(isUpstreamFault(error) ? {} : { stack }) } };
}
