// @ts-check
// `.fanout/run.json` records what one `npm start` started (pid + kernel start time), so that a second one does not
// run beside it on the same data, and the leftovers of a run that was killed outright can be stopped next time,
// without ever touching a process someone else started.
import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { groupAlive, startTimeOf, stopGroup } from "./procs.mjs";

/**
 * @typedef {{ name: string, pid: number, startTime: string | null }} Owned
 * @typedef {{ supervisor: Owned, children: Owned[] }} RunState
 */

/**
 * @param {string} name
 * @param {number} pid
 * @returns {Owned}
 */
export const owned = (name, pid) => ({ name, pid, startTime: startTimeOf(pid) });

/**
 * True when the recorded process still runs as the same process (same pid and, where /proc exists, start time).
 * @param {Owned} p
 */
export function stillRunning(p) {
  if (p.pid <= 0) return false;
  try {
    process.kill(p.pid, 0);
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EPERM") return false;
  }
  return p.startTime === null || startTimeOf(p.pid) === p.startTime;
}

/**
 * @param {string} file
 * @returns {RunState | null}
 */
export function readRunState(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    if (err instanceof Error) return null; // none, or unreadable: nothing we can act on safely
    throw err;
  }
}

/**
 * @param {string} file
 * @param {RunState} state
 */
export function writeRunState(file, state) {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

/** @param {string} file */
export function clearRunState(file) {
  rmSync(file, { force: true });
}

/**
 * Stops the process groups a dead `npm start` left behind. A group whose leader is gone but whose members remain is
 * still ours: Linux does not hand out a pid that is still in use as a process-group id.
 * @param {RunState} state
 * @param {(msg: string) => void} say
 */
export async function stopLeftovers(state, say) {
  for (const p of state.children) {
    const leaderIsOurs = stillRunning(p);
    const leaderReused = !leaderIsOurs && p.startTime !== null && startTimeOf(p.pid) !== null;
    if (leaderReused || !(leaderIsOurs || groupAlive(p.pid))) continue;
    say(`stopping ${p.name} (pid ${p.pid}), left running by an earlier npm start`);
    await stopGroup(p.pid, 10_000);
  }
}
