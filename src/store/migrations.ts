import type { Sql } from "./sql";

/**
 * The store's schema, as numbered migrations applied in order at start, in one transaction each,
 * the same on PGlite and PostgreSQL. Never edit a released migration: add the next one.
 */
export const MIGRATIONS: ReadonlyArray<{
  version: number;
  name: string;
  statements: readonly string[];
}> = [
  {
    version: 1,
    name: "ledger",
    statements: [
      // One row per order the gateway has accepted a write for. `last_seq` numbers the order's
      // writes in acceptance order (the upsert's row lock serialises concurrent accepts of one
      // order).
      `create table ledger_orders (
        app_key text not null,
        resource_id text not null,
        last_seq bigint not null,
        primary key (app_key, resource_id)
      )`,
      // Baidu's record of each order (wire names) as the delivered writes left it. A table of its
      // own: only finishing deliveries write it, and never two of one order at once, so they cannot
      // deadlock with accepts.
      `create table order_records (
        app_key text not null,
        resource_id text not null,
        record jsonb not null,
        delivered_at timestamptz not null,
        last_delivery_id bigint not null,
        primary key (app_key, resource_id)
      )`,
      `create table deliveries (
        id bigint generated always as identity primary key,
        app_key text not null,
        caller text not null,
        endpoint text not null,
        resource_ids text[] not null,
        query jsonb not null,
        body text not null,
        idempotency_key text,
        request_hash text not null,
        state text not null,
        accepted_at timestamptz not null,
        updated_at timestamptz not null,
        next_attempt_at timestamptz not null,
        deadline_at timestamptz not null,
        finished_at timestamptz,
        attempt_count integer not null default 0,
        may_have_executed boolean not null default false,
        lease_owner text,
        lease_until timestamptz,
        superseded_by bigint,
        retry_of bigint,
        last_error jsonb,
        results jsonb
      )`,
      `create unique index deliveries_idempotency on deliveries (app_key, idempotency_key) where idempotency_key is not null`,
      `create index deliveries_due on deliveries (next_attempt_at) where state = 'PENDING'`,
      `create index deliveries_leased on deliveries (lease_until) where state = 'SENDING'`,
      `create index deliveries_finished on deliveries (finished_at) where finished_at is not null`,
      `create index deliveries_by_app on deliveries (app_key, id)`,
      `create table delivery_orders (
        delivery_id bigint not null references deliveries (id) on delete cascade,
        app_key text not null,
        resource_id text not null,
        primary key (delivery_id, resource_id)
      )`,
      `create index delivery_orders_by_order on delivery_orders (app_key, resource_id, delivery_id)`,
      // The deliveries still to be made, per order, in acceptance order: the head of each order is
      // the only one of that order that may be sent.
      `create table delivery_queue (
        app_key text not null,
        resource_id text not null,
        seq bigint not null,
        delivery_id bigint not null,
        primary key (app_key, resource_id, seq)
      )`,
      `create index delivery_queue_by_delivery on delivery_queue (delivery_id)`,
      `create table delivery_attempts (
        delivery_id bigint not null references deliveries (id) on delete cascade,
        number integer not null,
        started_at timestamptz not null,
        finished_at timestamptz not null,
        outcome text not null,
        http_status integer,
        error_code integer,
        errno integer,
        message text,
        request_id text,
        primary key (delivery_id, number)
      )`,
    ],
  },
  {
    version: 2,
    name: "replicas",
    statements: [
      // The access token of record per app, shared by every process. `sealed` is the token
      // encrypted with a key derived from the app secret: a copy of the database alone does not
      // hand it out.
      `create table baidu_tokens (
        app_key text primary key,
        sealed text,
        refresh_at timestamptz,
        expires_at timestamptz,
        fetched_at timestamptz,
        fetched_by text
      )`,
      // How far every process has slowed down for an app after Baidu refused calls for load.
      `create table app_throttle (
        app_key text primary key,
        level integer not null,
        signalled_at timestamptz not null
      )`,
      // The shared QPS budget: when each app's next call is due (GCRA), in ms by the server's
      // clock.
      // Unlogged: a call's commit waits for no disk flush, and a crash of the server only forgets
      // the schedule (the next calls may then come ⌈N/10⌉ at once).
      `create unlogged table baidu_budget (
        app_key text primary key,
        tat double precision not null
      )`,
      // The process whose mutation waits for this delivery (WAIT mode), told by NOTIFY when another
      // process moves it on; and, for writes that must not be replayed, when the attempt holding it
      // began to send (a lease that runs out before that was never sent, and is safe to try again).
      `alter table deliveries add column waiter text, add column sending_since timestamptz`,
    ],
  },
  {
    version: 3,
    name: "order imports",
    statements: [
      // Each order's imports (E1) with the query-string ids they were sent with. A later write of
      // the order takes its ids from here, reading the order's few imports rather than its whole
      // history. No foreign key: retention keeps the newest import of each order that reached
      // Baidu after removing its delivery, so the order still remembers its ids.
      `create table order_imports (
        app_key text not null,
        resource_id text not null,
        delivery_id bigint not null,
        query jsonb not null,
        primary key (app_key, resource_id, delivery_id)
      )`,
      `create index order_imports_by_delivery on order_imports (delivery_id)`,
      // Triggers keep the table true whatever writes the ledger, a replica of an earlier version
      // during a rolling upgrade included: every import accepted is recorded ...
      `create function ledger_record_import() returns trigger language plpgsql as $$
      begin
        insert into order_imports (app_key, resource_id, delivery_id, query)
        select distinct new.app_key, r, new.id, new.query from unnest(new.resource_ids) as r;
        return null;
      end $$`,
      `create trigger deliveries_record_import after insert on deliveries
        for each row when (new.endpoint = 'addMainInfo') execute function ledger_record_import()`,
      // ... and when deliveries are removed (retention), an import that did not count is forgotten,
      // and one that did makes its orders' older imports useless. The states that count are
      // LIVE_STATES in src/store/ledger-ids.ts; a removed delivery has ended, so of those only
      // DELIVERED and OUTCOME_UNKNOWN.
      `create function ledger_forget_imports() returns trigger language plpgsql as $$
      begin
        delete from order_imports i using gone g
          where i.delivery_id = g.id and g.state not in ('DELIVERED', 'OUTCOME_UNKNOWN');
        delete from order_imports i using order_imports k join gone g on g.id = k.delivery_id
          where g.state in ('DELIVERED', 'OUTCOME_UNKNOWN') and i.app_key = k.app_key
            and i.resource_id = k.resource_id and i.delivery_id < k.delivery_id;
        return null;
      end $$`,
      `create trigger deliveries_forget_imports after delete on deliveries
        referencing old table as gone for each statement execute function ledger_forget_imports()`,
      // After the triggers, whose lock on deliveries holds off concurrent writers until commit.
      `insert into order_imports (app_key, resource_id, delivery_id, query)
        select o.app_key, o.resource_id, d.id, d.query from delivery_orders o join deliveries d on d.id = o.delivery_id
        where d.endpoint = 'addMainInfo'`,
    ],
  },
];

/**
 * An arbitrary constant: the advisory lock that keeps two starting processes from migrating at
 * once.
 */
export const MIGRATION_LOCK = 0x6c656467;

/** Applies the migrations this store has not seen yet; returns the versions applied. */
export async function migrate(sql: Sql): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(
      "create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null)",
    );
    const done = new Set(
      (await tx.query<{ version: number }>("select version from schema_migrations")).map(
        (row) => row.version,
      ),
    );
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(
        "insert into schema_migrations (version, name, applied_at) values ($1, $2, now())",
        [migration.version, migration.name],
      );
      applied.push(migration.version);
    }
    return applied;
  });
}
