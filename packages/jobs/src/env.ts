import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";

/** The only place that reads process.env. Every value is validated once, at start, with a clear error. */
const schema = z.object({
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  REDIS_CLUSTER_NODES: z.string().optional(),
  FANOUT_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only").default("fanout"),
  FANOUT_SECRET: z.string().min(16).optional(),
  FANOUT_SECRET_PREVIOUS: z.string().min(16).optional(),
  FANOUT_CONFIG: z.string().optional(),
  FANOUT_HOME: z.string().default(".fanout"),
  SIMNET_URL: z.string().url().default("http://127.0.0.1:4010"),
  FANOUT_LIVE: z.enum(["0", "1"]).default("0"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  FANOUT_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  FANOUT_ADMIN: z.string().regex(/^[^:]+:.{8,}$/, "name:password (password of 8+ characters)").optional(),
  FANOUT_PG_URL: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type RawEnv = z.infer<typeof schema>;

export interface Env extends Omit<RawEnv, "FANOUT_SECRET" | "REDIS_CLUSTER_NODES" | "FANOUT_LIVE"> {
  clusterNodes: { host: string; port: number }[] | null;
  live: boolean;
  /** Current key first, then the previous one (rotation). */
  secrets: string[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Parses the environment; `source` defaults to process.env. Generates `.fanout/secret` when no secret is given. */
export function loadEnv(source: Record<string, string | undefined> = process.env, opts: { generateSecret?: boolean } = {}): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`bad environment: ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`);
  }
  const raw = parsed.data;
  const secret = raw.FANOUT_SECRET ?? secretFromFile(resolve(raw.FANOUT_HOME, "secret"), opts.generateSecret ?? true);
  const { FANOUT_SECRET: _s, REDIS_CLUSTER_NODES, FANOUT_LIVE, ...rest } = raw;
  return {
    ...rest,
    clusterNodes: REDIS_CLUSTER_NODES ? parseNodes(REDIS_CLUSTER_NODES) : null,
    live: FANOUT_LIVE === "1",
    secrets: [secret, ...(raw.FANOUT_SECRET_PREVIOUS ? [raw.FANOUT_SECRET_PREVIOUS] : [])],
  };
}

function parseNodes(list: string): { host: string; port: number }[] {
  return list.split(",").map((hp) => {
    const m = /^([^:]+):(\d+)$/.exec(hp.trim());
    if (!m?.[1] || !m[2]) throw new ConfigError(`bad environment: REDIS_CLUSTER_NODES: "${hp}" is not host:port`);
    return { host: m[1], port: Number(m[2]) };
  });
}

function secretFromFile(path: string, generate: boolean): string {
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  if (!generate) throw new ConfigError(`no FANOUT_SECRET and no ${path}`);
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  // wx: two processes starting at once must not overwrite each other's key.
  try {
    writeFileSync(path, `${secret}\n`, { flag: "wx", mode: 0o600 });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(path, "utf8").trim();
    throw err;
  }
}
