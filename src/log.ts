/** A small JSON-lines logger. Nothing on the hot path of a successful call logs. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * A secret-bearing parameter: first in a form body or after `?`/`&`, also percent-encoded (a URL
 * inside a URL). Its value ends at `&`, `#`, `%26`, whitespace, a quote or a backslash (a JSON escape).
 */
const SECRET_PARAM = /((?:^|[?&\s"'(]|%3F|%26)(?:access_token|client_secret|refresh_token)(?:=|%3D))(?:(?!%26)[^&#\s"'\\])*/gi;

/** Rewrites secret-bearing query parameters, as octokit does for `access_token` and `client_secret`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAM, "$1[REDACTED]");
}

/** Fields that hold a secret by their name alone, at any depth (an app's config, a token answer). */
const SECRET_FIELD = /^(?:access_?token|refresh_?token|client_?secret|app_?secret|authorization|api_?key)$/i;

function hideSecretFields(key: string, value: unknown): unknown {
  return SECRET_FIELD.test(key) && value !== undefined && value !== null ? "[REDACTED]" : value;
}

export function createLogger(options: { level: LogLevel; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const min = RANK[options.level];
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }, hideSecretFields);
    write(redactUrl(line));
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

/** The fields worth logging about an error: its class, message and, for Baidu errors, its codes. */
export function describeError(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const { name, message, stack, ...own } = error as Error & Record<string, unknown>;
  return { error: { name, message, ...own, stack } };
}
