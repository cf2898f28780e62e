import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { FindForms } from "../../../components/jobs/find-forms.tsx";
import { JobBrowser } from "../../../components/jobs/job-browser.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { QueuesView } from "../../../components/stats-views.tsx";
import { loadJobList } from "../../../lib/load/jobs.ts";
import { JOB_PAGE } from "../../../lib/queries.ts";
import { qk } from "../../../lib/query-keys.ts";
import { JobState, QueueName } from "../../../lib/schemas.ts";
import { loadHealth, loadStats, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Queues" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function QueuesPage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams;
  const queue = QueueName.catch("default").parse(sp.queue);
  const state = JobState.catch("prioritized").parse(sp.state);
  const start = Math.max(0, Math.floor(Number(sp.start ?? 0)) || 0);
  const state0 = await prefetch([
    { key: qk.stats(), load: loadStats }, { key: qk.health(), load: loadHealth },
    { key: qk.jobs.list(queue, state, start), load: () => loadJobList(queue, state, start, JOB_PAGE) },
  ]);
  return (
    <>
      <PageHeader title="Queues" subtitle="Counts and pause/resume per queue; every job by state, a page at a time, however many there are.">
        <FindForms />
      </PageHeader>
      <HydrationBoundary state={state0}>
        <QueuesView />
        <JobBrowser queue={queue} state={state} start={start} />
      </HydrationBoundary>
    </>
  );
}
