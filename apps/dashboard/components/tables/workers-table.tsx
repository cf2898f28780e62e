import type { Stats } from "@fanout/jobs/ops";
import { ago } from "../../lib/live-status.ts";
import { Empty } from "../panel.tsx";

/**
 * A heartbeat as the worker writes it: the stats type plus the fields the console shows when present. Its `active`
 * is left out: a count up to a heartbeat old; active jobs are read from the queues instead.
 */
type Heartbeat = Stats["workers"][number] & { metricsPort?: number | null; version?: string };

export function WorkersTable({ workers, nowMs, compact = false }: { workers: Stats["workers"]; nowMs: number; compact?: boolean }) {
  if (!workers.length) return <Empty>No worker has sent a heartbeat in the last minute.</Empty>;
  const rows = workers as Heartbeat[];
  return (
    <table className="table" data-testid="workers-table">
      <thead>
        <tr>
          <th>Worker</th>{compact ? null : <><th>Host</th><th className="r">PID</th></>}<th>Queues</th>
          {compact ? null : <><th>Metrics</th><th>Version</th></>}<th className="r">Heartbeat</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((w) => (
          <tr key={w.id} data-worker={w.id}>
            <td className="mono">{compact ? `${w.host}/${w.pid}` : w.id}</td>
            {compact ? null : <><td>{w.host}</td><td className="r num">{w.pid}</td></>}
            <td className="mono small">
              {w.queues.join(", ")}
              {w.whaleSlots && w.whaleSlots.now < w.whaleSlots.full
                ? <span className="muted" title="whale jobs wait while the interactive or default queue has jobs waiting"> · whales yielding: {w.whaleSlots.now} of {w.whaleSlots.full} slots</span>
                : null}
            </td>
            {compact ? null : <><td className="mono small">{typeof w.metricsPort === "number" ? `127.0.0.1:${w.metricsPort}/metrics` : "—"}</td><td className="mono">{w.version ?? "—"}</td></>}
            <td className={`r num ${nowMs - w.at > 15_000 ? "text-warn" : ""}`}>{ago(nowMs, w.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
