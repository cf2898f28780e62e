import { z } from "zod";
import { defineNetwork, endpoint, type DefineOptions, type DefinedNetwork, type NetworkSpec, type PageBody } from "./define.ts";
import { NetworkError } from "./errors.ts";
import { classifyWith, errorShape, excerpt, itemsWith, MalformedBody, type Classifier, type RawResponse } from "./response.ts";
import type { PageRequest } from "./types.ts";

/** LinkedIn v2 connections (NETWORKS.md, "LinkedIn"). No rate headers at all: every wait is the engine's guess. */
export class LinkedInError extends NetworkError {}

export const PAGINATION_LIMIT_CODE = "PAGINATION_LIMIT";

const ServiceError = z.object({
  serviceErrorCode: z.number().int().optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  // Legacy v1 bodies: {errorCode, message, requestId, status, timestamp}.
  errorCode: z.number().int().optional(),
});

const SERVICE_ERROR_KEYS = ["serviceErrorCode", "code", "message", "errorCode"];
const AUTH_CODES = new Set([65600, 65601, 65602]);

export const classifyLinkedInError: Classifier = ({ status, body }, fail) => {
  const e = errorShape(ServiceError, body, SERVICE_ERROR_KEYS) ?? {};
  const what = excerpt(e.message);
  const code = e.serviceErrorCode === undefined ? undefined : String(e.serviceErrorCode);
  const extra = { code, subcode: e.code };
  if (e.serviceErrorCode !== undefined && AUTH_CODES.has(e.serviceErrorCode)) return fail("auth_invalid", `${code} ${what}`, extra);
  // No headers, so no retryAfterMs: the adaptive limiter backs off, and only persistent 429s mean "daily quota".
  if (status === 429 || e.serviceErrorCode === 101) return fail("rate_limited", `HTTP ${status} ${what}`, extra);
  if (status === 401) return fail("auth_invalid", `HTTP 401 ${what}`, extra);
  if (status === 400 && /pagination limit/i.test(e.message ?? "")) {
    return fail("permanent", `HTTP 400 ${what}`, { code: PAGINATION_LIMIT_CODE, subcode: code });
  }
  // Legacy v1 throttled with a 403 and a "Throttle limit" message, not a code.
  if (status === 403 && e.errorCode !== undefined && /throttle/i.test(e.message ?? "")) return fail("rate_limited", `HTTP 403 ${what}`, extra);
  if (status === 403 || status === 400 || status === 404) return fail("permanent", `HTTP ${status} ${what}`, extra);
  return null;
};

const PERSON_URN = /^urn:li:person:([^:\s]+)$/;

function personId(urn: string): string {
  const m = PERSON_URN.exec(urn);
  if (!m?.[1]) throw new MalformedBody(`element "to" is not a person URN`);
  return m[1];
}

const ConnectionsBody = z.object({
  elements: itemsWith("to", () => true, "a string"),
  paging: z.object({ start: z.number().int().optional(), count: z.number().int().optional(), total: z.number().int().nonnegative().optional() }),
});

const page = endpoint({
  schema: ConnectionsBody,
  // The list is the token owner's own: `accountId` does not appear in the request.
  request: (req: PageRequest) => ({
    path: "/v2/connections",
    query: { q: "viewer", start: req.offset, count: req.pageSize },
    headers: { "x-restli-protocol-version": "2.0.0" },
  }),
  // `total` 0 means "unknown" (LinkedIn sometimes says so): the engine then pages until a short or repeated page.
  read: (body): PageBody => ({ ids: body.elements.map((e) => personId(e.to)), next: null, total: body.paging.total ?? null }),
});

export const linkedinSpec = {
  name: "linkedin",
  paging: "offset",
  pageSize: { default: 10, max: 50 },
  // Daily quotas per app and per member exist but are unpublished: adaptive only.
  limits: [],
  readsOthers: false,
  page,
  classify: classifyLinkedInError,
  errorClass: LinkedInError,
} satisfies Omit<NetworkSpec, "baseUrl">;

export function classifyLinkedIn(raw: RawResponse, now: number): NetworkError | null {
  return classifyWith(linkedinSpec, page, raw, { accountId: "1", cursor: null, offset: 0, pageSize: 50 }, now);
}

export interface LinkedInOptions extends DefineOptions { baseUrl: string; timeoutMs?: number }

export function createLinkedInClient(opts: LinkedInOptions): DefinedNetwork {
  return defineNetwork({ ...linkedinSpec, baseUrl: opts.baseUrl, timeoutMs: opts.timeoutMs }, opts);
}
