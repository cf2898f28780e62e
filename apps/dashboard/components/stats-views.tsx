"use client";
import { toDepthRows, toNetworkRows } from "../lib/overview-data.ts";
import { useStats } from "../lib/queries.ts";
import { Fresh } from "./freshness.tsx";
import { Panel } from "./panel.tsx";
import { NetworksTable } from "./tables/networks-table.tsx";
import { QueuesTable } from "./tables/queues-table.tsx";

/** Views that read the same polled stats document as the overview. */
export function QueuesView() {
  const stats = useStats();
  return (
    <Fresh query={stats}>
      {stats.data ? <Panel title="Queues"><QueuesTable rows={toDepthRows(stats.data)} actions /></Panel> : null}
    </Fresh>
  );
}

export function NetworksView({ selected }: { selected?: string }) {
  const stats = useStats();
  return (
    <Fresh query={stats}>
      {stats.data ? <Panel title="Networks"><NetworksTable rows={toNetworkRows(stats.data)} actions selected={selected} /></Panel> : null}
    </Fresh>
  );
}
