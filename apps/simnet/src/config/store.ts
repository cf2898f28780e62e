import { NETWORKS, type Network } from "../network.ts";
import type { BadRequest } from "../admin/zod-error.ts";
import { toBadRequest } from "../admin/zod-error.ts";
import { deepMerge, isPlainObject } from "./merge.ts";
import { seedConfig, SimnetConfig, type NetworkConfig } from "./schema.ts";

/** What a PATCH touched, for the state that must restart with it (windows, outage clocks, usage counters). */
export interface ConfigChange {
  limits: Set<Network>;
  outage: Set<Network>;
  usageCap: Set<Network>;
  hiddenLimit: Set<Network>;
}

export type PatchResult = { ok: true; change: ConfigChange } | ({ ok: false; status: 400 } & BadRequest);

/** The live config with PATCH (deep merge, then whole-config validation) and reset to the seed. */
export class ConfigStore {
  current: SimnetConfig = seedConfig();
  /** When each network's `outage` was last set: `outage.startMs` counts from there. */
  readonly outageSetAt = new Map<Network, number>();

  net(network: Network): NetworkConfig {
    return this.current.networks[network];
  }

  patch(body: unknown, now: number): PatchResult {
    if (!isPlainObject(body)) return { ok: false, status: 400, error: "expected a JSON object", path: "" };
    const merged = deepMerge(this.current, body);
    const parsed = SimnetConfig.safeParse(merged);
    if (!parsed.success) return { ok: false, status: 400, ...toBadRequest(parsed.error) };
    const change: ConfigChange = { limits: new Set(), outage: new Set(), usageCap: new Set(), hiddenLimit: new Set() };
    const nets = isPlainObject(body.networks) ? body.networks : {};
    for (const network of NETWORKS) {
      const p = nets[network];
      // A new timeScale reshapes every window, so every network's windows restart.
      if (body.timeScale !== undefined) change.limits.add(network);
      if (!isPlainObject(p)) continue;
      if ("limits" in p) change.limits.add(network);
      if ("outage" in p) change.outage.add(network);
      if ("usageCap" in p) change.usageCap.add(network);
      if ("hiddenLimit" in p) change.hiddenLimit.add(network);
    }
    this.current = parsed.data;
    for (const network of change.outage) this.outageSetAt.set(network, now);
    return { ok: true, change };
  }

  reset(): void {
    this.current = seedConfig();
    this.outageSetAt.clear();
  }

  /** Whether `outage` covers `now` (wall clock, not scaled). */
  inOutage(network: Network, now: number): boolean {
    const outage = this.net(network).outage;
    if (!outage) return false;
    const start = (this.outageSetAt.get(network) ?? 0) + outage.startMs;
    return now >= start && now < start + outage.durationMs;
  }
}

/** `true` or a list containing the account id. */
export function appliesTo(setting: boolean | readonly string[] | null, accountId: string): boolean {
  if (setting === null || setting === false) return false;
  if (setting === true) return true;
  return setting.includes(accountId);
}
