import { Agent } from "undici";

/**
 * A `fetch` for ky built on undici's `Agent.request` over a keep-alive pool. It skips the WHATWG
 * stream machinery of Node's built-in fetch on the response side (see the benchmark's `limit`
 * scenario for the difference on this machine); ky still builds and clones its Request as usual.
 */
export interface PooledFetch {
  readonly fetch: typeof globalThis.fetch;
  close(): Promise<void>;
}

export function createPooledFetch(options: { connections: number; keepAliveTimeoutMs: number }): PooledFetch {
  const agent = new Agent({ connections: options.connections, keepAliveTimeout: options.keepAliveTimeoutMs });
  const pooled = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const answer = await agent.request({
      origin: url.origin,
      path: url.pathname + url.search,
      method: request.method as "GET" | "POST",
      headers: Object.fromEntries(request.headers),
      body,
      signal: request.signal,
    });
    const bytes = await answer.body.arrayBuffer();
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    const empty = answer.statusCode === 204 || answer.statusCode === 304;
    return new Response(empty ? null : bytes, { status: answer.statusCode, headers });
  };
  return { fetch: pooled as typeof globalThis.fetch, close: () => agent.close() };
}
