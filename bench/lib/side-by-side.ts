import { startSimnet, type Simnet } from "./simnet.ts";

/**
 * Variants of one measurement (Fanout and its baselines) either one after another or at the same time.
 *
 * At the same time is for benches paced by an API's limit, not by the CPU: each variant talks to its own simnet
 * process (its own limit counters) and uses a few percent of a core, so running them together costs them nothing
 * and puts the machine's noise on all of them alike. Each variant calls `ready()` once its processes are up and
 * before it starts work; together, every variant is released at once, so no variant's start-up (a burst of CPU:
 * worker processes loading) falls inside another's measurement.
 */
export type Variant<T> = (ready: () => Promise<void>) => Promise<T>;

/** The gate of a variant that runs on its own: it goes at once. */
export const alone = (): Promise<void> => Promise.resolve();

/** The simnets of a side-by-side measurement: variant i's own when together, one shared by all otherwise. */
export interface Simnets {
  at(i: number): Simnet;
  /** Runs `make` once per simnet (accounts, say); the result is looked up per variant like the simnet. */
  each<T>(make: (sim: Simnet) => Promise<T>): Promise<(i: number) => T>;
  stop(): Promise<void>;
}

export async function simnetsFor(together: boolean, variants: number): Promise<Simnets> {
  const sims = await Promise.all(Array.from({ length: together ? variants : 1 }, () => startSimnet()));
  const pick = <T>(list: T[], i: number): T => {
    const x = list[together ? i : 0];
    if (x === undefined) throw new Error(`no simnet for variant ${i}`);
    return x;
  };
  return {
    at: (i) => pick(sims, i),
    async each(make) {
      const made = await Promise.all(sims.map(make));
      return (i) => pick(made, i);
    },
    async stop() {
      await Promise.all(sims.map((sim) => sim.stop()));
    },
  };
}

export async function runVariants<T extends unknown[]>(together: boolean, variants: { [K in keyof T]: Variant<T[K]> }): Promise<T> {
  const list = variants as Variant<unknown>[];
  if (!together) {
    const out: unknown[] = [];
    for (const v of list) out.push(await v(alone));
    return out as T;
  }
  const gate = startGate(list.length);
  const settled = await Promise.allSettled(list.map(async (v) => {
    try {
      return await v(gate.arrive);
    } catch (err) {
      gate.fail(err);
      throw err;
    }
  }));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected" && !(s.reason instanceof GateClosed));
  if (failed) throw failed.reason;
  return settled.map((s) => {
    if (s.status === "rejected") throw s.reason;
    return s.value;
  }) as T;
}

/** Thrown at the gate to the variants still waiting when another one failed: the failure itself is what is reported. */
class GateClosed extends Error {}

function startGate(parties: number): { arrive(): Promise<void>; fail(err: unknown): void } {
  let arrived = 0;
  let open: () => void = () => undefined;
  let close: (err: Error) => void = () => undefined;
  const opened = new Promise<void>((resolve, reject) => { open = resolve; close = reject; });
  opened.catch(() => undefined); // observed by every arrive(); a failure before anyone waits is not unhandled
  return {
    arrive() {
      arrived++;
      if (arrived === parties) open();
      return opened;
    },
    fail(err) {
      close(new GateClosed(`another variant failed: ${err instanceof Error ? err.message : String(err)}`));
    },
  };
}
