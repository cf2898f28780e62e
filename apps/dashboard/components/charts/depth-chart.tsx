"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { DepthRow } from "../../lib/overview-data.ts";
import { CHART, STATE_COLORS } from "./theme.ts";

/** Jobs per queue, stacked by state. Completed jobs are left out: they are history, not load. */
export function DepthChart({ rows }: { rows: DepthRow[] }) {
  return (
    <div className="chart" data-testid="depth-chart">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }} barCategoryGap="28%">
          <CartesianGrid stroke={CHART.grid} vertical={false} />
          <XAxis dataKey="queue" stroke={CHART.axis} tick={{ fill: CHART.tick, fontSize: 12 }} tickLine={false} />
          <YAxis stroke={CHART.axis} tick={{ fill: CHART.tick, fontSize: 12 }} tickLine={false} allowDecimals={false} width={56} />
          <Tooltip contentStyle={CHART.tooltip} cursor={{ fill: "rgba(255,255,255,0.04)" }} />
          <Legend wrapperStyle={{ fontSize: 12, color: CHART.tick }} />
          {(["wait", "prioritized", "active", "delayed", "failed"] as const).map((k) => (
            <Bar key={k} dataKey={k} stackId="depth" fill={STATE_COLORS[k]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
