/**
 * The accounts every network starts with (same ids and sizes on each). Sizes cover the edges: no followers, one,
 * a size that fills no page size evenly, one that every page size divides (a Mastodon walk at limit 40 ends on an
 * empty page), a 10,000 account for end-to-end walks, a 50,000 one for long syncs, and the million-follower whale.
 */
export const SEED_ACCOUNTS: readonly { id: string; followers: number }[] = [
  { id: "empty", followers: 0 },
  { id: "solo", followers: 1 },
  { id: "small", followers: 37 },
  { id: "medium", followers: 1_000 },
  { id: "large", followers: 10_000 },
  { id: "big", followers: 50_000 },
  { id: "whale", followers: 1_000_000 },
];
