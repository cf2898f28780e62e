import { readFileSync } from "node:fs";
import type { RedisClient } from "./redis.ts";

/**
 * Lua scripts live in .lua files named `name-<number of keys>.lua` with a KEYS/ARGV header, and are registered once
 * per connection with defineCommand (EVALSHA, falling back to EVAL after a SCRIPT FLUSH or a restart).
 */
const FILES = {
  treeLeaf: new URL("./tree/leaf-8.lua", import.meta.url),
  limiterAcquire: new URL("./limiter/acquire-n.lua", import.meta.url),
  limiterGate: new URL("./limiter/gate-n.lua", import.meta.url),
  limiterReport: new URL("./limiter/report-n.lua", import.meta.url),
  limiterObserve: new URL("./limiter/observe-2.lua", import.meta.url),
  adaptive: new URL("./limiter/adaptive-1.lua", import.meta.url),
  breaker: new URL("./breaker/breaker-2.lua", import.meta.url),
  followersCommit: new URL("./store/commit-8.lua", import.meta.url),
  followersDiff: new URL("./store/diff-3.lua", import.meta.url),
  followersSettle: new URL("./store/settle-1.lua", import.meta.url),
  unlock: new URL("./store/unlock-1.lua", import.meta.url),
  followersPage: new URL("./store/page-2.lua", import.meta.url),
  followersChanges: new URL("./store/changes-n.lua", import.meta.url),
  apiRate: new URL("./delivery/rate-1.lua", import.meta.url),
  reseal: new URL("./reseal-1.lua", import.meta.url),
  scrubSamples: new URL("./delivery/scrub-1.lua", import.meta.url),
  accountDisconnect: new URL("./disconnect-1.lua", import.meta.url),
  accountConnect: new URL("./connect-2.lua", import.meta.url),
} as const;

export type ScriptName = keyof typeof FILES;

/**
 * Scripts made of others: each part's file becomes a local function of the given name, taking its own KEYS and ARGV,
 * ahead of the script's body, which calls them. One part's logic lives in one file, whether run alone or composed.
 */
const PARTS: Partial<Record<ScriptName, Record<string, ScriptName>>> = {
  limiterGate: { breaker: "breaker", acquire: "limiterAcquire", adaptive: "adaptive" },
  limiterReport: { breaker: "breaker", observe: "limiterObserve", adaptive: "adaptive" },
};

/** Each script's source, read once per process (every connection defines every script). */
const sources = new Map<ScriptName, string>();
function source(name: ScriptName): string {
  let lua = sources.get(name);
  if (lua === undefined) {
    const parts = Object.entries(PARTS[name] ?? {}).map(([fn, part]) => `local function ${fn}(KEYS, ARGV)\n${readFileSync(FILES[part], "utf8")}\nend\n`);
    lua = parts.join("") + readFileSync(FILES[name], "utf8");
    sources.set(name, lua);
  }
  return lua;
}
type ScriptFn = (...args: (string | number | Buffer)[]) => Promise<unknown>;

const loaded = new WeakSet<object>();

export function loadScripts(redis: RedisClient): void {
  if (loaded.has(redis)) return;
  for (const [name, url] of Object.entries(FILES)) {
    // `name-n.lua` takes a variable number of keys: the caller passes the count first.
    const count = /-(\d+|n)\.lua$/.exec(url.pathname)?.[1];
    const lua = source(name as ScriptName);
    redis.defineCommand(name, count === "n" || count === undefined ? { lua } : { numberOfKeys: Number(count), lua });
  }
  loaded.add(redis);
}

const VARIADIC = new Set<ScriptName>(Object.entries(FILES).filter(([, u]) => u.pathname.endsWith("-n.lua")).map(([n]) => n as ScriptName));

/** Runs a registered script: keys first, then args (strings, numbers or buffers). */
export function runScript(redis: RedisClient, name: ScriptName, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
  loadScripts(redis);
  const fn = (redis as unknown as Record<string, ScriptFn>)[name];
  if (!fn) throw new Error(`script ${name} not loaded`);
  return VARIADIC.has(name) ? fn.call(redis, keys.length, ...keys, ...args) : fn.call(redis, ...keys, ...args);
}
