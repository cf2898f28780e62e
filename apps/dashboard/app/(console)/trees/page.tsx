import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Empty, PageHeader, Panel } from "../../../components/panel.tsx";
import { AccountTrees, TreeDetail, TreeSearch } from "../../../components/tree-view.tsx";
import { loadAccountTrees } from "../../../lib/load/trees.ts";
import { qk } from "../../../lib/query-keys.ts";
import { TREE_PAGE } from "../../../lib/queries.ts";
import { Account, TreeIdParams } from "../../../lib/schemas.ts";
import { loadTree, loadTreeNodes, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Trees" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function TreesPage({ searchParams }: { searchParams: Search }) {
  const sp = await searchParams;
  const rawId = typeof sp.id === "string" ? sp.id.trim() : "";
  const rawAccount = typeof sp.account === "string" ? sp.account.trim() : "";
  const id = TreeIdParams.safeParse({ id: rawId }).data?.id ?? null;
  const account = Account.safeParse(rawAccount).data ?? null;
  return (
    <>
      <PageHeader title="Trees" subtitle="A sync is a tree: one node per account, one leaf per page. Find one by its id, or an account's latest syncs.">
        <TreeSearch value={id ?? account ?? ""} />
      </PageHeader>
      {id ? (
        <HydrationBoundary state={await prefetch([{ key: qk.trees.doc(id), load: () => loadTree(id) }, { key: qk.trees.nodes(id, 0), load: () => loadTreeNodes(id, 0) }])}>
          <TreeDetail id={id} />
        </HydrationBoundary>
      ) : account ? (
        <HydrationBoundary state={await prefetch([{ key: qk.trees.ofAccount(account), load: () => loadAccountTrees(account) }])}>
          <AccountTrees account={account} />
        </HydrationBoundary>
      ) : (
        <Panel title="Find a tree">
          <Empty>{rawId || rawAccount ? "That is neither a tree id (letters, digits, _ . -) nor NETWORK:ACCOUNT_ID." : `Enter a tree id (as printed by fanout sync), or an account for its latest syncs. Trees open ${TREE_PAGE} accounts at a time.`}</Empty>
        </Panel>
      )}
    </>
  );
}
