import { z } from "zod";
import type { Dispatcher } from "undici";
import { NetworkError } from "./errors.ts";
import { httpCall, DEFAULT_MAX_BODY_BYTES, DEFAULT_TIMEOUT_MS, type NetworkErrorClass } from "./http.ts";
import type { HeaderMap } from "./headers.ts";
import { classifyWith, decoder, interpret, type Classifier, type Decoder, type DecoderDef, type RawResponse } from "./response.ts";
import type { CallContext, LimitFactor, NetworkClient, Page, PageRequest, PagingStyle, RateObservation, RefreshedToken } from "./types.ts";

/**
 * `defineNetwork(spec)`: a spec states only what differs between networks (where, how to ask, how to read the
 * answer, how the network says no); the generic part does the HTTP, the deadline, the size cap, the checks on
 * a 2xx body, and attaches what the rate headers said to pages and errors alike.
 */

export interface RequestParts {
  /** GET unless a form is given. */
  method?: "GET" | "POST";
  /** Appended to the base URL's path, e.g. `/2/users/123/followers` (ids already encoded). */
  path: string;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
}

export interface Endpoint<I, O> extends Decoder<I, O> {
  request(input: I): RequestParts;
  /** false for calls made without the access token (a token refresh). */
  authorized: boolean;
}

/** One call of a network: how to build the request, the success body's zod schema, and how to read it. */
export function endpoint<I, S extends z.ZodType, O>(def: DecoderDef<I, S, O> & { request(input: I): RequestParts; authorized?: boolean }): Endpoint<I, O> {
  return { ...decoder(def), request: def.request, authorized: def.authorized ?? true };
}

export type PageBody = Omit<Page, "rate">;

/** Where the access token goes: an `Authorization: Bearer` header, or a query parameter (Facebook's `access_token`). */
export type TokenPlacement = { in: "header" } | { in: "query"; param: string };

export interface NetworkSpec {
  name: string;
  /** Scheme, host and path prefix, e.g. `http://127.0.0.1:4010/twitter` or `https://api.twitter.com`. */
  baseUrl: string;
  paging: PagingStyle;
  pageSize: { default: number; max: number };
  limits?: readonly LimitFactor[];
  timeoutMs?: number;
  maxBodyBytes?: number;
  readsOthers: boolean;
  token?: TokenPlacement;
  page: Endpoint<PageRequest, PageBody>;
  total?: Endpoint<string, number>;
  refresh?: Endpoint<string, RefreshedToken>;
  parseRate?: (headers: HeaderMap, now: number) => RateObservation | null;
  classify?: Classifier;
  /** The network's own error class; a generic one named after the network when absent. */
  errorClass?: NetworkErrorClass;
}

export interface DefineOptions {
  clock?: { now(): number };
  dispatcher?: Dispatcher;
}

export interface DefinedNetwork extends NetworkClient {
  /** Where the calls go (no credentials in it). */
  readonly baseUrl: string;
  readonly errorClass: NetworkErrorClass;
  readonly defaultPageSize: number;
  /** Pure: reads a follower-page response exactly as fetchPage does, throwing the same NetworkError. */
  readPage(raw: RawResponse, req: PageRequest, now: number): Page;
  /** Pure: the error a follower-page response means, or null when it is a usable page. */
  classify(raw: RawResponse, now: number, req?: PageRequest): NetworkError | null;
}

const SpecData = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, "lower-case letters, digits, - and _"),
  baseUrl: z.url({ protocol: /^https?$/ }),
  paging: z.enum(["cursor", "offset"]),
  pageSize: z.object({ default: z.int().positive(), max: z.int().positive() }).refine((p) => p.default <= p.max, "default exceeds max"),
  limits: z.array(z.object({
    scope: z.enum(["token", "app", "ip"]), max: z.int().positive(), windowMs: z.int().positive(),
    paging: z.boolean().optional(), aligned: z.boolean().optional(), endpoint: z.string().optional(), burst: z.int().positive().optional(),
  })).optional(),
  timeoutMs: z.int().positive().max(300_000).optional(),
  maxBodyBytes: z.int().positive().optional(),
  readsOthers: z.boolean(),
  token: z.union([z.object({ in: z.literal("header") }), z.object({ in: z.literal("query"), param: z.string().min(1) })]).optional(),
});

