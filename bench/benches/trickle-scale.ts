import { markConnected, runTrickle } from "@fanout/jobs/trickle";
import type { BenchContext, BenchOutput } from "../lib/context.ts";
import { commandStats, diffCommands, perUnit, round, totalCommands, wipePrefix } from "../lib/redis.ts";
import type { Row } from "../lib/summary.ts";
import { benchEngine } from "../lib/workers.ts";

/**
 * Scale of the trickle (issue 8): connected accounts seeded through the library API (accounts.connect, which seals
 * the token, and markConnected, which files the account by next-due time), no real syncs. Then one trickle tick with
 * the same number of accounts due in both runs: its Redis commands and time at 1,000 accounts and at 1,000,000
 * (20,000 in quick mode), and Redis bytes per connected account. A tick reads the due set by score
 * (ZRANGEBYSCORE … LIMIT), so its work depends on how many are due, never on how many exist.
 */
export const name = "trickle-scale";
export const title = "trickle tick cost and bytes per account, 1,000 vs 1,000,000 connected accounts";

const DUE = 500;
const CHUNK = 2_000;

interface Scale { accounts: number; bytesPerAccount: number; dueSetBytes: number; seedS: number; tickCommands: number; tickMs: number; due: number; commands: Record<string, number> }

async function usedMemory(ctx: BenchContext): Promise<number> {
  return Number(/used_memory:(\d+)/.exec(await ctx.redis.info("memory"))?.[1] ?? 0);
}

async function measure(ctx: BenchContext, n: number): Promise<Scale> {
  const prefix = `bench-ts-${n}`;
  await wipePrefix(ctx.redis, prefix);
  const engine = await benchEngine(ctx, prefix, "http://127.0.0.1:9", { trickle: { batch: DUE } });
  try {
    const before = await usedMemory(ctx);
    const t0 = performance.now();
    for (let i = 0; i < n; i += CHUNK) {
      await Promise.all(Array.from({ length: Math.min(CHUNK, n - i) }, async (_, k) => {
        const id = String(1_000_000_000 + i + k);
        await engine.accounts.connect("twitter", id, `tok-${id}-${"x".repeat(40)}`, `ref-${id}-${"y".repeat(40)}`);
        await markConnected(engine, `twitter:${id}`);
      }));
      if (i > 0 && i % 200_000 === 0) ctx.log(`  ${n.toLocaleString("en-US")}: ${i.toLocaleString("en-US")} seeded`);
    }
    const seedS = (performance.now() - t0) / 1000;
    const bytesPerAccount = ((await usedMemory(ctx)) - before) / n;
    const dueSetBytes = Number(await ctx.redis.call("MEMORY", "USAGE", engine.keys.accountsDue(), "SAMPLES", "0"));
    // The same DUE accounts become due in both runs (spread over the id range): bench setup, not library API.
    const p = engine.redis.pipeline();
    for (let k = 0; k < DUE; k++) p.zadd(engine.keys.accountsDue(), "XX", 0, `twitter:${1_000_000_000 + Math.floor((k * n) / DUE)}`);
    await p.exec();
    const c0 = await commandStats(ctx.redis);
    const t1 = performance.now();
    const tick = await runTrickle(engine);
    const tickMs = performance.now() - t1;
    const d = diffCommands(c0, await commandStats(ctx.redis));
    return { accounts: n, bytesPerAccount, dueSetBytes, seedS, tickCommands: totalCommands(d), tickMs, due: tick.due, commands: perUnit(d, 1, 16) };
  } finally {
    await engine.close();
    await wipePrefix(ctx.redis, prefix);
  }
}

export async function run(ctx: BenchContext): Promise<BenchOutput> {
  const big = ctx.quick ? 20_000 : 1_000_000;
  ctx.log(`seeding 1,000 connected accounts, then ${big.toLocaleString("en-US")}; one tick with ${DUE} due in each`);
  const small = await measure(ctx, 1_000);
  ctx.log(`1,000: ${round(small.bytesPerAccount, 0)} B/account, tick ${small.tickCommands} commands in ${round(small.tickMs)} ms (${small.due} due)`);
  const large = await measure(ctx, big);
  ctx.log(`${big.toLocaleString("en-US")}: ${round(large.bytesPerAccount, 0)} B/account, tick ${large.tickCommands} commands in ${round(large.tickMs)} ms (${large.due} due); seeded in ${round(large.seedS)} s`);
  const vs = "1,000 accounts";
  const label = big.toLocaleString("en-US");
  const rows: Row[] = [
    { figure: `trickle tick, ${DUE} due: Redis commands at ${label} accounts`, fanout: large.tickCommands, baseline: small.tickCommands, vs, digits: 0, target: { on: "ratio", op: "<=", value: 1 }, note: "INFO commandstats delta around one runTrickle: the due read, pushing them out, and starting their sync (tree + jobs)" },
    { figure: `trickle tick, ${DUE} due: time at ${label} accounts (diagnostic)`, fanout: round(large.tickMs), baseline: round(small.tickMs), vs, unit: " ms" },
    { figure: `Redis bytes per connected account at ${label}`, fanout: round(large.bytesPerAccount, 0), baseline: round(small.bytesPerAccount, 0), vs, unit: " B", digits: 0, note: "used_memory delta ÷ accounts: account hash, sealed tokens, the index and the due set" },
    { figure: `the due set (sorted set by next-due time): bytes per account at ${label}`, fanout: round(large.dueSetBytes / large.accounts, 0), baseline: round(small.dueSetBytes / small.accounts, 0), vs, unit: " B", digits: 0, note: `MEMORY USAGE … SAMPLES 0: ${round(large.dueSetBytes / 1_048_576, 1)} MB in all` },
    { figure: `seeding ${label} accounts through the library API (diagnostic)`, fanout: round(large.seedS), unit: " s", note: `${round(big / large.seedS, 0).toLocaleString("en-US")} accounts/s: accounts.connect + markConnected, ${CHUNK} at a time` },
  ];
  return {
    rows,
    config: { due: DUE, accounts: [1_000, big], chunk: CHUNK },
    samples: { small, large },
  };
}
