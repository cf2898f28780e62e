import { z } from "zod";

const Rate = z.number().min(0).max(1);
const AccountList = z.array(z.string().min(1).max(200)).max(10_000);

export const Limit = z.strictObject({
  scope: z.enum(["token", "app", "ip"]),
  max: z.int().min(1).max(1_000_000_000),
  windowMs: z.number().positive().max(366 * 24 * 3_600_000),
  paging: z.boolean().optional(),
});
export type Limit = z.infer<typeof Limit>;

export const NetworkConfig = z.strictObject({
  latencyMs: z
    .strictObject({ p50: z.number().min(0).max(600_000), p99: z.number().min(0).max(600_000) })
    .refine((l) => l.p99 >= l.p50, { message: "p99 must be >= p50", path: ["p99"] }),
  errorRate: Rate,
  hangRate: Rate,
  malformedRate: Rate,
  outage: z.strictObject({ startMs: z.number().min(0), durationMs: z.number().min(0) }).nullable(),
  limits: z.array(Limit).max(16).nullable(),
  hiddenLimit: z.strictObject({ perSecond: z.int().min(1).max(100_000) }).nullable(),
  shortPageRate: Rate,
  overlapRate: Rate,
  endlessPaging: z.union([z.boolean(), AccountList]),
  zeroTotal: z.union([z.boolean(), AccountList]),
  paginationCap: z.int().min(0).nullable(),
  failAccounts: AccountList.nullable(),
  usageCap: z.strictObject({ max: z.int().min(0) }).nullable(),
  tokenTtlMs: z.number().positive().max(10 * 365 * 24 * 3_600_000).nullable(),
  /** Keep a log of every request's arrival (`GET /_simnet/arrivals`), for benches that measure what the API saw. */
  recordArrivals: z.boolean(),
});
export type NetworkConfig = z.infer<typeof NetworkConfig>;

export const SimnetConfig = z.strictObject({
  timeScale: z.number().positive().max(1_000_000),
  networks: z.strictObject({
    twitter: NetworkConfig,
    facebook: NetworkConfig,
    linkedin: NetworkConfig,
    mastodon: NetworkConfig,
  }),
});
export type SimnetConfig = z.infer<typeof SimnetConfig>;

function base(limits: Limit[]): NetworkConfig {
  return {
    latencyMs: { p50: 50, p99: 300 },
    errorRate: 0,
    hangRate: 0,
    malformedRate: 0,
    outage: null,
    limits,
    hiddenLimit: null,
    shortPageRate: 0,
    overlapRate: 0,
    endlessPaging: false,
    zeroTotal: false,
    paginationCap: null,
    failAccounts: [],
    usageCap: null,
    tokenTtlMs: null,
    recordArrivals: false,
  };
}

/** The seed config: NETWORKS.md's published limits, 50/300 ms latency, every fault off. */
export function seedConfig(): SimnetConfig {
  return {
    timeScale: 1,
    networks: {
      // A user-token call does not count against Twitter's app bucket, so there is no `app` limit by default.
      twitter: base([{ scope: "token", max: 15, windowMs: 900_000 }]),
      facebook: base([]),
      linkedin: base([]),
      mastodon: base([
        { scope: "token", max: 300, windowMs: 300_000 },
        { scope: "token", max: 300, windowMs: 900_000, paging: true },
      ]),
    },
  };
}