const USER_AGENT = "fanout/0.1 (+follower import)";

export function defineNetwork(spec: NetworkSpec, opts: DefineOptions = {}): DefinedNetwork {
  const data = SpecData.parse(spec);
  // Config files are plain JS at run time: a spec without a page endpoint would only fail at its first call.
  if (typeof spec.page !== "object" || typeof spec.page.request !== "function" || typeof spec.page.decode !== "function") {
    throw new TypeError(`network "${data.name}": page must be built with endpoint(...)`);
  }
  const clock = opts.clock ?? { now: () => Date.now() };
  const errorClass = spec.errorClass ?? errorClassFor(data.name);
  const response = { name: data.name, errorClass, parseRate: spec.parseRate, classify: spec.classify };
  const timeoutMs = data.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const base = new URL(data.baseUrl);
  const clampPage = (req: PageRequest): PageRequest =>
    ({ ...req, pageSize: req.pageSize >= 1 ? Math.min(Math.floor(req.pageSize), data.pageSize.max) : data.pageSize.default });

  async function call<I, O>(ep: Endpoint<I, O>, input: I, token: string | null, ctx: Omit<CallContext, "token">, secrets: string[]) {
    const parts = ep.request(input);
    const url = buildUrl(base, parts);
    const headers: Record<string, string> = { accept: "application/json", "user-agent": USER_AGENT, ...parts.headers };
    if (token !== null) {
      if (data.token?.in === "query") url.searchParams.set(data.token.param, token);
      else headers.authorization = `Bearer ${token}`;
    }
    const body = parts.form ? new URLSearchParams(parts.form).toString() : undefined;
    if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const method = parts.method ?? (body === undefined ? "GET" : "POST");
    const raw = await httpCall({
      network: data.name, method, url, headers, body, signal: ctx.signal, onSent: ctx.onSent, errorClass, timeoutMs,
      maxBodyBytes: data.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, dispatcher: opts.dispatcher,
    });
    return interpret(response, ep, raw, input, { now: clock.now(), label: `${method} ${url.pathname}`, secrets });
  }

  const client: DefinedNetwork = {
    name: data.name,
    baseUrl: base.href,
    paging: data.paging,
    maxPageSize: data.pageSize.max,
    defaultPageSize: data.pageSize.default,
    limits: data.limits ?? [],
    timeoutMs,
    readsOthers: data.readsOthers,
    errorClass,
    async fetchPage(req: PageRequest, ctx: CallContext): Promise<Page> {
      const { value, rate } = await call(spec.page, clampPage(req), ctx.token, ctx, [ctx.token]);
      return { ...value, rate };
    },
    readPage(raw, req, now) {
      const { value, rate } = interpret(response, spec.page, raw, clampPage(req), { now, label: "response", secrets: [] });
      return { ...value, rate };
    },
    classify(raw, now, req) {
      return classifyWith(response, spec.page, raw, clampPage(req ?? { accountId: "1", cursor: null, offset: 0, pageSize: data.pageSize.max }), now);
    },
  };
  const { total, refresh } = spec;
  if (total) {
    client.fetchTotal = async (accountId, ctx) => {
      const { value, rate } = await call(total, accountId, ctx.token, ctx, [ctx.token]);
      return { total: value, rate };
    };
  }
  if (refresh) {
    client.refresh = async (refreshToken, signal) => (await call(refresh, refreshToken, null, signal ? { signal } : {}, [refreshToken])).value;
  }
  return client;
}

function buildUrl(base: URL, parts: RequestParts): URL {
  const url = new URL(base.href);
  url.pathname = `${base.pathname.replace(/\/+$/, "")}${parts.path}`;
  url.search = "";
  for (const [key, value] of Object.entries(parts.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/** A NetworkError subclass named after a user-defined network ("bluesky" → BlueskyError), so errors group by network. */
export function errorClassFor(name: string): NetworkErrorClass {
  const cls = class extends NetworkError {};
  const pascal = name.split(/[-_]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
  Object.defineProperty(cls, "name", { value: `${pascal}Error` });
  return cls;
}
