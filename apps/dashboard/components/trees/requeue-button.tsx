"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "../../lib/fetch-json.ts";
import { formatCount } from "../../lib/overview-data.ts";
import { qk } from "../../lib/query-keys.ts";
import { roleAllows } from "../../lib/roles.ts";
import { useConsoleSession } from "../providers.tsx";
import { ConfirmButton } from "../ui/confirm.tsx";

/** "Requeue failed" on the whole tree, or (with `node`) on one account's subtree. */
export function RequeueButton({ treeId, failed, node }: { treeId: string; failed: number; node?: string }) {
  const session = useConsoleSession();
  const qc = useQueryClient();
  const requeue = useMutation({
    mutationFn: () => fetchJson<{ requeued: number }>(`/api/trees/${encodeURIComponent(treeId)}/requeue`, { method: "POST", body: node ? { node } : {}, csrf: session.csrf }),
    onSettled: () => qc.invalidateQueries({ queryKey: qk.trees.all() }),
  });
  const what = node ? <>of <span className="mono">{node}</span> in {treeId}</> : <>of tree <span className="mono">{treeId}</span></>;
  return (
    <div className="row">
      {requeue.data ? <span className="small muted" role="status">{requeue.data.requeued} page{requeue.data.requeued === 1 ? "" : "s"} requeued</span> : null}
      {requeue.isError ? <span className="error-text" role="alert">{requeue.error.message}</span> : null}
      <ConfirmButton label={<>Requeue failed ({formatCount(failed)})</>} title="Requeue failed pages" className={node ? "btn btn-tiny" : "btn btn-small"}
        disabled={!failed || !roleAllows(session.role, "operator") || requeue.isPending} testId={node ? `requeue-node-${node}` : "requeue-tree"}
        prepare={() => ({ message: <p>Requeue the <b className="num">{formatCount(failed)}</b> failed page{failed === 1 ? "" : "s"} {what}? They run again with fresh attempts.</p> })}
        onConfirm={() => requeue.mutate()} />
    </div>
  );
}
