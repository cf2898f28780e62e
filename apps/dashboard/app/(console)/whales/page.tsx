import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { PageHeader } from "../../../components/panel.tsx";
import { WhalesView } from "../../../components/whales-view.tsx";
import { qk } from "../../../lib/query-keys.ts";
import { loadWhales, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Whales" };

export default async function WhalesPage() {
  return (
    <>
      <PageHeader title="Whales" subtitle="Accounts with massive follower lists run in their own queue, so they never starve everyone else." />
      <HydrationBoundary state={await prefetch([{ key: qk.whales(), load: loadWhales }])}>
        <WhalesView />
      </HydrationBoundary>
    </>
  );
}
