import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Overview } from "../../components/overview.tsx";
import { PageHeader } from "../../components/panel.tsx";
import { loadOverview } from "../../lib/load/overview.ts";
import { qk } from "../../lib/query-keys.ts";
import { loadHealth, loadStats, prefetch } from "../../lib/server-data.ts";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const state = await prefetch([
    { key: qk.stats(), load: loadStats }, { key: qk.health(), load: loadHealth }, { key: qk.overview("1h"), load: () => loadOverview("1h") },
  ]);
  return (
    <>
      <PageHeader title="Overview" subtitle="Is the fleet healthy? Depths and workers every 3 s; history from the metrics store every 5 s." />
      <HydrationBoundary state={state}>
        <Overview />
      </HydrationBoundary>
    </>
  );
}
