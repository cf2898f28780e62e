import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "../../../components/panel.tsx";
import { WorkersView } from "../../../components/workers-view.tsx";
import { prefetchStats } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Workers" };

export default async function WorkersPage() {
  return (
    <>
      <PageHeader title="Workers" subtitle="Worker processes that sent a heartbeat in the last minute, the queues each serves, and where its metrics are." />
      <HydrationBoundary state={await prefetchStats()}>
        <WorkersView />
      </HydrationBoundary>
    </>
  );
}
