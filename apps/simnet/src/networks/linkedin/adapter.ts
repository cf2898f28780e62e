import type { IncomingMessage } from "node:http";
import { followerId, type Account } from "../../accounts/account.ts";
import { jsonReply, rawJson, type Reply } from "../../http/reply.ts";
import type { NetworkAdapter, PageRequest, RenderInput, Route } from "../adapter.ts";
import type { AuthProblem } from "../adapter.ts";
import { bearer, nonNegativeInt, unknownRoute, wrongMethod } from "../common.ts";

const DEFAULT_COUNT = 10;
const MAX_COUNT = 50;
const PERSON = "urn:li:person:";

function route(method: string, s: readonly string[], query: Map<string, string>): Route {
  // /v2/connections?q=viewer (also the versioned /rest/connections), /v2/me
  if ((s[0] !== "v2" && s[0] !== "rest") || s.length !== 2) return unknownRoute();
  if (s[1] !== "connections" && s[1] !== "me") return unknownRoute();
  if (method !== "GET") return wrongMethod("GET");
  if (s[1] === "me") return { kind: "profile", subject: null, base: "" };
  // Simnet extension: `viewer=ID` (or its URN) names whose connections the client thinks it reads; anyone but the
  // token's owner gets LinkedIn's permission error, as a client addressing another member would.
  const viewer = query.get("viewer");
  const subject = viewer === undefined ? null : viewer.startsWith(PERSON) ? viewer.slice(PERSON.length) : viewer;
  return { kind: "followers", subject, base: `/linkedin/${s[0]}/connections` };
}

function error(status: number, body: Record<string, unknown>): Reply {
  return jsonReply(status, { status, ...body });
}

const AUTH: Record<AuthProblem, Record<string, unknown>> = {
  missing: { serviceErrorCode: 65600, code: "INVALID_ACCESS_TOKEN", message: "Invalid access token" },
  invalid: { serviceErrorCode: 65600, code: "INVALID_ACCESS_TOKEN", message: "Invalid access token" },
  revoked: { serviceErrorCode: 65601, code: "REVOKED_ACCESS_TOKEN", message: "The token used in the request has been revoked by the user" },
  expired: { serviceErrorCode: 65602, code: "EXPIRED_ACCESS_TOKEN", message: "The token used in the request has expired" },
};

function pageRequest(_account: Account, query: Map<string, string>, cap: number | null): PageRequest | Reply {
  const q = query.get("q");
  if (q !== "viewer") return error(400, { message: `Invalid value for param q: ${q ?? "(missing)"}; expected viewer` });
  const rawStart = query.get("start");
  const rawCount = query.get("count");
  const start = rawStart === undefined ? 0 : nonNegativeInt(rawStart);
  const count = rawCount === undefined ? DEFAULT_COUNT : nonNegativeInt(rawCount);
  if (start === undefined) return error(400, { message: `Invalid value for param start: ${rawStart ?? ""}` });
  if (count === undefined) return error(400, { message: `Invalid value for param count: ${rawCount ?? ""}` });
  if (cap !== null && start >= cap) return error(400, { message: "Exceeds the pagination limit" });
  return { start: { kind: "offset", position: start }, limit: Math.min(count, MAX_COUNT) };
}

function href(base: string, start: number, count: number): string {
  return `{"rel":"%REL%","href":"${base}?q=viewer&start=${start}&count=${count}","type":"application/json"}`;
}

function renderPage({ account, page, request, total, route: r }: RenderInput): Reply {
  const n = page.ordinals.length;
  let body = '{"elements":[';
  for (let i = 0; i < n; i++) {
    body += `${i === 0 ? "" : ","}{"to":"${PERSON}${followerId(account, page.ordinals[i] ?? 0)}"}`;
  }
  const start = request.start.kind === "offset" ? request.start.position : 0;
  const links: string[] = [];
  if (start > 0) links.push(href(r.base, Math.max(0, start - request.limit), request.limit).replace("%REL%", "prev"));
  if (page.next?.kind === "offset" && n > 0) links.push(href(r.base, page.next.position, request.limit).replace("%REL%", "next"));
  body += `],"paging":{"start":${start},"count":${request.limit},"total":${total ?? 0},"links":[${links.join(",")}]}}`;
  return rawJson(200, body);
}

export function createLinkedinAdapter(): NetworkAdapter {
  return {
    network: "linkedin",
    ownListOnly: true,
    alignedWindows: false,
    limitsCoverProfiles: false,
    route,
    token: (req: IncomingMessage, query) => bearer(req) ?? query.get("oauth2_access_token"),
    isPaging: (query) => (query.get("start") ?? "0") !== "0",
    pageRequest: (account, query, config) => pageRequest(account, query, config.paginationCap),
    renderPage,
    renderProfile: (account) =>
      rawJson(200, JSON.stringify({ id: account.id, localizedFirstName: "Account", localizedLastName: account.id })),
    authError: (problem) => error(401, AUTH[problem]),
    permissionError: () =>
      error(403, { serviceErrorCode: 100, message: "Not enough permissions to access: GET-viewer /connections" }),
    notFound: () => error(404, { serviceErrorCode: 0, message: "Resource connections does not exist" }),
    throttle: () => error(429, { serviceErrorCode: 101, message: "Resource level throttle limit for calls to this resource is reached." }),
    // LinkedIn documents no rate-limit headers, so simnet sends none (and so no x-simnet-reset-ms either).
    rateHeaders: () => ({}),
    serverError: (status) => error(status, { message: status === 504 ? "Request timed out" : status === 500 ? "Internal Server Error" : "Service Unavailable" }),
  };
}
