import { readFileSync } from "node:fs";
import type { RedisClient } from "../redis.ts";

/**
 * The scripts of the follower store and of delivery (issue 12), registered with defineCommand like scripts.ts does
 * for the engine's: `name-<keys>.lua` (or `-n` for a variable key count) with a KEYS/ARGV header on top. Kept apart
 * from scripts.ts so these modules own their scripts.
 */
const FILES = {
  followersPublish: new URL("./publish-9.lua", import.meta.url),
  followersPage: new URL("./page-2.lua", import.meta.url),
  followersChanges: new URL("./changes-n.lua", import.meta.url),
  apiRate: new URL("../delivery/rate-1.lua", import.meta.url),
} as const;

export type LuaName = keyof typeof FILES;
type ScriptFn = (...args: (string | number | Buffer)[]) => Promise<unknown>;

const loaded = new WeakSet<object>();

function load(redis: RedisClient): void {
  if (loaded.has(redis)) return;
  for (const [name, url] of Object.entries(FILES)) {
    const count = /-(\d+|n)\.lua$/.exec(url.pathname)?.[1];
    const lua = readFileSync(url, "utf8");
    redis.defineCommand(name, count === "n" || count === undefined ? { lua } : { numberOfKeys: Number(count), lua });
  }
  loaded.add(redis);
}

/** Runs one of these scripts: keys first, then args. */
export function runLua(redis: RedisClient, name: LuaName, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
  load(redis);
  const fn = (redis as unknown as Record<string, ScriptFn>)[name];
  if (!fn) throw new Error(`script ${name} not loaded`);
  return FILES[name].pathname.endsWith("-n.lua") ? fn.call(redis, keys.length, ...keys, ...args) : fn.call(redis, ...keys, ...args);
}
