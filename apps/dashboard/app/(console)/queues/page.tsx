import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "../../../components/panel.tsx";
import { QueuesView } from "../../../components/stats-views.tsx";
import { prefetchStats } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Queues" };

export default async function QueuesPage() {
  return (
    <>
      <PageHeader title="Queues" subtitle="Per-queue job counts; pause or resume a queue (operators and admins)." />
      <HydrationBoundary state={await prefetchStats()}>
        <QueuesView />
      </HydrationBoundary>
    </>
  );
}
