import { createHash } from "node:crypto";
import { createSimnet, type Simnet } from "../src/server.ts";
import type { Network } from "../src/network.ts";

export const NETS: readonly Network[] = ["twitter", "facebook", "linkedin", "mastodon"];

export interface AccountView { network: Network; id: string; token: string; refreshToken: string; followers: number }

/** An in-process simnet on a free port plus the admin calls tests need. */
export interface Harness {
  sim: Simnet;
  url: string;
  admin<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  ok<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  account(network: Network, id: string): Promise<AccountView>;
  /** latency off on every network (the seed's 50/300 ms would only slow tests down), plus `extra` */
  quiet(extra?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(seed = 1): Promise<Harness> {
  const sim = await createSimnet({ seed, port: 0 });
  const url = sim.url;
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text === "" ? undefined : JSON.parse(text)) as T };
  };
  const ok = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await admin<T>(method, path, body);
    if (r.status >= 300) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  return {
    sim, url, admin, ok,
    async account(network, id) {
      const list = await ok<AccountView[]>("GET", `/_simnet/accounts?network=${network}`);
      const a = list.find((x) => x.id === id);
      if (!a) throw new Error(`no account ${network}:${id}`);
      return a;
    },
    async quiet(extra = {}) {
      const off = { latencyMs: { p50: 0, p99: 0 } };
      await ok("PATCH", "/_simnet/config", { networks: { twitter: off, facebook: off, linkedin: off, mastodon: off } });
      if (Object.keys(extra).length > 0) await ok("PATCH", "/_simnet/config", extra);
    },
    close: () => sim.close(),
  };
}

/** sha256 of the distinct ids sorted by byte order, each followed by "\n" (as INTERFACES.md defines it). */
export function shaOf(ids: Iterable<string>): { count: number; sha256: string } {
  const sorted = [...new Set(ids)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const hash = createHash("sha256");
  for (const id of sorted) hash.update(`${id}\n`);
  return { count: sorted.length, sha256: hash.digest("hex") };
}

/** Authorised GET in the network's usual style (Facebook: access_token query; the others: Bearer). */
export async function get(url: string, network: Network, token: string | undefined): Promise<Response> {
  if (network === "facebook" && token !== undefined) {
    return fetch(`${url}${url.includes("?") ? "&" : "?"}access_token=${encodeURIComponent(token)}`);
  }
  return fetch(url, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
}

/** Parses a Link header into rel -> URL. */
export function links(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? "").split(",")) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}

/** The ids of one page body of any network. */
export function idsOf(network: Network, body: unknown): string[] {
  switch (network) {
    case "twitter": return ((body as { data?: { id: string }[] }).data ?? []).map((u) => u.id);
    case "facebook": return (body as { data: { id: string }[] }).data.map((u) => u.id);
    case "linkedin": return (body as { elements: { to: string }[] }).elements.map((e) => e.to.replace("urn:li:person:", ""));
    case "mastodon": return (body as { id: string }[]).map((u) => u.id);
  }
}
