import { z } from "zod";
import { PRIORITIES } from "../queues.ts";

/**
 * The `/api/v1` shapes of INTERFACES.md "Host website API", as zod schemas: routes parse their input with them and
 * openapi.ts generates the OpenAPI document from the same schemas, so the two cannot drift.
 */
const network = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "a network name: lowercase letters, digits, _ or -");
const accountId = z.string().min(1).max(256);
export const AccountRef = z.string().regex(/^[a-z][a-z0-9_-]{0,31}:.{1,256}$/s, "NETWORK:ACCOUNT_ID").meta({ description: "An account, written NETWORK:ACCOUNT_ID", example: "twitter:12345" });

export const ErrorBody = z.object({
  error: z.string().meta({ description: "What is wrong, for a human" }),
  path: z.string().optional().meta({ description: "The input field at fault, when there is one" }),
}).meta({ description: "Every 4xx/5xx answer" });

export const ConnectBody = z.object({
  network, id: accountId,
  token: z.string().min(1).max(8_192).regex(/^\S+$/, "no whitespace").meta({ description: "The account's access token (stored encrypted)" }),
  refreshToken: z.string().min(1).max(8_192).regex(/^\S+$/, "no whitespace").optional().meta({ description: "A refresh token, where the network issues them" }),
}).strict();
export const ConnectResult = z.object({ account: AccountRef, connected: z.literal(true) });

export const DisconnectQuery = z.object({
  purge: z.enum(["0", "1", "true", "false"]).optional().meta({ description: "1: also delete the account's followers, change sets and sink rows" }),
});
export const DisconnectResult = z.object({ account: AccountRef, connected: z.literal(false), purged: z.boolean() });

export const SyncBody = z.object({
  accounts: z.array(AccountRef).min(1).max(10_000),
  priority: z.enum(Object.keys(PRIORITIES) as [keyof typeof PRIORITIES, ...(keyof typeof PRIORITIES)[]]).optional(),
}).strict();
export const SyncResult = z.object({ treeId: z.string() });

const Counts = z.object({ pending: z.number().int(), running: z.number().int(), done: z.number().int(), failed: z.number().int(), parked: z.number().int(), delayed: z.number().int() });
export const TreeDocument = z.object({
  treeId: z.string(),
  state: z.enum(["pending", "running", "done", "failed", "partial", "unknown"]),
  counts: Counts,
  failed: z.array(z.object({ node: z.string(), page: z.string(), error: z.string(), kind: z.string(), at: z.number().optional() })).meta({ description: "The first 100 failed pages" }),
  cancelled: z.boolean().optional(),
  createdAt: z.number().optional(),
  settledAt: z.number().optional(),
}).meta({ description: "A sync tree, as `fanout tree --json` prints it" });

export const MAX_PAGE = 10_000;
export const DEFAULT_PAGE = 1_000;
export const FollowersQuery = z.object({
  cursor: z.string().min(1).max(4_096).optional().meta({ description: "`next` of the previous page; absent for the first page" }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(DEFAULT_PAGE).meta({ description: "Followers per page, 1–10,000" }),
});
export const FollowersPage = z.object({
  followers: z.array(z.string()).meta({ description: "Follower ids, `limit` of them on every page but the last, in no particular order; each id once (only a Redis that resized the version's table mid-read makes a later page repeat one, never skip one)" }),
  next: z.string().nullable().meta({ description: "Cursor of the next page of the same version; null on the last page" }),
  version: z.string().meta({ description: "The version of the set this page belongs to" }),
  count: z.number().int().meta({ description: "Size of the whole set (this version)" }),
});

export const ChangesQuery = z.object({ since: z.string().min(1).max(64).meta({ description: "A version from a followers page or an earlier changes answer" }) });
export const ChangesResult = z.object({
  added: z.array(z.string()), removed: z.array(z.string()),
  version: z.string().meta({ description: "The current version: pass it as `since` next time" }),
});

export const WebhookEvent = z.object({
  id: z.string().meta({ description: "Event id: the same event delivered twice has the same id" }),
  type: z.enum(["sync.settled", "account.disconnected"]),
  createdAt: z.string().meta({ description: "ISO 8601" }),
  data: z.union([TreeDocument, z.object({ account: AccountRef, reason: z.string() })]),
}).meta({ description: "Body of a webhook POST; header Fanout-Signature: t=UNIX_SECONDS,v1=HMAC-SHA256(secret, t + \".\" + body)" });
