/**
 * The one SQL seam: PostgreSQL's dialect everywhere, on a server (`pg`) or embedded (PGlite).
 * Both drivers are set to read `int8` as a JS number (ids and sequence numbers stay far below
 * 2^53).
 */
export interface Sql {
  /**
   * "postgres" for a server shared by several processes, "pglite" for the embedded, one-process
   * store.
   */
  readonly kind: "postgres" | "pglite";
  query<T = Record<string, unknown>>(
    text: string | Statement,
    params?: readonly unknown[],
  ): Promise<T[]>;
  /** Runs `work` in one transaction; the `Sql` it receives is bound to that transaction. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL only: calls `handler` with the payload of every NOTIFY on `channel`. Best effort (a
   * lost connection loses notifications), so nothing may rely on it alone.
   */
  listen?(channel: string, handler: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/**
 * A statement run often enough to be prepared once per connection: the PostgreSQL server then
 * parses and plans it once, not at every call. (PGlite runs its text.)
 */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

export const statement = (name: string, text: string): Statement => ({ name, text });

/** The text of a statement, prepared or not. */
export const textOf = (query: string | Statement): string =>
  typeof query === "string" ? query : query.text;

/**
 * The database refused the statement: an error it sent back (with a severity and an SQLSTATE),
 * after which one statement is undone whole, so nothing of it was committed. A lost connection is
 * no such refusal (the statement may have committed before the answer was lost), nor is a server
 * shutting down (08, connection exception; 57P, operator intervention), nor a socket's errno
 * (`EPIPE` has five letters too, but no severity).
 */
export function refusedByDatabase(error: unknown): boolean {
  const { code, severity } = (error ?? {}) as { code?: unknown; severity?: unknown };
  return (
    typeof severity === "string" &&
    typeof code === "string" &&
    /^[0-9A-Z]{5}$/.test(code) &&
    !code.startsWith("08") &&
    !code.startsWith("57P")
  );
}

/** Statements sent so far, for tests that count SQL round trips. */
export interface CountingSql extends Sql {
  readonly statements: number;
}

/** Wraps a store so that every statement is counted. */
export function countStatements(inner: Sql): CountingSql {
  let statements = 0;
  const wrap = (sql: Sql): Sql => ({
    kind: sql.kind,
    query: (text, params) => {
      statements++;
      return sql.query(text, params);
    },
    transaction: (work) => sql.transaction((tx) => work(wrap(tx))),
    ...(sql.listen ? { listen: sql.listen.bind(sql) } : {}),
    close: () => sql.close(),
  });
  const counted = wrap(inner);
  return {
    ...counted,
    get statements() {
      return statements;
    },
  };
}
