import { dehydrate, type DehydratedState } from "@tanstack/react-query";
import { connection } from "next/server";
import type { Operator } from "@fanout/jobs/operators";
import type { Stats } from "@fanout/jobs/ops";
import type { ApiKeysDoc, SchedulesDoc, WebhooksDoc } from "./api-types.ts";
import { getQueryClient } from "./get-query-client.ts";
import { AUDIT_PAGE, TREE_PAGE, WEBHOOK_DELIVERIES_SHOWN, type AuditPage } from "./queries.ts";
import { qk, type AuditFilter } from "./query-keys.ts";
import { services, type HealthReport } from "./services.ts";

/**
 * What the API routes answer, computed in-process: server components prefetch the same data under the same keys, so
 * the first render is complete and the client's polling takes over from there.
 */
export const loadStats = (): Promise<Stats> => {
  const s = services();
  return s.ops.stats(s.engine);
};
export const loadHealth = (): Promise<HealthReport> => services().health();
/** What the browser may see of an operator: not the session epoch. */
export type OperatorView = Pick<Operator, "name" | "role" | "createdAt" | "updatedAt">;
export const loadOperators = async (): Promise<{ operators: OperatorView[] }> => ({
  operators: (await services().operators.listOperators()).map(({ name, role, createdAt, updatedAt }) => ({ name, role, createdAt, updatedAt })),
});

/** Prefetches into a per-request client; a failure (Redis away) leaves the query to the client, which shows it. */
export async function prefetch(entries: { key: readonly unknown[]; load: () => Promise<unknown> }[]): Promise<DehydratedState> {
  await connection(); // per request: never prerendered at build time, when there is no Redis
  const qc = getQueryClient();
  await Promise.all(entries.map((e) => qc.prefetchQuery({ queryKey: e.key, queryFn: e.load })));
  return dehydrate(qc);
}

export const prefetchStats = () => prefetch([{ key: qk.stats(), load: loadStats }, { key: qk.health(), load: loadHealth }]);

export const loadSchedules = async (): Promise<SchedulesDoc> => {
  const s = services();
  return { at: s.engine.clock.now(), schedules: await s.schedules.listSchedules(s.engine) };
};
export const loadTree = (id: string) => {
  const s = services();
  return s.ops.treeDoc(s.engine, id);
};
export const loadTreeNodes = (id: string, cursor: number) => services().engine.tree.children(id, cursor, TREE_PAGE);

/** One page of the audit log, newest first; `next` is the id to ask `before` for the page after. */
export async function loadAuditPage(f: AuditFilter & { before?: string; limit?: number }): Promise<AuditPage> {
  const s = services();
  const limit = f.limit ?? AUDIT_PAGE;
  const entries = await s.ops.auditLog(s.engine, { ...f, limit });
  return { entries, next: entries.length === limit ? (entries[entries.length - 1]?.id ?? null) : null };
}

/** The audit log's first page, in the shape the client's infinite query keeps. */
export async function prefetchAudit(): Promise<DehydratedState> {
  await connection();
  const qc = getQueryClient();
  await qc.prefetchInfiniteQuery({ queryKey: qk.audit({}), queryFn: () => loadAuditPage({}), initialPageParam: "" });
  return dehydrate(qc);
}

export const loadApiKeys = async (): Promise<ApiKeysDoc> => {
  const s = services();
  return { keys: await s.delivery.apikeys.listApiKeys(s.engine) };
};

/** Each endpoint with its most recent deliveries, newest first. */
export const loadWebhooks = async (): Promise<WebhooksDoc> => {
  const s = services();
  const endpoints = await s.delivery.webhooks.listWebhooks(s.engine);
  return {
    endpoints: await Promise.all(endpoints.map(async (e) => ({ ...e, deliveries: await s.delivery.webhooks.listDeliveries(s.engine, e.id, WEBHOOK_DELIVERIES_SHOWN) }))),
  };
};
