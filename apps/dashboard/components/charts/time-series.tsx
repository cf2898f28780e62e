"use client";
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatClock, formatCount, timeTicks } from "../../lib/overview-data.ts";
import { CHART } from "./theme.ts";

export interface Series { key: string; label: string; color: string; dashed?: boolean; axis?: "left" | "right" }

/**
 * Every time chart of the console: x is epoch ms on round ticks, y a count (or `format`). `kind` picks stacked
 * areas (depths), stacked bars (per-minute counts) or lines (percentiles, rates).
 */
export function TimeSeriesChart({ data, series, kind, height = 220, format = formatCount, testId, fromMs, toMs, legend = true }: {
  data: readonly { at: number }[]; series: readonly Series[]; kind: "area" | "bar" | "line";
  height?: number; format?: (v: number) => string; testId?: string; fromMs?: number; toMs?: number; legend?: boolean;
}) {
  const from = fromMs ?? data[0]?.at ?? 0;
  const to = toMs ?? data[data.length - 1]?.at ?? 0;
  const ticks = timeTicks(from, to, 7);
  const twoAxes = series.some((s) => s.axis === "right");
  const common = {
    data: [...data],
    margin: { top: 8, right: twoAxes ? 4 : 12, bottom: 0, left: 0 },
  };
  const axes = (
    <>
      <CartesianGrid stroke={CHART.grid} vertical={false} />
      <XAxis dataKey="at" type="number" domain={[from, to]} ticks={ticks} tickFormatter={formatClock} stroke={CHART.axis}
        tick={{ fill: CHART.tick, fontSize: 11 }} tickLine={false} scale="time" allowDataOverflow />
      <YAxis yAxisId="left" stroke={CHART.axis} tick={{ fill: CHART.tick, fontSize: 11 }} tickLine={false} allowDecimals={false} width={52} tickFormatter={format} />
      {twoAxes ? <YAxis yAxisId="right" orientation="right" stroke={CHART.axis} tick={{ fill: CHART.tick, fontSize: 11 }} tickLine={false} width={44} /> : null}
      <Tooltip contentStyle={CHART.tooltip} labelFormatter={(v) => formatClock(Number(v))} formatter={(v) => format(Number(v))} cursor={{ fill: "rgba(255,255,255,0.04)" }} />
      {legend ? <Legend wrapperStyle={{ fontSize: 12, color: CHART.tick }} iconSize={10} /> : null}
    </>
  );
  return (
    <div className="chart" data-testid={testId} style={{ minHeight: height }}>
      <ResponsiveContainer width="100%" height={height}>
        {kind === "area" ? (
          <AreaChart {...common}>
            {axes}
            {series.map((s) => (
              <Area key={s.key} yAxisId={s.axis ?? "left"} dataKey={s.key} name={s.label} stackId="a" stroke={s.color} fill={s.color} fillOpacity={0.25} isAnimationActive={false} type="linear" dot={false} />
            ))}
          </AreaChart>
        ) : kind === "bar" ? (
          <BarChart {...common} barCategoryGap={1}>
            {axes}
            {series.map((s) => (
              <Bar key={s.key} yAxisId={s.axis ?? "left"} dataKey={s.key} name={s.label} stackId="b" fill={s.color} isAnimationActive={false} />
            ))}
          </BarChart>
        ) : (
          <LineChart {...common}>
            {axes}
            {series.map((s) => (
              <Line key={s.key} yAxisId={s.axis ?? "left"} dataKey={s.key} name={s.label} stroke={s.color} strokeDasharray={s.dashed ? "4 3" : undefined}
                dot={false} isAnimationActive={false} strokeWidth={2} type="linear" connectNulls />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}
