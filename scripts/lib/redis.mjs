// @ts-check
// Redis for `npm start`: probe the configured one, or run an embedded redis-server with its data under .fanout/.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { createConnection } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { delimiter, join } from "node:path";
import { sleep } from "./net.mjs";
import { info } from "./term.mjs";

/**
 * @typedef {{ host: string, port: number, username: string, password: string, tls: boolean }} RedisTarget
 */

/**
 * @param {string} url redis:// or rediss://
 * @returns {RedisTarget}
 */
export function parseRedisUrl(url) {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error(`REDIS_URL must start with redis:// or rediss:// (got ${url})`);
  return {
    host: u.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1",
    port: Number(u.port || 6379),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    tls: u.protocol === "rediss:",
  };
}

/** @param {string[]} args */
const resp = (args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;

/**
 * Asks the Redis at `t` for PONG (authenticating first when the URL carries a password).
 * @param {RedisTarget} t
 * @param {number} timeoutMs
 * @returns {Promise<"pong" | "refused" | string>} "pong", "refused" (nothing there), or the error Redis answered
 */
export function ping(t, timeoutMs = 1_000) {
  return new Promise((resolve) => {
    const sock = t.tls ? tlsConnect({ host: t.host, port: t.port, servername: t.host }) : createConnection({ host: t.host, port: t.port });
    let buf = "";
    /** @param {string} r */
    const done = (r) => { sock.destroy(); resolve(r); };
    sock.setTimeout(timeoutMs, () => done("refused"));
    sock.once("error", () => done("refused"));
    sock.once(t.tls ? "secureConnect" : "connect", () => {
      const auth = t.password ? resp(t.username ? ["AUTH", t.username, t.password] : ["AUTH", t.password]) : "";
      sock.write(auth + resp(["PING"]));
    });
    sock.on("data", (b) => {
      buf += b.toString();
      const lines = buf.split("\r\n").slice(0, -1);
      const err = lines.find((l) => l.startsWith("-"));
      if (err) done(err.slice(1));
      else if (lines.includes("+PONG")) done("pong");
    });
  });
}

/**
 * @param {RedisTarget} t
 * @param {number} timeoutMs
 */
export async function waitForPong(t, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await ping(t, 500)) === "pong") return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

/**
 * The executable `cmd` on PATH, or null.
 * @param {string} cmd
 */
export function which(cmd) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, cmd);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch (err) {
      if (!(err instanceof Error)) throw err; // not here: try the next PATH entry
    }
  }
  return null;
}

export const INSTALL_HINT = "redis-server not found: install it with  sudo apt-get install -y redis-server  (or brew install redis)";

/**
 * Finds redis-server, installing it with apt-get when we are root on a Debian-like system. Returns null when it is
 * missing and cannot be installed here.
 * @returns {string | null}
 */
export function ensureRedisServer() {
  const found = which("redis-server");
  if (found) return found;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !which("apt-get")) return null;
  info("redis-server not found: installing it (apt-get install -y redis-server)");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  /** @param {string[]} args */
  const apt = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "inherit", "inherit"], env }).status === 0;
  // A fresh image often has no package lists yet: update only when the first attempt fails.
  if (!apt(["install", "-y", "-q", "redis-server"])) {
    if (!apt(["update", "-q"]) || !apt(["install", "-y", "-q", "redis-server"])) return null;
  }
  return which("redis-server");
}

/**
 * Arguments of the embedded redis-server: loopback only, AOF on, data in `dir`.
 * @param {number} port
 * @param {string} dir
 */
export function embeddedArgs(port, dir) {
  mkdirSync(dir, { recursive: true });
  return ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", "everysec",
    "--daemonize", "no", "--loglevel", "warning", "--logfile", ""];
}
