import { loadEnv, type Env } from "@fanout/jobs/env";
import { z } from "zod";

/**
 * The console's environment: the engine's (jobs/env.ts, which validates it) plus the address to bind. Next and React
 * pick their production code paths from NODE_ENV, so the console sets it before Next loads when nobody did.
 */
export interface ConsoleEnv extends Env { host: string }

const Host = z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, "a host name or address").default("127.0.0.1");

export function loadConsoleEnv(source: NodeJS.ProcessEnv = process.env): ConsoleEnv {
  const writable = source as Record<string, string | undefined>;
  writable.NODE_ENV ??= "production";
  const host = Host.safeParse(source.FANOUT_CONSOLE_HOST);
  if (!host.success) throw new Error(`bad environment: FANOUT_CONSOLE_HOST: ${host.error.issues[0]?.message ?? "invalid"}`);
  return { ...loadEnv(source), host: host.data };
}

/** The environment of a `next build` child: the parent's, without telemetry (there is no network to send it to). */
export function buildEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...source, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
}
