import type { ItemResult } from "../baidu/decode";
import type { WireOrderItem } from "../baidu/wire";
import {
  at,
  DELIVERY_COLUMNS,
  toDelivery,
  type AttemptOutcome,
  type DeliveryRecord,
  type DeliveryRow,
  type DeliveryState,
  type FailureRecord,
} from "./records";
import { statement, type Sql, type Statement } from "./sql";

/** A delivery this process holds the lease of, with what the ledger knows of its orders. */
export interface ClaimedDelivery extends DeliveryRecord {
  /** Later deliveries wait behind it in one of its orders' queues. */
  hasFollowers: boolean;
  /** Baidu's records of its orders as delivered so far, by resourceId. */
  records: Record<string, WireOrderItem>;
}

type ClaimedRow = DeliveryRow & {
  has_followers: boolean;
  records: Record<string, WireOrderItem> | null;
};

const toClaimed = (row: ClaimedRow): ClaimedDelivery => ({
  ...toDelivery(row),
  hasFollowers: row.has_followers,
  records: row.records ?? {},
});

const CLAIMED_EXTRAS = `exists (select 1 from delivery_queue a join delivery_queue b on b.app_key = a.app_key and b.resource_id = a.resource_id and b.seq > a.seq
      where a.delivery_id = d.id) as has_followers,
    (select jsonb_object_agg(o.resource_id, o.record) from order_records o
      where o.app_key = d.app_key and o.resource_id = any(d.resource_ids)) as records`;

/** The channel a process listens on for news of the deliveries its mutations wait for. */
const WAITER_PREFIX = "baidu_gateway_";
export const waiterChannel = (owner: string): string => WAITER_PREFIX + owner;

/**
 * A select-list item that NOTIFYs, for each row of `rows` (a CTE returning id and waiter), the
 * process whose mutation waits for it, unless that is the process writing (`owner`, an SQL
 * expression).
 */
const tellWaiters = (rows: string, owner: string): string =>
  `(select count(pg_notify('${WAITER_PREFIX}' || w.waiter, w.id::text)) from ${rows} w where w.waiter is not null and w.waiter <> ${owner}) as told`;

/** The process that holds a lease, from its holder (an SQL expression; see `leaseHolder`). */
const holderProcess = (holder: string): string => `split_part(${holder}, ':', 1)`;

/**
 * Leases up to `limit` due deliveries that are first in every one of their orders' queues: no
 * earlier write to any of their orders is still to be made. `skip locked` lets several processes
 * claim at once without taking the same delivery.
 */
const CLAIM = statement(
  "ledger_claim",
  `update deliveries d set state = 'SENDING', lease_owner = $1::text, lease_until = $2::timestamptz, updated_at = $3::timestamptz,
    sending_since = null
  where d.id in (
    select c.id from deliveries c
    where c.state = 'PENDING' and c.next_attempt_at <= $3::timestamptz
      and not exists (select 1 from delivery_queue a join delivery_queue b on b.app_key = a.app_key and b.resource_id = a.resource_id and b.seq < a.seq
        where a.delivery_id = c.id)
    order by c.id limit $4::integer
    for update skip locked)
  returning ${DELIVERY_COLUMNS}, ${CLAIMED_EXTRAS}`,
);

/**
 * A lease on claimed deliveries, kept in `lease_owner`. Its holder names the process and which of
 * its claims (`leaseHolder`): a process may take back a lease of its own that looks run out (its
 * clock stepped forward, or it stalled), and must then never mistake the old attempt, still
 * running, for the new claim's, in recording it, in marking it as leaving or in releasing it.
 */
export interface Lease {
  holder: string;
  now: number;
  until: number;
}

/** The holder of a process's `claim`th lease: `<process>:<claim>`. */
export const leaseHolder = (owner: string, claim: number): string => `${owner}:${claim}`;

/** The process of a lease holder (the holder itself if it names no claim). */
const processOf = (holder: string): string => holder.split(":")[0]!;

export async function claimDeliveries(
  sql: Sql,
  lease: Lease,
  limit: number,
): Promise<ClaimedDelivery[]> {
  const rows = await sql.query<ClaimedRow>(CLAIM, [
    lease.holder,
    at(lease.until),
    at(lease.now),
    limit,
  ]);
  return rows.map(toClaimed).sort((a, b) => a.id - b.id);
}

/**
 * Coalescing: when the claimed delivery is a whole-record overwrite of one order, the pending
 * deliveries right behind it in that order's queue with the same endpoint, one order each and the
 * same `coalescingKey` are collapsed into the newest of them. The claimed one and those in between
 * end SUPERSEDED, pointing at the newest, which takes over the lease. The run's rows are locked
 * first, so a concurrent cancel either lands before (and ends the run) or waits.
 */
