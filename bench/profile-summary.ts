import { existsSync, readFileSync } from "node:fs";

/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: where a server's CPU went in one
 * measured window (`npm run bench -- --profile-gateway DIR`), per request when the profile's
 * `<name>.json` (requests in the window) lies beside it. Three views: self time by stack layer
 * (sums to the busy total), inclusive time by layer (a sample counts once for every layer on its
 * stack), and the functions with the most inclusive and self time. Idle samples are left out.
 *
 * Inclusive times only follow synchronous stacks: the part of an async function after an `await`
 * runs from the microtask queue, so it is charged to the frames that resumed it, not to its caller.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Meta {
  label: string;
  requests: number;
  seconds: number;
  processCpuUs?: number;
}

const NODE_NET = "Node: HTTP, sockets, streams";
const NODE_OTHER = "Node: event loop, timers, promises, other internals";
const NATIVE = "native builtin or WebAssembly, caller unknown";

/**
 * The layers the issue asks about, by where a frame's code lives; the first rule that matches wins,
 * so the specific ones come first. Frames without a URL are V8 builtins and bindings (socket
 * `writev`, `fs.writeSync`'s `writeString`, `crypto`'s `digest`…), and WebAssembly frames are
 * PGlite's PostgreSQL or undici's HTTP parser: both are charged to the nearest caller with a
 * JavaScript URL.
 */
const LAYERS: ReadonlyArray<[layer: string, test: (url: string, name: string) => boolean]> = [
  ["GC", (_, name) => name === "(garbage collector)"],
  ["native, outside JS: libuv, syscalls (program)", (_, name) => name === "(program)"],
  [
    "JSON: parse, stringify (only where V8 shows them as frames of their own)",
    (url, name) =>
      (url === "" && /^(JSON\.)?(parse|stringify)$/.test(name)) || name === "prettyJSONStringify",
  ],
  ["ledger SQL: PGlite (WASM and its JS glue)", (url) => pkg(url, "@electric-sql/pglite")],
  [
    "ledger SQL: pg driver",
    (url) =>
      ["pg", "pg-pool", "pg-protocol", "pg-types", "pg-connection-string", "pgpass", "split2"].some(
        (name) => pkg(url, name),
      ) || /\/node_modules\/postgres-[a-z]+\//.test(url),
  ],
  [
    "ours: delivery + store (src/delivery, src/store)",
    (url) => /\/dist\/src\/(delivery|store)\//.test(url),
  ],
  [
    "Baidu transport (src/baidu, ky, undici; the anchor: RESTDataSource, node-fetch)",
    (url) =>
      /\/dist\/src\/baidu\//.test(url) ||
      ["ky", "undici", "@apollo/datasource-rest", "node-fetch", "http-cache-semantics"].some(
        (name) => pkg(url, name),
      ) ||
      url.startsWith("node:internal/deps/undici"),
  ],
  [
    "logging (pino, src/ops/log)",
    (url) =>
      /\/dist\/src\/ops\/log\.js/.test(url) ||
      /\/node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|atomic-sleep|on-exit-leak-free|safe-stable-stringify|@pinojs\/[a-z-]+)\//.test(
        url,
      ),
  ],
  [
    "metrics + request scope (prom-client, src/ops)",
    (url) =>
      /\/dist\/src\/ops\//.test(url) ||
      /\/node_modules\/(prom-client|tdigest|bintrees)\//.test(url),
  ],
  [
    "type-graphql + class-validator",
    (url) =>
      /\/node_modules\/(type-graphql|class-validator|class-transformer|reflect-metadata|validator|libphonenumber-js)\//.test(
        url,
      ),
  ],
  [
    "Apollo + graphql-js (parse, validate, execute, HTTP glue)",
    (url) =>
      /\/node_modules\/(@apollo\/|@graphql-tools\/|@escape\.tech\/|graphql\/|graphql-scalars\/|negotiator\/|loglevel\/|lru-cache\/|body-parser\/|cors\/|finalhandler\/|content-type\/|raw-body\/|iconv-lite\/|whatwg-mimetype\/|value-or-promise\/)/.test(
        url,
      ),
  ],
  [
    "ours: resolvers, schema, auth, GraphQL + HTTP glue",
    (url) => /\/dist\/(resolvers|schema|src)\//.test(url),
  ],
  ["the anchor's own code", (url) => /\/dist\/bench\/anchor\//.test(url)],
  [
    NODE_NET,
    (url) =>
      /^node:(_http|http|https|net|stream|dns|tls|zlib|internal\/(http|streams|stream_base_commons|net|webstreams|dns|tls|js_stream_socket))/.test(
        url,
      ),
  ],
  [NODE_OTHER, (url) => url.startsWith("node:")],
  ["other packages", (url) => url.includes("/node_modules/")],
  [NATIVE, (url) => url === "" || url.startsWith("wasm://")],
  ["other", () => true],
];

