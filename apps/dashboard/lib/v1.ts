import type { NextRequest } from "next/server";
import type { ApiCaller } from "@fanout/jobs/delivery/api";
import { json } from "./http.ts";
import { services, type ConsoleServices } from "./services.ts";

/**
 * The host website's `/api/v1` routes: thin calls into the jobs package's delivery API (`runApi` checks the API key,
 * charges its request window and maps every error to INTERFACES.md's `{"error","path?"}`). Operator sessions play no
 * part here, and the console's own routes never accept an API key. The key is checked before the body is read.
 */
export interface V1Ctx {
  s: ConsoleServices;
  caller: ApiCaller;
  req: NextRequest;
  params: Record<string, string>;
  query: Record<string, string>;
  /** The JSON body, read on demand (415 unless JSON, 413 over 64 KiB, 400 when it does not parse). */
  body(): Promise<unknown>;
}

type RouteFn = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>;

const MAX_BODY = 64 * 1_024;

export function v1Route(handler: (ctx: V1Ctx) => Promise<unknown>, okStatus = 200): RouteFn {
  return async (req, rc) => {
    const s = services();
    // A route without dynamic segments gets no params at all.
    const raw = ((await (rc as Partial<typeof rc> | undefined)?.params) ?? {});
    const params = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : (v ?? "")]));
    const query = Object.fromEntries(req.nextUrl.searchParams);
    const r = await s.delivery.api.runApi(s.engine, req.headers.get("authorization"),
      (caller) => handler({ s, caller, req, params, query, body: () => readBody(s, req) }), okStatus);
    return json(r.body, r.status, r.headers);
  };
}

async function readBody(s: ConsoleServices, req: NextRequest): Promise<unknown> {
  const { ApiRequestError } = s.delivery;
  if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) throw new ApiRequestError("send JSON (Content-Type: application/json)", 415);
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY) throw new ApiRequestError(`body over ${MAX_BODY} bytes`, 413);
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY) throw new ApiRequestError(`body over ${MAX_BODY} bytes`, 413);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) throw new ApiRequestError("body is not valid JSON", 400);
    throw err;
  }
}
