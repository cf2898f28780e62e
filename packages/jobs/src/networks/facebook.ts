import { z } from "zod";
import { defineNetwork, endpoint, type DefineOptions, type DefinedNetwork, type NetworkSpec, type PageBody } from "./define.ts";
import { NetworkError, type ErrorKind } from "./errors.ts";
import { compactRate, type HeaderMap } from "./headers.ts";
import { classifyWith, errorShape, excerpt, isPlainId, itemsWith, MalformedBody, PLAIN_ID, type Classifier, type RawResponse } from "./response.ts";
import type { PageRequest, RateObservation } from "./types.ts";

/** Facebook Graph API (NETWORKS.md, "Facebook Graph API"). Status codes are unreliable: the body's code decides. */
export class FacebookError extends NetworkError {}

export const GRAPH_VERSION = "v19.0";

/** A 368 is a temporary policy block: hours or more. Coming back early risks extending it. */
export const POLICY_BLOCK_WAIT_MS = 24 * 60 * 60_000;

const Usage = z.object({ call_count: z.number().optional(), total_cputime: z.number().optional(), total_time: z.number().optional() });
const BucUsage = z.record(z.string(), z.array(Usage.extend({ estimated_time_to_regain_access: z.number().optional() })));

function jsonHeader(headers: HeaderMap, name: string): unknown {
  const value = headers[name];
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch (err) {
    // A garbled usage header only costs us the hint; the call itself stands.
    if (err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function maxPct(u: z.infer<typeof Usage>): number {
  return Math.max(u.call_count ?? 0, u.total_cputime ?? 0, u.total_time ?? 0);
}

/** X-App-Usage / X-Page-Usage / X-Business-Use-Case-Usage: percentages, and BUC's wait in minutes. */
export function parseFacebookRate(headers: HeaderMap, _now: number): RateObservation | null {
  const pcts: number[] = [];
  let waitMin: number | undefined;
  for (const name of ["x-app-usage", "x-page-usage", "x-ad-account-usage"]) {
    const usage = Usage.safeParse(jsonHeader(headers, name));
    if (usage.success) pcts.push(maxPct(usage.data));
  }
  const buc = BucUsage.safeParse(jsonHeader(headers, "x-business-use-case-usage"));
  if (buc.success) {
    for (const entry of Object.values(buc.data).flat()) {
      pcts.push(maxPct(entry));
      const eta = entry.estimated_time_to_regain_access;
      if (eta !== undefined && eta > 0) waitMin = Math.max(waitMin ?? 0, eta);
    }
  }
  return compactRate<RateObservation>({
    usagePct: pcts.length > 0 ? Math.max(...pcts) : undefined,
    retryAfterMs: waitMin === undefined ? undefined : waitMin * 60_000,
  });
}

const GraphError = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().int(),
    error_subcode: z.number().int().optional(),
    is_transient: z.boolean().optional(),
  }),
});

const RATE_CODES = new Set([4, 17, 32, 341, 613]);

/** Facebook's code table (NETWORKS.md classification row); undefined for codes it does not list. */
export function facebookKind(code: number): ErrorKind | undefined {
  if (code === 190 || code === 102 || code === 10 || code === 104 || (code >= 200 && code <= 299)) return "auth_invalid";
  if (RATE_CODES.has(code) || code === 368 || (code >= 80000 && code <= 80014)) return "rate_limited";
  if (code === 1 || code === 2) return "transient";
  if (code === 100) return "permanent";
  return undefined;
}

export const classifyFacebookError: Classifier = ({ status, body, rate }, fail) => {
  const e = errorShape(GraphError, body, ["error"])?.error;
  if (!e) return null;
  const extra = { code: String(e.code), subcode: e.error_subcode === undefined ? undefined : String(e.error_subcode) };
  // Graph messages usually start with "(#code)" already; say it once, with the subcode.
  const what = `(#${e.code}${extra.subcode ? `/${extra.subcode}` : ""}) ${excerpt(e.message?.replace(/^\(#\d+\)\s*/, ""))}`;
  const kind = facebookKind(e.code) ?? (e.is_transient ? "transient" : undefined);
  if (kind === "rate_limited") {
    const buc = rate?.retryAfterMs;
    const retryAfterMs = e.code === 368 ? Math.max(POLICY_BLOCK_WAIT_MS, buc ?? 0) : buc;
    return fail("rate_limited", what, { ...extra, retryAfterMs });
  }
  if (kind) return fail(kind, what, extra);
  // A code the table does not list: the status is all we have (a 200 carrying an error is not a page).
  if (status >= 500 || status < 400) return fail("transient", what, extra);
  if (status === 401) return fail("auth_invalid", what, extra);
  if (status === 429) return fail("rate_limited", what, { ...extra, retryAfterMs: rate?.retryAfterMs });
  return fail("permanent", what, extra);
};

const FriendsBody = z.object({
  data: itemsWith("id", isPlainId, PLAIN_ID),
  paging: z.object({
    cursors: z.object({ before: z.string().optional(), after: z.string().optional() }).optional(),
    next: z.string().optional(),
  }).optional(),
  summary: z.object({ total_count: z.number().int().nonnegative() }).optional(),
});

/** The next cursor: `cursors.after`, or the `after` of the `next` URL (which also carries the token: never kept). */
function nextCursor(paging: z.infer<typeof FriendsBody>["paging"]): string | null {
  if (!paging?.next) return null;
  const after = paging.cursors?.after ?? afterOf(paging.next);
  if (!after) throw new MalformedBody("paging.next without an after cursor");
  return after;
}

function afterOf(next: string): string | undefined {
  try {
    return new URL(next).searchParams.get("after") ?? undefined;
  } catch (err) {
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

const page = endpoint({
  schema: FriendsBody,
  request: (req: PageRequest) => ({
    path: `/${GRAPH_VERSION}/${encodeURIComponent(req.accountId)}/friends`,
    query: { limit: req.pageSize, after: req.cursor ?? undefined, summary: req.cursor === null ? "total_count" : undefined },
  }),
  // End = `paging.next` absent. Short or empty pages with `next` are normal (privacy filtering), not the end.
  read: (body): PageBody => ({ ids: body.data.map((f) => f.id), next: nextCursor(body.paging), total: body.summary?.total_count ?? null }),
});

export const facebookSpec = {
  name: "facebook",
  paging: "cursor",
  pageSize: { default: 25, max: 100 },
  // Facebook publishes no per-user numbers: the engine's adaptive limiter learns them (usagePct helps).
  limits: [],
  readsOthers: false,
  // Graph's documented place for the token; http.ts and the messages never show a query string.
  token: { in: "query", param: "access_token" },
  page,
  parseRate: parseFacebookRate,
  classify: classifyFacebookError,
  errorClass: FacebookError,
} satisfies Omit<NetworkSpec, "baseUrl">;

export function classifyFacebook(raw: RawResponse, now: number): NetworkError | null {
  return classifyWith(facebookSpec, page, raw, { accountId: "1", cursor: null, offset: 0, pageSize: 100 }, now);
}

export interface FacebookOptions extends DefineOptions { baseUrl: string; timeoutMs?: number }

export function createFacebookClient(opts: FacebookOptions): DefinedNetwork {
  return defineNetwork({ ...facebookSpec, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs }, opts);
}
