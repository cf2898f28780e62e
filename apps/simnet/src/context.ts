import type { ServerResponse } from "node:http";
import type { Registry } from "./accounts/registry.ts";
import type { ConfigStore } from "./config/store.ts";
import type { NetworkAdapter } from "./networks/adapter.ts";
import type { NetworkRuntime } from "./networks/runtime.ts";
import type { Network } from "./network.ts";
import type { Stats } from "./stats.ts";

/** Everything one simnet instance owns; handlers receive it instead of reaching for globals. */
export interface SimnetContext {
  readonly seed: number;
  readonly registry: Registry;
  readonly config: ConfigStore;
  readonly stats: Stats;
  readonly adapters: ReadonlyMap<Network, NetworkAdapter>;
  readonly runtimes: ReadonlyMap<Network, NetworkRuntime>;
  /** responses waiting out their latency */
  readonly timers: Set<NodeJS.Timeout>;
  /** responses that will never be answered (hangRate), destroyed on close */
  readonly hanging: Set<ServerResponse>;
  now(): number;
}
