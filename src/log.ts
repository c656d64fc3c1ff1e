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

/** Rewrites secret-bearing query parameters, as octokit does for `access_token` and `client_secret`. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:access_token|client_secret|refresh_token)=)[^&#\s"]*/gi, "$1[REDACTED]");
}

export function createLogger(options: { level: LogLevel; write?: (line: string) => void }): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const min = RANK[options.level];
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (RANK[level] < min) return;
    const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
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
