import { pino, type Logger } from "pino";

export type { Logger };

/** Paths that could ever hold a secret are censored, wherever they appear in a log object. */
const REDACT = ["token", "accessToken", "refreshToken", "password", "secret", "authorization",
  "*.token", "*.accessToken", "*.refreshToken", "*.password", "*.secret", "*.authorization",
  "headers.authorization", "*.headers.authorization"];

export function createLogger(opts: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino({
    level: opts.level ?? "info",
    base: { name: opts.name ?? "fanout", pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, opts.destination ? pino.destination({ dest: 1, sync: false }) : undefined);
}
