import { readFileSync } from "node:fs";

/**
 * `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: the functions with the most self
 * time in a V8 CPU profile (from `npm run bench -- --profile-gateway DIR`), and the same time
 * grouped by package, to see where the gateway's CPU per mutation goes without opening DevTools.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export function summarize(profile: CpuProfile, top: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; charge it to that sample's node.
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0);
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    const where = frame.url ? `${shorten(frame.url)}:${frame.lineNumber + 1}` : "";
    const name = `${frame.functionName || "(anonymous)"} ${where}`.trim();
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byPackage.set(
      packageOf(frame.url, frame.functionName),
      (byPackage.get(packageOf(frame.url, frame.functionName)) ?? 0) + us,
    );
  }
  const lines = (title: string, map: Map<string, number>) => [
    title,
    ...[...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, us]) =>
          `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`,
      ),
  ];
  return [
    `total sampled: ${(total / 1000).toFixed(0)} ms`,
    ...lines("self time by function:", byFunction),
    ...lines("self time by package:", byPackage),
  ];
}

function shorten(url: string): string {
  return url
    .replace(/^file:\/\//, "")
    .replace(/^.*\/node_modules\//, "~/")
    .replace(/^.*\/dist\//, "dist/");
}

/**
 * The npm package (scoped or not), our own code, Node's internals, or V8's pseudo-frames such as
 * (garbage collector).
 */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const match = url.match(/\/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (match) return match[1]!;
  if (url.startsWith("node:")) return "node internals";
  return url.includes("/dist/") ? `ours: ${url.replace(/^.*\/dist\/([^/]+)\/.*$/, "$1")}/` : url;
}

if (require.main === module) {
  const [file, top = "25"] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: node dist/bench/profile-summary.js <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  process.stdout.write(`${summarize(profile, Number(top)).join("\n")}\n`);
}
