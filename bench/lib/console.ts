import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { freePort } from "@fanout/testkit/free-port";
import type { BenchContext } from "./context.ts";
import { ROOT } from "./paths.ts";
import { spawnChild, type Child } from "./procs.ts";

/**
 * The operator console as an operator runs it (`node --conditions=@fanout/source --import tsx server.ts` in
 * apps/dashboard, built first if its sources changed), signed in over HTTP like a browser: the session cookie is all
 * a GET needs.
 */
export interface ConsoleProc {
  url: string;
  child: Child;
  /** `name=value` of the session cookie. */
  cookie: string;
  /** One signed-in GET; throws unless 200. */
  get(path: string): Promise<{ ms: number; bytes: number }>;
}

const DASHBOARD = join(ROOT, "apps/dashboard");
const BUILD_MS = 10 * 60_000; // a first `next build` takes a minute or two on 2 cores

export async function startConsole(ctx: BenchContext, name: string, prefix: string): Promise<ConsoleProc> {
  const admin = { name: "bench", password: randomBytes(12).toString("base64url") };
  let adminReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => { adminReady = resolve; });
  const { child, match } = await spawnChild(name, process.execPath, ["--conditions=@fanout/source", "--import", "tsx", "server.ts"], {
    cwd: DASHBOARD,
    env: {
      ...process.env, REDIS_URL: ctx.redisUrl, FANOUT_PREFIX: prefix, FANOUT_SECRET: ctx.secret, FANOUT_HOME: ctx.tmp,
      FANOUT_ADMIN: `${admin.name}:${admin.password}`, PORT: String(await freePort()), LOG_LEVEL: "info", REDIS_CLUSTER_NODES: undefined,
    },
    ready: /console listening on (http:\/\/\S+)/, readyTimeoutMs: BUILD_MS,
    // The first admin is created just after start; signing in before it exists would spend a rate-limited attempt.
    onLine: (line) => { if (line.includes("FANOUT_ADMIN")) adminReady(); },
  });
  const url = match?.[1];
  if (!url) throw new Error(`${name} printed no URL`);
  await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error(`${name}: no first admin within 30 s:\n${child.tail()}`)), 30_000).unref())]);
  const cookie = await signIn(url, admin);
  return {
    url, child, cookie,
    async get(path) {
      const t = performance.now();
      const res = await fetch(`${url}${path}`, { headers: { cookie } });
      const body = await res.arrayBuffer();
      const ms = performance.now() - t;
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${Buffer.from(body).toString().slice(0, 300)}`);
      return { ms, bytes: body.byteLength };
    },
  };
}

async function signIn(url: string, admin: { name: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST", headers: { "content-type": "application/json", origin: url }, body: JSON.stringify(admin),
  });
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie()[0]?.split(";")[0];
  if (!cookie) throw new Error("sign-in set no cookie");
  return cookie;
}
