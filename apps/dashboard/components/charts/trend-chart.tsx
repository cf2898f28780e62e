"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatClock, timeTicks, type TrendPoint } from "../../lib/overview-data.ts";
import { CHART, STATE_COLORS } from "./theme.ts";

export function TrendChart({ points }: { points: TrendPoint[] }) {
  const ticks = timeTicks(points[0]?.at ?? 0, points[points.length - 1]?.at ?? 0);
  return (
    <div className="chart" data-testid="trend-chart">
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={points} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={CHART.grid} vertical={false} />
          <XAxis dataKey="at" type="number" domain={["dataMin", "dataMax"]} ticks={ticks} tickFormatter={formatClock} stroke={CHART.axis}
            tick={{ fill: CHART.tick, fontSize: 12 }} tickLine={false} />
          <YAxis stroke={CHART.axis} tick={{ fill: CHART.tick, fontSize: 12 }} tickLine={false} allowDecimals={false} width={56} />
          <Tooltip contentStyle={CHART.tooltip} labelFormatter={(v) => formatClock(Number(v))} />
          <Legend wrapperStyle={{ fontSize: 12, color: CHART.tick }} />
          <Line dataKey="waiting" stroke={STATE_COLORS.wait} dot={false} isAnimationActive={false} strokeWidth={2} />
          <Line dataKey="active" stroke={STATE_COLORS.active} dot={false} isAnimationActive={false} strokeWidth={2} />
          <Line dataKey="delayed" stroke={STATE_COLORS.delayed} dot={false} isAnimationActive={false} strokeWidth={2} />
          <Line dataKey="failed" stroke={STATE_COLORS.failed} dot={false} isAnimationActive={false} strokeWidth={2} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
