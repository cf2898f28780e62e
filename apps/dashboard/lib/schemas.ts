import { z } from "zod";
import { ERROR_KINDS } from "./errors-data.ts";

/** Input shapes shared by several API routes. Lengths are capped so no input can ask for unbounded work. */
export const TreeIdParams = z.object({ id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.-]+$/, "a tree id") });
export const Account = z.string().min(3).max(300).regex(/^[a-z0-9_-]+:.+$/, "NETWORK:ACCOUNT_ID");
export const NetworkName = z.string().min(1).max(32).regex(/^[a-z][a-z0-9_-]*$/, "a network name");
export const NetworkParams = z.object({ network: NetworkName });
export const QueueName = z.enum(["interactive", "default", "whales", "trickle", "system"]);
export const JobState = z.enum(["wait", "prioritized", "active", "delayed", "failed", "completed"]);
export const JobId = z.string().min(1).max(512).regex(/^[A-Za-z0-9_.~:-]+$/, "a job id");
export const Priority = z.enum(["high", "normal", "low"]);
export const Range = z.enum(["1h", "24h"]).default("1h");
export const ErrorKind = z.enum(ERROR_KINDS);
/** A node of a tree is an account. */
export const NodeName = Account;

const Ms = z.coerce.number().int().min(0).max(8_640_000_000_000);

/** The failed-jobs filter's fields; FailedFilter (a JSON object) and the GET query both build on it. */
export const FailedFilterFields = z.object({
  network: NetworkName.optional(),
  kind: ErrorKind.optional(),
  account: Account.optional(),
  fromMs: Ms.optional(),
  toMs: Ms.optional(),
});
const ordered = (f: { fromMs?: number; toMs?: number }) => f.fromMs === undefined || f.toMs === undefined || f.fromMs <= f.toMs;
const ORDER = { message: "fromMs must not be after toMs", path: ["fromMs"] };

export const FailedFilter = FailedFilterFields.strict().refine(ordered, ORDER);

export const FailedQuery = FailedFilterFields.extend({
  cursor: z.string().max(40).regex(/^\d+:\d+$/, "a cursor from a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
}).strict().refine(ordered, ORDER).transform(({ cursor, limit, ...filter }) => ({ cursor: cursor ?? null, limit, filter }));
