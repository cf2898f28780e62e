/** Chart colours, matched to globals.css. */
export const STATE_COLORS = {
  wait: "#4f8cff",
  prioritized: "#a371f7",
  active: "#3fb950",
  delayed: "#d29922",
  failed: "#f85149",
} as const;

export const KIND_COLORS: Record<string, string> = {
  rate_limited: "#d29922",
  transient: "#f0883e",
  outage: "#f85149",
  auth_invalid: "#a371f7",
  permanent: "#8b96a5",
};

/** Series without a meaning of their own (queues, limit keys) take these in order. */
export const PALETTE = ["#4f8cff", "#3fb950", "#d29922", "#a371f7", "#f0883e", "#39c5cf", "#f85149", "#8b96a5"] as const;
export const paletteAt = (i: number): string => PALETTE[i % PALETTE.length] ?? "#4f8cff";

export const CHART = {
  grid: "#232a34",
  axis: "#2f3742",
  tick: "#8b96a5",
  tooltip: { background: "#151a21", border: "1px solid #2f3742", borderRadius: 6, fontSize: 12, color: "#d6dde6" },
} as const;
