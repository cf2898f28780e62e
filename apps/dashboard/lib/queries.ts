import { infiniteQueryOptions, keepPreviousData, queryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import type { AuditEntry, Stats } from "@fanout/jobs/ops";
import type { NodeDoc, TreeDoc } from "@fanout/jobs/tree/tree";
import type {
  AccountDoc, AccountTreesDoc, ApiKeysDoc, WebhooksDoc, FailedDoc, FailedFilterInput, JobDetailDoc, JobListDoc, LeavesDoc, LimitsDoc, NetworkDoc, NodeFailuresDoc,
  OverviewDoc, Range, SchedulesDoc, WhalesDoc,
} from "./api-types.ts";
import { fetchJson } from "./fetch-json.ts";
import { qk, type AuditFilter } from "./query-keys.ts";
import type { OperatorView } from "./server-data.ts";
import type { HealthReport } from "./services.ts";

/**
 * One options object and one hook per server resource; pages prefetch the same keys on the server. Intervals: what
 * moves by the second (stats, gauges) polls every 2–3 s, history every 5 s (a minute for 24 h), lists every 5–10 s.
 */
export const POLL = { health: 5_000, stats: 3_000, operators: 15_000, audit: 10_000, limits: 2_000, lists: 5_000, slow: 10_000 } as const;
export const TREE_PAGE = 25;
export const LEAF_PAGE = 50;
export const AUDIT_PAGE = 50;
export const JOB_PAGE = 25;
export const FAILED_PAGE = 50;
export const WEBHOOK_DELIVERIES_SHOWN = 20;

export interface AuditPage { entries: AuditEntry[]; next: string | null }

const enc = encodeURIComponent;

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
export const useHealth = () => useQuery(healthOptions());

export const statsOptions = () => queryOptions({
  queryKey: qk.stats(),
  queryFn: ({ signal }) => fetchJson<Stats>("/api/stats", { signal }),
  refetchInterval: POLL.stats,
});
export const useStats = () => useQuery(statsOptions());

export const overviewOptions = (range: Range) => queryOptions({
  queryKey: qk.overview(range),
  queryFn: ({ signal }) => fetchJson<OverviewDoc>(`/api/overview?range=${range}`, { signal }),
  refetchInterval: range === "1h" ? POLL.lists : 60_000,
  placeholderData: keepPreviousData,
});
export const useOverview = (range: Range) => useQuery(overviewOptions(range));

export const operatorsOptions = () => queryOptions({
  queryKey: qk.operators.all(),
  queryFn: ({ signal }) => fetchJson<{ operators: OperatorView[] }>("/api/operators", { signal }),
  refetchInterval: POLL.operators,
});
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
  queryFn: ({ signal }) => fetchJson<TreeDoc>(`/api/trees/${enc(id)}`, { signal }),
  // A settled tree does not change until someone requeues it (which invalidates this query).
  refetchInterval: (q) => (q.state.data?.settledAt || q.state.data?.state === "unknown" ? false : POLL.stats),
});
export const useTree = (id: string) => useQuery(treeOptions(id));

export const treeNodesOptions = (id: string, cursor: number) => queryOptions({
  queryKey: qk.trees.nodes(id, cursor),
  queryFn: ({ signal }) => fetchJson<{ nodes: NodeDoc[]; next: number | null }>(`/api/trees/${enc(id)}/nodes?cursor=${cursor}&limit=${TREE_PAGE}`, { signal }),
  refetchInterval: POLL.stats,
  placeholderData: keepPreviousData,
});
export const useTreeNodes = (id: string, cursor: number) => useQuery(treeNodesOptions(id, cursor));

export const leavesOptions = (id: string, node: string, cursor: string) => queryOptions({
  queryKey: qk.trees.leaves(id, node, cursor),
  queryFn: ({ signal }) => fetchJson<LeavesDoc>(`/api/trees/${enc(id)}/leaves?node=${enc(node)}&cursor=${enc(cursor)}&limit=${LEAF_PAGE}`, { signal }),
  refetchInterval: POLL.lists,
  placeholderData: keepPreviousData,
});
export const useLeaves = (id: string, node: string, cursor: string) => useQuery(leavesOptions(id, node, cursor));

