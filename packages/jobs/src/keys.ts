/**
 * Every Redis key Fanout writes, built in one place. Keys that one script touches together share a {hash tag}, so
 * they land in one cluster slot; different trees, accounts, networks and queues get different tags so a cluster
 * spreads them over its masters.
 */
export type Keys = ReturnType<typeof keys>;

export function keys(prefix: string) {
  const tree = (id: string) => `${prefix}:{t.${id}}`;
  const acct = (network: string, id: string) => `${prefix}:{a.${network}.${id}}`;
  const rl = (network: string) => `${prefix}:{rl.${network}}`;
  return {
    prefix,
    /** BullMQ prefix for one queue: its own tag, so queues spread over the cluster. */
    queuePrefix: (queue: string) => `${prefix}:{q.${queue}}`,

    treeMeta: (id: string) => `${tree(id)}:meta`,
    treeCounts: (id: string) => `${tree(id)}:counts`,
    treeNodes: (id: string) => `${tree(id)}:nodes`,
    treeNode: (id: string, node: string) => `${tree(id)}:node:${node}`,
    treeLeaves: (id: string, node: string) => `${tree(id)}:leaves:${node}`,
    /** Pages write here (a SET); it becomes the account's next readable version when the node completes. */
    treeStaging: (id: string, node: string) => `${tree(id)}:staging:${node}`,
    treeCursors: (id: string, node: string) => `${tree(id)}:cursors:${node}`,
    treeCover: (id: string, node: string) => `${tree(id)}:cover:${node}`,
    treeFailed: (id: string) => `${tree(id)}:failed`,
    /** Trees by creation time, for listing and for an account's latest sync. */
    treesIndex: () => `${prefix}:{trees}:index`,
    treesByAccount: (account: string) => `${prefix}:{trees}:acct:${account}`,
    treeEvents: () => `${prefix}:{events}:trees`,

    account: (network: string, id: string) => `${acct(network, id)}:info`,
    accountToken: (network: string, id: string) => `${acct(network, id)}:token`,
    followers: (network: string, id: string) => `${acct(network, id)}:followers`,
    followersMeta: (network: string, id: string) => `${acct(network, id)}:followers:meta`,
    // Issue 12 (store/followers.ts): versioned readable sets and their change sets, all in the account's slot.
    /** One readable version of the set: a SET, paged with SSCAN positions (a ZSET of score 0 if published before issue 11). */
    followersVersion: (network: string, id: string, version: number) => `${acct(network, id)}:followers:v:${version}`,
    /** What version N changed against N-1: `add` and `rem` ZSETs and an `info` hash, expiring together. */
    followersChange: (network: string, id: string, version: number, part: "add" | "rem" | "info") => `${acct(network, id)}:followers:c:${version}:${part}`,
    /** Versions by publish time (what a purge must delete), and the trees already published (tree id → version). */
    followersHistory: (network: string, id: string) => `${acct(network, id)}:followers:history`,
    followersPublished: (network: string, id: string) => `${acct(network, id)}:followers:trees`,
    /** Held while a version is built (one publisher per account at a time). */
    followersLock: (network: string, id: string) => `${acct(network, id)}:followers:lock`,
    /** Scratch keys of one script call, deleted before it returns. */
    followersScratch: (network: string, id: string, name: string) => `${acct(network, id)}:followers:tmp:${name}`,
    /** Every key of an account starts with this (purge checks). */
    accountTag: (network: string, id: string) => acct(network, id),
    parked: (network: string, id: string) => `${acct(network, id)}:parked`,
    accountsIndex: () => `${prefix}:{accounts}:index`,
    /** Connected accounts by next-due refresh time (trickle). */
    accountsDue: () => `${prefix}:{accounts}:due`,

    limitWindow: (network: string, factor: string) => `${rl(network)}:w:${factor}`,
    limitState: (network: string, factor: string) => `${rl(network)}:s:${factor}`,
    adaptive: (network: string, key: string) => `${rl(network)}:adaptive:${key}`,
    limitOverrides: (network: string) => `${rl(network)}:overrides`,
    limitKeys: (network: string) => `${rl(network)}:keys`,

    breaker: (network: string) => `${rl(network)}:breaker`,
    breakerAccounts: (network: string) => `${rl(network)}:breaker:accounts`,
    networkPaused: () => `${prefix}:{ops}:paused-networks`,
    whales: () => `${prefix}:{ops}:whales`,
    errorBuckets: (network: string) => `${prefix}:{err.${network}}:buckets`,
    errorSamples: (network: string) => `${prefix}:{err.${network}}:samples`,
    audit: () => `${prefix}:{ops}:audit`,
    /** Failed page jobs by time: all, and per network (member `queue|jobId|network|kind|account`). */
    failedIndex: () => `${prefix}:{failed}:all`,
    limitHistory: (network: string) => `${rl(network)}:history`,
    metricsDepth: () => `${prefix}:{metrics}:depth`,
    metricsWait: () => `${prefix}:{metrics}:wait`,
    samplerLease: () => `${prefix}:{metrics}:sampler`,
    /** Console operators: names by creation time, and one hash per operator (role, scrypt hash, session epoch). */
    operators: () => `${prefix}:{ops}:operators`,
    operator: (name: string) => `${prefix}:{ops}:operator:${name}`,
    /** Sign-in attempts of one (client address, name) pair, by digest: bounded key size whatever a client sends. */
    loginAttempts: (digest: string) => `${prefix}:{ops}:login:${digest}`,
    /** Console sessions signed out before they expired. */
    revokedSession: (sid: string) => `${prefix}:{ops}:revoked:${sid}`,
    // Issue 12 (delivery/): API keys of the host website, per-key request windows, webhook endpoints and deliveries.
    /** API key names → key id; one hash per key id (name, sha256 of the secret, created, last used). */
    apiKeyNames: () => `${prefix}:{apikeys}:names`,
    apiKey: (keyId: string) => `${prefix}:{apikeys}:key:${keyId}`,
    /** Sliding request window of one API key: its own tag, so busy keys spread over a cluster. */
    apiRate: (name: string) => `${prefix}:{api.${name}}:rate`,
    webhookEndpoints: () => `${prefix}:{wh}:endpoints`,
    webhookEndpoint: (id: string) => `${prefix}:{wh}:ep:${id}`,
    webhookDeliveries: (endpointId: string) => `${prefix}:{wh}:ep:${endpointId}:deliveries`,
    webhookDelivery: (deliveryId: string) => `${prefix}:{wh}:d:${deliveryId}`,
    /** An event's exact body, so every attempt and a hand redelivery send the same bytes. */
    webhookEvent: (eventId: string) => `${prefix}:{wh}:ev:${eventId}`,
    workers: () => `${prefix}:{ops}:workers`,
    worker: (id: string) => `${prefix}:{ops}:worker:${id}`,
  };
}

/** Job ids may not contain ':' (BullMQ) and must not be all digits; account ids can hold anything. */
export function safeId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9_.-]/g, (c) => `~${c.charCodeAt(0).toString(16)}~`);
}
