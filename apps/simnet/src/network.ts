/** The simulated networks, in the order stats and config list them. */
export const NETWORKS = ["twitter", "facebook", "linkedin", "mastodon"] as const;
export type Network = (typeof NETWORKS)[number];

export function isNetwork(value: string): value is Network {
  return (NETWORKS as readonly string[]).includes(value);
}
