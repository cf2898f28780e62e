import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { FailedView } from "../../../components/jobs/failed-view.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import type { FailedFilterInput } from "../../../lib/api-types.ts";
import { loadFailed } from "../../../lib/load/jobs.ts";
import { networkNames } from "../../../lib/load/networks.ts";
import { FAILED_PAGE } from "../../../lib/queries.ts";
import { qk } from "../../../lib/query-keys.ts";
import { FailedFilter } from "../../../lib/schemas.ts";
import { prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Failed jobs" };

export default async function FailedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const raw = Object.fromEntries(["network", "kind", "account"].flatMap((k) => (typeof sp[k] === "string" && sp[k] ? [[k, sp[k]]] : [])));
  const parsed = FailedFilter.safeParse(raw);
  const filter: FailedFilterInput = parsed.success ? parsed.data : {};
  const state = await prefetch([{ key: qk.jobs.failed(filter, ""), load: () => loadFailed(filter, null, FAILED_PAGE) }]);
  return (
    <>
      <PageHeader title="Failed jobs" subtitle="Pages that ran out of attempts or failed for good, by network, error kind, account and time. Requeue them in bulk once the cause is gone." />
      <HydrationBoundary state={state}>
        <FailedView networks={networkNames()} initial={filter} />
      </HydrationBoundary>
    </>
  );
}
