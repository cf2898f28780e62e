import type { AccountJob, FailedRow } from "@fanout/jobs/console-queries";
import type { ApiKeyView } from "@fanout/jobs/delivery/apikeys";
import type { DeliveryView, WebhookView } from "@fanout/jobs/delivery/webhooks";
import type { ErrorSample } from "@fanout/jobs/error-stats";
import type { NetworkGauges } from "@fanout/jobs/limiter/gauges";
import type { ScheduleView } from "@fanout/jobs/schedules";
import type { LeafState, TreeCounts, TreeState } from "@fanout/jobs/tree/tree";
import type { WhaleInfo } from "@fanout/jobs/whales";
import type { Bucket } from "./errors-data.ts";
import type { SafePayload } from "./jobs-data.ts";
import type { HistoryRow, AllowedRate } from "./limits-data.ts";
import type { DepthPoint, ErrorMinute, ThroughputPoint, WaitSeries } from "./series.ts";
import type { Progress } from "./whales-data.ts";

/** What the console's API routes answer: the browser's polling and the server's first render share these shapes. */

export type Range = "1h" | "24h";
export interface OverviewDoc {
  at: number; range: Range;
  depth: DepthPoint[]; wait: WaitSeries; throughput: ThroughputPoint[]; errors: ErrorMinute[];
  recent: { completed: number; failed: number; apiErrors: number };
}

export interface JobRow {
  id: string; queue: string; name: string; state: string; account: string | null; page: string | null; treeId: string | null;
  priority: number; attemptsMade: number; timestamp: number; processedOn: number | null; finishedOn: number | null;
  failedReason: string | null; delayUntil: number | null;
}
export interface JobListDoc { queue: string; state: string; start: number; jobs: JobRow[]; total: number; next: number | null }
export interface JobDetailDoc extends JobRow { payload: SafePayload; attemptsStarted: number; stacktrace: string[]; logs: string[] }
export interface JobActionResult { id: string; action: string; state: string }

export interface AccountDoc {
  account: string; known: boolean; connected: boolean | null; reason: string | null; connectedAt: number | null; disconnectedAt: number | null;
  whale: WhaleInfo | null;
  trees: { treeId: string; at: number; state: TreeState; counts: TreeCounts }[];
  jobs: AccountJob[]; truncated: boolean; failed: FailedRow[];
}

export interface FailedFilterInput { network?: string; kind?: string; account?: string; fromMs?: number; toMs?: number }
export interface FailedDoc { entries: FailedRow[]; next: string | null; scanned: number }
export interface RequeueFailedResult { matched: number; requeued: number }

export interface BreakerView { state: string; opens: number; openedAt: number | null; retryAt: number | null }
export interface NetworkDoc {
  at: number; network: string; range: Range; paused: boolean; breaker: BreakerView; buckets: Bucket[]; samples: ErrorSample[];
}

export interface LimitsDoc {
  at: number; network: string; gauges: NetworkGauges; history: { rows: HistoryRow[]; keys: string[]; throttles: number }; allowed: AllowedRate;
}

export interface WhaleRow extends WhaleInfo {
  network: string; queue: string; treeId: string | null; progress: Progress | null; rate: AllowedRate; etaMs: number | null;
}
export interface WhalesDoc { at: number; threshold: number; whales: WhaleRow[] }

export interface AccountTreesDoc { account: string; trees: { treeId: string; at: number; state: TreeState; counts: TreeCounts }[] }
export interface LeafRow { page: string; state: LeafState; error?: string; kind?: string }
export interface LeavesDoc { node: string; leaves: LeafRow[]; next: string | null }
export interface NodeFailuresDoc { node: string; failures: { page: string; error: string; kind: string; at: number | null }[] }

export interface SchedulesDoc { at: number; schedules: ScheduleView[] }

export interface ApiKeysDoc { keys: ApiKeyView[] }
export interface WebhooksDoc { endpoints: (WebhookView & { deliveries: DeliveryView[] })[] }
