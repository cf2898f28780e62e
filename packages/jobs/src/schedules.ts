import { UnrecoverableError, type Job } from "bullmq";
import { z } from "zod";
import type { Engine } from "./engine.ts";
import { audit, InputError, NotFoundError, type Actor } from "./ops.ts";
import { runTrickle } from "./trickle.ts";

/**
 * Schedules are defined in code (fanout.config.ts `schedules`, plus the built-in trickle tick) and reconciled with
 * BullMQ job schedulers at worker start: a removed one disappears, a changed one is updated, and many workers
 * starting at once create each one once (upsert by name is idempotent).
 */
export interface ScheduleDef {
  name: string;
  /** Milliseconds between runs, or a cron pattern. */
  every?: number;
  cron?: string;
  action: "trickle" | "sync";
  /** For `sync`: the accounts to sync. */
  accounts?: string[];
}

export const ScheduleSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "lowercase letters, digits, _ and -"),
  every: z.number().int().min(1_000).optional(),
  cron: z.string().min(9).max(100).optional(),
  action: z.enum(["trickle", "sync"]),
  accounts: z.array(z.string()).max(10_000).optional(),
}).strict().refine((s) => (s.every === undefined) !== (s.cron === undefined), "give exactly one of every, cron");

export const BUILTIN_SCHEDULES: ScheduleDef[] = [{ name: "trickle", every: 30_000, action: "trickle" }];

const TICK = "schedule.tick";

export function definedSchedules(engine: Engine): ScheduleDef[] {
  const own = engine.settings.schedules;
  const names = new Set(own.map((s) => s.name));
  return [...BUILTIN_SCHEDULES.filter((s) => !names.has(s.name)), ...own];
}

export async function reconcileSchedules(engine: Engine): Promise<{ upserted: number; removed: number }> {
  const q = engine.queues.system;
  const defs = definedSchedules(engine);
  for (const d of defs) {
    await q.upsertJobScheduler(d.name, d.every !== undefined ? { every: d.every } : { pattern: d.cron ?? "" }, { name: TICK, data: { schedule: d.name } });
  }
  const wanted = new Set(defs.map((d) => d.name));
  let removed = 0;
  for (const s of await q.getJobSchedulers(0, -1)) {
    if (!wanted.has(s.key)) { await q.removeJobScheduler(s.key); removed++; }
  }
  return { upserted: defs.length, removed };
}

export interface ScheduleView { name: string; every: number | null; cron: string | null; action: string; next: number | null }

export async function listSchedules(engine: Engine): Promise<ScheduleView[]> {
  const live = new Map((await engine.queues.system.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
  return definedSchedules(engine).map((d) => ({
    name: d.name, every: d.every ?? null, cron: d.cron ?? null, action: d.action, next: live.get(d.name)?.next ?? null,
  }));
}

export async function runScheduleNow(engine: Engine, name: string, actor: Actor): Promise<{ name: string; jobId: string }> {
  if (!definedSchedules(engine).some((d) => d.name === name)) throw new NotFoundError(`no schedule named "${name}"`);
  const job = await engine.queues.system.add(TICK, { schedule: name, manual: true });
  await audit(engine, actor, "schedule-run", { name });
  return { name, jobId: job.id ?? "" };
}

/** The processor for schedule ticks (system queue). */
export async function processTick(engine: Engine, job: Job): Promise<unknown> {
  const name = String((job.data as { schedule?: unknown }).schedule ?? "");
  const def = definedSchedules(engine).find((d) => d.name === name);
  if (!def) throw new UnrecoverableError(`schedule "${name}" is no longer defined`);
  switch (def.action) {
    case "trickle":
      return runTrickle(engine);
    case "sync": {
      const { startSync } = await import("./sync.ts");
      if (!def.accounts?.length) throw new UnrecoverableError(`schedule "${name}" has no accounts`);
      return startSync(engine, def.accounts, { queue: "default", priority: "low" });
    }
    default:
      throw new InputError(`unknown action ${String(def.action)}`);
  }
}

export const SCHEDULE_TICK = TICK;