function pkg(url: string, name: string): boolean {
  return url.includes(`/node_modules/${name}/`);
}

function layerOf(url: string, name: string): string {
  return LAYERS.find(([, test]) => test(url, name))![0];
}

/** Layers that are Node's own machinery: charged to a package or our code on the stack, if any. */
const SCAFFOLDING = new Set([NODE_NET, NODE_OTHER, NATIVE]);

export function summarize(profile: CpuProfile, top: number, meta?: Meta): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node: ProfileNode) => {
    const frame = node.callFrame;
    const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : "";
    return `${frame.functionName || "(anonymous)"} ${where}`.trim();
  };
  const layer = (node: ProfileNode) => layerOf(node.callFrame.url, node.callFrame.functionName);
  const selfByLayer = new Map<string, number>();
  const selfByOwner = new Map<string, number>();
  const inclusiveByLayer = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveByFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) =>
    map.set(key, (map.get(key) ?? 0) + us);
  let busy = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the time before sample i; charge it to that sample's stack.
    const us = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === "(idle)") return;
    busy += us;
    const stack: ProfileNode[] = [];
    for (let node: ProfileNode | undefined = leaf; node; node = byId.get(parent.get(node.id)!)) {
      if (node.callFrame.functionName === "(root)") break;
      stack.push(node);
    }
    const layers = stack.map(layer);
    // A builtin's own layer is its nearest caller's with a URL.
    const own = layers.find((l) => l !== NATIVE) ?? layers[0] ?? NATIVE;
    add(selfByLayer, own, us);
    add(selfByOwner, layers.find((l) => !SCAFFOLDING.has(l)) ?? own, us);
    add(selfByFunction, name(leaf), us);
    for (const l of new Set(layers)) if (!SCAFFOLDING.has(l)) add(inclusiveByLayer, l, us);
    for (const fn of new Set(stack.map(name))) add(inclusiveByFunction, fn, us);
  });
  const perRequest = meta && meta.requests > 0 ? meta.requests : undefined;
  const figure = (us: number) =>
    `${((100 * us) / busy).toFixed(1).padStart(5)} %  ` +
    (perRequest === undefined
      ? `${(us / 1000).toFixed(0).padStart(6)} ms`
      : `${(us / perRequest).toFixed(1).padStart(7)} µs/req`);
  const lines = (title: string, map: Map<string, number>, limit = Infinity) => [
    "",
    title,
    ...[...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([key, us]) => `${figure(us)}  ${key}`),
  ];
  return [
    meta
      ? `${meta.label}: ${meta.requests} requests in ${meta.seconds.toFixed(2)} s; main thread busy ${(busy / 1000).toFixed(0)} ms = ${perRequest ? (busy / perRequest).toFixed(0) : "?"} µs/req sampled` +
        (meta.processCpuUs === undefined
          ? ""
          : `; the process's CPU from /proc: ${meta.processCpuUs.toFixed(0)} µs/req`)
      : `main thread busy: ${(busy / 1000).toFixed(0)} ms sampled (no <name>.json beside the profile: no per-request figures)`,
    "(Samples are taken by the clock while the main thread is not idle: time it was runnable but descheduled, e.g. inside a",
    "socket write that woke its peer on a shared core, counts too, and other threads' CPU (GC helpers, compilers) does not.)",
    ...lines(
      "self time by layer, Node's own work charged to the package or code that called it (sums to the busy total):",
      selfByOwner,
    ),
    ...lines("self time by layer, as sampled (sums to the busy total):", selfByLayer),
    ...lines(
      "inclusive time by layer (a sample counts once for every layer on its stack; Node's own layers left out):",
      inclusiveByLayer,
    ),
    ...lines(`top ${top} functions by inclusive time:`, inclusiveByFunction, top),
    ...lines(`top ${top} functions by self time:`, selfByFunction, top),
  ];
}

function shorten(url: string): string {
  return url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/node_modules\//, "~/")
    .replace(/^.*\/dist\//, "dist/");
}

if (require.main === module) {
  const [file, top = "25"] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const metaFile = file.replace(/\.cpuprofile$/, ".json");
  const meta = existsSync(metaFile)
    ? (JSON.parse(readFileSync(metaFile, "utf8")) as Meta)
    : undefined;
  process.stdout.write(`${summarize(profile, Number(top), meta).join("\n")}\n`);
}
