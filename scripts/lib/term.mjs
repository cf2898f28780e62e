// @ts-check
// Terminal output for the root scripts: colours only on a TTY, never under CI or NO_COLOR.

const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0";
const ci = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "0" && process.env.CI !== "false";
export const useColor = forced || (!ci && process.env.NO_COLOR === undefined && Boolean(process.stdout.isTTY));

/** @param {number} code */
const sgr = (code) => (/** @type {string} */ s) => (useColor ? `\x1b[${code}m${s}\x1b[0m` : s);

export const c = {
  bold: sgr(1), dim: sgr(2), red: sgr(31), green: sgr(32), yellow: sgr(33), blue: sgr(34), magenta: sgr(35), cyan: sgr(36),
};

/** Colours handed out to child processes' prefixes, in order. */
export const palette = [c.cyan, c.magenta, c.yellow, c.blue, c.green];

/** @param {string} msg */
export function info(msg) { process.stdout.write(`${c.bold("›")} ${msg}\n`); }
/** @param {string} msg */
export function warn(msg) { process.stderr.write(`${c.yellow("!")} ${msg}\n`); }
/** @param {string} msg */
export function fail(msg) { process.stderr.write(`${c.red("✗")} ${msg}\n`); }

/** @param {number} ms */
export function seconds(ms) { return `${(ms / 1000).toFixed(1)}s`; }
