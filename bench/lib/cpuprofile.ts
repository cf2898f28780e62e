import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "./paths.ts";

/**
 * Summarizes V8 `.cpuprofile` files (node --cpu-prof): self time per function, and per "where" (a package in
 * node_modules, the jobs package's own source, Node internals, GC, idle), so the report says where a worker's CPU goes.
 */
interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface ProfileSummary {
  files: number;
  totalMs: number;
  /** Excluding (idle) and (program). */
  busyMs: number;
  top: { fn: string; where: string; selfMs: number; pctOfBusy: number }[];
  byWhere: { where: string; selfMs: number; pctOfBusy: number }[];
}

function whereOf(url: string, fn: string): string {
  if (fn === "(idle)" || fn === "(program)" || fn === "(garbage collector)") return fn;
  if (!url) return "(native/V8)";
  if (url.startsWith("node:")) return "node internals";
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = path.slice(nm + "node_modules/".length).split("/");
    return rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1] ?? ""}` : (rest[0] ?? "?");
  }
  return relative(ROOT, path).split("/").slice(0, 3).join("/");
}

/**
 * `window` (µs on the monotonic clock, as `process.hrtime.bigint() / 1000n` reads it in any process on Linux, and as
 * V8 stamps its samples) keeps only the samples taken while the measured work ran, leaving out start-up
 * (module loading, tsx compiling) and idle time after it.
 */
export function summarizeProfiles(dir: string, top = 20, window?: { fromUs: number; toUs: number }): ProfileSummary {
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const fnMs = new Map<string, { where: string; ms: number }>();
  const whereMs = new Map<string, number>();
  let totalMs = 0;
  for (const f of files) {
    const p = JSON.parse(readFileSync(join(dir, f), "utf8")) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    // Each sample's time is the delta to the next one; attribute it to the sampled (leaf) node.
    let t = p.startTime;
    const inWindow = !window || (p.endTime > window.fromUs && p.startTime < window.toUs);
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i] ?? 0;
      if (window && inWindow && (t < window.fromUs || t > window.toUs)) continue;
      const id = p.samples[i] ?? 0;
      const dt = (p.timeDeltas[i + 1] ?? 0) / 1000;
      self.set(id, (self.get(id) ?? 0) + dt);
    }
    for (const [id, ms] of self) {
      const n = byId.get(id);
      if (!n) continue;
      const fn = n.callFrame.functionName || "(anonymous)";
      const where = whereOf(n.callFrame.url, fn);
      const file = n.callFrame.url ? `${n.callFrame.url.replace(/^file:\/\//, "").split("/").slice(-2).join("/")}:${n.callFrame.lineNumber + 1}` : "";
      const key = `${fn} ${file}`.trim();
      const e = fnMs.get(key) ?? { where, ms: 0 };
      e.ms += ms;
      fnMs.set(key, e);
      whereMs.set(where, (whereMs.get(where) ?? 0) + ms);
      totalMs += ms;
    }
  }
  const idle = (whereMs.get("(idle)") ?? 0) + (whereMs.get("(program)") ?? 0);
  const busyMs = totalMs - idle;
  const pct = (ms: number) => Math.round((1000 * ms) / Math.max(1, busyMs)) / 10;
  return {
    files: files.length,
    totalMs: Math.round(totalMs),
    busyMs: Math.round(busyMs),
    top: [...fnMs.entries()].filter(([k]) => !k.startsWith("(idle)") && !k.startsWith("(program)"))
      .sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
      .map(([fn, v]) => ({ fn, where: v.where, selfMs: Math.round(v.ms), pctOfBusy: pct(v.ms) })),
    byWhere: [...whereMs.entries()].filter(([w]) => w !== "(idle)" && w !== "(program)")
      .sort((a, b) => b[1] - a[1]).slice(0, 15).map(([where, ms]) => ({ where, selfMs: Math.round(ms), pctOfBusy: pct(ms) })),
  };
}
