import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext } from "playwright-core";

/** Debian's chromium (`apt-get install -y chromium`); `.ci/run` installs it. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Headless, and nothing of Chromium's own (updates, sync, QUIC probes) on the network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Browser tests take seconds (a browser, a 1.6 MB page): their hooks and tests may take this. */
export const BROWSER_TIMEOUT_MS = 60_000;

/** Launches headless Chromium, or fails saying how to install it: the tests never skip. */
export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath))
    throw new Error(
      `The browser tests need Chromium at ${executablePath}, which is missing. Install it as root ` +
        "with `apt-get install -y chromium` (or `bash test/support/ensure-chromium.sh`).",
    );
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A request a page made, as the browser saw it. */
export interface PageRequest {
  method: string;
  url: string;
}

/** Records every request of the context's pages (and their workers) from now on. */
export function recordRequests(context: BrowserContext): PageRequest[] {
  const requests: PageRequest[] = [];
  context.on("request", (request) =>
    requests.push({ method: request.method(), url: request.url() }),
  );
  return requests;
}

/** The requests that went anywhere but `origin`; a `data:` URL is read in place, not fetched. */
export function requestsOffOrigin(requests: readonly PageRequest[], origin: string): PageRequest[] {
  return requests.filter(
    (request) => !request.url.startsWith("data:") && new URL(request.url).origin !== origin,
  );
}

/** A server on its own loopback origin (an ephemeral port) serving fixed HTML pages. */
export interface PageServer {
  /** e.g. http://127.0.0.1:38211 */
  readonly origin: string;
  url(path: string): string;
  close(): Promise<void>;
}

/** Serves `pages` (path → HTML) on 127.0.0.1; any other path is a 404. */
export async function servePages(pages: Readonly<Record<string, string>>): Promise<PageServer> {
  const server = createServer((request, response) => {
    const html = pages[new URL(request.url ?? "/", "http://page").pathname];
    if (html === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    url: (path) => new URL(path, origin).href,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A request as a server of this process answered it. */
export interface ServerRequest {
  method: string;
  path: string;
  /** The `Origin` header, if any. */
  origin: string | undefined;
  status: number;
  /** The `Access-Control-Allow-Origin` of the answer, if any. */
  allowOrigin: string | undefined;
}

interface ResponseFinish {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

/**
 * Records what the server on `port` of this process answers (Node's `http.server.response.finish`
 * diagnostics channel), including what a browser sends without telling the page: CORS preflights.
 */
export function recordServerRequests(port: number): { requests: ServerRequest[]; stop(): void } {
  const requests: ServerRequest[] = [];
  const onFinish = (message: unknown) => {
    const { request, response, server } = message as ResponseFinish;
    if ((server.address() as AddressInfo | null)?.port !== port) return;
    const allowOrigin = response.getHeader("access-control-allow-origin");
    requests.push({
      method: request.method ?? "",
      path: request.url ?? "",
      origin: request.headers.origin,
      status: response.statusCode,
      allowOrigin: allowOrigin === undefined ? undefined : String(allowOrigin),
    });
  };
  subscribe("http.server.response.finish", onFinish);
  return { requests, stop: () => unsubscribe("http.server.response.finish", onFinish) };
}
