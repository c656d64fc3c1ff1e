import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";

/** What a browser page on an allowed origin may send. */
const ALLOWED_HEADERS = [
  "authorization",
  "content-type",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "x-request-id",
];

/**
 * CORS for `/graphql` (the `cors` package): pages on the listed origins may call the gateway, no
 * other page may (none by default). Resolves true when it answered the request itself (a
 * preflight).
 */
export function createCors(
  origins: readonly string[],
): (request: IncomingMessage, response: ServerResponse) => Promise<boolean> {
  const handle = cors({
    origin: [...origins],
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ALLOWED_HEADERS,
    // A page may read the id to quote it in a bug report.
    exposedHeaders: ["x-request-id"],
    maxAge: 600,
  });
  return (request, response) =>
    new Promise((resolve, reject) => {
      handle(request as never, response as never, (error?: unknown) =>
        error ? reject(error as Error) : resolve(false),
      );
      // A preflight is answered at once (static options): `next` is never called then.
      if (response.writableEnded) resolve(true);
    });
}
