import { createHash } from "node:crypto";
import { followerId, type Account } from "./account.ts";

export interface Truth { count: number; sha256: string }

const cache = new WeakMap<Account, { version: number; truth: Truth }>();

/**
 * `{count, sha256}` of the account's true follower set: sha256 over the ids sorted by byte order, each followed by
 * a newline. Cached per follower-set version because the whale's takes a second or two.
 */
export function truthOf(account: Account): Truth {
  const hit = cache.get(account);
  if (hit && hit.version === account.followers.version) return hit.truth;
  const ids: string[] = new Array<string>(account.followers.count);
  let i = 0;
  account.followers.forEachLive((o) => {
    ids[i++] = followerId(account, o);
  });
  // The default sort compares UTF-16 code units: for these ASCII ids that is byte order (Buffer.compare).
  ids.sort();
  const hash = createHash("sha256");
  const CHUNK = 8192;
  for (let start = 0; start < ids.length; start += CHUNK) {
    hash.update(ids.slice(start, start + CHUNK).join("\n") + "\n");
  }
  const truth = { count: ids.length, sha256: hash.digest("hex") };
  cache.set(account, { version: account.followers.version, truth });
  return truth;
}
