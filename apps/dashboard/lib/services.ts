import type { Engine } from "@fanout/jobs/engine";
import type { Logger } from "@fanout/jobs/log";
import type * as ConsoleQueriesLib from "@fanout/jobs/console-queries";
import type * as JobsLib from "@fanout/jobs/jobs";
import type * as GaugesLib from "@fanout/jobs/limiter/gauges";
import type * as MetricsLib from "@fanout/jobs/metrics";
import type * as OpsLib from "@fanout/jobs/ops";
import type * as DeliveryApiLib from "@fanout/jobs/delivery/api";
import type * as ApiKeysLib from "@fanout/jobs/delivery/apikeys";
import type * as DeliveryErrorsLib from "@fanout/jobs/delivery/errors";
import type * as OpenApiLib from "@fanout/jobs/delivery/openapi";
import type * as WebhooksLib from "@fanout/jobs/delivery/webhooks";
import type * as SchedulesLib from "@fanout/jobs/schedules";
import type { Operators } from "@fanout/jobs/operators";
import type { SessionCodec } from "../server/session.ts";

/**
 * What the console's server process hands to Next: the jobs package is loaded once, by server.ts through tsx (Next's
 * bundlers bundle a workspace package whatever serverExternalPackages says, which would give route handlers a second
 * copy of the engine and its connections). Route handlers and server components reach the one instance here, and
 * import the jobs package for its types only (a lint rule keeps it that way).
 */
export interface HealthReport { ok: boolean; redis: "up" | "down"; error?: string; latencyMs?: number }

export interface ConsoleServices {
  engine: Engine;
  ops: typeof OpsLib;
  /** Job lists, job detail and actions, failed-job search and bulk requeue. */
  jobs: typeof JobsLib;
  /** Rate-limit gauges, their history, overrides. */
  limits: Pick<typeof GaugesLib, "networkGauges" | "limitHistory" | "overrideLimits" | "clearLimitKey">;
  /** The fleet's time series (depth samples, wait percentiles). */
  metrics: Pick<typeof MetricsLib, "readSeries">;
  schedules: Pick<typeof SchedulesLib, "listSchedules" | "runScheduleNow">;
  /** Bounded reads for the console (and the subtree requeue). */
  queries: typeof ConsoleQueriesLib;
  /** The host website's side: `/api/v1` calls, API keys and webhook endpoints for the admin pages, the OpenAPI document. */
  delivery: {
    api: typeof DeliveryApiLib;
    apikeys: Pick<typeof ApiKeysLib, "createApiKey" | "revokeApiKey" | "listApiKeys">;
    webhooks: Pick<typeof WebhooksLib, "addWebhook" | "removeWebhook" | "listWebhooks" | "listDeliveries" | "redeliver">;
    openApiDocument: typeof OpenApiLib.openApiDocument;
    ApiRequestError: typeof DeliveryErrorsLib.ApiRequestError;
  };
  operators: Operators;
  sessions: SessionCodec;
  log: Logger;
  health(): Promise<HealthReport>;
}

const SLOT = Symbol.for("fanout.console.services");
type Slot = { [SLOT]?: ConsoleServices };

export function provideServices(s: ConsoleServices | undefined): void {
  (globalThis as Slot)[SLOT] = s;
}

export function services(): ConsoleServices {
  const s = (globalThis as Slot)[SLOT];
  if (!s) throw new Error("console services are missing: start the console with server.ts (npm run dashboard), not `next start`");
  return s;
}
