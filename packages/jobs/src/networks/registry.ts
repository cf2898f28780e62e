import { defineNetwork, type DefineOptions, type DefinedNetwork, type NetworkSpec } from "./define.ts";
import { createFacebookClient } from "./facebook.ts";
import { createLinkedInClient } from "./linkedin.ts";
import { createMastodonClient } from "./mastodon.ts";
import { createTwitterClient, type OAuthClient } from "./twitter.ts";

/** Where the clients point. Values come from the lead's env.ts (SIMNET_URL, FANOUT_LIVE); nothing is read here. */
export interface BaseUrlContext {
  simnetUrl: string;
  live: boolean;
  /** Live Mastodon is per instance; the built-in client serves one. */
  mastodonInstance?: string;
}

export type BaseUrlFor = (ctx: BaseUrlContext) => string;

interface Builtin {
  baseUrl: BaseUrlFor;
  create(opts: DefineOptions & { baseUrl: string; timeoutMs?: number; oauthClient?: OAuthClient }): DefinedNetwork;
}

const simnet = (prefix: string) => (ctx: BaseUrlContext) => `${ctx.simnetUrl.replace(/\/+$/, "")}/${prefix}`;

export const BUILTIN_NETWORKS = {
  twitter: { baseUrl: (ctx) => (ctx.live ? "https://api.twitter.com" : simnet("twitter")(ctx)), create: createTwitterClient },
  facebook: { baseUrl: (ctx) => (ctx.live ? "https://graph.facebook.com" : simnet("facebook")(ctx)), create: createFacebookClient },
  linkedin: { baseUrl: (ctx) => (ctx.live ? "https://api.linkedin.com" : simnet("linkedin")(ctx)), create: createLinkedInClient },
  mastodon: {
    baseUrl: (ctx) => (ctx.live ? (ctx.mastodonInstance ?? "https://mastodon.social") : simnet("mastodon")(ctx)),
    create: createMastodonClient,
  },
} satisfies Record<string, Builtin>;

export type BuiltinNetworkName = keyof typeof BUILTIN_NETWORKS;

/** A network from the user's config: a spec whose base URL may depend on simnet/live mode. */
export type UserNetworkSpec = Omit<NetworkSpec, "baseUrl"> & { baseUrl: string | BaseUrlFor };

export interface RegistryOptions extends BaseUrlContext, DefineOptions {
  /** Per-network hard timeouts (ms), overriding each spec's. */
  timeoutMs?: Readonly<Record<string, number>>;
  /** The app's OAuth 2.0 client, needed by live Twitter token refreshes. */
  twitterOAuthClient?: OAuthClient;
  networks?: readonly (UserNetworkSpec | DefinedNetwork)[];
}

export interface NetworkRegistry {
  get(name: string): DefinedNetwork | undefined;
  /** Throws for an unknown network (a job naming one is bad input, not a network failure). */
  require(name: string): DefinedNetwork;
  names(): string[];
  /** Adds a user-defined network (a spec, or a client `defineNetwork` already made); a name already taken is refused. */
  add(spec: UserNetworkSpec | DefinedNetwork): DefinedNetwork;
}

export class UnknownNetworkError extends Error {
  constructor(readonly network: string) {
    super(`unknown network "${network}"`);
    this.name = "UnknownNetworkError";
  }
}

export function createRegistry(opts: RegistryOptions): NetworkRegistry {
  const clients = new Map<string, DefinedNetwork>();
  const define: DefineOptions = { clock: opts.clock, dispatcher: opts.dispatcher };
  for (const [name, builtin] of Object.entries(BUILTIN_NETWORKS) as [BuiltinNetworkName, Builtin][]) {
    clients.set(name, builtin.create({ ...define, baseUrl: builtin.baseUrl(opts), timeoutMs: opts.timeoutMs?.[name], oauthClient: opts.twitterOAuthClient }));
  }
  const registry: NetworkRegistry = {
    get: (name) => clients.get(name),
    require(name) {
      const client = clients.get(name);
      if (!client) throw new UnknownNetworkError(name);
      return client;
    },
    names: () => [...clients.keys()],
    add(spec) {
      if (clients.has(spec.name)) throw new Error(`network "${spec.name}" is already defined`);
      if ("fetchPage" in spec) {
        clients.set(spec.name, spec);
        return spec;
      }
      const baseUrl = typeof spec.baseUrl === "function" ? spec.baseUrl(opts) : spec.baseUrl;
      const client = defineNetwork({ ...spec, baseUrl, timeoutMs: opts.timeoutMs?.[spec.name] ?? spec.timeoutMs }, define);
      clients.set(spec.name, client);
      return client;
    },
  };
  for (const spec of opts.networks ?? []) registry.add(spec);
  return registry;
}
