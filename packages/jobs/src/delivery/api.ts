import { ZodError, type z } from "zod";
import type { Engine } from "../engine.ts";
import { connectAccount, disconnectAccount, InputError, NotFoundError, requireAccount, treeDoc, type Actor } from "../ops.ts";
import { CursorError, VersionGoneError } from "../store/errors.ts";
import type { Changes, FollowerPage } from "../store/followers.ts";
import { startSync, SyncInputError } from "../sync.ts";
import type { TreeDoc } from "../tree/tree.ts";
import { takeApiRequest, verifyBearer, type RateVerdict } from "./apikeys.ts";
import { ApiRequestError, RateLimitedError } from "./errors.ts";
import { ChangesQuery, ConnectBody, DisconnectQuery, FollowersQuery, SyncBody } from "./schemas.ts";

/**
 * The `/api/v1` routes as library calls: each route handler is
 *   `const r = await runApi(engine, request.headers.get("authorization"), (caller) => followersPage(engine, caller, account, query));`
 *   `return Response.json(r.body, { status: r.status, headers: r.headers });`
 * `runApi` checks the API key, charges its request window and turns every error into INTERFACES.md's
 * `{"error","path?"}` with the right status; the functions below parse their input with the zod schemas.
 */
export interface ApiCaller { key: string; actor: Actor }
export interface ApiResponse { status: number; body: unknown; headers: Record<string, string> }

export async function runApi(engine: Engine, authorization: string | null | undefined, call: (caller: ApiCaller) => Promise<unknown>, okStatus = 200): Promise<ApiResponse> {
  let rate: RateVerdict | null = null;
  try {
    const who = await verifyBearer(engine, authorization);
    if (!who) return { status: 401, body: { error: "a valid API key is required (Authorization: Bearer …)" }, headers: { "www-authenticate": "Bearer" } };
    rate = await takeApiRequest(engine, who.name);
    const body = await call({ key: who.name, actor: { name: `apikey:${who.name}`, via: "api" } });
    return { status: okStatus, body, headers: rateHeaders(rate) };
  } catch (err) {
    const r = engine.redis.status !== "ready" && !(err instanceof ZodError) && !(err instanceof ApiRequestError)
      ? { status: 503, body: { error: "redis unavailable: try again shortly" }, headers: { "retry-after": "5" } }
      : apiError(err);
    if (r.status >= 500) engine.log.error({ err: (err as Error).message, stack: (err as Error).stack }, "api: internal error");
    return { ...r, headers: { ...(rate ? rateHeaders(rate) : {}), ...r.headers } };
  }
}

/** An error as the API answers it. Unknown errors are 500 with no detail (the log has it). */
export function apiError(err: unknown): ApiResponse {
  const out = (status: number, error: string, path?: string, headers: Record<string, string> = {}): ApiResponse =>
    ({ status, body: path ? { error, path } : { error }, headers });
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return out(400, issue?.message ?? "invalid input", issue?.path.length ? issue.path.join(".") : undefined);
  }
  if (err instanceof ApiRequestError) return out(err.status, err.message);
  if (err instanceof InputError || err instanceof SyncInputError || err instanceof CursorError) return out(400, err.message);
  if (err instanceof NotFoundError) return out(404, err.message);
  if (err instanceof VersionGoneError) return out(410, err.message);
  if (err instanceof RateLimitedError) return out(429, err.message, undefined, { "retry-after": String(Math.ceil(err.retryAfterMs / 1_000)) });
  return out(500, "internal error");
}

function rateHeaders(r: RateVerdict): Record<string, string> {
  return { "x-ratelimit-limit": String(r.limit), "x-ratelimit-remaining": String(r.remaining), "x-ratelimit-reset": String(Math.ceil(r.resetMs / 1_000)) };
}

/** POST /api/v1/accounts */
export async function apiConnect(engine: Engine, caller: ApiCaller, body: unknown): Promise<{ account: string; connected: true }> {
  const b = ConnectBody.parse(body);
  const res = await connectAccount(engine, `${b.network}:${b.id}`, b.token, b.refreshToken ?? null, caller.actor);
  return { account: res.account, connected: true };
}

/** DELETE /api/v1/accounts/:account?purge=1 */
export async function apiDisconnect(engine: Engine, caller: ApiCaller, account: string, query: unknown): Promise<{ account: string; connected: false; purged: boolean }> {
  const q = DisconnectQuery.parse(query);
  const res = await disconnectAccount(engine, account, q.purge === "1" || q.purge === "true", caller.actor);
  return { account: res.account, connected: false, purged: res.purged };
}

/** POST /api/v1/syncs */
export async function apiStartSync(engine: Engine, _caller: ApiCaller, body: unknown): Promise<{ treeId: string }> {
  const b = SyncBody.parse(body);
  return startSync(engine, b.accounts, b.priority ? { priority: b.priority } : {});
}

/** GET /api/v1/syncs/:treeId (200 with state "unknown" for an unknown id) */
export async function apiTree(engine: Engine, _caller: ApiCaller, treeId: string): Promise<TreeDoc> {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(treeId)) throw new InputError("not a tree id");
  return treeDoc(engine, treeId);
}

/** GET /api/v1/accounts/:account/followers?cursor=&limit= (400 for a limit outside 1–10,000, 410 for an expired cursor) */
export async function apiFollowers(engine: Engine, _caller: ApiCaller, account: string, query: unknown): Promise<FollowerPage> {
  const q: z.infer<typeof FollowersQuery> = FollowersQuery.parse(query);
  const { network, id } = await knownAccount(engine, account);
  return engine.followers.page(network, id, { cursor: q.cursor ?? null, limit: q.limit });
}

/** GET /api/v1/accounts/:account/changes?since=VERSION (410 when too old) */
export async function apiChanges(engine: Engine, _caller: ApiCaller, account: string, query: unknown): Promise<Changes> {
  const q = ChangesQuery.parse(query);
  const { network, id } = await knownAccount(engine, account);
  return engine.followers.changesSince(network, id, q.since);
}

/** 404 for an account Fanout has never heard of (or purged); a connected one with no sync yet reads as empty. */
async function knownAccount(engine: Engine, account: string): Promise<{ network: string; id: string }> {
  const { network, id } = requireAccount(account);
  if (!engine.networks.has(network)) throw new NotFoundError(`unknown network "${network}"`);
  if (!(await engine.accounts.info(network, id)) && (await engine.followers.info(network, id)).version === 0) throw new NotFoundError(`unknown account ${account}`);
  return { network, id };
}
