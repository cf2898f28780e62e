import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "../../../components/panel.tsx";
import { WhalesView } from "../../../components/whales-view.tsx";
import { loadWhales } from "../../../lib/load/whales.ts";
import { qk } from "../../../lib/query-keys.ts";
import { prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Whales" };

export default async function WhalesPage() {
  return (
    <>
      <PageHeader title="Whales" subtitle="Massive follower lists run in their own queue, so they never starve everyone else. ETA: pages left ÷ the rate the limiter allows the account now." />
      <HydrationBoundary state={await prefetch([{ key: qk.whales(), load: loadWhales }])}>
        <WhalesView />
      </HydrationBoundary>
    </>
  );
}
