import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { NetworkDetail } from "../../../components/networks/network-detail.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { NetworksView } from "../../../components/stats-views.tsx";
import { loadNetwork, networkNames } from "../../../lib/load/networks.ts";
import { qk } from "../../../lib/query-keys.ts";
import { loadHealth, loadStats, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Networks" };

export default async function NetworksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const asked = (await searchParams).network;
  const state0 = await prefetch([{ key: qk.stats(), load: loadStats }, { key: qk.health(), load: loadHealth }]);
  const names = networkNames();
  const network = typeof asked === "string" && names.includes(asked) ? asked : (names[0] ?? "twitter");
  const state1 = await prefetch([{ key: qk.network(network, "1h"), load: () => loadNetwork(network, "1h") }]);
  return (
    <>
      <PageHeader title="Networks" subtitle="Per network: flowing or paused, the breaker, errors by kind over time, top codes, samples. Pausing holds its jobs in every queue." />
      <HydrationBoundary state={state0}>
        <NetworksView selected={network} />
      </HydrationBoundary>
      <HydrationBoundary state={state1}>
        <NetworkDetail key={network} network={network} />
      </HydrationBoundary>
    </>
  );
}
