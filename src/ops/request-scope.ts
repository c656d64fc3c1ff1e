import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/**
 * What the gateway learns about one HTTP request while serving it, for its log lines and its one
 * line per operation. Filled in as the request goes: the operation once parsed, the caller once
 * authenticated, the outcome once answered.
 */
export interface RequestScope {
  /** From the client's `x-request-id`, or made here; sent back in the answer's `x-request-id`. */
  readonly requestId: string;
  /** The first root field (a name the schema defines), or "unparsed". */
  operation?: string;
  /** The client's operation name, as sent (logged, never used as a metric label). */
  operationName?: string;
  caller?: string;
  app?: string;
  /** The first error's `extensions.code`, or "OK". */
  code?: string;
  /** Baidu's `request_id` and the ledger's delivery id, when an error carried them. */
  baiduRequestId?: string;
  deliveryId?: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `serve` with `scope` as the current request, for everything it calls and awaits. */
export function inRequest<T>(scope: RequestScope, serve: () => T): T {
  return storage.run(scope, serve);
}

/** Runs `work` outside any request, for what it sets going (work for every request). */
export function outsideRequest<T>(work: () => T): T {
  return storage.exit(work);
}

export function currentRequest(): RequestScope | undefined {
  return storage.getStore();
}

/** A client's id is kept if it is short and plain; anything else gets a fresh one. */
const CLIENT_ID = /^[\w.:/=+-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && CLIENT_ID.test(given) ? given : randomUUID();
}
