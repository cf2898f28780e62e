import { createServer } from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "@fanout/jobs/log";
import next from "next";
import { loadConsoleEnv } from "./env.ts";
import { provideServices } from "./lib/services.ts";
import { ensureBuild } from "./server/build.ts";
import { gate } from "./server/gate.ts";
import { createServices, redisReady } from "./server/services.ts";

/**
 * The operator console's process: builds Next when its sources changed, loads the jobs package once (through tsx),
 * hands it to Next's route handlers (lib/services.ts), and puts the gate (server/gate.ts) in front of every request.
 *
 *   node --conditions=@fanout/source --import tsx server.ts [--build-only] [--no-build] [--force-build]
 */
const DIR = dirname(fileURLToPath(import.meta.url));
const SHUTDOWN_GRACE_MS = 5_000;
const args = new Set(process.argv.slice(2));

const env = loadConsoleEnv();
const log = createLogger({ level: env.LOG_LEVEL, name: "console" });

if (!args.has("--no-build")) await ensureBuild(DIR, { force: args.has("--force-build"), log: (l) => log.info(l) });
if (args.has("--build-only")) process.exit(0);

const services = await createServices(env, log);
provideServices(services);
void firstAdmin();

const app = next({ dev: false, dir: DIR, hostname: env.host, port: env.PORT });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  gate(req, res, services)
    .then((r) => (r === "next" ? handle(req, res) : undefined))
    .catch((err: unknown) => {
      log.error({ err }, "request failed");
      if (!res.headersSent) { res.statusCode = 500; res.setHeader("Content-Type", "application/json"); res.end('{"error":"internal error"}'); }
      else res.destroy();
    });
});
server.listen(env.PORT, env.host, () => {
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : env.PORT;
  process.stdout.write(`console listening on http://${env.host.includes(":") ? `[${env.host}]` : env.host}:${port}\n`);
});

/** FANOUT_ADMIN's operator, created once Redis answers (the console serves /api/health meanwhile). */
async function firstAdmin(): Promise<void> {
  if (!env.FANOUT_ADMIN) return;
  for (let attempt = 0; ; attempt++) {
    try {
      await redisReady(services.engine.redis, 10_000);
      const r = await services.operators.ensureAdmin(env.FANOUT_ADMIN);
      log.info({ operator: r.name, created: r.created }, r.created ? "first admin created from FANOUT_ADMIN" : "FANOUT_ADMIN's operator exists");
      return;
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err), attempt }, "cannot create FANOUT_ADMIN's operator yet; retrying");
      await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, "console stopping");
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  force.unref();
  await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); });
  clearTimeout(force);
  await app.close();
  await services.close();
  provideServices(undefined);
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
