import { CursorError } from "./errors.ts";

/**
 * Versions and cursors as clients see them. A version is `N.GEN`: N counts the account's publishes and GEN is drawn
 * when the account's first version is made, so versions from before a purge never match later ones. A cursor names
 * one version and the last id a page returned (members sort by bytes, so "after this id" is exact).
 */
export interface VersionRef { n: number; gen: string }
export interface Cursor extends VersionRef { after: string }

const GEN = /^[a-z0-9]{1,16}$/;

export function formatVersion(v: VersionRef): string {
  return v.n === 0 ? "0" : `${v.n}.${v.gen}`;
}

export function parseVersion(s: string): VersionRef {
  if (s === "0") return { n: 0, gen: "" };
  const m = /^([1-9]\d{0,14})\.([a-z0-9]{1,16})$/.exec(s);
  if (!m?.[1] || !m[2]) throw new CursorError(`"${s.slice(0, 40)}" is not a version Fanout issued`);
  return { n: Number(m[1]), gen: m[2] };
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.n}.${c.gen}.${c.after}`, "utf8").toString("base64url");
}

export function decodeCursor(s: string): Cursor {
  const bad = () => new CursorError("not a cursor Fanout issued");
  if (s.length > 4_096 || !/^[A-Za-z0-9_-]+$/.test(s)) throw bad();
  const raw = Buffer.from(s, "base64url").toString("utf8");
  const i = raw.indexOf(".");
  const j = raw.indexOf(".", i + 1);
  if (i <= 0 || j <= i) throw bad();
  const n = Number(raw.slice(0, i));
  const gen = raw.slice(i + 1, j);
  const after = raw.slice(j + 1);
  if (!Number.isSafeInteger(n) || n < 1 || !GEN.test(gen) || after === "") throw bad();
  return { n, gen, after };
}