export async function coalesce(
  sql: Sql,
  head: ClaimedDelivery,
  lease: Lease,
  keyOf: (endpoint: string, body: string) => string,
): Promise<{ delivery: ClaimedDelivery; superseded: DeliveryRecord[] }> {
  return sql.transaction(async (tx) => {
    const queue = await tx.query<{
      delivery_id: number;
      endpoint: string;
      state: DeliveryState;
      orders: number;
      body: string;
      lease_owner: string | null;
    }>(
      `select q.delivery_id, d.endpoint, d.state, cardinality(d.resource_ids) as orders, d.body, d.lease_owner
        from delivery_queue q join deliveries d on d.id = q.delivery_id
        where q.app_key = $1::text and q.resource_id = $2::text order by q.seq limit 1000
        for update of d`,
      [head.appKey, head.resourceIds[0]],
    );
    const unchanged = { delivery: head, superseded: [] };
    if (
      queue[0]?.delivery_id !== head.id ||
      queue[0].state !== "SENDING" ||
      queue[0].lease_owner !== lease.holder
    )
      return unchanged;
    const key = keyOf(head.endpoint, head.body);
    let end = 1;
    for (; end < queue.length; end++) {
      const next = queue[end]!;
      if (
        next.endpoint !== head.endpoint ||
        next.orders !== 1 ||
        next.state !== "PENDING" ||
        keyOf(next.endpoint, next.body) !== key
      )
        break;
    }
    if (end === 1) return unchanged;
    const superseded = queue.slice(0, end - 1).map((entry) => entry.delivery_id);
    const newest = queue[end - 1]!.delivery_id;
    const ended = await tx.query<DeliveryRow>(
      `with s as (
          update deliveries set state = 'SUPERSEDED', superseded_by = $2::bigint, finished_at = $3::timestamptz, updated_at = $3::timestamptz,
            lease_owner = null, lease_until = null
          where id = any($1::bigint[])
          returning *
        )
        select ${DELIVERY_COLUMNS}, ${tellWaiters("s", holderProcess("$4::text"))} from s d`,
      [superseded, newest, at(lease.now), lease.holder],
    );
    await tx.query("delete from delivery_queue where delivery_id = any($1::bigint[])", [
      superseded,
    ]);
    const [row] = await tx.query<ClaimedRow>(
      `update deliveries d set state = 'SENDING', lease_owner = $2::text, lease_until = $3::timestamptz, updated_at = $4::timestamptz where d.id = $1::bigint
        returning ${DELIVERY_COLUMNS}, ${CLAIMED_EXTRAS}`,
      [newest, lease.holder, at(lease.until), at(lease.now)],
    );
    return { delivery: toClaimed(row!), superseded: ended.map(toDelivery) };
  });
}

/** How an attempt ended and what the delivery does next. */
export interface AttemptEnd {
  startedAt: number;
  finishedAt: number;
  outcome: AttemptOutcome;
  failure: FailureRecord | null;
  /** PENDING to try again at `nextAttemptAt`, or a final state. */
  state: DeliveryState;
  nextAttemptAt: number | null;
  mayHaveExecuted: boolean;
  results: ItemResult[] | null;
  /** New records of the orders this delivery changed at Baidu, by resourceId. */
  records: Record<string, WireOrderItem>;
  /** Baidu's `request_id` for this attempt, when its answer had one. */
  requestId: string | null;
}

/** One attempt's end, for `finishAttempts`. */
export interface Finish {
  id: number;
  /** The holder of the lease the attempt ran under. */
  lease: string;
  end: AttemptEnd;
  /** The state is final: the delivery leaves its orders' queues. */
  final: boolean;
}

/**
 * Records attempts (a JSON array), moves each delivery on, and for a final state takes it out of
 * its orders' queues, so the next write of each order may go. One statement for the lot; a delivery
 * whose attempt's lease no longer holds (it was taken over, by another process or by a later claim
 * of this one) is left as it is. Deliveries in flight at once never share an order, so no order's
 * record is written twice.
 */
