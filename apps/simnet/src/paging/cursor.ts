import type { Account } from "../accounts/account.ts";
import { mixNumber } from "../ids/hash.ts";
import { DOMAIN_48 } from "../ids/feistel.ts";

/** `next`: items older than the ordinal; `prev`: items newer; `endless`: the n-th page past the end. */
export type CursorKind = "next" | "prev" | "endless";
export interface DecodedCursor { kind: CursorKind; n: number }

const KINDS: readonly CursorKind[] = ["next", "prev", "endless"];
const VALUE_CHARS = 10; // 2^48 < 32^10
const CHECK_CHARS = 6; // 30 bits
const CHECK_MASK = 0x3fff_ffff;

function check(account: Account, kind: CursorKind, n: number): number {
  return mixNumber(account.cursorKey ^ (KINDS.indexOf(kind) * 0x2545f491), n) & CHECK_MASK;
}

function base32(value: number, width: number): string {
  return value.toString(32).padStart(width, "0");
}

/**
 * An opaque pagination token (Twitter's `next_token`, the inside of Facebook's cursors): the ordinal scrambled by
 * the account's cursor permutation, then a keyed check, so a token is useless on another account and cannot be
 * edited into a valid one.
 */
export function encodeCursor(account: Account, kind: CursorKind, n: number): string {
  return base32(account.cursorPerm.forward(n), VALUE_CHARS) + base32(check(account, kind, n), CHECK_CHARS);
}

export function decodeCursor(account: Account, token: string): DecodedCursor | undefined {
  if (token.length !== VALUE_CHARS + CHECK_CHARS || !/^[0-9a-v]+$/.test(token)) return undefined;
  const scrambled = parseInt(token.slice(0, VALUE_CHARS), 32);
  const sum = parseInt(token.slice(VALUE_CHARS), 32);
  if (!(scrambled < DOMAIN_48) || !(sum <= CHECK_MASK)) return undefined;
  const n = account.cursorPerm.inverse(scrambled);
  for (const kind of KINDS) if (check(account, kind, n) === sum) return { kind, n };
  return undefined;
}
