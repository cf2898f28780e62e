import { formatCount } from "../lib/overview-data.ts";

export function StatCard({ label, value, tone, hint }: { label: string; value: number | string; tone?: "ok" | "warn" | "bad" | "muted"; hint?: string }) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value num">{typeof value === "number" ? formatCount(value) : value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}
