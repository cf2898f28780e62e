import type { FailedFilterInput, Range } from "./api-types.ts";

/** Every React Query key of the console, built here and nowhere else. */
export interface AuditFilter { who?: string; action?: string }

export const qk = {
  health: () => ["health"] as const,
  stats: () => ["stats"] as const,
  overview: (range: Range) => ["overview", range] as const,
  operators: {
    all: () => ["operators"] as const,
  },
  audit: (f: AuditFilter) => ["audit", { who: f.who ?? "", action: f.action ?? "" }] as const,
  whales: () => ["whales"] as const,
  trees: {
    all: () => ["trees"] as const,
    doc: (id: string) => ["trees", id, "doc"] as const,
    nodes: (id: string, cursor: number) => ["trees", id, "nodes", cursor] as const,
    leaves: (id: string, node: string, cursor: string) => ["trees", id, "leaves", node, cursor] as const,
    failures: (id: string, node: string) => ["trees", id, "failures", node] as const,
    ofAccount: (account: string) => ["trees", "account", account] as const,
  },
  jobs: {
    all: () => ["jobs"] as const,
    list: (queue: string, state: string, start: number) => ["jobs", "list", queue, state, start] as const,
    detail: (id: string) => ["jobs", "detail", id] as const,
    failed: (f: FailedFilterInput, cursor: string) => ["jobs", "failed", f, cursor] as const,
  },
  account: (account: string) => ["account", account] as const,
  network: (network: string, range: Range) => ["network", network, range] as const,
  limits: (network: string) => ["limits", network] as const,
  schedules: () => ["schedules"] as const,
  apikeys: () => ["apikeys"] as const,
  webhooks: () => ["webhooks"] as const,
};