const FINISH = statement(
  "ledger_finish",
  `with e as (
    select * from jsonb_to_recordset($2::jsonb) as e(id bigint, lease text, state text, finished_at timestamptz, final boolean,
      next_attempt_at timestamptz, may_have_executed boolean, last_error jsonb, results jsonb, started_at timestamptz,
      outcome text, http_status integer, error_code integer, errno integer, message text, request_id text, records jsonb)
  ), d as (
    update deliveries t set state = e.state, updated_at = e.finished_at, finished_at = case when e.final then e.finished_at end,
      next_attempt_at = coalesce(e.next_attempt_at, t.next_attempt_at), attempt_count = t.attempt_count + 1,
      may_have_executed = t.may_have_executed or e.may_have_executed, last_error = e.last_error, results = coalesce(e.results, t.results),
      lease_owner = null, lease_until = null, sending_since = null
    from e where t.id = e.id and t.state = 'SENDING' and t.lease_owner = e.lease
    returning t.*, e.lease as finished_lease
  ), a as (
    insert into delivery_attempts (delivery_id, number, started_at, finished_at, outcome, http_status, error_code, errno, message, request_id)
    select d.id, d.attempt_count, e.started_at, e.finished_at, e.outcome, e.http_status, e.error_code, e.errno, e.message, e.request_id
    from d join e on e.id = d.id and e.lease = d.finished_lease
  ), q as (
    delete from delivery_queue where delivery_id in (select e.id from e join d on d.id = e.id and e.lease = d.finished_lease where e.final)
  ), o as (
    insert into order_records (app_key, resource_id, record, delivered_at, last_delivery_id)
    select d.app_key, x.key, x.value, e.finished_at, d.id from d join e on e.id = d.id and e.lease = d.finished_lease, jsonb_each(e.records) as x
    on conflict (app_key, resource_id) do update set record = excluded.record, delivered_at = excluded.delivered_at,
      last_delivery_id = excluded.last_delivery_id
  )
  select ${DELIVERY_COLUMNS}, ${tellWaiters("d", "$1::text")} from d`,
);

/**
 * The deliveries as the attempts left them, in order; undefined where the lease was lost. `owner`
 * is the process recording them, whose own waiters are told in-process rather than by NOTIFY.
 */
export async function finishAttempts(
  sql: Sql,
  owner: string,
  finishes: readonly Finish[],
): Promise<Array<DeliveryRecord | undefined>> {
  const batch = finishes.map(({ id, lease, end, final }) => ({
    id,
    lease,
    state: end.state,
    finished_at: at(end.finishedAt),
    final,
    next_attempt_at: end.nextAttemptAt === null ? null : at(end.nextAttemptAt),
    may_have_executed: end.mayHaveExecuted,
    last_error: end.failure,
    results: end.results,
    started_at: at(end.startedAt),
    outcome: end.outcome,
    http_status: end.failure?.httpStatus ?? null,
    error_code: end.failure?.errorCode ?? null,
    errno: end.failure?.errno ?? null,
    message: end.failure?.message ?? null,
    request_id: end.requestId,
    records: end.records,
  }));
  const rows = await sql.query<DeliveryRow>(FINISH, [owner, JSON.stringify(batch)]);
  const recorded = new Map(rows.map((row) => [row.id, toDelivery(row)]));
  return finishes.map(({ id }) => recorded.get(id));
}

/** Records one attempt made under the lease of `lease` (a holder): `finishAttempts` of one. */
export async function finishAttempt(
  sql: Sql,
  id: number,
  lease: string,
  end: AttemptEnd,
  final: boolean,
): Promise<DeliveryRecord | undefined> {
  const [recorded] = await finishAttempts(sql, processOf(lease), [{ id, lease, end, final }]);
  return recorded;
}

/**
 * Deliveries whose process stopped during an attempt (lease run out, or, for the embedded store at
 * start, any lease at all). A write that must not be replayed and had begun to send ends
 * OUTCOME_UNKNOWN, since Baidu may have executed it; one that had not begun goes back to PENDING as
 * it was. Replay-safe ones go back to PENDING, the attempt counted as OUTCOME_UNKNOWN.
 */
const RECOVER = `with old as (
    select id, updated_at as claimed_at, endpoint = any($3::text[]) and sending_since is not null as unsafe,
        endpoint = any($3::text[]) and sending_since is null as unsent
      from deliveries where state = 'SENDING' and (lease_until < $1::timestamptz or $2::boolean)
      for update skip locked
  ), s as (
    update deliveries d set state = case when old.unsafe then 'OUTCOME_UNKNOWN' else 'PENDING' end,
      finished_at = case when old.unsafe then $1::timestamptz end, updated_at = $1::timestamptz, next_attempt_at = $1::timestamptz,
      attempt_count = d.attempt_count + case when old.unsent then 0 else 1 end, may_have_executed = d.may_have_executed or not old.unsent,
      last_error = case when old.unsent then d.last_error else $4::jsonb end, lease_owner = null, lease_until = null, sending_since = null
    from old where d.id = old.id
    returning d.id, d.attempt_count, d.state, d.waiter, old.claimed_at, old.unsent
  ), a as (
    insert into delivery_attempts (delivery_id, number, started_at, finished_at, outcome, message)
    select id, attempt_count, claimed_at, $1::timestamptz, 'OUTCOME_UNKNOWN', $5::text from s where not unsent
  ), q as (
    delete from delivery_queue where delivery_id in (select id from s where state = 'OUTCOME_UNKNOWN')
  )
  select id, state, unsent, ${tellWaiters("s", "''")} from s`;

