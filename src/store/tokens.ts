import type { StoredToken, TokenStore } from "../baidu/token";
import { at } from "./records";
import type { Sql } from "./sql";

type TokenRow = { sealed: string | null; refresh_at: Date | null; expires_at: Date | null };

const SELECT = "select sealed, refresh_at, expires_at from baidu_tokens where app_key = $1";

async function read(sql: Sql, appKey: string, lock = ""): Promise<StoredToken | undefined> {
  const [row] = await sql.query<TokenRow>(SELECT + lock, [appKey]);
  if (!row?.sealed || !row.refresh_at || !row.expires_at) return undefined;
  return {
    sealed: row.sealed,
    refreshAt: row.refresh_at.getTime(),
    expiresAt: row.expires_at.getTime(),
  };
}

async function write(
  sql: Sql,
  appKey: string,
  token: StoredToken,
  owner: string,
  now: number,
): Promise<StoredToken> {
  await sql.query(
    `insert into baidu_tokens (app_key, sealed, refresh_at, expires_at, fetched_at, fetched_by) values ($1, $2, $3, $4, $5, $6)
      on conflict (app_key) do update set sealed = excluded.sealed, refresh_at = excluded.refresh_at, expires_at = excluded.expires_at,
        fetched_at = excluded.fetched_at, fetched_by = excluded.fetched_by`,
    [appKey, token.sealed, at(token.refreshAt), at(token.expiresAt), at(now), owner],
  );
  return token;
}

/**
 * Each app's token of record in the ledger's database. On PostgreSQL the app's row is locked while
 * one process fetches, and the others, let in after it, find the new token there.
 */
export function ledgerTokenStore(sql: Sql, owner: string, now: () => number): TokenStore {
  return {
    async obtain(appKey, usable, fetch) {
      const current = await read(sql, appKey);
      if (current && usable(current)) return current;
      // One process owns the embedded store, and its cache already lets one fetch run per app; a
      // transaction there would hold up the whole ledger for as long as the token request takes.
      if (sql.kind === "pglite") return write(sql, appKey, await fetch(), owner, now());
      return sql.transaction(async (tx) => {
        await tx.query(
          "insert into baidu_tokens (app_key) values ($1) on conflict (app_key) do nothing",
          [appKey],
        );
        const locked = await read(tx, appKey, " for update");
        if (locked && usable(locked)) return locked;
        return write(tx, appKey, await fetch(), owner, now());
      });
    },
  };
}
