import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { JobDetail } from "../../../../components/jobs/job-detail.tsx";
import { Empty, PageHeader, Panel } from "../../../../components/panel.tsx";
import { loadJobDetail } from "../../../../lib/load/jobs.ts";
import { qk } from "../../../../lib/query-keys.ts";
import { JobId } from "../../../../lib/schemas.ts";
import { prefetch } from "../../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const parsed = JobId.safeParse(decoded((await params).id));
  if (!parsed.success) {
    return <><PageHeader title="Job" /><Panel title="Job"><Empty>That is not a job id.</Empty></Panel></>;
  }
  const id = parsed.data;
  return (
    <>
      <PageHeader title="Job" subtitle="Payload (no secrets: payloads carry ids and cursors only), attempts, error, logs; actions as its state allows." />
      <HydrationBoundary state={await prefetch([{ key: qk.jobs.detail(id), load: () => loadJobDetail(id) }])}>
        <JobDetail id={id} />
      </HydrationBoundary>
    </>
  );
}

/** Next hands dynamic segments over decoded or not depending on the path: decode once, keep the raw value when it is not an escape. */
function decoded(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    if (err instanceof URIError) return raw;
    throw err;
  }
}
