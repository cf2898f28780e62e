import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Overview } from "../../components/overview.tsx";
import { PageHeader } from "../../components/panel.tsx";
import { prefetchStats } from "../../lib/server-data.ts";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" subtitle="Queue depths, workers and networks, refreshed every 3 s." />
      <HydrationBoundary state={await prefetchStats()}>
        <Overview />
      </HydrationBoundary>
    </>
  );
}
