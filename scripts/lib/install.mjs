// @ts-check
// Are the installed dependencies what package-lock.json says? Compared by content, not by mtime, since a checkout
// or a copy resets mtimes while an edited lockfile may be older than yesterday's install.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * @typedef {{ version?: string, resolved?: string, link?: boolean, optional?: boolean }} LockEntry
 * @typedef {{ packages?: Record<string, LockEntry> }} Lockfile
 */

/**
 * @param {string} file
 * @returns {Lockfile | null}
 */
function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    if (err instanceof Error) return null; // missing or half-written: treated as "not installed"
    throw err;
  }
}

/**
 * Why dependencies must be installed, or null when node_modules matches the lockfile.
 * @param {string} root
 * @returns {{ cmd: "ci" | "install", reason: string } | null}
 */
export function installNeeded(root) {
  const lockPath = join(root, "package-lock.json");
  const hiddenPath = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(lockPath)) {
    if (!existsSync(hiddenPath)) return { cmd: "install", reason: "node_modules is missing and there is no package-lock.json" };
    const stamp = statSync(hiddenPath).mtimeMs;
    const pkg = join(root, "package.json");
    return statSync(pkg).mtimeMs > stamp ? { cmd: "install", reason: "package.json changed since the last install" } : null;
  }
  if (!existsSync(join(root, "node_modules"))) return { cmd: "ci", reason: "node_modules is missing" };
  const lock = readJson(lockPath)?.packages;
  const hidden = readJson(hiddenPath)?.packages;
  if (!lock) return { cmd: "ci", reason: "package-lock.json cannot be read" };
  if (!hidden) return { cmd: "ci", reason: "node_modules was not installed by npm (no node_modules/.package-lock.json)" };
  for (const [key, want] of Object.entries(lock)) {
    if (!key.startsWith("node_modules/") && !key.includes("/node_modules/")) continue;
    const have = hidden[key];
    if (!have) {
      if (want.optional) continue; // platform-specific optional packages are legitimately absent
      return { cmd: "ci", reason: `${key.slice(key.lastIndexOf("node_modules/") + 13)} is not installed` };
    }
    if ((want.version ?? want.resolved) !== (have.version ?? have.resolved)) {
      return { cmd: "ci", reason: `${key.slice(key.lastIndexOf("node_modules/") + 13)} differs from package-lock.json` };
    }
    if (!existsSync(join(root, key))) return { cmd: "ci", reason: `${key} is missing on disk` };
  }
  for (const key of Object.keys(hidden)) {
    if (!(key in lock)) return { cmd: "ci", reason: `${key} is installed but no longer in package-lock.json` };
  }
  return null;
}
