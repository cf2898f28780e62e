"use client";
import dynamic from "next/dynamic";

/**
 * The time charts, loaded after the page is interactive: Recharts is the console's largest chunk (~470 KB), and
 * parsing it before hydration held the first load past 2 s. The placeholder keeps the chart's height, so nothing
 * jumps when it arrives.
 */
export const TimeSeriesChart = dynamic(() => import("./time-series.tsx").then((m) => m.TimeSeriesChart), {
  ssr: false,
  loading: () => <div className="chart-loading" style={{ height: 220 }} aria-busy="true" />,
});
