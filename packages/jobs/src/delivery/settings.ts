import { z } from "zod";

/**
 * Delivery to the host website (issue 12): how long replaced follower versions and change sets stay readable, the
 * webhook retry schedule, the PostgreSQL sink and the per-key request rate of the `/api/v1` routes.
 * `fanout.config.ts` sets them under `delivery`; the sink's URL comes from FANOUT_PG_URL only.
 */
export interface DeliverySettings {
  /** A replaced version of an account's set stays readable (its cursors work) this long, then its cursors get 410. */
  versionRetentionMs: number;
  /** Change sets are kept this long; `changes?since=` an older version answers 410. */
  changesRetentionMs: number;
  /** A change answer larger than this (added + removed) answers 410 too: the client re-reads the full set. */
  maxChangeIds: number;
  webhooks: {
    /** Hard deadline of one delivery attempt (connect, headers and the capped body). */
    timeoutMs: number;
    /** Retries stop once their delays add up to this (24 h). */
    retrySpanMs: number;
    /** First retry delay; doubles per attempt up to `backoffCapMs`. */
    backoffBaseMs: number;
    backoffCapMs: number;
    /** How much of a response body is kept for the deliveries list. */
    responseCapBytes: number;
    /** Recent deliveries listed per endpoint. */
    deliveriesKept: number;
  };
  pg: {
    /** FANOUT_PG_URL; null: no sink. */
    url: string | null;
    table: string;
    versionsTable: string;
    migrationsTable: string;
    /** Ids per INSERT/DELETE statement. */
    chunk: number;
  };
  /** Requests per API key per sliding window. */
  api: { maxRequests: number; windowMs: number };
}

export const DEFAULT_DELIVERY: DeliverySettings = {
  versionRetentionMs: 3_600_000,
  changesRetentionMs: 7 * 24 * 3_600_000,
  maxChangeIds: 100_000,
  webhooks: { timeoutMs: 10_000, retrySpanMs: 24 * 3_600_000, backoffBaseMs: 15_000, backoffCapMs: 3 * 3_600_000, responseCapBytes: 1_024, deliveriesKept: 200 },
  pg: { url: null, table: "fanout_followers", versionsTable: "fanout_sink_versions", migrationsTable: "fanout_migrations", chunk: 10_000 },
  api: { maxRequests: 600, windowMs: 60_000 },
};

/** A PostgreSQL table name, optionally schema-qualified: lowercase, so it never needs quoting rules beyond "…". */
const pgName = z.string().regex(/^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$/, "lowercase letters, digits and _ (optionally schema.table)");

export const DeliveryConfigSchema = z.object({
  versionRetentionMs: z.number().int().min(0).max(30 * 24 * 3_600_000),
  changesRetentionMs: z.number().int().min(1).max(365 * 24 * 3_600_000),
  maxChangeIds: z.number().int().min(1).max(10_000_000),
  webhooks: z.object({
    timeoutMs: z.number().int().min(100).max(120_000),
    retrySpanMs: z.number().int().min(1_000).max(7 * 24 * 3_600_000),
    backoffBaseMs: z.number().int().min(1).max(3_600_000),
    backoffCapMs: z.number().int().min(1).max(24 * 3_600_000),
    responseCapBytes: z.number().int().min(0).max(65_536),
    deliveriesKept: z.number().int().min(1).max(10_000),
  }).partial().strict(),
  pg: z.object({ table: pgName, versionsTable: pgName, migrationsTable: pgName, chunk: z.number().int().min(1).max(100_000) }).partial().strict(),
  api: z.object({ maxRequests: z.number().int().min(1).max(1_000_000), windowMs: z.number().int().min(100).max(3_600_000) }).partial().strict(),
}).partial().strict();

export type DeliveryConfig = z.infer<typeof DeliveryConfigSchema>;

/** Defaults, overlaid with the config file's `delivery` section and the sink's URL from the environment. */
export function deliverySettings(config: DeliveryConfig | undefined, pgUrl: string | null | undefined): DeliverySettings {
  const c = config ?? {};
  return {
    ...DEFAULT_DELIVERY,
    ...(c.versionRetentionMs !== undefined ? { versionRetentionMs: c.versionRetentionMs } : {}),
    ...(c.changesRetentionMs !== undefined ? { changesRetentionMs: c.changesRetentionMs } : {}),
    ...(c.maxChangeIds !== undefined ? { maxChangeIds: c.maxChangeIds } : {}),
    webhooks: { ...DEFAULT_DELIVERY.webhooks, ...c.webhooks },
    pg: { ...DEFAULT_DELIVERY.pg, ...c.pg, url: pgUrl || null },
    api: { ...DEFAULT_DELIVERY.api, ...c.api },
  };
}
