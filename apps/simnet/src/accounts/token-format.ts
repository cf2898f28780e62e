import type { Network } from "../network.ts";
import { tokenBytes } from "../ids/hash.ts";

export type TokenKind = "access" | "refresh";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function alnum(bytes: Buffer, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALNUM.charAt((bytes[i % bytes.length] ?? 0) % ALNUM.length);
  return out;
}

function material(seed: number, label: string, length: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; parts.length * 32 < length; i++) parts.push(tokenBytes(seed, `${label}#${i}`));
  return Buffer.concat(parts);
}

/**
 * A token string in the look of each network's real tokens (Twitter's base64 OAuth 2.0 tokens, Facebook's `EAA…`,
 * LinkedIn's `AQ…`, Mastodon's 43-character base64url). It is an HMAC keyed by the seed: opaque to clients.
 */
export function formatToken(seed: number, network: Network, kind: TokenKind, label: string): string {
  const bytes = material(seed, `${network}:${kind}:${label}`, 96);
  switch (network) {
    case "twitter": {
      const inner = `${bytes.subarray(0, 30).toString("base64url")}:${kind === "access" ? "1:0:at:1" : "1:0:rt:1"}`;
      return Buffer.from(inner).toString("base64url");
    }
    case "facebook":
      return (kind === "access" ? "EAAG" : "EAAGr") + alnum(bytes, 90);
    case "linkedin":
      return (kind === "access" ? "AQV" : "AQX") + bytes.toString("base64url").slice(0, 110);
    case "mastodon":
      return bytes.subarray(0, 32).toString("base64url");
  }
}
