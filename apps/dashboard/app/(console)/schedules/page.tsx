import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "../../../components/panel.tsx";
import { SchedulesView } from "../../../components/schedules-view.tsx";
import { qk } from "../../../lib/query-keys.ts";
import { loadSchedules, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Schedules" };

export default async function SchedulesPage() {
  return (
    <>
      <PageHeader title="Schedules" subtitle="What runs by itself: the trickle refresh and the schedules of fanout.config.ts, with their next runs." />
      <HydrationBoundary state={await prefetch([{ key: qk.schedules(), load: loadSchedules }])}>
        <SchedulesView />
      </HydrationBoundary>
    </>
  );
}
