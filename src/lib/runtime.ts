/**
 * Node flags the gateway runs with (`npm start`, and the benchmark's gateway). Under load the live
 * heap stays near 40 MB, but with no limit set V8 lets old space grow to ~190 MB between full
 * collections (peak RSS ~250 MB); with a limit its growth heuristics keep peak RSS near 140 MB at
 * the same throughput (bench/results). 256 MB leaves six times the live heap for bursts.
 */
export const GATEWAY_NODE_FLAGS = ["--max-old-space-size=256"] as const;
