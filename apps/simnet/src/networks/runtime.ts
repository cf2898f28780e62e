import type { ConfigChange } from "../config/store.ts";
import type { NetworkConfig } from "../config/schema.ts";
import { createRng, intBetween, type Rng } from "../ids/rng.ts";
import { LimitAudit } from "../limits/audit.ts";
import { SlidingSecond } from "../limits/sliding-second.ts";
import { FixedWindows } from "../limits/windows.ts";
import type { Network } from "../network.ts";
import { outageAction, type OutageAction } from "./faults.ts";

export interface FaultRngs { latency: Rng; error: Rng; status: Rng; hang: Rng; malformed: Rng; short: Rng; overlap: Rng; outage: Rng }

/**
 * One network's moving parts between config changes: limit windows, the audit, the unpublished limit, the usage
 * counter, and one random stream per fault so that turning one fault on does not reshuffle another's draws.
 */
export class NetworkRuntime {
  readonly windows: FixedWindows;
  readonly audit: LimitAudit;
  hidden: SlidingSecond | null = null;
  /** the audit's own count of 200s over the sliding second, against `hiddenLimit` */
  hiddenServed: SlidingSecond | null = null;
  usageCalls = 0;
  rng: FaultRngs;
  /**
   * Offset paging (LinkedIn) under overlapRate: how far each reader's view of a list has drifted, by token and
   * account. A follower "added during paging" shifts every later offset by one for that reader, so the drift
   * persists until the reader starts over at offset 0.
   */
  readonly offsetDrift = new Map<string, number>();
  private outageRun: { action: OutageAction; left: number } = { action: "drop", left: 0 };

  constructor(private readonly seed: number, readonly network: Network, aligned: boolean, config: NetworkConfig) {
    this.windows = new FixedWindows(aligned);
    this.audit = new LimitAudit(aligned);
    this.rng = this.freshRngs();
    this.applyHidden(config);
  }

  /** Restarts the state a config change invalidates. */
  onConfig(change: ConfigChange, config: NetworkConfig): void {
    if (change.limits.has(this.network)) {
      this.windows.clear();
      this.audit.clear();
    }
    if (change.usageCap.has(this.network)) this.usageCalls = 0;
    if (change.hiddenLimit.has(this.network)) this.applyHidden(config);
  }

  /** Outages fail in runs (a burst of resets, then a burst of 502s…), not as independent coin flips. */
  nextOutageAction(): OutageAction {
    if (this.outageRun.left <= 0) {
      this.outageRun = { action: outageAction(this.rng.outage), left: intBetween(this.rng.outage, 1, 8) };
    }
    this.outageRun.left--;
    return this.outageRun.action;
  }

  reset(config: NetworkConfig): void {
    this.outageRun = { action: "drop", left: 0 };
    this.offsetDrift.clear();
    this.windows.clear();
    this.audit.clear();
    this.usageCalls = 0;
    this.rng = this.freshRngs();
    this.applyHidden(config);
  }

  private applyHidden(config: NetworkConfig): void {
    const per = config.hiddenLimit?.perSecond;
    this.hidden = per === undefined ? null : new SlidingSecond(per);
    this.hiddenServed = per === undefined ? null : new SlidingSecond(per);
  }

  private freshRngs(): FaultRngs {
    const r = (purpose: string): Rng => createRng(this.seed, `${this.network}:${purpose}`);
    return {
      latency: r("latency"), error: r("error"), status: r("status"), hang: r("hang"), malformed: r("malformed"),
      short: r("short"), overlap: r("overlap"), outage: r("outage"),
    };
  }
}