export const INTERRUPTED =
  "The gateway stopped while this attempt was in flight; Baidu may have executed it";

export async function recoverLeases(
  sql: Sql,
  now: number,
  everyLease: boolean,
  notReplaySafe: readonly string[],
): Promise<Array<{ id: number; state: DeliveryState; unsent: boolean }>> {
  const failure: FailureRecord = { verdict: "OUTCOME_UNKNOWN", message: INTERRUPTED };
  const rows = await sql.query<{ id: number; state: DeliveryState; unsent: boolean }>(RECOVER, [
    at(now),
    everyLease,
    notReplaySafe,
    JSON.stringify(failure),
    INTERRUPTED,
  ]);
  return rows.map(({ id, state, unsent }) => ({ id, state, unsent }));
}

const MARK_SENDING = statement(
  "ledger_mark_sending",
  "update deliveries set sending_since = $3::timestamptz, lease_until = $4::timestamptz where id = $1::bigint and state = 'SENDING' and lease_owner = $2::text and lease_until > $3::timestamptz returning id",
);

/**
 * Before the first byte of a write that must not be replayed: from here on, losing the lease means
 * Baidu may have executed it. The lease is extended to `until`, for the whole attempt. False if
 * the lease of `lease` (a holder) was lost, or has run out by `now`, already.
 */
export const markSending = (sql: Sql, id: number, lease: string, now: number, until: number) =>
  keepLease(sql, MARK_SENDING, id, lease, now, until);

const EXTEND_LEASE = statement(
  "ledger_extend_lease",
  "update deliveries set lease_until = $4::timestamptz where id = $1::bigint and state = 'SENDING' and lease_owner = $2::text and lease_until > $3::timestamptz returning id",
);

/**
 * Extends the lease of `lease` (a holder) on delivery `id` to `until`, if it still holds at `now`:
 * a write about to leave with too little of its lease left for the whole attempt.
 */
export const extendLease = (sql: Sql, id: number, lease: string, now: number, until: number) =>
  keepLease(sql, EXTEND_LEASE, id, lease, now, until);

/** Runs MARK_SENDING or EXTEND_LEASE: true if the lease held at `now` and now runs to `until`. */
async function keepLease(
  sql: Sql,
  update: Statement,
  id: number,
  lease: string,
  now: number,
  until: number,
): Promise<boolean> {
  const rows = await sql.query(update, [id, lease, at(now), at(until)]);
  return rows.length === 1;
}

/**
 * Gives a leased delivery back untouched, to be claimed again from `nextAttemptAt`: the budget had
 * no room for it, and nothing Baidu may have executed was sent (at most a write refused for its
 * token). Past its deadline it ends FAILED instead, like a delivery whose retries ran out.
 */
const RELEASE = `with s as (
    update deliveries set state = case when $4::timestamptz > deadline_at then 'FAILED' else 'PENDING' end,
      finished_at = case when $4::timestamptz > deadline_at then $3::timestamptz end,
      last_error = case when $4::timestamptz > deadline_at then $5::jsonb else last_error end,
      next_attempt_at = $4::timestamptz, updated_at = $3::timestamptz, lease_owner = null, lease_until = null, sending_since = null
    where id = $1::bigint and state = 'SENDING' and lease_owner = $2::text
    returning id, state, waiter
  ), q as (
    delete from delivery_queue where delivery_id in (select id from s where state = 'FAILED')
  )
  select state, ${tellWaiters("s", holderProcess("$2::text"))} from s`;

export const NO_BUDGET =
  "No room in the app's call budget toward Baidu before the delivery's deadline";

/**
 * The delivery's state after the release: PENDING, or FAILED past its deadline (undefined if the
 * lease of `lease`, a holder, was lost).
 */
export async function releaseDelivery(
  sql: Sql,
  id: number,
  lease: string,
  now: number,
  nextAttemptAt: number,
): Promise<DeliveryState | undefined> {
  const failure: FailureRecord = { verdict: "UNAVAILABLE", message: NO_BUDGET };
  const [row] = await sql.query<{ state: DeliveryState }>(RELEASE, [
    id,
    lease,
    at(now),
    at(nextAttemptAt),
    JSON.stringify(failure),
  ]);
  return row?.state;
}

/**
 * When the worker should look again for attempts in backoff (leases that run out are found by the
 * poll).
 */
export async function nextWakeAt(sql: Sql, now: number): Promise<number | null> {
  const [row] = await sql.query<{ due: Date | null }>(
    `select min(next_attempt_at) as due from deliveries where state = 'PENDING' and next_attempt_at > $1::timestamptz`,
    [at(now)],
  );
  return row?.due ? row.due.getTime() : null;
}
