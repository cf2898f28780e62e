import type { BenchContext, BenchOutput } from "../lib/context.ts";
export const name = "outage";
export const title = "todo";
export async function run(_ctx: BenchContext): Promise<BenchOutput> { await Promise.resolve(); throw new Error("todo"); }
