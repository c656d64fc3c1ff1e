import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { GatewayContext } from "../graphql/context";

const MAX_BODY_BYTES = 1_000_000;
/**
 * Past this much, the rest of an oversized body is not worth reading to keep the connection: drop
 * it.
 */
const DISCARD_LIMIT_BYTES = 16_000_000;

/** Serves Apollo over `node:http` (Apollo Server 5 ships no built-in integration for it). */
export function createGraphQLHandler(
  apollo: ApolloServer<GatewayContext>,
  context: (request: IncomingMessage) => Promise<GatewayContext>,
  closing: () => boolean,
) {
  return async (
    request: IncomingMessage,
    response: ServerResponse,
    search: string,
  ): Promise<void> => {
    if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES)
      return tooLarge(request, response);
    const raw = request.method === "POST" ? await readBody(request) : "";
    if (raw === undefined) return tooLarge(request, response);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
    let body: unknown = raw;
    if (raw && headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
      try {
        body = JSON.parse(raw);
      } catch {
        return send(
          response,
          400,
          "application/json",
          JSON.stringify({
            errors: [
              {
                message: "The request body is not valid JSON",
                extensions: { code: "BAD_REQUEST" },
              },
            ],
          }),
        );
      }
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? "GET", headers, search, body },
      context: () => context(request),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    if (closing()) response.setHeader("connection", "close");
    response.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") return void response.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  };
}

/**
 * The body as text, or undefined once it passes the limit (the rest is then discarded, not kept).
 */
function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else resolve(undefined);
    });
    request.on("end", () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")),
    );
    // The client went away (or the server's request timeout cut it off) before the body was in.
    request.on("error", () => reject(new ClientClosedError()));
  });
}

/** The request ended before its body had arrived: there is no one to answer. */
export class ClientClosedError extends Error {
  readonly name = "ClientClosedError";
  constructor() {
    super("The connection closed before the request's body had arrived");
  }
}

export function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { "content-type": type }).end(body);
}

/**
 * 413. The rest of the body is read and thrown away, so the client, still sending, gets the answer
 * rather than a reset; past DISCARD_LIMIT_BYTES the connection is dropped instead.
 */
function tooLarge(request: IncomingMessage, response: ServerResponse): void {
  let discarded = 0;
  request.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) request.destroy();
  });
  request.resume();
  send(response, 413, "text/plain", "Request body too large");
}
