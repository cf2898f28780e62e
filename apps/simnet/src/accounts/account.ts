import type { Network } from "../network.ts";
import { deriveWords, mix32 } from "../ids/hash.ts";
import { createPermutation48, type Permutation48 } from "../ids/feistel.ts";
import { followerIdOf } from "../ids/follower-ids.ts";
import { FollowerSet } from "./follower-set.ts";

/** One simulated account: its true follower set, the keys that make its ids and cursors, and its current tokens. */
export interface Account {
  readonly network: Network;
  readonly id: string;
  readonly followers: FollowerSet;
  /** ordinal -> follower user id */
  readonly idPerm: Permutation48;
  /** ordinal <-> opaque cursor value, so cursors look random and cannot be forged across accounts */
  readonly cursorPerm: Permutation48;
  readonly cursorKey: number;
  /** Mastodon's follow-record ids (`max_id`) are this base plus the ordinal: internal ids, not account ids. */
  readonly followBase: number;
  generation: number;
  token: string;
  refreshToken: string;
}

export function newAccount(seed: number, network: Network, id: string, followers: number): Account {
  const w = deriveWords(seed, `account:${network}:${id.length}:${id}`);
  return {
    network,
    id,
    followers: new FollowerSet(followers),
    idPerm: createPermutation48([w[0] ?? 0, w[1] ?? 0, w[2] ?? 0, w[3] ?? 0]),
    cursorPerm: createPermutation48([w[4] ?? 0, w[5] ?? 0, w[6] ?? 0, w[7] ?? 0]),
    cursorKey: mix32((w[0] ?? 0) ^ (w[7] ?? 0)),
    // 1.1e15 .. 1.2e15: 16-digit ids well clear of the ordinal range, below 2^53 so arithmetic stays exact.
    followBase: 1_100_000_000_000_000 + ((w[5] ?? 0) % 100_000) * 1_000_000_000,
    generation: 0,
    token: "",
    refreshToken: "",
  };
}

export function followerId(account: Account, ordinal: number): string {
  return followerIdOf(account.network, account.idPerm, ordinal);
}
