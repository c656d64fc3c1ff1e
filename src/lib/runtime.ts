/**
 * Node flags the gateway runs with (`npm start`, and the benchmark's gateway). Under load the live
 * heap stays near 35 MB. A limit on old space keeps V8 from letting it grow to ~190 MB between
 * full collections; 256 MB leaves six times the live heap for bursts. On Node 24 the young
 * generation took the rest: peak RSS was ~260 MB on the PostgreSQL store with V8's default
 * semi-spaces, ~155–175 MB with 8 MB ones at about the same CPU, 146–157 MB with 4 MB ones at up to
 * ~30 % more CPU per request, 139 MB with `--optimize-for-size` at ~40–70 % more (`npm run bench --
 * --only durable-postgres-many,memory-postgres`, 2026-12-01 and 2026-12-02; README, Performance).
 */
export const GATEWAY_NODE_FLAGS = ["--max-old-space-size=256", "--max-semi-space-size=8"] as const;
