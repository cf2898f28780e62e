import { CursorError } from "./errors.ts";

/**
 * Versions and cursors as clients see them. A version is `N.GEN`: N counts the account's publishes and GEN is drawn
 * when the account's first version is made, so versions from before a purge never match later ones. A cursor names
 * one version and a position in it, as page-2.lua returns it: in a SET version an SSCAN batch, how much of it was
 * read and a hash of that; in a ZSET version (published before issue 11) the last id a page returned.
 */
export interface VersionRef { n: number; gen: string }
export interface Cursor extends VersionRef { pos: string }

const GEN = /^[a-z0-9]{1,16}$/;
const SCAN_POS = /^s\d{1,20}:\d{1,6}:\d{1,6}:[0-9a-f]{0,12}$/;

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
  return Buffer.from(`${c.n}.${c.gen}~${c.pos}`, "utf8").toString("base64url");
}

/** Also reads the cursors issued before SET versions: `N.GEN.LASTID`. */
export function decodeCursor(s: string): Cursor {
  const bad = () => new CursorError("not a cursor Fanout issued");
  if (s.length > 4_096 || !/^[A-Za-z0-9_-]+$/.test(s)) throw bad();
  const raw = Buffer.from(s, "base64url").toString("utf8");
  const m = /^(\d{1,15})\.([a-z0-9]{1,16})([.~])/.exec(raw);
  if (!m?.[1] || !m[2] || !m[3]) throw bad();
  const n = Number(m[1]);
  const gen = m[2];
  const rest = raw.slice(m[0].length);
  const pos = m[3] === "." ? `m${rest}` : rest;
  if (!Number.isSafeInteger(n) || n < 1 || !GEN.test(gen) || pos.length < 2) throw bad();
  if (pos.startsWith("s") ? !SCAN_POS.test(pos) : !pos.startsWith("m")) throw bad();
  return { n, gen, pos };
}
