/** Every React Query key of the console, built here and nowhere else. */
export interface AuditFilter { who?: string; action?: string }

export const qk = {
  health: () => ["health"] as const,
  stats: () => ["stats"] as const,
  operators: {
    all: () => ["operators"] as const,
  },
  audit: (f: AuditFilter) => ["audit", { who: f.who ?? "", action: f.action ?? "" }] as const,
  whales: () => ["whales"] as const,
  trees: {
    doc: (id: string) => ["trees", id, "doc"] as const,
    nodes: (id: string, cursor: number) => ["trees", id, "nodes", cursor] as const,
  },
};
