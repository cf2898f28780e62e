import { createHash } from "node:crypto";
import type { NetworkClient, Page } from "../../src/networks/types.ts";

export interface Walk { ids: Set<string>; pages: Page[] }

/**
 * Reads an account's whole list through a client, the plain way (no limiter, no retries): cursor paging until the
 * API gives no next cursor, offset paging until `total` (or an empty page when the total is unknown). Guards
 * against endless paging so a client bug fails the test instead of hanging it.
 */
export async function walk(client: NetworkClient, accountId: string, token: string, opts: { pageSize?: number; maxPages?: number } = {}): Promise<Walk> {
  const ids = new Set<string>();
  const pages: Page[] = [];
  const seen = new Set<string>();
  let cursor: string | null = null;
  let offset = 0;
  for (let i = 0; i < (opts.maxPages ?? 5_000); i++) {
    const page = await client.fetchPage({ accountId, cursor, offset, pageSize: opts.pageSize ?? client.maxPageSize }, { token });
    pages.push(page);
    for (const id of page.ids) ids.add(id);
    if (client.paging === "cursor") {
      if (page.next === null) return { ids, pages };
      if (seen.has(page.next)) throw new Error(`repeated cursor ${page.next}`);
      seen.add(page.next);
      cursor = page.next;
    } else {
      offset += page.ids.length;
      if (page.ids.length === 0 || (page.total !== null && page.total > 0 && offset >= page.total)) return { ids, pages };
    }
  }
  throw new Error(`no end after ${opts.maxPages ?? 5_000} pages`);
}

/** The truth endpoint's digest: ids sorted by byte order, each followed by "\n". */
export function digest(ids: Iterable<string>): string {
  const sorted = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return createHash("sha256").update(sorted.map((id) => `${id}\n`).join("")).digest("hex");
}
