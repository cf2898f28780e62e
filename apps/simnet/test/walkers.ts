import type { Network } from "../src/network.ts";
import { get, idsOf, links } from "./helpers.ts";

export interface Walk { ids: string[]; pages: string[][]; requests: number }

const MAX_PAGES = 20_000;

async function json(res: Response): Promise<unknown> {
  if (res.status !== 200) throw new Error(`page answered ${res.status}: ${await res.text()}`);
  return res.json();
}

/**
 * Walks an account's whole follower list with the network's own paging mechanics: Twitter's next_token, Facebook's
 * paging.next URL, LinkedIn's start/count with paging.total (or an empty page when total is 0), Mastodon's Link.
 */
export async function walk(base: string, network: Network, id: string, token: string, pageSize?: number): Promise<Walk> {
  const pages: string[][] = [];
  const page = (body: unknown): void => {
    pages.push(idsOf(network, body));
    if (pages.length > MAX_PAGES) throw new Error("walk did not end");
  };
  switch (network) {
    case "twitter": {
      let next: string | undefined;
      do {
        const q = `max_results=${pageSize ?? 100}${next === undefined ? "" : `&pagination_token=${next}`}`;
        const body = (await json(await get(`${base}/twitter/2/users/${id}/followers?${q}`, network, token))) as { meta: { next_token?: string } };
        page(body);
        next = body.meta.next_token;
      } while (next !== undefined);
      break;
    }
    case "facebook": {
      let url: string | undefined = `${base}/facebook/v19.0/me/friends?limit=${pageSize ?? 25}`;
      let first = true;
      while (url !== undefined) {
        // paging.next already carries the access token, as Graph's do.
        const res: Response = first ? await get(url, network, token) : await fetch(url);
        first = false;
        const body = (await json(res)) as { paging?: { next?: string } };
        page(body);
        url = body.paging?.next;
      }
      break;
    }
    case "linkedin": {
      let start = 0;
      for (;;) {
        const url = `${base}/linkedin/v2/connections?q=viewer&start=${start}&count=${pageSize ?? 50}`;
        const body = (await json(await get(url, network, token))) as { elements: unknown[]; paging: { total: number } };
        page(body);
        start += body.elements.length;
        if (body.elements.length === 0 || (body.paging.total > 0 && start >= body.paging.total)) break;
      }
      break;
    }
    case "mastodon": {
      let url: string | undefined = `${base}/mastodon/api/v1/accounts/${id}/followers?limit=${pageSize ?? 80}`;
      while (url !== undefined) {
        const res = await get(url, network, token);
        page(await json(res));
        url = links(res.headers.get("link")).next;
      }
      break;
    }
  }
  return { ids: pages.flat(), pages, requests: pages.length };
}
