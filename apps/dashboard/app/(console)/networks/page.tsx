import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "../../../components/panel.tsx";
import { NetworksView } from "../../../components/stats-views.tsx";
import { prefetchStats } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Networks" };

export default async function NetworksPage() {
  return (
    <>
      <PageHeader title="Networks" subtitle="Per network: whether its jobs flow, the circuit breaker, errors in the last hour by kind." />
      <HydrationBoundary state={await prefetchStats()}>
        <NetworksView />
      </HydrationBoundary>
    </>
  );
}