export const nodeFailuresOptions = (id: string, node: string) => queryOptions({
  queryKey: qk.trees.failures(id, node),
  queryFn: ({ signal }) => fetchJson<NodeFailuresDoc>(`/api/trees/${enc(id)}/failures?node=${enc(node)}`, { signal }),
  refetchInterval: POLL.lists,
});
export const useNodeFailures = (id: string, node: string, enabled: boolean) => useQuery({ ...nodeFailuresOptions(id, node), enabled });

export const accountTreesOptions = (account: string) => queryOptions({
  queryKey: qk.trees.ofAccount(account),
  queryFn: ({ signal }) => fetchJson<AccountTreesDoc>(`/api/trees?account=${enc(account)}`, { signal }),
  refetchInterval: POLL.lists,
});
export const useAccountTrees = (account: string) => useQuery(accountTreesOptions(account));

export const jobListOptions = (queue: string, state: string, start: number) => queryOptions({
  queryKey: qk.jobs.list(queue, state, start),
  queryFn: ({ signal }) => fetchJson<JobListDoc>(`/api/queues/${enc(queue)}/jobs?state=${enc(state)}&start=${start}&limit=${JOB_PAGE}`, { signal }),
  refetchInterval: POLL.lists,
  placeholderData: keepPreviousData,
});
export const useJobList = (queue: string, state: string, start: number) => useQuery(jobListOptions(queue, state, start));

export const jobOptions = (id: string) => queryOptions({
  queryKey: qk.jobs.detail(id),
  queryFn: ({ signal }) => fetchJson<JobDetailDoc>(`/api/jobs/${enc(id)}`, { signal }),
  refetchInterval: POLL.stats,
  retry: (n, err) => n < 1 && !(err instanceof Error && /no job/.test(err.message)),
});
export const useJob = (id: string) => useQuery(jobOptions(id));

export function failedParams(f: FailedFilterInput, cursor: string, limit = FAILED_PAGE): string {
  const p = new URLSearchParams({ limit: String(limit) });
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") p.set(k, String(v));
  if (cursor) p.set("cursor", cursor);
  return p.toString();
}
export const failedOptions = (f: FailedFilterInput, cursor: string) => queryOptions({
  queryKey: qk.jobs.failed(f, cursor),
  queryFn: ({ signal }) => fetchJson<FailedDoc>(`/api/failed?${failedParams(f, cursor)}`, { signal }),
  refetchInterval: POLL.slow,
  placeholderData: keepPreviousData,
});
export const useFailed = (f: FailedFilterInput, cursor: string) => useQuery(failedOptions(f, cursor));

export const accountOptions = (account: string) => queryOptions({
  queryKey: qk.account(account),
  queryFn: ({ signal }) => fetchJson<AccountDoc>(`/api/accounts?account=${enc(account)}`, { signal }),
  refetchInterval: POLL.stats,
});
export const useAccount = (account: string) => useQuery(accountOptions(account));

export const networkOptions = (network: string, range: Range) => queryOptions({
  queryKey: qk.network(network, range),
  queryFn: ({ signal }) => fetchJson<NetworkDoc>(`/api/networks/${enc(network)}?range=${range}`, { signal }),
  refetchInterval: range === "1h" ? POLL.lists : 60_000,
  placeholderData: keepPreviousData,
});
export const useNetwork = (network: string, range: Range) => useQuery(networkOptions(network, range));

export const limitsOptions = (network: string) => queryOptions({
  queryKey: qk.limits(network),
  queryFn: ({ signal }) => fetchJson<LimitsDoc>(`/api/limits/${enc(network)}`, { signal }),
  refetchInterval: POLL.limits,
});
export const useLimits = (network: string) => useQuery(limitsOptions(network));

export const schedulesOptions = () => queryOptions({
  queryKey: qk.schedules(),
  queryFn: ({ signal }) => fetchJson<SchedulesDoc>("/api/schedules", { signal }),
  refetchInterval: POLL.slow,
});
export const useSchedules = () => useQuery(schedulesOptions());

export const apiKeysOptions = () => queryOptions({
  queryKey: qk.apikeys(),
  queryFn: ({ signal }) => fetchJson<ApiKeysDoc>("/api/apikeys", { signal }),
  refetchInterval: POLL.operators,
});
export const useApiKeys = () => useQuery(apiKeysOptions());

export const webhooksOptions = () => queryOptions({
  queryKey: qk.webhooks(),
  queryFn: ({ signal }) => fetchJson<WebhooksDoc>("/api/webhooks", { signal }),
  refetchInterval: POLL.lists,
});
export const useWebhooks = () => useQuery(webhooksOptions());
