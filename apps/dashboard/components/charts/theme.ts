/** Chart colours, matched to globals.css. */
export const STATE_COLORS = {
  wait: "#4f8cff",
  prioritized: "#a371f7",
  active: "#3fb950",
  delayed: "#d29922",
  failed: "#f85149",
} as const;

export const CHART = {
  grid: "#232a34",
  axis: "#2f3742",
  tick: "#8b96a5",
  tooltip: { background: "#151a21", border: "1px solid #2f3742", borderRadius: 6, fontSize: 12, color: "#d6dde6" },
} as const;
