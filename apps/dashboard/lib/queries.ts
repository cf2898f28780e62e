import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { AuditEntry, Stats } from "@fanout/jobs/ops";
import type { NodeDoc, TreeDoc } from "@fanout/jobs/tree/tree";
import type { WhaleInfo } from "@fanout/jobs/whales";
import { fetchJson } from "./fetch-json.ts";
import { qk, type AuditFilter } from "./query-keys.ts";
import type { OperatorView } from "./server-data.ts";
import type { HealthReport } from "./services.ts";

/** One options object and one hook per server resource; pages prefetch the same keys on the server. */
export const POLL = { health: 5_000, stats: 3_000, operators: 15_000, audit: 10_000 } as const;

export interface WhalesDoc { threshold: number; whales: WhaleInfo[] }
export interface AuditPage { entries: AuditEntry[]; next: string | null }

export const healthOptions = () => queryOptions({
  queryKey: qk.health(),
  // 503 carries a report too ("redis down"): only an unreachable console is an error here.
  queryFn: async ({ signal }): Promise<HealthReport> => {
    const res = await fetch("/api/health", { cache: "no-store", signal });
    return (await res.json()) as HealthReport;
  },
  refetchInterval: POLL.health,
  retry: 0,
});

export const statsOptions = () => queryOptions({
  queryKey: qk.stats(),
  queryFn: ({ signal }) => fetchJson<Stats>("/api/stats", { signal }),
  refetchInterval: POLL.stats,
});

export const operatorsOptions = () => queryOptions({
  queryKey: qk.operators.all(),
  queryFn: ({ signal }) => fetchJson<{ operators: OperatorView[] }>("/api/operators", { signal }),
  refetchInterval: POLL.operators,
});

export const useHealth = () => useQuery(healthOptions());
export const useStats = () => useQuery(statsOptions());
export const useOperators = () => useQuery(operatorsOptions());

export const whalesOptions = () => queryOptions({
  queryKey: qk.whales(),
  queryFn: ({ signal }) => fetchJson<WhalesDoc>("/api/whales", { signal }),
  refetchInterval: POLL.stats,
});
export const useWhales = () => useQuery(whalesOptions());

export const auditOptions = (f: AuditFilter) => infiniteQueryOptions({
  queryKey: qk.audit(f),
  queryFn: ({ signal, pageParam }) => fetchJson<AuditPage>(`/api/audit?${auditParams(f, pageParam)}`, { signal }),
  initialPageParam: "",
  getNextPageParam: (last: AuditPage) => last.next ?? undefined,
  refetchInterval: POLL.audit,
});
export const useAudit = (f: AuditFilter) => useInfiniteQuery(auditOptions(f));

export function auditParams(f: AuditFilter, before: string): string {
  const p = new URLSearchParams({ limit: String(AUDIT_PAGE) });
  if (before) p.set("before", before);
  if (f.who) p.set("who", f.who);
  if (f.action) p.set("action", f.action);
  return p.toString();
}

export const treeOptions = (id: string) => queryOptions({
  queryKey: qk.trees.doc(id),
  queryFn: ({ signal }) => fetchJson<TreeDoc>(`/api/trees/${encodeURIComponent(id)}`, { signal }),
  // A settled tree does not change until someone requeues it (which invalidates this query).
  refetchInterval: (q) => (q.state.data?.settledAt || q.state.data?.state === "unknown" ? false : POLL.stats),
});
export const useTree = (id: string) => useQuery(treeOptions(id));

export const treeNodesOptions = (id: string, cursor: number) => queryOptions({
  queryKey: qk.trees.nodes(id, cursor),
  queryFn: ({ signal }) => fetchJson<{ nodes: NodeDoc[]; next: number | null }>(`/api/trees/${encodeURIComponent(id)}/nodes?cursor=${cursor}&limit=${TREE_PAGE}`, { signal }),
  refetchInterval: POLL.stats,
  placeholderData: keepPreviousData,
});
export const useTreeNodes = (id: string, cursor: number) => useQuery(treeNodesOptions(id, cursor));
export const TREE_PAGE = 25;
export const AUDIT_PAGE = 50;
