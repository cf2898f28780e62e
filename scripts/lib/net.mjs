// @ts-check
// Ports and readiness probes for the root scripts (plain Node, no dependencies).
import { createServer } from "node:net";

/**
 * True when nothing listens on `port`. Binding without a host takes the dual-stack wildcard, which collides with a
 * listener on any address (127.0.0.1, 0.0.0.0 or ::), so this finds a server whichever address it chose.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", () => resolve(false));
    srv.listen({ port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * A port the kernel says is free on every address.
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen({ port: 0, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error("the kernel gave no free port"))));
    });
  });
}

/**
 * `preferred` when it is free, otherwise any free port.
 * @param {number} preferred
 */
export async function portOrFree(preferred) {
  if (preferred > 0 && (await portIsFree(preferred))) return { port: preferred, moved: false };
  return { port: await freePort(), moved: preferred > 0 };
}

/**
 * Resolves with the status of GET `url`, or 0 when nothing answered within `timeoutMs`.
 * @param {string} url
 * @param {number} timeoutMs
 * @returns {Promise<number>}
 */
export async function httpStatus(url, timeoutMs = 2_000) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    if (err instanceof Error) return 0; // refused, reset or timed out: the caller polls again
    throw err;
  }
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
