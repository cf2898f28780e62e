import type { Stats } from "@fanout/jobs/ops";
import { ago } from "../../lib/live-status.ts";
import { Empty } from "../panel.tsx";

export function WorkersTable({ workers, nowMs }: { workers: Stats["workers"]; nowMs: number }) {
  if (!workers.length) return <Empty>No worker has sent a heartbeat in the last minute.</Empty>;
  return (
    <table className="table" data-testid="workers-table">
      <thead>
        <tr><th>Worker</th><th>Host</th><th className="r">PID</th><th>Queues</th><th className="r">Active jobs</th><th className="r">Heartbeat</th></tr>
      </thead>
      <tbody>
        {workers.map((w) => (
          <tr key={w.id}>
            <td className="mono">{w.id}</td>
            <td>{w.host}</td>
            <td className="r num">{w.pid}</td>
            <td className="mono">{w.queues.join(", ")}</td>
            <td className="r num">{w.active}</td>
            <td className="r num">{ago(nowMs, w.at)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
