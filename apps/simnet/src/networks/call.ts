import type { IncomingMessage, ServerResponse } from "node:http";
import type { NetworkConfig } from "../config/schema.ts";
import type { SimnetContext } from "../context.ts";
import { deliver, drop, hang } from "../http/deliver.ts";
import type { Reply } from "../http/reply.ts";
import { logNormalDelay } from "../ids/rng.ts";
import type { Network } from "../network.ts";
import type { NetworkStats } from "../stats.ts";
import type { NetworkAdapter } from "./adapter.ts";
import type { NetworkRuntime } from "./runtime.ts";

/**
 * One request to a network while it is being handled: what it needs to decide (config, runtime, adapter, the
 * arrival time) and the three ways it can end (an answer after the latency, a hang, a dropped connection), of
 * which exactly one happens, so the in-flight count is released exactly once.
 */
export class Call {
  readonly adapter: NetworkAdapter;
  readonly rt: NetworkRuntime;
  readonly cfg: NetworkConfig;
  readonly stats: NetworkStats;
  readonly now: number;
  /** Set once the route is known: whether the request asks for a follower list, and whose token made it. */
  list = false;
  caller: string | undefined;
  private readonly delay: number;
  private ended = false;

  constructor(readonly ctx: SimnetContext, readonly network: Network, readonly req: IncomingMessage, readonly res: ServerResponse) {
    const adapter = ctx.adapters.get(network);
    const rt = ctx.runtimes.get(network);
    if (!adapter || !rt) throw new Error(`network ${network} is not wired`);
    this.adapter = adapter;
    this.rt = rt;
    this.cfg = ctx.config.net(network);
    this.stats = ctx.stats.of(network);
    this.now = ctx.now();
    ctx.stats.begin(network);
    const { p50, p99 } = this.cfg.latencyMs;
    this.delay = p50 > 0 || p99 > 0 ? logNormalDelay(rt.rng.latency, p50, p99) : 0;
  }

  send(reply: Reply): void {
    if (this.claim(reply.status)) deliver(this.ctx, this.network, this.res, reply, this.delay);
  }

  hang(): void {
    if (this.claim(0)) hang(this.ctx, this.network, this.res);
  }

  drop(): void {
    if (this.claim(0)) drop(this.ctx, this.network, this.req);
  }

  private claim(status: number): boolean {
    if (this.ended) return false;
    this.ended = true;
    if (this.cfg.recordArrivals) {
      this.ctx.stats.arrived(this.network, this.caller === undefined
        ? { t: this.now, status, list: this.list }
        : { t: this.now, status, list: this.list, caller: this.caller });
    }
    return true;
  }
}
