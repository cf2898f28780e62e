import type { NextRequest } from "next/server";
import type { Operator, Role } from "@fanout/jobs/operators";
import type { z } from "zod";
import type { Session } from "../server/session.ts";
import { checkOperator } from "./check-session.ts";
import { error, invalid } from "./http.ts";
import { roleAllows } from "./roles.ts";
import { services, type ConsoleServices } from "./services.ts";

/**
 * Every API route goes through `route()`: it checks the session and the role again (the gate in server.ts did too:
 * a route must not depend on it), the CSRF token of a mutation, and validates params, query and body with zod.
 * Errors of the jobs package map to statuses by their name, never by their message.
 */
const MAX_BODY = 64 * 1_024;
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export interface Ctx<B, Q, P> { req: NextRequest; s: ConsoleServices; body: B; query: Q; params: P }
export interface AuthedCtx<B, Q, P> extends Ctx<B, Q, P> { operator: Operator; session: Session }

interface Spec<B, Q, P> { body?: z.ZodType<B>; query?: z.ZodType<Q>; params?: z.ZodType<P> }

type Handler<C> = (ctx: C) => Promise<Response>;
type RouteFn = (req: NextRequest, ctx: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>;

/** A route anyone may call (health, sign-in). */
export function publicRoute<B = undefined, Q = undefined, P = undefined>(spec: Spec<B, Q, P>, handler: Handler<Ctx<B, Q, P>>): RouteFn {
  return (req, rc) => run(req, rc, spec, handler);
}

/** A route for signed-in operators of at least `role`. */
export function route<B = undefined, Q = undefined, P = undefined>(role: Role, spec: Spec<B, Q, P>, handler: Handler<AuthedCtx<B, Q, P>>): RouteFn {
  return (req, rc) => run(req, rc, spec, async (ctx) => {
    const { s } = ctx;
    const session = await s.sessions.read(req.cookies.get(s.sessions.cookieName)?.value, Date.now());
    if (!session) return error(401, "sign in first");
    const operator = await checkOperator(s, session);
    if (!operator) return error(401, "session ended: sign in again");
    if (!SAFE.has(req.method) && !s.sessions.csrfMatches(session, req.headers.get("x-fanout-csrf"))) return error(403, "missing or wrong CSRF token");
    if (!roleAllows(operator.role, role)) return error(403, `role ${operator.role} may not do this: ${role} needed`);
    return handler({ ...ctx, operator, session });
  });
}

async function run<B, Q, P>(req: NextRequest, rc: { params: Promise<Record<string, string | string[] | undefined>> }, spec: Spec<B, Q, P>,
  handler: Handler<Ctx<B, Q, P>>): Promise<Response> {
  const s = services();
  try {
    const params = spec.params ? spec.params.safeParse(await rc.params) : { success: true as const, data: undefined as P };
    if (!params.success) return invalid(params.error);
    const query = spec.query ? spec.query.safeParse(Object.fromEntries(req.nextUrl.searchParams)) : { success: true as const, data: undefined as Q };
    if (!query.success) return invalid(query.error);
    let body: { success: true; data: B } | { success: false; error: z.ZodError } = { success: true, data: undefined as B };
    if (spec.body) {
      const raw = await readJson(req);
      if (raw instanceof Response) return raw;
      body = spec.body.safeParse(raw);
    }
    if (!body.success) return invalid(body.error);
    return await handler({ req, s, params: params.data, query: query.data, body: body.data });
  } catch (err) {
    return fromError(err, s);
  }
}

async function readJson(req: NextRequest): Promise<unknown> {
  if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) return error(415, "send JSON (Content-Type: application/json)");
  if (Number(req.headers.get("content-length") ?? 0) > MAX_BODY) return error(413, `body over ${MAX_BODY} bytes`);
  const text = await req.text();
  if (text.length > MAX_BODY) return error(413, `body over ${MAX_BODY} bytes`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError) return error(400, "body is not valid JSON");
    throw err;
  }
}

const STATUS_BY_NAME: Record<string, number> = {
  OperatorInputError: 400, InputError: 400, ZodError: 400,
  OperatorNotFoundError: 404, NotFoundError: 404,
  OperatorExistsError: 409, LastAdminError: 409, ApiKeyExistsError: 409,
  RedisUnavailableError: 503,
};

function fromError(err: unknown, s: ConsoleServices): Response {
  if (err instanceof Error) {
    const status = STATUS_BY_NAME[err.name];
    if (status) return error(status, err.message, "field" in err && typeof err.field === "string" ? err.field : undefined);
    if (s.engine.redis.status !== "ready") return error(503, `redis unavailable: ${err.message}`);
  }
  s.log.error({ err }, "console API error");
  return error(500, "internal error (logged on the console's server)");
}
