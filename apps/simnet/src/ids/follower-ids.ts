import type { Network } from "../network.ts";
import { mix32 } from "./hash.ts";
import type { Permutation48 } from "./feistel.ts";

const B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const SIX = 64;

/**
 * Turns one account's follower ordinal into that network's user id. Each format is injective on [0, 2^48), so the
 * Feistel permutation's distinct outputs stay distinct ids:
 * - Twitter: mostly 19-digit snowflakes (`14…`), one in eight an old short id (1–14 digits), so byte order and
 *   numeric order disagree and a client that sorts numbers gets the wrong sha256.
 * - Facebook: 17-digit numeric ids (`10…`).
 * - Mastodon: 18-digit snowflakes (`10…`), one in eight an old small sequential id.
 * - LinkedIn: 10 base64url characters (the ID of `urn:li:person:ID`), mixed case with `-` and `_`.
 */
export type IdFormatter = (permuted: number) => string;

function padded(value: number, width: number): string {
  const s = String(value);
  return s.length >= width ? s : "0".repeat(width - s.length) + s;
}

function twitterId(v: number): string {
  return v % 8 === 0 ? String(v / 8 + 1) : "14" + padded(v, 17);
}

function facebookId(v: number): string {
  return "10" + padded(v, 15);
}

function mastodonId(v: number): string {
  return v % 8 === 0 ? String(v / 8 + 1) : "10" + padded(v, 16);
}

function linkedinId(v: number): string {
  const h = mix32(Math.floor(v / 0x1000) ^ (v & 0xfff) ^ 0x5bd1e995);
  let out = B64URL.charAt(h & 63) + B64URL.charAt((h >>> 6) & 63);
  let rest = v;
  const chars: string[] = [];
  for (let i = 0; i < 8; i++) {
    const digit = rest % SIX;
    chars.push(B64URL.charAt(digit));
    rest = (rest - digit) / SIX;
  }
  for (let i = 7; i >= 0; i--) out += chars[i] ?? "A";
  return out;
}

const FORMATS: Record<Network, IdFormatter> = {
  twitter: twitterId,
  facebook: facebookId,
  linkedin: linkedinId,
  mastodon: mastodonId,
};

export function followerIdOf(network: Network, perm: Permutation48, ordinal: number): string {
  return FORMATS[network](perm.forward(ordinal));
}
