import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { connection } from "next/server";
import { LimitsView, NetworkTabs } from "../../../components/limits/limits-view.tsx";
import { PageHeader } from "../../../components/panel.tsx";
import { loadLimits, networkNames } from "../../../lib/load/networks.ts";
import { qk } from "../../../lib/query-keys.ts";
import { prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Rate limits" };

export default async function RateLimitsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const asked = (await searchParams).network;
  await connection(); // per request, never at build time: the network list comes from the running engine
  const names = networkNames();
  const network = typeof asked === "string" && names.includes(asked) ? asked : (names[0] ?? "twitter");
  return (
    <>
      <PageHeader title="Rate limits" subtitle="Limits are shared by the whole fleet: every key's calls in its window, what is left, when it resets; adaptive limits as rate against the ceiling found from 429s.">
        <NetworkTabs networks={names} current={network} base="/rate-limits" />
      </PageHeader>
      <HydrationBoundary state={await prefetch([{ key: qk.limits(network), load: () => loadLimits(network) }])}>
        <LimitsView key={network} network={network} />
      </HydrationBoundary>
    </>
  );
}
