import { pino, type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Paths that could ever hold a secret are censored, wherever they appear in a log object. */
const REDACT = ["token", "accessToken", "refreshToken", "password", "secret", "authorization",
  "*.token", "*.accessToken", "*.refreshToken", "*.password", "*.secret", "*.authorization",
  "headers.authorization", "*.headers.authorization"];

/** Structured JSON logs (pino) to stdout, or to stderr (`fd: 2`) for the CLI whose stdout carries results. */
export function createLogger(opts: { level?: string; name?: string; fd?: 1 | 2; stream?: DestinationStream } = {}): Logger {
  return pino({
    level: opts.level ?? "info",
    base: { name: opts.name ?? "fanout", pid: process.pid },
    redact: { paths: REDACT, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, opts.stream ?? pino.destination({ dest: opts.fd ?? 1, sync: false }));
}
