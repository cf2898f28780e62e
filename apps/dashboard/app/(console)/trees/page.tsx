import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { Empty, PageHeader, Panel } from "../../../components/panel.tsx";
import { TreeDetail, TreeSearch } from "../../../components/tree-view.tsx";
import { qk } from "../../../lib/query-keys.ts";
import { TreeIdParams } from "../../../lib/schemas.ts";
import { loadTree, loadTreeNodes, prefetch } from "../../../lib/server-data.ts";

export const metadata: Metadata = { title: "Trees" };

export default async function TreesPage({ searchParams }: { searchParams: Promise<{ id?: string | string[] }> }) {
  const raw = (await searchParams).id;
  const parsed = TreeIdParams.safeParse({ id: typeof raw === "string" ? raw.trim() : "" });
  const id = parsed.success ? parsed.data.id : null;
  return (
    <>
      <PageHeader title="Trees" subtitle="A sync is a tree: one node per account, one leaf per page. Find one by its id.">
        <TreeSearch id={id ?? ""} />
      </PageHeader>
      {id ? (
        <HydrationBoundary state={await prefetch([{ key: qk.trees.doc(id), load: () => loadTree(id) }, { key: qk.trees.nodes(id, 0), load: () => loadTreeNodes(id, 0) }])}>
          <TreeDetail id={id} />
        </HydrationBoundary>
      ) : (
        <Panel title="Find a tree">
          <Empty>{raw ? "That is not a tree id (letters, digits, _ . - only)." : "Enter a tree id (as printed by fanout sync or returned by POST /api/v1/syncs)."} Finding syncs by account arrives with the tree index.</Empty>
        </Panel>
      )}
    </>
  );
}
